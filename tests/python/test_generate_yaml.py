"""Files written by `olvm-dr generate` load in PyYAML safe_load (Ansible's loader) to the values
the role expects.

The files are golden files written from a fake two-site world by olvm-dr-core's
`generate_golden` test (which fails when they are out of date), with the values of the model
they were written from next to them (`*.expected.json`). `primary-only.yml` is what generate
writes from the primary, with names YAML 1.1 would misread and the secondary's values as
placeholders; `completed.yml` is a file pre-filled from the secondary and completed.
"""

import json
import re

import pytest
import yaml

from conftest import ROOT

GENERATED = ROOT / "tests" / "python" / "fixtures" / "generate"
CASES = sorted(GENERATED.glob("*.yml"))
PLACEHOLDERS = GENERATED / "primary-only.yml"
COMPLETED = GENERATED / "completed.yml"

BOOL_KEYS = {"dr_wipe_after_delete", "dr_backup", "dr_discard_after_delete", "dr_primary_master_domain",
             "dr_secondary_master_domain", "wipe_after_delete", "shareable"}
INT_KEYS = {"dr_critical_space_action_blocker", "dr_warning_low_space", "dr_primary_port", "dr_secondary_port",
            "primary_logical_unit_port", "secondary_logical_unit_port"}
LISTS = ["dr_import_storages", "dr_cluster_mappings", "dr_affinity_group_mappings", "dr_affinity_label_mappings",
         "dr_domain_mappings", "dr_role_mappings", "dr_network_mappings", "dr_lun_mappings"]


def load(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def expected(path):
    return json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))


def test_both_golden_files_are_there():
    assert [p.name for p in CASES] == ["completed.yml", "primary-only.yml"]


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_loads_to_exactly_the_generated_values(path):
    assert load(path) == expected(path)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_values_have_the_types_the_role_uses(path):
    data = load(path)
    for key in LISTS:
        assert isinstance(data[key], list), key
    entries = [e for key in LISTS for e in data[key]]
    for entry in entries:
        for key, value in entry.items():
            if value is None:
                continue
            if key in BOOL_KEYS:
                assert isinstance(value, bool), (key, value)
            elif key in INT_KEYS:
                assert isinstance(value, int) and not isinstance(value, bool), (key, value)
            elif key in ("dr_primary_target", "dr_secondary_target"):
                assert isinstance(value, list) and all(isinstance(t, str) for t in value), (key, value)
            else:
                assert isinstance(value, str), (key, value)
    for entry in data["dr_lun_mappings"]:
        # The role sends the portal group tag as text ("1"), never the host's "ip:port,tpgt".
        for site in ("primary", "secondary"):
            portal = entry.get(f"{site}_logical_unit_portal")
            assert portal is None or re.fullmatch(r"\d+", portal), portal


def test_the_role_mapping_is_one_blank_entry_and_secondary_values_are_placeholders():
    data = load(PLACEHOLDERS)
    assert data["dr_role_mappings"] == [{"primary_name": None, "secondary_name": None}]
    assert data["dr_sites_secondary_url"] is None
    for entry in data["dr_import_storages"]:
        assert entry["dr_primary_name"] is not None
        assert entry["dr_secondary_name"] is None
    names = [e["primary_name"] for e in data["dr_affinity_label_mappings"]]
    for tricky in ["yes", "0755", "1:30", "2024-01-01", "a: b #c", "*ref", "&anchor", "!tag", "'quoted'", "[x]",
                   "@at", "-dash", "ünïcødé", "~"]:
        assert tricky in names, tricky
    # Hosted-engine and export domains are left out (commented), with the reason.
    assert all(e["dr_primary_name"] not in ("hosted_storage", "export1") for e in data["dr_import_storages"])
    text = PLACEHOLDERS.read_text(encoding="utf-8")
    assert "#   dr_primary_name: hosted_storage" in text
    assert "#   dr_primary_name: export1" in text


def uncomment_hints(text):
    """What a person gets by deleting `# ` from every placeholder: `key: # value` becomes
    `key: value`, and the commented-out `# secondary_network_dc: dc` becomes a key."""
    out = []
    for line in text.splitlines():
        m = re.fullmatch(r"(\s*(?:- )?[a-z_]*secondary[a-z_]*): # (.*)", line)
        if m:
            line = f"{m.group(1)}: {m.group(2)}"
        m = re.fullmatch(r"(\s+)# (secondary_network_dc: .*)", line)
        if m:
            line = m.group(1) + m.group(2)
        out.append(line)
    return "\n".join(out) + "\n"


def test_every_hint_is_the_primary_value_as_yaml():
    data = yaml.safe_load(uncomment_hints(PLACEHOLDERS.read_text(encoding="utf-8")))
    for key in ("url", "username", "ca_file"):
        assert data[f"dr_sites_secondary_{key}"] == data[f"dr_sites_primary_{key}"]
    compared = 0
    for list_key in LISTS:
        for entry in data[list_key]:
            for key, value in entry.items():
                for primary, secondary in (("dr_primary_", "dr_secondary_"), ("primary_", "secondary_")):
                    if key.startswith(primary):
                        other = secondary + key[len(primary):]
                        if other in entry:
                            assert entry[other] == value, (list_key, other, entry[other], value)
                            compared += 1
    assert compared > 100


def test_validate_offline_lists_only_secondary_values_to_fill_in(olvm_dr):
    result = olvm_dr("validate", "--offline", "--no-ca-check", "--output", "json", PLACEHOLDERS)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    errors = [d for d in report["diagnostics"] if d["severity"] == "error"]
    assert errors
    for d in errors:
        assert d["code"] == "DR0203", d
        assert "secondary" in d["key"], d
    result = olvm_dr("validate", "--offline", "--no-ca-check", "--output", "json", COMPLETED)
    assert result.returncode == 0, result.stdout
