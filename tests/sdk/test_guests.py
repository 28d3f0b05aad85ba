"""A VM's guest through the SDK: a start with cloud-init (`use_cloud_init` and
`vm.initialization.nic_configurations`), the devices the guest agent then reports, and the
lab's check of a service on the VM (what a recovery plan's check command can ask)."""

import time
import urllib.error
import urllib.request

import ovirtsdk4.types as t


def _check(lab, name):
    """The HTTP status of the lab's check of VM `name`."""
    url = lab.line["primary"]["control_url"] + "/checks/" + name
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def test_cloud_init_start_and_reported_devices(lab):
    conn = lab.connect("primary")
    try:
        vms = conn.system_service().vms_service()
        down = [
            v
            for v in lab.facts["vms"]
            if not v["running"] and lab.control("primary", "GET", f"/guests/{v['id']}")["guest"]["cloud_init"]
        ]
        candidates = [vms.vm_service(v["id"]) for v in down]
        vm_service = next(s for s in candidates if s.nics_service().list())
        vm = vm_service.get()
        mac = vm_service.nics_service().list()[0].mac.address
        assert vm_service.reported_devices_service().list() == []
        lab.control("primary", "POST", f"/checks/{vm.name}", {"fail": 1})
        assert _check(lab, vm.name) == 503

        vm_service.start(
            use_cloud_init=True,
            vm=t.Vm(
                initialization=t.Initialization(
                    dns_servers="10.201.0.53",
                    nic_configurations=[
                        t.NicConfiguration(
                            name="eth0",
                            boot_protocol=t.BootProtocol.STATIC,
                            on_boot=True,
                            ip=t.Ip(address="10.201.4.7", netmask="255.255.0.0", gateway="10.201.0.1"),
                        )
                    ],
                )
            ),
        )
        deadline = time.monotonic() + 60
        devices = []
        while time.monotonic() < deadline:
            if vm_service.get().status == t.VmStatus.UP:
                devices = vm_service.reported_devices_service().list()
                if devices:
                    break
            time.sleep(0.2)
        assert devices, "the guest agent never reported"
        eth0 = next(d for d in devices if d.name == "eth0")
        assert eth0.mac.address == mac
        assert [(ip.address, ip.version) for ip in eth0.ips] == [("10.201.4.7", t.IpVersion.V4)]
        assert eth0.type == t.ReportedDeviceType.NETWORK

        # One injected failure left, then the service answers.
        assert _check(lab, vm.name) == 503
        assert _check(lab, vm.name) == 200
        guest = lab.control("primary", "GET", f"/guests/{vm.name}")["guest"]
        assert guest["applied"]["nic_configurations"][0]["address"] == "10.201.4.7"
        assert guest["dns_servers"] == ["10.201.0.53"]
    finally:
        conn.close()
