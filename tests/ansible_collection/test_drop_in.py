"""The olvm.dr collection as a drop-in for ovirt.ovirt.disaster_recovery, against a lab.

The upstream role's own example playbooks (from the `ansible` 11.13.0 package), with only the
role's name changed, run the way sites run them: generate_mapping, `ovirt-dr validate`,
fail_over (first in check mode, which must change nothing), a run that cannot succeed (its
task must fail, where the upstream role exits 0), and fail_back with the storage gate as a
command. Every end state is read through the official oVirt SDK. The steps share one lab and
run in file order.
"""

import json
import pathlib
import sys

import pytest
import yaml

from end_state import differences, read_site
from playbooks import Plays
from simlab import PASSWORD, SimLab

SEED = 11
HERE = pathlib.Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    lab = SimLab.start(tmp_path_factory.mktemp("collection-lab"), SEED)
    try:
        yield lab
    finally:
        lab.stop()


@pytest.fixture(scope="module")
def plays(lab, tmp_path_factory):
    return Plays(lab, tmp_path_factory.mktemp("plays"))


def _state(lab, site):
    conn = lab.connect(site)
    try:
        return read_site(conn)
    finally:
        conn.close()


def _mapped(lab, site):
    """The mapped domains' names on `site`."""
    mapping = yaml.safe_load(lab.mapping_file.read_text())
    return sorted(s[f"dr_{site}_name"] for s in mapping["dr_import_storages"])


def _active(state, names):
    """Of `names`, those attached and active on the site."""
    out = []
    for name in names:
        sd = state["storage_domains"].get(name)
        if sd and any(a["status"] == "active" for a in sd["attached"]):
            out.append(name)
    return sorted(out)


def _up(state):
    return sorted(n for n, vm in state["vms"].items() if vm["status"] == "up")


def test_without_tags_the_role_refuses_to_run(plays):
    # The upstream role runs a failback of the primary here.
    run = plays.playbook("dr_play.yml", "all", var_files=[plays.vars_file, plays.passwords_file])
    assert run.returncode != 0, run
    assert "needs an action" in run.output, run


def test_generate_mapping_writes_the_mapping_from_the_primary(lab, plays):
    out = plays.dir / "generated" / "disaster_recovery_vars.yml"
    run = plays.playbook(
        "dr_play.yml",
        "generate_mapping",
        {"site": lab.url("primary"), "username": "admin@internal", "password": PASSWORD,
         "ca": str(lab.ca_file), "var_file": str(out)},
    )
    assert run.returncode == 0, run
    assert PASSWORD not in run.output
    generated = yaml.safe_load(out.read_text())
    assert generated["dr_sites_primary_url"] == lab.url("primary")
    names = sorted(s["dr_primary_name"] for s in generated["dr_import_storages"])
    assert names == _mapped(lab, "primary")


def test_ovirt_dr_validate_reads_the_scripts_command_line(lab, plays):
    conf = plays.dir / "dr.conf"
    conf.write_text(
        "[log]\nlog_file = logs/ovirt-dr-{}.log\nlog_level = DEBUG\n\n"
        f"[validate_vars]\nvar_file = {plays.vars_file}\n\n"
        "[failover_failback]\ndr_target_host = secondary\ndr_source_map = primary\n"
        f"vault = {plays.passwords_file}\nvar_file = {plays.vars_file}\n"
    )
    run = plays.ovirt_dr("validate", f"--conf-file={conf}")
    assert run.returncode == 0, run
    assert "valid: 0 errors" in run.output, run
    # Online: the Engines were read (the OVF store ages come from the primary's Engine).
    assert "DR0815" in run.output, run
    # The script's usage and its missing action, with its exit code 2.
    run = plays.ovirt_dr()
    assert run.returncode == 2 and "missing action operand" in run.output, run
    run = plays.ovirt_dr("--help")
    assert run.returncode == 0 and "usage: ovirt-dr" in run.output, run


def test_fail_over_in_check_mode_plans_and_changes_nothing(lab, plays):
    lab.lose_primary()
    before = _state(lab, "secondary")
    run = plays.playbook(
        "dr_play.yml", "fail_over", {"dr_target_host": "secondary", "dr_source_map": "primary"},
        var_files=[plays.vars_file, plays.passwords_file], options=["--check", "--diff"],
    )
    assert run.returncode == 0, run
    # The diff is the plan.
    assert "failover plan" in run.output, run
    assert differences(before, _state(lab, "secondary")) == []
    assert not (plays.state_dir / "runs").exists() or not list((plays.state_dir / "runs").iterdir())


def test_fail_over_brings_the_mapped_domains_and_vms_up_on_the_secondary(lab, plays):
    report = plays.dir / "failover-report.log"
    run = plays.playbook(
        "dr_play.yml", "fail_over",
        {"dr_target_host": "secondary", "dr_source_map": "primary", "dr_report_file": str(report)},
        var_files=[plays.vars_file, plays.passwords_file],
    )
    assert run.returncode == 0, run
    assert PASSWORD not in run.output
    assert "failover to secondary: SUCCESS" in report.read_text(), report.read_text()
    state = _state(lab, "secondary")
    names = _mapped(lab, "secondary")
    assert _active(state, names) == names
    assert _up(state), "no VM runs on the secondary"
    # The run's journal and report are in the state directory.
    runs = list((plays.state_dir / "runs").iterdir())
    assert [r for r in runs if (r / "report.json").exists() and (r / "journal.jsonl").exists()]


def test_a_run_that_cannot_succeed_fails_its_task(lab, plays):
    # Failing over to the primary while it is dark: the upstream role exits 0 here.
    run = plays.playbook(
        "dr_play.yml", "fail_over", {"dr_target_host": "primary", "dr_source_map": "secondary"},
        var_files=[plays.vars_file, plays.passwords_file],
    )
    assert run.returncode != 0, run
    assert "fatal:" in run.output, run
    assert PASSWORD not in run.output


