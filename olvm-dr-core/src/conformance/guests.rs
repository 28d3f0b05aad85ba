//! Checks of what a VM's guest is told at start (cloud-init) and what its agent reports.

use crate::Site;
use crate::engine::{ErrorKind, Id, Initialization, NicConfiguration, VmSearch, VmStatus};
use crate::fake::Guest;

use super::Context;
use super::support::{Failure, ensure, err, err_text, ok};

/// A start with cloud-init follows the start rules; the guest agent of the booted guest then
/// reports the address cloud-init set, on the NIC's MAC; a down VM reports nothing.
pub async fn cloud_init_start_sets_what_the_guest_reports(ctx: &Context) -> Result<(), Failure> {
    let e = ctx.engine(Site::Primary);
    let vms = ok("vms", e.vms(&VmSearch::default()).await)?;
    let Some(vm) = vms
        .iter()
        .find(|v| v.status == VmStatus::Down && v.nics.iter().any(|n| n.plugged))
    else {
        return Ok(());
    };
    let ip = |s: &str| s.parse::<std::net::IpAddr>().expect("literal address");
    ctx.world()
        .set_guest(vm.id, Guest::with_addresses(true, &[(ip("10.1.4.7"), 16)]));
    let reported = ok("vm_reported_devices", e.vm_reported_devices(vm.id).await)?;
    ensure!(reported.is_empty(), "a down VM reports {reported:?}");
    let init = Initialization {
        nic_configurations: vec![NicConfiguration {
            name: "eth0".into(),
            address: ip("10.201.4.7"),
            prefix: 16,
            gateway: Some(ip("10.201.0.1")),
        }],
        dns_servers: vec![ip("10.201.0.53")],
    };
    ok(
        "start_vm_with_initialization",
        e.start_vm_with_initialization(vm.id, &init).await,
    )?;
    let up = ok("vm", e.vm(vm.id).await)?;
    ensure!(up.status == VmStatus::Up, "after start: {}", up.status);
    let reported = ok("vm_reported_devices", e.vm_reported_devices(vm.id).await)?;
    let first = vm
        .nics
        .iter()
        .find(|n| n.plugged)
        .and_then(|n| n.mac.clone());
    ensure!(
        reported.first().is_some_and(|d| d.name == "eth0"
            && d.ips == vec![ip("10.201.4.7")]
            && d.mac == first
            && d.vm == vm.id),
        "reported after a cloud-init start: {reported:?}"
    );
    err_text(
        "start a running VM with cloud-init",
        e.start_vm_with_initialization(vm.id, &init).await,
        ErrorKind::InvalidState,
        "[Cannot run VM because the VM is in Up status.]",
    )?;
    err(
        "vm_reported_devices of an unknown VM",
        e.vm_reported_devices(Id::from_u128(0xdead)).await,
        ErrorKind::NotFound,
    )?;
    Ok(())
}
