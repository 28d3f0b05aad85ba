# -*- coding: utf-8 -*-
# Copyright: olvm-dr contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every olvm.dr module shares: the mapping and passwords options, the Engines, the run
options, and the results (a run's report as facts, failing the task unless it succeeded).

The work is done in process by the ``olvm_dr`` Python package (never by running the CLI)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import traceback

from ansible.module_utils.basic import missing_required_lib

OLVM_DR_IMPORT_ERROR = None
try:
    import olvm_dr
except ImportError:
    olvm_dr = None
    OLVM_DR_IMPORT_ERROR = traceback.format_exc()

SITES = ["primary", "secondary"]

# The options naming the mapping and the Engines' passwords (doc fragment olvm.dr.mapping).
MAPPING_ARGS = dict(
    mapping=dict(type="dict"),
    mapping_file=dict(type="path"),
    mapping_dir=dict(type="path"),
    passwords=dict(
        type="dict",
        no_log=True,
        options=dict(
            primary=dict(type="str", no_log=True),
            secondary=dict(type="str", no_log=True),
        ),
    ),
    passwords_file=dict(type="path"),
    vault_password=dict(type="str", no_log=True),
)

MAPPING_EXCLUSIVE = [["mapping", "mapping_file"]]
MAPPING_REQUIRED = [["mapping", "mapping_file"]]

# The options of a run (doc fragment olvm.dr.run).
RUN_ARGS = dict(
    state_dir=dict(type="path"),
    concurrency=dict(type="int", default=16),
    on_error=dict(type="str", default="continue", choices=["continue", "stop"]),
    resume=dict(type="bool", default=True),
    report_file=dict(type="path"),
)

# The storage gate options (doc fragment olvm.dr.gate).
GATE_ARGS = dict(
    storage_ready_command=dict(type="str"),
    storage_ready_file=dict(type="path"),
    storage_waiting_file=dict(type="path"),
    storage_ready_timeout=dict(type="int", default=240),
)

GATE_EXCLUSIVE = [["storage_ready_command", "storage_ready_file"]]

# Keys of the mapping file whose values are secrets (iSCSI CHAP and direct LUN passwords).
_SECRET_KEYS = (
    "dr_primary_password",
    "dr_secondary_password",
    "dr_sites_primary_password",
    "dr_sites_secondary_password",
    "primary_logical_unit_password",
    "secondary_logical_unit_password",
)


def require_olvm_dr(module):
    """Fails the task when the olvm_dr package cannot be imported."""
    if olvm_dr is None:
        module.fail_json(msg=missing_required_lib("olvm_dr"), exception=OLVM_DR_IMPORT_ERROR)


def _hide_secrets(module, value):
    """Adds every password found in the mapping's variables to the values Ansible masks in
    anything the task returns or logs."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in _SECRET_KEYS and item not in (None, ""):
                module.no_log_values.add(str(item))
            else:
                _hide_secrets(module, item)
    elif isinstance(value, list):
        for item in value:
            _hide_secrets(module, item)


def load_mapping(module):
    """The mapping: ``mapping_file`` read as is, or the ``mapping`` variables (what a playbook
    loads from the mapping file with ``vars_files`` or ``-e @file``) as the mapping file's
    content. Its errors (with their positions) fail the task."""
    params = module.params
    vault = params.get("vault_password")
    try:
        if params.get("mapping_file"):
            mapping = olvm_dr.Mapping.load(params["mapping_file"], vault_password=vault)
        else:
            variables = params["mapping"]
            _hide_secrets(module, variables)
            base = params.get("mapping_dir") or os.getcwd()
            # JSON is YAML: the variables keep the types Ansible gave them.
            text = json.dumps(variables, indent=1, default=str)
            name = os.path.join(base, "mapping variables")
            mapping = olvm_dr.Mapping.from_yaml(text, name, vault_password=vault)
    except olvm_dr.OlvmDrError as e:
        module.fail_json(msg="cannot read the mapping: %s" % e)
    if mapping.has_errors:
        module.fail_json(
            msg="the mapping has errors: "
            + "; ".join(_diagnostic_line(d) for d in mapping.diagnostics if d.is_error),
            diagnostics=[d.to_dict() for d in mapping.diagnostics],
        )
    return mapping


def _diagnostic_line(d):
    where = ":".join(str(p) for p in (d.line, d.column) if p is not None)
    key = " %s" % d.key if d.key else ""
    return "%s%s %s %s" % (where + " " if where else "", d.code, key.strip(), d.message)


def connect(module, mapping, sites=None):
    """The Engines of ``sites`` (both by default) as ``{site: RestEngine}``, with the passwords
    of ``passwords`` or ``passwords_file``. A site without a password is left out (a flow
    that needs it says so)."""
    params = module.params
    wanted = sites or SITES
    try:
        if params.get("passwords_file"):
            return mapping.connect(params["passwords_file"], sites=wanted)
        passwords = params.get("passwords") or {}
        base = params.get("mapping_dir") or os.getcwd()
        engines = {}
        for site in wanted:
            password = passwords.get(site)
            if not password:
                continue
            keys = mapping.site(site)
            if not keys.url or not keys.username:
                module.fail_json(msg="dr_sites_%s_url and dr_sites_%s_username must be set" % (site, site))
            ca_file = keys.ca_file
            if ca_file and not os.path.isabs(ca_file):
                ca_file = os.path.join(base, ca_file)
            engines[site] = olvm_dr.RestEngine(
                keys.url, keys.username, password, ca_file=ca_file or None, insecure=keys.insecure
            )
        return engines
    except olvm_dr.OlvmDrError as e:
        module.fail_json(msg="cannot connect: %s" % e)


def state_dir(module):
    """Where runs keep their plan, journal and report: ``state_dir``, else OLVM_DR_STATE_DIR,
    else olvm-dr under the user's data directory, as the command line does."""
    given = module.params.get("state_dir")
    if given:
        return given
    if os.environ.get("OLVM_DR_STATE_DIR"):
        return os.environ["OLVM_DR_STATE_DIR"]
    data = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(data, "olvm-dr")


def run_options(module):
    """The keyword arguments every olvm_dr flow takes from the run options."""
    p = module.params
    return dict(
        concurrency=p["concurrency"],
        on_error=p["on_error"],
        state_dir=state_dir(module),
        resume=p["resume"],
    )


class _FileGate:
    """The storage gate as a pair of files: the waiting file is written when the run reaches
    the gate (with what must be done on the arrays), and the run goes on once the ready file
    exists. A controller can show a prompt between the two."""

    def __init__(self, waiting, ready, timeout_minutes):
        self.waiting = waiting
        self.ready = ready
        self.timeout = timeout_minutes * 60

    def __call__(self, description, gate=None, site=None):
        import time

        waiting = self.waiting.replace("{gate}", gate or "")
        ready = self.ready.replace("{gate}", gate or "")
        with open(waiting, "w") as f:
            f.write("%s\n" % description)
        deadline = time.monotonic() + self.timeout
        while not os.path.exists(ready):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.5)
        return "%s exists" % ready