def test_fail_back_with_the_storage_gate_as_a_command(lab, plays):
    # Replication reversed before the primary's hosts return (see tests/sdk/test_round_trip.py).
    lab.control("secondary", "POST", "/replication", {"action": "reverse", "target": "all"})
    lab.recover_primary()
    running = _up(_state(lab, "secondary"))
    # The gate command makes the primary's copies writable, as an array's failover would.
    control = lab.line["secondary"]["control_url"] + "/replication"
    gate = (
        f"{sys.executable} -c \"import urllib.request as u; u.urlopen(u.Request('{control}', "
        "data=b'{\\\"action\\\": \\\"stop\\\", \\\"target\\\": \\\"all\\\"}', method='POST', "
        "headers={'Content-Type': 'application/json'}))\""
    )
    report = plays.dir / "failback-report.log"
    # dr_ovirt_setup.yml: the mapping and the passwords as vars_files next to the play.
    run = plays.playbook(
        "dr_ovirt_setup.yml", "fail_back",
        {"dr_target_host": "primary", "dr_source_map": "secondary", "dr_report_file": str(report),
         "olvm_dr_storage_gate": "command", "olvm_dr_storage_ready_command": gate},
    )
    assert run.returncode == 0, run
    assert "failback to primary: SUCCESS" in report.read_text(), report.read_text()
    primary = _state(lab, "primary")
    names = _mapped(lab, "primary")
    assert _active(primary, names) == names
    # What ran on the secondary runs on the primary now (next to what never left it, such as
    # the hosted engine), and nothing mapped is left on the secondary.
    assert set(running) <= set(_up(primary)), (running, _up(primary))
    secondary = _state(lab, "secondary")
    assert _active(secondary, _mapped(lab, "secondary")) == []
    assert not set(running) & set(_up(secondary))


@pytest.fixture()
def second_lab(tmp_path):
    """A lab of its own (a fresh world, same seed) for one cycle."""
    lab = SimLab.start(tmp_path / "lab", SEED)
    try:
        yield lab, Plays(lab, tmp_path / "plays")
    finally:
        lab.stop()


def test_fail_back_with_the_storage_gate_as_the_prompt(second_lab):
    """The upstream pause, kept: the failback runs in the background, the play prompts at the
    gate and lets it go on. Here the operator made the primary's copies writable first."""
    lab, plays = second_lab
    lab.lose_primary()
    run = plays.playbook(
        "dr_play.yml", "fail_over", {"dr_target_host": "secondary", "dr_source_map": "primary"},
        var_files=[plays.vars_file, plays.passwords_file],
    )
    assert run.returncode == 0, run
    # Replication reversed before the primary's hosts return (see tests/sdk/test_round_trip.py).
    lab.control("secondary", "POST", "/replication", {"action": "reverse", "target": "all"})
    lab.recover_primary()
    lab.control("secondary", "POST", "/replication", {"action": "stop", "target": "all"})
    running = _up(_state(lab, "secondary"))
    run = plays.playbook(
        "dr_play.yml", "fail_back", {"dr_target_host": "primary", "dr_source_map": "secondary"},
        var_files=[plays.vars_file, plays.passwords_file], stdin="\n",
    )
    assert run.returncode == 0, run
    assert "[Failback Replication Sync]" in run.output, run
    assert "failback to primary: SUCCESS" in run.output, run
    assert set(running) <= set(_up(_state(lab, "primary")))


def test_the_modules_plan_a_switchover_and_run_a_drill_that_leaves_the_secondary_as_it_was(second_lab):
    lab, plays = second_lab
    before = _state(lab, "secondary")
    gate = f"{sys.executable} {HERE / 'arrays.py'} {lab.line['secondary']['control_url']}"
    files = {"mapping_file": str(lab.mapping_file), "passwords_file": str(lab.passwords_file)}
    play = plays.dir / "drill.yml"
    play.write_text(json.dumps([{
        "hosts": "localhost", "connection": "local", "gather_facts": False,
        "tasks": [
            {"olvm.dr.switchover": dict(files, storage_ready_command="false"), "check_mode": True,
             "register": "planned"},
            {"ansible.builtin.assert": {"that": ["planned.plan.kind == 'switchover'",
                                                 "planned.plan.steps | length > 0", "not planned.failed"]}},
            {"olvm.dr.drill": dict(files, action="start", storage_ready_command=gate), "register": "drill"},
            {"ansible.builtin.assert": {"that": ["drill.verdict == 'success'", "drill.report.drill",
                                                 "olvm_dr_report.run_id == drill.run_id"]}},
            {"olvm.dr.verify": dict(files, site="secondary"), "register": "checked"},
            {"ansible.builtin.assert": {"that": ["checked.clean"]}},
            {"olvm.dr.drill": dict(files, action="end", storage_ready_command=gate)},
        ],
    }]))
    run = plays.playbook(str(play), "all")
    assert run.returncode == 0, run
    assert PASSWORD not in run.output
    assert differences(before, _state(lab, "secondary")) == []


def test_the_report_module_reads_the_last_run(plays):
    play = plays.dir / "report.yml"
    play.write_text(json.dumps([{
        "hosts": "localhost", "connection": "local", "gather_facts": False,
        "tasks": [
            {"olvm.dr.report": {"state_dir": str(plays.state_dir)}, "register": "last"},
            {"ansible.builtin.assert": {"that": ["last.verdict == 'success'", "last.report.kind == 'failback'"]}},
        ],
    }]))
    run = plays.playbook(str(play), "all")
    assert run.returncode == 0, run
