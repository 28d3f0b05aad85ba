"""The round trip an administrator runs on the lab, read back through the official SDK.

`olvm-dr lab up`, the primary's disaster, `olvm-dr failover`, replication reversed and the primary
back, `olvm-dr failback` (its storage gate a command), all from the command line; before and
after, the primary is read with ovirtsdk4: storage domains (data center, master, status),
templates and versions, VMs (cluster, template, memory, CPUs, high availability, status) with
their disks (id, alias, domains, size, interface, bootable, active) and NICs (network, vNIC
profile, MAC, plugged). The primary after the failback must equal the primary before the
disaster (MACs aside where the reports list them as reassigned), and `olvm-dr verify` must find
nothing; with a disk removed behind the tool's back, `verify` names it and exits 1.
"""

import json
import os
import pathlib
import signal
import subprocess
import time
import urllib.request

import ovirtsdk4 as sdk
import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
OLVM_DR = os.environ.get("OLVM_DR_BIN", str(ROOT / "target" / "debug" / "olvm-dr"))
USER = "admin@internal"


def olvm_dr(*args, check=True):
    """Runs the command line; returns (exit code, stdout + stderr)."""
    out = subprocess.run([OLVM_DR, *args], capture_output=True, text=True, timeout=900)
    text = out.stdout + out.stderr
    if check and out.returncode != 0:
        raise AssertionError(f"olvm-dr {' '.join(args)} exited {out.returncode}:\n{text}")
    return out.returncode, text


