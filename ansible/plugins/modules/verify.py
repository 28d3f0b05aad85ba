#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: olvm-dr contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: verify
short_description: Check that a site holds what the mapping and the last run say, with olvm-dr
description:
  - Domains active in their data centers, nothing left unregistered, VMs in the mapped clusters and
    vNIC profiles, started VMs up, and what the run registered as its source recorded it (C(olvm-dr verify)).
  - Changes nothing. The task fails when there is a difference.
version_added: "0.1.0"
author: olvm-dr contributors (@olvm-dr)
extends_documentation_fragment:
  - olvm.dr.olvm_dr
options:
  site:
    description: The site to check.
    type: str
    choices: [primary, secondary]
    default: secondary
  state_dir:
    description:
      - Where runs are kept (default E(OLVM_DR_STATE_DIR), else C(~/.local/share/olvm-dr)); the last
        run to O(site) says which VMs must be up.
    type: path
  run:
    description: The run whose result to check (default the last one to O(site)).
    type: str
attributes:
  check_mode:
    support: full
    description: Changes nothing in any mode.
  diff_mode:
    support: none
    description: No diff.
"""

EXAMPLES = r"""
- name: Check the secondary after a failover
  olvm.dr.verify:
    mapping_file: /etc/olvm-dr/disaster_recovery_vars.yml
    passwords_file: /etc/olvm-dr/passwords.yml
    site: secondary
"""

RETURN = r"""
clean:
  description: No difference was found.
  returned: always
  type: bool
differences:
  description: Each difference (entity, problem).
  returned: always
  type: list
  elements: dict
verification:
  description: The whole verification (C(olvm-dr verify --output json)).
  returned: always
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.olvm.dr.plugins.module_utils import olvm_dr_common as common


def main():
    spec = dict(
        site=dict(type="str", default="secondary", choices=common.SITES),
        state_dir=dict(type="path"),
        run=dict(type="str"),
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
    engines = common.connect(module, mapping)
    try:
        checked = olvm_dr.verify(mapping, engines, site=p["site"], state_dir=common.state_dir(module),
                                 run=p["run"])
    except olvm_dr.OlvmDrError as e:
        common.fail_on_error(module, e)
    result = dict(
        changed=False,
        clean=checked.clean,
        differences=[dict(entity=d.entity, problem=d.problem) for d in checked.differences],
        verification=checked.to_dict(),
    )
    if not checked.clean:
        module.fail_json(msg="%s differs from what it should hold: %s" % (p["site"], "; ".join(
            "%s: %s" % (d["entity"], d["problem"]) for d in result["differences"][:5])), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
