//! Checks of VM leases: registration keeps an HA VM's lease on its replicated domain, and the
//! start waits until sanlock has taken the record the other site's host wrote.

use tokio::time::Instant;

use crate::Site;
use crate::engine::VmStatus;

use super::Context;
use super::failover::register_everything;
use super::leases::SHORT_LEASE;
use super::support::{Failure, bring_in_all, ensure, lose_primary, ok};

/// An HA VM running on the primary with a lease on its own domain: registration on the
/// secondary keeps the lease there (`ImportVmCommandBase.handleVmLease`: an active data domain
/// of the data center; `AddVmLeaseCommand` reuses the lease the replicated domain holds), and
/// `lease/storage_domain` names it. Starting it does not fail, but the VM stays
/// `wait_for_launch` while sanlock watches the record the primary's host wrote
/// (`paxos_lease_acquire` waits the host-dead time of its owner before taking it over), then
/// comes up. Stopped and started again, its host's own record is taken at once.
pub async fn vm_start_waits_for_its_lease(ctx: &Context) -> Result<(), Failure> {
    let f = ctx.facts();
    let Some(vm) = f
        .vms
        .iter()
        .find(|v| v.running && v.ha && !v.domains.is_empty())
    else {
        return Ok(());
    };
    let sd = vm.domains[0];
    let w = ctx.world();
    w.setup(|s| s.set_vm_lease(Site::Primary, vm.id, Some(sd)));
    lose_primary(ctx);
    bring_in_all(ctx).await?;
    let e = ctx.engine(Site::Secondary);
    register_everything(ctx, e, &f.registration(Site::Secondary)).await?;
    let registered = ok("vm", e.vm(vm.id).await)?;
    ensure!(
        registered.settings.lease == Some(sd),
        "the registered VM's lease is on {:?}, its OVF named {sd}",
        registered.settings.lease
    );

    w.set_lease_timeout(SHORT_LEASE);
    let started = Instant::now();
    ok("start_vm", e.start_vm(vm.id).await)?;
    let status = ok("vm", e.vm(vm.id).await)?.status;
    ensure!(
        status == VmStatus::WaitForLaunch || started.elapsed() >= SHORT_LEASE,
        "right after the start, while the lease is watched: {status}"
    );
    tokio::time::sleep(SHORT_LEASE).await;
    let status = ok("vm", e.vm(vm.id).await)?.status;
    ensure!(
        status == VmStatus::Up,
        "after the lease time the VM should be up, is {status}"
    );

    ok("stop_vm", e.stop_vm(vm.id).await)?;
    ok("start_vm again", e.start_vm(vm.id).await)?;
    let status = ok("vm", e.vm(vm.id).await)?.status;
    ensure!(
        status == VmStatus::Up,
        "started again with its own lease record: {status}"
    );
    Ok(())
}
