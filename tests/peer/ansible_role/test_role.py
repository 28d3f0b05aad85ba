"""The real `ovirt.ovirt.disaster_recovery` role, unmodified, driving the simulated Engines.

Two labs of the same world (same seed): the role works on one, `olvm-dr` on the other, and
the end states read through the official SDK must be equal (MAC addresses aside, which the
Engine hands out from its pool at registration). The role ignores most errors and its
playbook exits 0 regardless, so every step is judged by the state it leaves and by the
failed tasks in its output, which each assertion message carries.

The steps share the two labs and run in file order: generate_mapping, ovirt-dr validate,
the primary's disaster, fail_over, the primary's return, clean_engine, fail_back.
"""

import pytest
import yaml

from end_state import differences, read_site
from reference import olvm_dr, olvm_generate
from role import Role
from simlab import SimLab

SEED = 7


@pytest.fixture(scope="module")
def labs(tmp_path_factory):
    """(the role's lab with its Role, olvm-dr's lab)."""
    base = tmp_path_factory.mktemp("peer")
    started = []
    try:
        role_lab = SimLab.start(base / "role-lab", SEED)
        started.append(role_lab)
        ref_lab = SimLab.start(base / "olvm-dr-lab", SEED)
        started.append(ref_lab)
        yield role_lab, Role(role_lab, base / "role"), ref_lab
    finally:
        for lab in started:
            lab.stop()


def _state(lab, site):
    conn = lab.connect(site)
    try:
        return read_site(conn)
    finally:
        conn.close()


def _evidence(run):
    text = "\n".join(run.failed_tasks()) or "(no failed task)"
    return f"{text}\nreport:\n{run.report}"


def _primary_side(mapping):
    """What the generator reads from the primary: every entry's primary-side values."""

    def entries(key, fields):
        return sorted(
            tuple(str(e.get(f)) for f in fields) for e in (mapping.get(key) or []) if isinstance(e, dict)
        )

    return {
        "url": mapping.get("dr_sites_primary_url"),
        "storages": entries(
            "dr_import_storages",
            [
                "dr_domain_type",
                "dr_storage_domain_type",
                "dr_primary_name",
                "dr_primary_dc_name",
                "dr_primary_master_domain",
                "dr_primary_address",
                "dr_primary_path",
                "dr_domain_id",
                "dr_wipe_after_delete",
                "dr_backup",
                "dr_critical_space_action_blocker",
                "dr_warning_low_space",
                "dr_discard_after_delete",
                "dr_primary_vfs_type",
            ],
        ),
        "clusters": entries("dr_cluster_mappings", ["primary_name"]),
        "affinity_groups": sorted(set(entries("dr_affinity_group_mappings", ["primary_name"]))),
        "affinity_labels": entries("dr_affinity_label_mappings", ["primary_name"]),
        "authz_domains": entries("dr_domain_mappings", ["primary_name"]),
        "networks": entries(
            "dr_network_mappings", ["primary_network_name", "primary_profile_name", "primary_profile_id"]
        ),
        "luns": entries(
            "dr_lun_mappings",
            [
                "primary_logical_unit_id",
                "primary_storage_type",
                "primary_logical_unit_address",
                "primary_logical_unit_port",
                "primary_logical_unit_portal",
                "primary_logical_unit_target",
            ],
        ),
    }


def test_generate_mapping_reads_the_primary_as_olvm_dr_generate_does(labs, tmp_path):
    """The role's generate_mapping and `olvm-dr generate` on the same primary write the same
    primary-side values. (The lab's own mapping is completed by hand and differs on purpose:
    its master flags say which domain becomes master at the target, and it maps only the
    affinity labels that VMs carry.)"""
    role_lab, role, _ = labs
    out = tmp_path / "role-generated.yml"
    run = role.generate_mapping(out)
    assert out.exists(), f"generate_mapping wrote no file\n{run.output[-4000:]}"
    ref = tmp_path / "olvm-dr-generated.yml"
    code, text = olvm_generate(role_lab, ref)
    assert code == 0, text
    got = _primary_side(yaml.safe_load(out.read_text()))
    want = _primary_side(yaml.safe_load(ref.read_text()))
    assert got == want, "role (first) vs olvm-dr (second):\n" + "\n".join(differences(got, want))


def test_ovirt_dr_validate_accepts_the_lab_mapping(labs):
    _, role, _ = labs
    run = role.validate()
    assert "Finished validation of variable mapping file" in run.output, run.output
    assert "Failed to validate" not in run.output, run.output


def test_fail_over_leaves_the_secondary_as_olvm_dr_failover_does(labs):
    role_lab, role, ref_lab = labs
    for lab in (role_lab, ref_lab):
        lab.lose_primary()
    code, out = olvm_dr(ref_lab, "failover", "--target", "secondary")
    assert code == 0, out
    run = role.fail_over()
    assert run.returncode == 0, run.output[-4000:]
    got, want = _state(role_lab, "secondary"), _state(ref_lab, "secondary")
    diff = differences(got, want)
    assert not diff, "role (first) vs olvm-dr (second):\n" + "\n".join(diff) + "\n" + _evidence(run)


def test_clean_engine_leaves_the_returned_primary_as_olvm_dr_cleanup_does(labs):
    """The primary returns with its old state (its domains still attached and active there);
    the role's clean_engine with dr_source_map=primary against `olvm-dr cleanup --site primary`
    with the role's choices (power off, orphans removed, forced removal).

    With the default dr_ignore_error_clean=False the role's OVF store step (bug B4: it names
    the undefined `iscsi_storage`) aborts the cleanup once the VMs are off; with errors ignored
    it goes on to remove the domains. Both runs are judged."""
    role_lab, role, ref_lab = labs
    for lab in (role_lab, ref_lab):
        lab.recover_primary()
    code, out = olvm_dr(
        ref_lab, "cleanup", "--site", "primary", "--power-off", "--remove-orphans", "--force-remove"
    )
    assert code == 0, out
    want = _state(ref_lab, "primary")

    first = role.clean_engine("primary")
    after_first = _state(role_lab, "primary")
    running = sorted(n for n, vm in after_first["vms"].items() if vm["status"] != "down")
    assert not running, f"VMs still running after clean_engine: {running}\n" + _evidence(first)

    second = role.playbook("clean_engine", {"dr_source_map": "primary", "dr_cleanup_delay_maintenance": 1,
                                            "dr_ignore_error_clean": True})
    got = _state(role_lab, "primary")
    diff = differences(got, want)
    assert not diff, "role (first) vs olvm-dr (second):\n" + "\n".join(diff) + "\n" + _evidence(second)


def test_fail_back_returns_to_the_primary_as_olvm_dr_failback_does(labs):
    """The role's fail_back (target primary, source secondary) after clean_engine, against
    `olvm-dr failback --target primary --no-clean-returning-site` (the primary is clean
    already). Replication runs back toward the primary first, in both labs."""
    role_lab, role, ref_lab = labs
    for lab in (role_lab, ref_lab):
        lab.control("secondary", "POST", "/replication", {"action": "reverse", "target": "all"})
    code, out = olvm_dr(
        ref_lab, "failback", "--target", "primary", "--no-clean-returning-site", "--storage-ready-command", "true"
    )
    assert code == 0, out
    run = role.fail_back()
    got = {site: _state(role_lab, site) for site in ("primary", "secondary")}
    want = {site: _state(ref_lab, site) for site in ("primary", "secondary")}
    diff = differences(got, want)
    assert not diff, "role (first) vs olvm-dr (second):\n" + "\n".join(diff) + "\n" + _evidence(run)
