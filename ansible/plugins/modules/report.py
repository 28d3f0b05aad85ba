#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: olvm-dr contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: report
short_description: Read the report of an olvm-dr run
description:
  - The report a failover, cleanup, failback, switchover or drill left in the state directory
    (C(olvm-dr report show)), and the list of runs there.
  - Changes nothing.
version_added: "0.1.0"
author: olvm-dr contributors (@olvm-dr)
options:
  state_dir:
    description: Where runs are kept (default E(OLVM_DR_STATE_DIR), else C(~/.local/share/olvm-dr)).
    type: path
  run:
    description: The run (default the last one that has a report).
    type: str
requirements:
  - python >= 3.10
  - olvm_dr (the olvm-dr Python package)
attributes:
  check_mode:
    support: full
    description: Changes nothing in any mode.
  diff_mode:
    support: none
    description: No diff.
"""

EXAMPLES = r"""
- name: The last run's verdict
  olvm.dr.report:
  register: last

- name: Show it
  ansible.builtin.debug:
    msg: "{{ last.verdict }}"
"""

RETURN = r"""
runs:
  description: The ids of the runs that have a report, oldest first.
  returned: always
  type: list
  elements: str
run_id:
  description: The run shown.
  returned: always
  type: str
verdict:
  description: Its verdict.
  returned: always
  type: str
report:
  description: Its whole report.
  returned: always
  type: dict
report_text:
  description: Its report as text, by line.
  returned: always
  type: list
  elements: str
"""

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.olvm.dr.plugins.module_utils import olvm_dr_common as common


def main():
    module = AnsibleModule(
        argument_spec=dict(state_dir=dict(type="path"), run=dict(type="str")),
        supports_check_mode=True,
    )
    common.require_olvm_dr(module)
    olvm_dr = common.olvm_dr
    runs_dir = os.path.join(common.state_dir(module), "runs")
    reports = []
    if os.path.isdir(runs_dir):
        for run in os.listdir(runs_dir):
            path = os.path.join(runs_dir, run, "report.json")
            if os.path.isfile(path):
                reports.append((os.path.getmtime(path), run, path))
    reports.sort()
    runs = [r[1] for r in reports]
    wanted = module.params["run"] or (runs[-1] if runs else None)
    if wanted not in runs:
        module.fail_json(msg="no report of run %s in %s" % (wanted, runs_dir) if wanted
                         else "no run has a report in %s" % runs_dir, runs=runs)
    with open(os.path.join(runs_dir, wanted, "report.json")) as f:
        try:
            report = olvm_dr.Report.from_json(f.read())
        except olvm_dr.OlvmDrError as e:
            common.fail_on_error(module, e)
    module.exit_json(changed=False, runs=runs, run_id=report.run_id, verdict=report.verdict,
                     report=report.to_dict(), report_text=report.render().splitlines())


if __name__ == "__main__":
    main()
