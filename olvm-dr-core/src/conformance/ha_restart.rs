//! Checks of what a site back from a disaster does with its highly available VMs: the Engine
//! finds them gone from their hosts and restarts those whose storage it can write again. In
//! ovirt-engine:
//!
//! * `backend/manager/modules/vdsbroker/src/main/java/org/ovirt/engine/core/vdsbroker/monitoring/VmAnalyzer.java`
//!   (`proceedDisappearedVm`: a VM its host no longer reports goes `down`, and a highly available
//!   one gets the auto-run flag, `setAutoRunFlag`);
//! * `backend/manager/modules/bll/src/main/java/org/ovirt/engine/core/bll/HaAutoStartVmsRunner.java`
//!   (an `AutoStartVmsRunner`: restarts them with `RunVm`, whose validation needs the VM's
//!   storage domains `active`, `RunVmValidator.validateStorageDomains`);
//! * `backend/manager/modules/vdsbroker/src/main/java/org/ovirt/engine/core/vdsbroker/irsbroker/IrsProxyImpl.java`
//!   (the domains of a pool with an SPM become `active` again; on copies the site cannot write
//!   they go `inactive`).

use crate::Site;
use crate::engine::{VmSearch, VmStatus};
use crate::fake::VmFacts;

use super::Context;
use super::recovered_site::SETTLE;
use super::support::{Failure, ensure, ok};

/// The VMs that ran on the primary before the disaster, highly available or not, each with
/// its status on the primary now.
async fn statuses_of_those_that_ran(
    ctx: &Context,
) -> Result<Vec<(VmFacts, Option<VmStatus>)>, Failure> {
    let now = ok(
        "vms",
        ctx.engine(Site::Primary).vms(&VmSearch::default()).await,
    )?;
    Ok(ctx
        .facts()
        .vms
        .iter()
        .filter(|v| v.running && !v.domains.is_empty())
        .map(|v| {
            let status = now.iter().find(|x| x.id == v.id).map(|x| x.status);
            (v.clone(), status)
        })
        .collect())
}

/// The primary goes dark and comes back on its own storage, which it can still write (the
/// replication was not reversed): its data centers elect an SPM, the domains become `active`
/// again, and the Engine restarts the highly available VMs that ran (`VmAnalyzer`,
/// `HaAutoStartVmsRunner`); the others stay `down`. Nobody else used the storage meanwhile, so no
/// split brain arises.
pub async fn a_recovered_site_restarts_its_ha_vms_on_writable_copies(
    ctx: &Context,
) -> Result<(), Failure> {
    if !ctx.facts().vms.iter().any(|v| v.running && v.ha) {
        return Ok(());
    }
    let w = ctx.world();
    w.disaster(Site::Primary);
    w.recover(Site::Primary);
    tokio::time::sleep(SETTLE).await;
    for (vm, status) in statuses_of_those_that_ran(ctx).await? {
        let expected = if vm.ha { VmStatus::Up } else { VmStatus::Down };
        ensure!(
            status == Some(expected),
            "VM {} (highly available: {}) on a writable copy: expected {expected}, got {status:?}",
            vm.name,
            vm.ha
        );
    }
    ensure!(w.split_brains().is_empty(), "a split brain was recorded");
    Ok(())
}

/// The counterpart: the primary comes back on copies it can no longer write (the replication
/// was reversed): its domains go `inactive`, no `RunVm` can succeed there, and the highly
/// available VMs that ran stay `down` like the others.
pub async fn a_recovered_site_leaves_its_ha_vms_down_on_read_only_copies(
    ctx: &Context,
) -> Result<(), Failure> {
    if !ctx.facts().vms.iter().any(|v| v.running && v.ha) {
        return Ok(());
    }
    let w = ctx.world();
    w.disaster(Site::Primary);
    w.reverse_all_replication();
    w.recover(Site::Primary);
    tokio::time::sleep(SETTLE).await;
    for (vm, status) in statuses_of_those_that_ran(ctx).await? {
        ensure!(
            status == Some(VmStatus::Down),
            "VM {} (highly available: {}) on a read-only copy: expected down, got {status:?}",
            vm.name,
            vm.ha
        );
    }
    Ok(())
}
