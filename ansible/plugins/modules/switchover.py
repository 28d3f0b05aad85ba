#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: olvm-dr contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: switchover
short_description: Move the workload to the other site with both sites up, with olvm-dr
description:
  - A planned move to O(target) with no data loss (C(olvm-dr switchover)). It records what runs on the
    current site, shuts it down gracefully, writes its OVF stores and releases its domains, waits at
    the storage gate (the arrays' planned failover), fails over to O(target) and starts what ran;
    journaled and resumable.
  - In check mode it plans and changes nothing; with C(--diff) it shows the plan.
  - The task fails unless the run's verdict is C(success).
version_added: "0.1.0"
author: olvm-dr contributors (@olvm-dr)
extends_documentation_fragment:
  - olvm.dr.olvm_dr
  - olvm.dr.olvm_dr.run
  - olvm.dr.olvm_dr.gate
options:
  target:
    description: The site to move to.
    type: str
    choices: [primary, secondary]
    default: secondary
  start_vms:
    description: Start the VMs that ran on the site being left.
    type: bool
    default: true
  wait_for_vms:
    description: Wait until the started VMs are up.
    type: bool
    default: true
  partial_import:
    description: Register VMs and templates whose disks are partly missing (the role's C(dr_partial_import)).
    type: bool
    default: true
  reset_mac_pool:
    description: Give VMs new MAC addresses when theirs are out of the target's pool or taken (the role's C(dr_reset_mac_pool)).
    type: bool
    default: true
  all_active_domains:
    description: Register entities from every active domain of the target, not only the mapped ones.
    type: bool
    default: false
  domains:
    description: Only these mapped storage domains.
    type: list
    elements: str
  force_reason:
    description: Go on although the split-brain guard refuses; the reason is journaled.
    type: str
  power_off_after_timeout:
    description: Power off the VMs that do not shut down in time instead of stopping the run.
    type: bool
    default: false
  force_remove:
    description: Remove domains that cannot be detached from the Engine's database (never formats storage).
    type: bool
    default: false
attributes:
  check_mode:
    support: full
    description: In check mode the flow is planned and nothing changes.
  diff_mode:
    support: full
    description: With C(--diff) the plan is shown.
"""

EXAMPLES = r"""
- name: Move to the secondary site before the primary's maintenance
  olvm.dr.switchover:
    mapping_file: /etc/olvm-dr/disaster_recovery_vars.yml
    passwords_file: /etc/olvm-dr/passwords.yml
    target: secondary
    storage_ready_command: /usr/local/bin/array-planned-failover.sh
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
  returned: in check mode
  type: dict
plan_text:
  description: The plan as text, by line (check mode).
  returned: in check mode
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


def main():
    spec = dict(
        target=dict(type="str", default="secondary", choices=common.SITES),
        start_vms=dict(type="bool", default=True),
        wait_for_vms=dict(type="bool", default=True),
        partial_import=dict(type="bool", default=True),
        reset_mac_pool=dict(type="bool", default=True),
        all_active_domains=dict(type="bool", default=False),
        domains=dict(type="list", elements="str"),
        force_reason=dict(type="str"),
        power_off_after_timeout=dict(type="bool", default=False),
        force_remove=dict(type="bool", default=False),
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
    mapping = common.load_mapping(module)
    engines = common.connect(module, mapping)
    choices = dict(
        target=p["target"],
        start_vms=p["start_vms"],
        wait_for_vms=p["wait_for_vms"],
        all_active_domains=p["all_active_domains"],
        partial_import=p["partial_import"],
        keep_bad_macs=not p["reset_mac_pool"],
        force_reason=p["force_reason"],
        domains=p["domains"],
        power_off_after_timeout=p["power_off_after_timeout"],
        force_remove=p["force_remove"],
    )
    try:
        plan = None
        if module.check_mode or module._diff:
            plan = olvm_dr.plan_switchover(mapping, engines, **choices)
        if module.check_mode:
            common.plan_result(module, plan)
        run = dict(choices, **common.run_options(module))
        run.update(common.gate_options(module))
        report = olvm_dr.switchover(mapping, engines, **run)
    except olvm_dr.OlvmDrError as e:
        common.fail_on_error(module, e)
    common.report_result(module, report, plan)


if __name__ == "__main__":
    main()
