#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: olvm-dr contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: generate
short_description: Write the mapping file from the primary site's Engine with olvm-dr
description:
  - Reads the primary's Engine and writes the role's mapping file (C(disaster_recovery_vars.yml)) to
    O(var_file) (the role's C(generate_mapping) tag), optionally pre-filled from the secondary's Engine.
  - Changed when the file's content changes; in check mode nothing is written; with C(--diff) the
    old and the new content are shown.
version_added: "0.1.0"
author: olvm-dr contributors (@olvm-dr)
options:
  site:
    description: The primary Engine's API URL (the role's C(site)).
    type: str
    required: true
  username:
    description: The Engine user (the role's C(username)).
    type: str
    default: admin@internal
  password:
    description: The Engine password (the role's C(password)).
    type: str
    required: true
  ca:
    description: The Engine's CA file (the role's C(ca)); TLS is verified against it.
    type: path
  insecure:
    description: Do not verify TLS (say it out loud; never the default).
    type: bool
    default: false
  var_file:
    description: The mapping file to write (the role's C(var_file)).
    type: path
    required: true
  secondary_site:
    description: The secondary Engine's API URL, to pre-fill what exists there under the same names.
    type: str
  secondary_username:
    description: The secondary Engine user.
    type: str
    default: admin@internal
  secondary_password:
    description: The secondary Engine password.
    type: str
  secondary_ca:
    description: The secondary Engine's CA file.
    type: path
requirements:
  - python >= 3.10
  - olvm_dr (the olvm-dr Python package)
attributes:
  check_mode:
    support: full
    description: In check mode the Engine is read and the file is not written.
  diff_mode:
    support: full
    description: With C(--diff) the file's old and new content are shown.
"""

EXAMPLES = r"""
- name: Generate the mapping from the primary
  olvm.dr.generate:
    site: https://engine1.example.com/ovirt-engine/api
    password: "{{ engine_password }}"
    ca: /etc/pki/ovirt-engine/ca.pem
    var_file: /etc/olvm-dr/disaster_recovery_vars.yml
"""

RETURN = r"""
var_file:
  description: The mapping file.
  returned: always
  type: str
storages:
  description: How many storage domains the mapping lists.
  returned: always
  type: int
"""

import os
import shutil
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.olvm.dr.plugins.module_utils import olvm_dr_common as common


def main():
    module = AnsibleModule(
        argument_spec=dict(
            site=dict(type="str", required=True),
            username=dict(type="str", default="admin@internal"),
            password=dict(type="str", required=True, no_log=True),
            ca=dict(type="path"),
            insecure=dict(type="bool", default=False),
            var_file=dict(type="path", required=True),
            secondary_site=dict(type="str"),
            secondary_username=dict(type="str", default="admin@internal"),
            secondary_password=dict(type="str", no_log=True),
            secondary_ca=dict(type="path"),
        ),
        required_by=dict(secondary_site="secondary_password"),
        supports_check_mode=True,
    )
    common.require_olvm_dr(module)
    olvm_dr = common.olvm_dr
    p = module.params
    out = p["var_file"]
    work = tempfile.mkdtemp(prefix="olvm-dr-generate-")
    try:
        primary = olvm_dr.RestEngine(p["site"], p["username"], p["password"], ca_file=p["ca"],
                                     insecure=p["insecure"])
        secondary = None
        if p["secondary_site"]:
            secondary = olvm_dr.RestEngine(p["secondary_site"], p["secondary_username"],
                                           p["secondary_password"], ca_file=p["secondary_ca"],
                                           insecure=p["insecure"])
        written = os.path.join(work, "disaster_recovery_vars.yml")
        mapping = olvm_dr.generate(primary, written, secondary)
        with open(written) as f:
            new = f.read()
        old = ""
        if os.path.exists(out):
            with open(out) as f:
                old = f.read()
        changed = new != old
        if changed and not module.check_mode:
            directory = os.path.dirname(os.path.abspath(out))
            if not os.path.isdir(directory):
                os.makedirs(directory)
            shutil.move(written, out)
    except olvm_dr.OlvmDrError as e:
        common.fail_on_error(module, e)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result = dict(changed=changed, var_file=out, storages=len(mapping.storages))
    if module._diff:
        result["diff"] = dict(before=old, after=new, before_header=out, after_header=out)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
