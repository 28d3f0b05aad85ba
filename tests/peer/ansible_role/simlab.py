"""A lab of two simulated Engines (`olvm-dr-sim --dir`) for the role's peer job.

`SimLab.start(directory, seed)` runs the binary (OLVM_DR_SIM_BIN, default
target/debug/olvm-dr-sim) serving both sites of a small world, with the lab's mapping,
passwords file and dr.conf written to `directory`; `stop()` ends it. The same seed gives the
same world, so two labs can run one flow each and be compared.
"""

import json
import os
import pathlib
import subprocess
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[3]
USER = "admin@internal"
PASSWORD = "peer-lab-password"


class SimLab:
    """A running olvm-dr-sim with both sites: URLs, files, control requests."""

    def __init__(self, proc, line, directory):
        self.proc = proc
        self.line = line
        self.dir = directory
        self.mapping_file = directory / "disaster_recovery_vars.yml"
        self.passwords_file = directory / "passwords.yml"
        self.dr_conf = directory / "dr.conf"
        # The lab's Engines speak HTTPS with the lab's own CA; its mapping names this file in
        # `dr_sites_*_ca_file`, as the role needs.
        self.ca_file = line["ca_file"]

    @classmethod
    def start(cls, directory, seed, world="small", vms=None):
        """Starts a lab in `directory` (created); raises RuntimeError when it does not come up."""
        directory = pathlib.Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        binary = os.environ.get("OLVM_DR_SIM_BIN", str(ROOT / "target" / "debug" / "olvm-dr-sim"))
        args = [binary, "--world", world, "--seed", str(seed), "--dir", str(directory)]
        if vms is not None:
            args += ["--vms", str(vms)]
        env = dict(os.environ, OLVM_DR_SIM_PASSWORD=PASSWORD)
        proc = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True
        )
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"olvm-dr-sim did not start (exit {proc.wait(5)})")
        lab = cls(proc, json.loads(line), directory)
        # Sanlock's 80 s lease timeout would make every import after a site was alive wait in
        # real time; both flows compared wait the same way, for 1 s.
        lab.control("primary", "POST", "/lease-timeout", {"seconds": 1})
        return lab

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def url(self, site):
        return self.line[site]["api_url"]

    def control(self, site, method, path, body=None):
        """A request to the site's control endpoint (olvm-dr-sim/src/control.rs)."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.line[site]["control_url"] + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())

    def connect(self, site):
        """An official SDK connection to one site."""
        import ovirtsdk4 as sdk

        return sdk.Connection(
            url=self.url(site), username=USER, password=PASSWORD, ca_file=self.ca_file, timeout=60
        )

    def lose_primary(self):
        """The primary's disaster as a drill declares it: the site goes dark, its hosts' sanlock
        leases expire, and the replicas become read-write (replication stopped)."""
        self.control("secondary", "POST", "/sites/primary/disaster")
        self.control("secondary", "POST", "/sites/primary/expire-leases")
        self.control("secondary", "POST", "/replication", {"action": "stop", "target": "all"})

    def recover_primary(self):
        """The primary answers again (its Engine and hosts), and its Engine has heard from them.

        A site back from a disaster is not the state it had: its domains and the VMs that ran
        are `unknown` until its monitoring hears from the hosts, then the domains are `active`
        or `inactive` as the storage allows and the highly available VMs restart where they can
        (olvm-dr-core/src/fake/state/recovery.rs). Flows and comparisons start from that settled
        state, as an operator reading the Engine would."""
        self.control("secondary", "POST", "/sites/primary/recover")
        self.wait_monitored("primary")

    def wait_monitored(self, site, timeout=120):
        """Waits until no attached storage domain of `site` is `unknown` or `locked` and no VM is
        `unknown` or on its way up; raises TimeoutError after `timeout` seconds."""
        import ovirtsdk4.types as types

        unsettled_domains = {types.StorageDomainStatus.UNKNOWN, types.StorageDomainStatus.LOCKED}
        unsettled_vms = {types.VmStatus.UNKNOWN, types.VmStatus.WAIT_FOR_LAUNCH, types.VmStatus.POWERING_UP}
        deadline = time.monotonic() + timeout
        while True:
            conn = self.connect(site)
            try:
                system = conn.system_service()
                seen = []
                for dc in system.data_centers_service().list():
                    attached = system.data_centers_service().data_center_service(dc.id).storage_domains_service()
                    seen += [f"domain {d.name} {d.status}" for d in attached.list() if d.status in unsettled_domains]
                seen += [f"VM {v.name} {v.status}" for v in system.vms_service().list() if v.status in unsettled_vms]
            finally:
                conn.close()
            if not seen:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"the {site} site did not settle in {timeout} s: {', '.join(seen[:5])}")
            time.sleep(0.2)
