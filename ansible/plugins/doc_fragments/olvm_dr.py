# -*- coding: utf-8 -*-
# Copyright: olvm-dr contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # The mapping and the Engines' passwords.
    DOCUMENTATION = r"""
options:
  mapping:
    description:
      - The mapping as variables, as a playbook loads the mapping file (C(disaster_recovery_vars.yml))
        with C(vars_files) or C(-e @file) (the keys C(dr_sites_*), C(dr_import_storages) and the
        C(dr_*_mappings) lists).
      - iSCSI CHAP and direct LUN passwords in it are masked in everything the task returns.
      - Exactly one of O(mapping) and O(mapping_file) is required.
    type: dict
  mapping_file:
    description:
      - The mapping file, read as is (ansible-vault inline values are decrypted with O(vault_password)).
    type: path
  mapping_dir:
    description:
      - The directory relative CA files of O(mapping) are taken from (default the current directory).
        For O(mapping_file), its own directory.
    type: path
  passwords:
    description:
      - The Engines' passwords (the values of C(dr_sites_primary_password) and
        C(dr_sites_secondary_password)).
      - A site without a password is not connected to; a flow that needs it says so.
    type: dict
    suboptions:
      primary:
        description: The primary site's Engine password.
        type: str
      secondary:
        description: The secondary site's Engine password.
        type: str
  passwords_file:
    description:
      - The passwords file (plain or ansible-vault, decrypted with O(vault_password)) instead of O(passwords).
    type: path
  vault_password:
    description:
      - The ansible-vault password of an encrypted O(passwords_file) or of inline vault values of the mapping.
    type: str
requirements:
  - python >= 3.10
  - olvm_dr (the olvm-dr Python package)
"""

    # The options of a run.
    RUN = r"""
options:
  state_dir:
    description:
      - Where runs keep their plan, journal and report.
      - Default E(OLVM_DR_STATE_DIR), else C(olvm-dr) under the user's data directory
        (C(~/.local/share/olvm-dr)), as for the C(olvm-dr) command.
      - Rerunning an interrupted run with the same state directory continues it (O(resume)).
    type: path
  concurrency:
    description: Engine calls in flight per site.
    type: int
    default: 16
  on_error:
    description: After a failed step, C(continue) with what does not depend on it, or C(stop).
    type: str
    choices: [continue, stop]
    default: continue
  resume:
    description: Continue an interrupted run of the same kind and target from its journal.
    type: bool
    default: true
  report_file:
    description: Also write the run's report, as text, to this file.
    type: path
"""

    # The storage gate.
    GATE = r"""
options:
  storage_ready_command:
    description:
      - At the storage gate (replication reversed, the new site's storage writable), run this
        command; exit status 0 means ready. It gets E(OLVM_DR_GATE), E(OLVM_DR_GATE_SITE) and
        E(OLVM_DR_GATE_DESCRIPTION).
      - Mutually exclusive with O(storage_ready_file).
    type: str
  storage_ready_file:
    description:
      - At the storage gate, wait until this file exists (C({gate}) becomes the gate's name).
    type: path
  storage_waiting_file:
    description:
      - With O(storage_ready_file), written when the run reaches the gate (with what must be done on
        the arrays), so that something else, such as a prompt on the controller, can ask the
        operator and then create O(storage_ready_file).
    type: path
  storage_ready_timeout:
    description: Minutes to wait at the gate before the run stops there (a rerun resumes at the gate).
    type: int
    default: 240
"""
