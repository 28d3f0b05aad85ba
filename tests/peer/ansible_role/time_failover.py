"""Times the real role's failover on a lab, for the benchmark that prints it next to olvm-dr's.

    time_failover.py [--vms N] [--seed S] [--dir DIR]   starts a lab of N VMs itself
    time_failover.py --lab DIR                          uses a running `olvm-dr lab up --dir DIR`

Declares the primary's disaster as a drill does (dark site, leases expired, replication
stopped), runs the role's `fail_over` tag once and prints one JSON line: the seconds the
playbook took, the VMs the secondary then runs and has registered, and the role's report.
Run with the venv of setup.sh (its python has ovirtsdk4 and PyYAML).
"""

import argparse
import json
import pathlib
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from role import Role  # noqa: E402
from simlab import SimLab  # noqa: E402


class RunningLab(SimLab):
    """A lab `olvm-dr lab up --dir DIR` runs: its URLs from DIR/lab.json, stopped by its owner."""

    @classmethod
    def attach(cls, directory):
        directory = pathlib.Path(directory)
        state = json.loads((directory / "lab.json").read_text())
        line = {site: _urls(state, site) for site in ("primary", "secondary")}
        line["ca_file"] = state.get("ca_file")
        return cls(None, line, directory)

    def stop(self):
        pass

    def connect(self, site):
        import ovirtsdk4 as sdk
        import yaml

        passwords = yaml.safe_load(self.passwords_file.read_text())
        return sdk.Connection(
            url=self.url(site), username="admin@internal", password=passwords[f"dr_sites_{site}_password"],
            ca_file=self.ca_file,
            timeout=60,
        )


def _urls(state, site):
    """A site's API and control URLs from lab.json (`api_urls`, `control_urls` per site)."""
    return {"api_url": state["api_urls"][site], "control_url": state["control_urls"][site]}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lab", help="directory of a running `olvm-dr lab up`")
    parser.add_argument("--vms", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", help="where to start the lab (default: a temporary directory)")
    args = parser.parse_args()
    work = pathlib.Path(tempfile.mkdtemp(prefix="olvm-dr-role-time-"))
    lab = RunningLab.attach(args.lab) if args.lab else SimLab.start(args.dir or work / "lab", args.seed, vms=args.vms)
    try:
        lab.lose_primary()
        run = Role(lab, work / "role").fail_over()
        conn = lab.connect("secondary")
        try:
            vms = conn.system_service().vms_service().list()
        finally:
            conn.close()
        print(
            json.dumps(
                {
                    "tool": "ovirt.ovirt.disaster_recovery fail_over",
                    "seconds": round(run.seconds, 3),
                    "exit_code": run.returncode,
                    "vms_registered": len(vms),
                    "vms_up": sum(1 for vm in vms if str(vm.status) == "up"),
                    "failed_tasks": len(run.failed_tasks()),
                    "report": run.report,
                }
            )
        )
    finally:
        lab.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