def gate_options(module):
    """The keyword arguments of a flow's storage gate. A module has no terminal to ask on, so a
    gate must be a command or a file (with ``storage_waiting_file``, for a prompt on the
    controller)."""
    p = module.params
    if p.get("storage_ready_command"):
        return dict(storage_ready_command=p["storage_ready_command"],
                    storage_ready_timeout=p["storage_ready_timeout"] * 60.0)
    if p.get("storage_ready_file"):
        if p.get("storage_waiting_file"):
            return dict(storage_gate=_FileGate(p["storage_waiting_file"], p["storage_ready_file"],
                                               p["storage_ready_timeout"]))
        return dict(storage_ready_file=p["storage_ready_file"],
                    storage_ready_timeout=p["storage_ready_timeout"] * 60.0)
    module.fail_json(
        msg="this flow waits for storage (replication reversed, the returning site writable): "
        "give storage_ready_command or storage_ready_file"
    )


def report_result(module, report, plan=None, legs=None):
    """Ends the task with the run's report: as ``report`` and as the fact ``olvm_dr_report``,
    with the verdict, the recovery time and each VM's outcome at the top; changed when a step
    changed something; failed unless the verdict is success. ``report_file`` gets the text.
    ``legs`` (the runs of a full drill, ``report`` the last) are returned too, and the task
    fails unless each succeeded."""
    legs = legs or [report]
    report = next((r for r in legs if r.verdict != "success"), report)
    data = report.to_dict()
    text = "\n".join(r.render() for r in legs)
    if module.params.get("report_file"):
        with open(module.params["report_file"], "w") as f:
            f.write(text)
    result = dict(
        changed=any(r.counts.done > 0 for r in legs),
        verdict=report.verdict,
        run_id=report.run_id,
        rto=data.get("rto"),
        vms=[
            dict(name=vm.name, site=vm.site, registered=vm.registered, started=vm.started,
                 up=vm.up, error=vm.error)
            for vm in report.vms
        ],
        report=data,
        report_text=text.splitlines(),
        ansible_facts=dict(olvm_dr_report=data),
    )
    if len(legs) > 1:
        result["legs"] = [r.to_dict() for r in legs]
    if plan is not None and module._diff:
        result["diff"] = plan_diff(plan)
    if report.verdict != "success":
        failures = "; ".join("%s: %s" % (s.summary, s.error) for s in report.failures[:5])
        module.fail_json(msg="the %s ended %s%s" % (report.kind, report.verdict,
                                                    ": " + failures if failures else ""), **result)
    module.exit_json(**result)


def plan_diff(plan):
    """A plan as Ansible's diff: nothing before, the steps after."""
    return dict(
        before="",
        after=plan.render(),
        before_header="%s: the site now" % plan.target,
        after_header="%s plan %s (%d steps)" % (plan.kind, plan.short_hash, len(plan)),
    )


def plan_result(module, plan):
    """Ends a check-mode run (or the plan module) with the plan, changing nothing: changed
    when the plan has steps to do."""
    data = plan.to_dict()
    to_do = [s for s in plan.steps if s.state == "to_do"]
    result = dict(
        changed=bool(to_do),
        plan=data,
        plan_text=plan.render().splitlines(),
    )
    if module._diff:
        result["diff"] = plan_diff(plan)
    module.exit_json(**result)


def fail_on_error(module, error):
    """Fails the task with an olvm_dr error's kind and text."""
    module.fail_json(msg="%s: %s" % (type(error).__name__, error))
