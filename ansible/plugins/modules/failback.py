#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: olvm-dr contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: failback
short_description: Fail back to the site that failed, with olvm-dr
description:
  - Returns to O(target) (the role's C(fail_back) tag, with the cleanup C(ovirt-dr failback) runs first). It
    cleans the returning site's stale domains, records what runs on the current site, shuts it down
    and releases its domains, waits at the storage gate for the arrays (replication reversed), fails
    over to O(target) and starts what ran; journaled and resumable.
  - The role's interactive pause is the storage gate here (O(storage_ready_command),
    O(storage_ready_file), or O(storage_ready_file) with O(storage_waiting_file) for a prompt on the
    controller, as the C(olvm.dr.disaster_recovery) role does).
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
    description: The site to return to (the role's C(dr_target_host) in its failback play).
    type: str
    choices: [primary, secondary]
    default: primary
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
  clean_returning_site:
    description: First remove the stale domains the returning site still records (what C(ovirt-dr failback) does with C(clean_engine)).
    type: bool
    default: true
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
- name: Fail back to the primary once the arrays replicate towards it
  olvm.dr.failback:
    mapping_file: /etc/olvm-dr/disaster_recovery_vars.yml
    passwords_file: /etc/olvm-dr/passwords.yml
    target: primary
    storage_ready_command: /usr/local/bin/reverse-replication.sh
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
        target=dict(type="str", default="primary", choices=common.SITES),
        start_vms=dict(type="bool", default=True),
        wait_for_vms=dict(type="bool", default=True),
        partial_import=dict(type="bool", default=True),
        reset_mac_pool=dict(type="bool", default=True),
        all_active_domains=dict(type="bool", default=False),
        domains=dict(type="list", elements="str"),
        force_reason=dict(type="str"),
        clean_returning_site=dict(type="bool", default=True),
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
        clean_returning_site=p["clean_returning_site"],
        force_remove=p["force_remove"],
    )
    try:
        plan = None
        if module.check_mode or module._diff:
            plan = olvm_dr.plan_failback(mapping, engines, **choices)
        if module.check_mode:
            common.plan_result(module, plan)
        run = dict(choices, **common.run_options(module))
        run.update(common.gate_options(module))
        report = olvm_dr.failback(mapping, engines, **run)
    except olvm_dr.OlvmDrError as e:
        common.fail_on_error(module, e)
    common.report_result(module, report, plan)


if __name__ == "__main__":
    main()
