#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: olvm-dr contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: cleanup
short_description: Release the mapped storage domains of a site with olvm-dr
description:
  - Cleans O(site) (the role's C(clean_engine) tag on C(dr_source_map)). It shuts its VMs on the mapped
    domains down (power-off after a timeout), writes the OVF stores, deactivates, detaches and removes
    the mapped domains (master last), never formats storage; journaled and resumable.
  - In check mode it plans and changes nothing; with C(--diff) it shows the plan.
  - The task fails unless the run's verdict is C(success).
version_added: "0.1.0"
author: olvm-dr contributors (@olvm-dr)
extends_documentation_fragment:
  - olvm.dr.olvm_dr
  - olvm.dr.olvm_dr.run
options:
  site:
    description: The site to clean (the role's C(dr_source_map)).
    type: str
    choices: [primary, secondary]
    default: primary
  power_off:
    description: Power the VMs off at once instead of shutting them down gracefully first (what the role does).
    type: bool
    default: false
  remove_orphans:
    description:
      - Remove the VMs and direct LUN disks left without storage that lived on the mapped domains
        (the role's C(dr_clean_orphaned_vms) and C(dr_clean_orphaned_disks)).
    type: bool
    default: false
  force_remove:
    description: Remove domains that cannot be detached from the Engine's database (never formats storage).
    type: bool
    default: false
  domains:
    description: Only these mapped storage domains.
    type: list
    elements: str
attributes:
  check_mode:
    support: full
    description: In check mode the flow is planned and nothing changes.
  diff_mode:
    support: full
    description: With C(--diff) the plan is shown.
"""

EXAMPLES = r"""
- name: Clean the stale domains of the primary before a failback
  olvm.dr.cleanup:
    mapping_file: /etc/olvm-dr/disaster_recovery_vars.yml
    passwords_file: /etc/olvm-dr/passwords.yml
    site: primary
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
        site=dict(type="str", default="primary", choices=common.SITES),
        power_off=dict(type="bool", default=False),
        remove_orphans=dict(type="bool", default=False),
        force_remove=dict(type="bool", default=False),
        domains=dict(type="list", elements="str"),
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
        site=p["site"],
        power_off=p["power_off"],
        remove_orphans=p["remove_orphans"],
        force_remove=p["force_remove"],
        domains=p["domains"],
    )
    try:
        plan = None
        if module.check_mode or module._diff:
            plan = olvm_dr.plan_cleanup(mapping, engines, **choices)
        if module.check_mode:
            common.plan_result(module, plan)
        report = olvm_dr.cleanup(mapping, engines, **dict(choices, **common.run_options(module)))
    except olvm_dr.OlvmDrError as e:
        common.fail_on_error(module, e)
    common.report_result(module, report, plan)


if __name__ == "__main__":
    main()
