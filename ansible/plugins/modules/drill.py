#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: olvm-dr contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: drill
short_description: Rehearse disaster recovery with olvm-dr, the primary untouched
description:
  - The disaster recovery guide's tests (C(olvm-dr drill)). V(start) is the discreet failover test on
    the replicas (the replication split at the storage gate, every vNIC isolated), V(end) removes the
    drill's domains and VMs from that site and resumes replication, V(failback) returns dedicated test
    domains, V(full) is the whole cycle out and home (or out only, with O(stay)).
  - Journaled and resumable, marked as drills in their reports.
  - The task fails unless every run's verdict is C(success).
version_added: "0.1.0"
author: olvm-dr contributors (@olvm-dr)
extends_documentation_fragment:
  - olvm.dr.olvm_dr
  - olvm.dr.olvm_dr.run
  - olvm.dr.olvm_dr.gate
options:
  action:
    description: Which part of the drill.
    type: str
    choices: [start, end, failback, full]
    required: true
  target:
    description:
      - The site the drill runs on (V(start), V(end), V(full); default the secondary) or returns to
        (V(failback); default the primary).
    type: str
    choices: [primary, secondary]
  isolation:
    description:
      - How the drill's VMs are kept off the production networks (V(start)), V(unplugged) (each vNIC on
        its mapped profile, unplugged), V(none), or C(profile=NAME[/NETWORK]).
    type: str
    default: unplugged
  domains:
    description: Only these mapped storage domains (V(start), V(failback)).
    type: list
    elements: str
  start_vms:
    description: Start the VMs that ran on the source (V(start)).
    type: bool
    default: true
  wait_for_vms:
    description: Wait until the started VMs are up (V(start)).
    type: bool
    default: true
  stay:
    description: V(full) ends after the way out (the workload stays on O(target)).
    type: bool
    default: false
  power_off_after_timeout:
    description: V(full) powers off the VMs that do not shut down in time instead of stopping.
    type: bool
    default: false
attributes:
  check_mode:
    support: partial
    description: Can run in check mode.
    details: V(start) is planned and nothing changes; the other actions change nothing and say that check mode does not plan them.
  diff_mode:
    support: partial
    description: With C(--diff) a plan is shown.
    details: The plan of V(start); the other actions show none.
"""

EXAMPLES = r"""
- name: The monthly discreet failover test
  olvm.dr.drill:
    mapping_file: /etc/olvm-dr/disaster_recovery_vars.yml
    passwords_file: /etc/olvm-dr/passwords.yml
    action: start
    storage_ready_command: /usr/local/bin/drill-replication.sh   # split, then resync, by OLVM_DR_GATE

- name: Check the drill's site
  olvm.dr.verify:
    mapping_file: /etc/olvm-dr/disaster_recovery_vars.yml
    passwords_file: /etc/olvm-dr/passwords.yml
    site: secondary

- name: Back to how it was
  olvm.dr.drill:
    mapping_file: /etc/olvm-dr/disaster_recovery_vars.yml
    passwords_file: /etc/olvm-dr/passwords.yml
    action: end
    storage_ready_command: /usr/local/bin/drill-replication.sh
"""

RETURN = r"""
verdict:
  description: The run's verdict.
  returned: when the run happened
  type: str
  sample: success
run_id:
  description: The run's id in the state directory.
  returned: when the run happened
  type: str
rto:
  description: Where the recovery time went, in milliseconds.
  returned: when the run happened
  type: dict
vms:
  description: Each VM's outcome (registered, started, up, error).
  returned: when the run happened
  type: list
  elements: dict
legs:
  description: The report of each leg of a full drill (out, and home unless O(stay)).
  returned: for O(action=full)
  type: list
  elements: dict
report:
  description: The run's whole report (the JSON of C(olvm-dr report show --output json)).
  returned: when the run happened
  type: dict
report_text:
  description: The report as text, by line.
  returned: when the run happened
  type: list
  elements: str
plan:
  description: The plan (check mode).
  returned: in check mode, for O(action=start)
  type: dict
plan_text:
  description: The plan as text, by line (check mode).
  returned: in check mode, for O(action=start)
  type: list
  elements: str
ansible_facts:
  description: The report as a fact.
  returned: when the run happened
  type: dict
  contains:
    olvm_dr_report:
      description: The run's whole report.
      type: dict
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.olvm.dr.plugins.module_utils import olvm_dr_common as common

DEFAULT_TARGET = dict(start="secondary", end="secondary", full="secondary", failback="primary")


def main():
    spec = dict(
        action=dict(type="str", required=True, choices=["start", "end", "failback", "full"]),
        target=dict(type="str", choices=common.SITES),
        isolation=dict(type="str", default="unplugged"),
        domains=dict(type="list", elements="str"),
        start_vms=dict(type="bool", default=True),
        wait_for_vms=dict(type="bool", default=True),
        stay=dict(type="bool", default=False),
        power_off_after_timeout=dict(type="bool", default=False),
    )
    spec.update(common.MAPPING_ARGS)
    spec.update(common.RUN_ARGS)
    spec.update(common.GATE_ARGS)
    module = AnsibleModule(
        argument_spec=spec,
        mutually_exclusive=common.MAPPING_EXCLUSIVE + common.GATE_EXCLUSIVE,
        required_one_of=common.MAPPING_REQUIRED,
        required_by=dict(storage_waiting_file="storage_ready_file"),
        supports_check_mode=True,
    )
    common.require_olvm_dr(module)
    olvm_dr = common.olvm_dr
    p = module.params
    action = p["action"]
    target = p["target"] or DEFAULT_TARGET[action]
    if module.check_mode and action != "start":
        module.exit_json(changed=False, msg="check mode plans drill start only; drill %s changed nothing" % action)
    mapping = common.load_mapping(module)
    engines = common.connect(module, mapping)
    try:
        plan = None
        if action == "start":
            choices = dict(target=target, isolation=p["isolation"], domains=p["domains"],
                           start_vms=p["start_vms"], wait_for_vms=p["wait_for_vms"])
            if module.check_mode or module._diff:
                plan = olvm_dr.plan_drill(mapping, engines, **choices)
            if module.check_mode:
                common.plan_result(module, plan)
        elif action == "end":
            choices = dict(site=target)
        elif action == "failback":
            choices = dict(target=target, domains=p["domains"])
        else:
            choices = dict(target=target, stay=p["stay"], power_off_after_timeout=p["power_off_after_timeout"])
        run = dict(choices, **common.run_options(module))
        run.update(common.gate_options(module))
        ran = getattr(olvm_dr, "drill_" + action)(mapping, engines, **run)
    except olvm_dr.OlvmDrError as e:
        common.fail_on_error(module, e)
    if action == "full":
        common.report_result(module, ran[-1], legs=ran)
    common.report_result(module, ran, plan)


if __name__ == "__main__":
    main()
