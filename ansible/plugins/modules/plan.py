#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: olvm-dr contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: plan
short_description: Plan a failover, cleanup, failback or switchover with olvm-dr
description:
  - Makes the plan of a flow from the mapping and the sites as they are now, changing nothing
    (C(olvm-dr plan)). With C(--diff) the plan is shown.
version_added: "0.1.0"
author: olvm-dr contributors (@olvm-dr)
extends_documentation_fragment:
  - olvm.dr.olvm_dr
options:
  flow:
    description: Which flow to plan.
    type: str
    choices: [failover, cleanup, failback, switchover]
    required: true
  target:
    description:
      - The site a failover, failback or switchover goes to, or the site a cleanup cleans.
      - Default the secondary for failover and switchover, the primary for failback and cleanup.
    type: str
    choices: [primary, secondary]
attributes:
  check_mode:
    support: full
    description: Changes nothing in any mode.
  diff_mode:
    support: full
    description: With C(--diff) the plan is shown.
"""

EXAMPLES = r"""
- name: What would a failover do now
  olvm.dr.plan:
    mapping_file: /etc/olvm-dr/disaster_recovery_vars.yml
    passwords_file: /etc/olvm-dr/passwords.yml
    flow: failover
  register: planned
"""

RETURN = r"""
plan:
  description: The plan (kind, target, source, hash, steps with their dependencies and states, notes).
  returned: always
  type: dict
plan_text:
  description: The plan as text, by line.
  returned: always
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.olvm.dr.plugins.module_utils import olvm_dr_common as common

DEFAULT_TARGET = dict(failover="secondary", switchover="secondary", failback="primary", cleanup="primary")


def main():
    spec = dict(
        flow=dict(type="str", required=True, choices=["failover", "cleanup", "failback", "switchover"]),
        target=dict(type="str", choices=common.SITES),
    )
    spec.update(common.MAPPING_ARGS)
    module = AnsibleModule(
        argument_spec=spec,
        mutually_exclusive=common.MAPPING_EXCLUSIVE,
        required_one_of=common.MAPPING_REQUIRED,
        supports_check_mode=True,
    )
    common.require_olvm_dr(module)
    olvm_dr = common.olvm_dr
    flow = module.params["flow"]
    target = module.params["target"] or DEFAULT_TARGET[flow]
    mapping = common.load_mapping(module)
    engines = common.connect(module, mapping)
    try:
        if flow == "cleanup":
            plan = olvm_dr.plan_cleanup(mapping, engines, site=target)
        else:
            plan = getattr(olvm_dr, "plan_" + flow)(mapping, engines, target=target)
    except olvm_dr.OlvmDrError as e:
        common.fail_on_error(module, e)
    result = dict(changed=False, plan=plan.to_dict(), plan_text=plan.render().splitlines())
    if module._diff:
        result["diff"] = common.plan_diff(plan)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
