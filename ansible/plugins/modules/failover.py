#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: olvm-dr contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: failover
short_description: Fail over to a site with olvm-dr
description:
  - Brings the replicated storage domains, templates and VMs of the mapping up on O(target)
    (the role's C(fail_over) tag), with the split-brain guard, domain import and attach, registration with every
    mapping, VM start, verification; journaled and resumable.
  - In check mode it plans and changes nothing; with C(--diff) it shows the plan.
  - The task fails unless the run's verdict is C(success).
version_added: "0.1.0"
author: olvm-dr contributors (@olvm-dr)
extends_documentation_fragment:
  - olvm.dr.olvm_dr
  - olvm.dr.olvm_dr.run
options:
  target:
    description: The site to fail over to (the role's C(dr_target_host)).
    type: str
    choices: [primary, secondary]
    default: secondary
  start_vms:
    description: Start the VMs that ran on the source.
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
    description: Register entities from every active domain of the target, as the role does, not only the mapped ones.
    type: bool
    default: false
  domains:
    description: Only these mapped storage domains (by name on the source).
    type: list
    elements: str
  force_reason:
    description: Go on although the split-brain guard refuses (the source seems alive); the reason is journaled.
    type: str
attributes:
  check_mode:
    support: full
    description: In check mode the flow is planned and nothing changes.
  diff_mode:
    support: full
    description: With C(--diff) the plan is shown.
"""

EXAMPLES = r"""
- name: Fail over to the secondary site
  olvm.dr.failover:
    mapping_file: /etc/olvm-dr/disaster_recovery_vars.yml
    passwords_file: /etc/olvm-dr/passwords.yml
    target: secondary
  register: failover

- name: Say how long it took
  ansible.builtin.debug:
    msg: "{{ failover.verdict }} in {{ failover.rto.total_ms }} ms"
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
    )
    spec.update(common.MAPPING_ARGS)
    spec.update(common.RUN_ARGS)
    module = AnsibleModule(
        argument_spec=spec,
        mutually_exclusive=common.MAPPING_EXCLUSIVE,
        required_one_of=common.MAPPING_REQUIRED,
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
    )
    try:
        plan = None
        if module.check_mode or module._diff:
            plan = olvm_dr.plan_failover(mapping, engines, **choices)
        if module.check_mode:
            common.plan_result(module, plan)
        report = olvm_dr.failover(mapping, engines, **dict(choices, **common.run_options(module)))
    except olvm_dr.OlvmDrError as e:
        common.fail_on_error(module, e)
    common.report_result(module, report, plan)


if __name__ == "__main__":
    main()
