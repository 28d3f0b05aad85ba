#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: olvm-dr contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: validate
short_description: Check a mapping with olvm-dr, offline and against both Engines
description:
  - The checks of C(ovirt-dr validate) and the ones the role leaves out, each finding with its code,
    position, site and hint (see the project's docs/diagnostics.md).
  - Offline only when O(offline) is set or no password is given; otherwise also against both Engines.
  - Changes nothing. The task fails when a finding is an error.
version_added: "0.1.0"
author: olvm-dr contributors (@olvm-dr)
extends_documentation_fragment:
  - olvm.dr.olvm_dr
options:
  offline:
    description: Only the checks that need no Engine.
    type: bool
    default: false
  target:
    description: The site a failover would go to (the role's C(dr_target_host)).
    type: str
    choices: [primary, secondary]
    default: secondary
  source_may_be_down:
    description: The source site not answering is not an error (during a disaster).
    type: bool
    default: false
  max_ovf_age:
    description: Minutes after which a source domain's OVF store is reported as old.
    type: int
    default: 60
attributes:
  check_mode:
    support: full
    description: Changes nothing in any mode.
  diff_mode:
    support: none
    description: No diff.
"""

EXAMPLES = r"""
- name: Check the mapping against both Engines
  olvm.dr.validate:
    mapping_file: /etc/olvm-dr/disaster_recovery_vars.yml
    passwords_file: /etc/olvm-dr/passwords.yml
"""

RETURN = r"""
valid:
  description: No finding is an error.
  returned: always
  type: bool
errors:
  description: How many findings are errors.
  returned: always
  type: int
warnings:
  description: How many findings are warnings.
  returned: always
  type: int
diagnostics:
  description: Every finding (severity, code, file, line, column, key, site, entity, message, hint).
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.olvm.dr.plugins.module_utils import olvm_dr_common as common


def main():
    spec = dict(
        offline=dict(type="bool", default=False),
        target=dict(type="str", default="secondary", choices=common.SITES),
        source_may_be_down=dict(type="bool", default=False),
        max_ovf_age=dict(type="int", default=60),
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
    p = module.params
    mapping = common.load_mapping(module)
    engines = None
    if not p["offline"]:
        engines = common.connect(module, mapping) or None
    try:
        found = olvm_dr.validate(
            mapping,
            offline=engines is None,
            engines=engines,
            target=p["target"],
            source_may_be_down=p["source_may_be_down"],
            max_ovf_age_minutes=p["max_ovf_age"],
        )
    except olvm_dr.OlvmDrError as e:
        common.fail_on_error(module, e)
    diagnostics = [d.to_dict() for d in found]
    errors = [d for d in found if d.is_error]
    result = dict(
        changed=False,
        valid=not errors,
        errors=len(errors),
        warnings=len([d for d in found if d.severity == "warning"]),
        diagnostics=diagnostics,
    )
    if errors:
        module.fail_json(msg="the mapping is not valid: %d error(s): %s" % (
            len(errors), "; ".join("%s %s" % (d.code, d.message) for d in errors[:5])), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
