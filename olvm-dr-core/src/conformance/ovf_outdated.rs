//! Checks that an OVF update writes only stores the Engine marked outdated.
//!
//! Real Engine: `ProcessOvfUpdateForStoragePoolCommand` processes the VMs and templates whose
//! configuration generation changed (`GetVmsIdsForOvfUpdate`: `db_generation >
//! ovf_generation`) and marks the domains holding them `OUTDATED`;
//! `UpdateOvfStoreForStorageDomainCommand.performNextOperation` writes the domain only when it
//! was among them, and otherwise logs `OVF_STORES_UPDATE_IGNORED` ("OVFs update was ignored -
//! nothing to update") and ends. `RunVmCommand.runningSucceded` and `StopVmCommandBase` bump
//! the generation; a VM that shuts down from inside its guest does not.

use std::time::Duration;

use crate::Site;
use crate::engine::{JobStatus, VmStatus};
use crate::ovf::{Clock, Freshness, read_domain};

use super::Context;
use super::support::{Failure, ensure, ok};

/// The store's last update of `sd` as the Engine shows it.
async fn last_update(
    ctx: &Context,
    sd: crate::engine::Id,
) -> Result<std::time::SystemTime, Failure> {
    let e = ctx.engine(Site::Primary);
    let clock = ok("api_info", Clock::read(e).await)?;
    match read_domain(e, sd, &clock).await.freshness {
        Freshness::Known { last_update, .. } => Ok(last_update),
        other => Err(Failure::new(format!(
            "OVF store age not readable: {other:?}"
        ))),
    }
}

/// Runs an OVF update of `sd` to the end of its job.
async fn update(ctx: &Context, sd: crate::engine::Id) -> Result<(), Failure> {
    let e = ctx.engine(Site::Primary);
    if let Some(job) = ok("update_ovf_store", e.update_ovf_store(sd).await)? {
        let j = ok("job", e.job(job).await)?;
        ensure!(j.status == JobStatus::Finished, "job {:?}", j.status);
    }
    Ok(())
}

/// With nothing changed, an explicit update leaves the store as it was; a shutdown from inside
/// a guest changes nothing either, and the store still records the VM running; a start
/// through the Engine is a change, and the next update writes it.
pub async fn update_ovf_store_writes_only_outdated_domains(ctx: &Context) -> Result<(), Failure> {
    let f = ctx.facts();
    let Some(vm) = f.vms.iter().find(|v| v.running) else {
        return Ok(());
    };
    let Some(&sd) = vm.domains.first() else {
        return Ok(());
    };
    // Back by an hour, so that a write now shows in the stores' whole-second times.
    ensure!(
        ctx.world()
            .age_ovf_store(Site::Primary, sd, Duration::from_secs(3600)),
        "the world cannot age the OVF store"
    );
    let then = last_update(ctx, sd).await?;
    update(ctx, sd).await?;
    ensure!(
        last_update(ctx, sd).await? == then,
        "an update with nothing outdated rewrote the store"
    );
    ensure!(
        ctx.world()
            .setup(|s| s.shut_down_in_guest(Site::Primary, vm.id)),
        "the world cannot shut the guest down"
    );
    update(ctx, sd).await?;
    ensure!(
        last_update(ctx, sd).await? == then,
        "a shutdown from inside the guest made the store outdated"
    );
    let recorded = ctx
        .world()
        .ovf_store(Site::Primary, sd)
        .and_then(|s| s.vms.iter().find(|(id, _)| *id == vm.id).map(|(_, st)| *st));
    ensure!(
        recorded == Some(VmStatus::Up),
        "the store records {recorded:?} for a VM it last saw up"
    );
    ok("start_vm", ctx.engine(Site::Primary).start_vm(vm.id).await)?;
    update(ctx, sd).await?;
    ensure!(
        last_update(ctx, sd).await? > then,
        "a start through the Engine did not make the store outdated"
    );
    Ok(())
}