class RunningLab:
    """`olvm-dr lab up` in the background, with its files and control endpoints."""

    def __init__(self, directory, seed, size):
        self.dir = directory
        self.proc = subprocess.Popen(
            [OLVM_DR, "lab", "up", "--dir", str(directory), "--seed", str(seed), "--size", size, "--latency", "instant"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        state = directory / "lab.json"
        deadline = time.monotonic() + 120
        while not state.exists():
            if self.proc.poll() is not None:
                raise RuntimeError(f"olvm-dr lab up exited {self.proc.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError("olvm-dr lab up did not start in 120 s")
            time.sleep(0.1)
        time.sleep(0.2)
        self.state = json.loads(state.read_text())
        self.conf = str(directory / "dr.conf")
        self.passwords = yaml.safe_load((directory / "passwords.yml").read_text())

    def control(self, path):
        req = urllib.request.Request(self.state["control_urls"]["secondary"] + path, data=b"{}", method="POST")
        req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read() or b"{}")

    def connect(self, site):
        return sdk.Connection(
            url=self.state["api_urls"][site],
            username=USER,
            password=self.passwords[f"dr_sites_{site}_password"],
            ca_file=self.state["ca_file"],
            timeout=60,
        )

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def read_site(conn):
    """The DR-relevant state of a site through the SDK."""
    s = conn.system_service()
    dc_names = {d.id: d.name for d in s.data_centers_service().list()}
    networks = {n.id: n.name for n in s.networks_service().list()}
    profiles = {p.id: (networks.get(p.network.id), p.name) for p in s.vnic_profiles_service().list()}
    clusters = {c.id: c.name for c in s.clusters_service().list()}
    domains = {}
    domain_names = {}
    for d in s.storage_domains_service().list():
        domain_names[d.id] = d.name
        if d.type != sdk.types.StorageDomainType.DATA:
            continue
        if not d.data_centers:
            domains[d.name] = None
            continue
        dc = d.data_centers[0].id
        view = s.data_centers_service().data_center_service(dc).storage_domains_service().storage_domain_service(d.id).get()
        domains[d.name] = (dc_names.get(dc), bool(view.master), str(view.status))
    templates = {
        t.id: (t.name, t.version.version_number if t.version else None, str(t.status))
        for t in s.templates_service().list()
        if t.id != "00000000-0000-0000-0000-000000000000"
    }
    vms = {}
    for vm in s.vms_service().list():
        if vm.origin == "managed_hosted_engine":
            continue
        service = s.vms_service().vm_service(vm.id)
        disks = []
        for a in service.disk_attachments_service().list():
            disk = conn.follow_link(a.disk)
            disks.append(
                (
                    a.id,
                    disk.alias,
                    tuple(sorted(domain_names.get(x.id, x.id) for x in (disk.storage_domains or []))),
                    disk.provisioned_size,
                    str(a.interface),
                    bool(a.bootable),
                    bool(a.active),
                )
            )
        nics = []
        for n in service.nics_service().list():
            nics.append(
                (
                    n.name,
                    profiles.get(n.vnic_profile.id) if n.vnic_profile else None,
                    n.mac.address if n.mac else None,
                    bool(n.plugged),
                )
            )
        vms[vm.id] = {
            "name": vm.name,
            "cluster": clusters.get(vm.cluster.id),
            "template": vm.template.id if vm.template else None,
            "memory": vm.memory,
            "cpus": vm.cpu.topology.sockets * vm.cpu.topology.cores * vm.cpu.topology.threads,
            "ha": (bool(vm.high_availability.enabled), vm.high_availability.priority),
            "status": str(vm.status),
            "disks": sorted(disks),
            "nics": sorted(nics, key=lambda x: x[0]),
        }
    return {"domains": domains, "templates": templates, "vms": vms}


def reassigned(report_text):
    """(VM id, NIC name) of every MAC a report lists as reassigned."""
    report = json.loads(report_text[: report_text.rfind("}") + 1])
    return {(v["id"], m["nic"]) for v in report["vms"] for m in v.get("macs_reassigned", [])}


def differences(before, after, macs):
    out = []
    for kind in ("domains", "templates"):
        if before[kind] != after[kind]:
            out.append(f"{kind}: {before[kind]} != {after[kind]}")
    for vid, want in before["vms"].items():
        have = after["vms"].get(vid)
        if have is None:
            out.append(f"VM {want['name']} is missing")
            continue
        have = dict(have)
        have["nics"] = [
            (n[0], n[1], w[2] if (vid, n[0]) in macs else n[2], n[3])
            for n, w in zip(have["nics"], want["nics"])
        ] if len(have["nics"]) == len(want["nics"]) else have["nics"]
        if have != want:
            out.append(f"VM {want['name']}: {want} != {have}")
    for vid in after["vms"].keys() - before["vms"].keys():
        out.append(f"VM {after['vms'][vid]['name']} was not there before")
    return out


def round_trip(tmp_path, seed, size):
    lab = RunningLab(tmp_path / "lab", seed, size)
    state = str(tmp_path / "state")
    lab_dir = str(lab.dir)
    try:
        primary = lab.connect("primary")
        before = read_site(primary)
        primary.close()
        assert before["vms"], "the lab has VMs"

        olvm_dr("lab", "disaster", "primary", "--dir", lab_dir)
        # The dark site's sanlock leases expire at once (80 s in real time otherwise).
        lab.control("/sites/primary/expire-leases")
        olvm_dr("lab", "replication", "stop", "--dir", lab_dir)
        _, failover = olvm_dr("-f", lab.conf, "failover", "--yes", "--state-dir", state, "--output", "json", "--no-progress")
        macs = reassigned(failover)
        # Template versions count as the Engine counts them.
        report = json.loads(failover[: failover.rfind("}") + 1])
        registered = [t for t in report["templates"] if t["site"] == "secondary" and t["outcome"] == "done"]
        assert len(registered) == len(before["templates"]), (report["templates"], before["templates"])

        # Replication reversed before the primary's hosts come back, as a runbook has it: a site
        # that returns to copies it can write starts an SPM and restarts its highly available VMs
        # on them, a split brain with the secondary that runs them too.
        olvm_dr("lab", "replication", "reverse", "--dir", lab_dir)
        olvm_dr("lab", "recover", "primary", "--dir", lab_dir)
        gate = f"'{OLVM_DR}' lab replication stop --dir '{lab_dir}'"
        _, failback = olvm_dr(
            "-f", lab.conf, "failback", "--yes", "--state-dir", state, "--output", "json", "--no-progress",
            "--storage-ready-command", gate,
        )
        macs |= reassigned(failback)

        primary = lab.connect("primary")
        after = read_site(primary)
        diffs = differences(before, after, macs)
        assert not diffs, "\n".join(diffs[:10])
        code, out = olvm_dr("-f", lab.conf, "verify", "--site", "primary", "--state-dir", state, check=False)
        assert code == 0 and "no differences" in out, out
        return lab, primary, state, after
    except BaseException:
        lab.stop()
        raise


@pytest.mark.parametrize("seed", range(1, 21))
def test_a_round_trip_gives_back_the_same_primary(tmp_path, seed):
    lab, primary, _, _ = round_trip(tmp_path, seed, "small")
    primary.close()
    lab.stop()


def test_a_round_trip_of_the_medium_world(tmp_path):
    lab, primary, _, _ = round_trip(tmp_path, 7, "medium")
    primary.close()
    lab.stop()


def test_verify_names_a_disk_removed_behind_the_tools_back(tmp_path):
    lab, primary, state, after = round_trip(tmp_path, 7, "small")
    try:
        vm_id, vm = next((i, v) for i, v in after["vms"].items() if v["status"] == "down" and v["disks"])
        disk_id, alias = vm["disks"][0][0], vm["disks"][0][1]
        primary.system_service().disks_service().disk_service(disk_id).remove()
        code, out = olvm_dr("-f", lab.conf, "verify", "--site", "primary", "--state-dir", state, check=False)
        assert code == 1, out
        assert f"VM '{vm['name']}'" in out and alias in out, out
    finally:
        primary.close()
        lab.stop()
