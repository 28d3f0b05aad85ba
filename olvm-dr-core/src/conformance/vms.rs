//! Checks of VM power states, removal, disks, searches and site outages.

use crate::Site;
use crate::engine::{
    DiskContentType, DiskFilter, DiskStorageType, ErrorKind, StorageDomainStatus, VmSearch,
    VmStatus,
};
use crate::fake::VmSpec;

use super::Context;
use super::support::{Failure, ensure, err, err_text, ok};

/// Start, stop, shutdown and remove follow the Engine's status rules.
pub async fn vm_power_state_machine(ctx: &Context) -> Result<(), Failure> {
    let f = ctx.facts();
    let Some(facts) = f.vms.iter().find(|v| !v.running) else {
        return Ok(());
    };
    let e = ctx.engine(Site::Primary);
    let id = facts.id;
    err_text(
        "stop a down VM",
        e.stop_vm(id).await,
        ErrorKind::InvalidState,
        "[Cannot stop VM. VM is not running.]",
    )?;
    err_text(
        "shutdown a down VM",
        e.shutdown_vm(id).await,
        ErrorKind::InvalidState,
        "[Cannot shutdown VM. VM is not running.]",
    )?;
    ok("start_vm", e.start_vm(id).await)?;
    let vm = ok("vm", e.vm(id).await)?;
    ensure!(
        vm.status == VmStatus::Up && vm.host.is_some(),
        "after start: {} on {:?}",
        vm.status,
        vm.host
    );
    err_text(
        "start a running VM",
        e.start_vm(id).await,
        ErrorKind::InvalidState,
        "[Cannot run VM because the VM is in Up status.]",
    )?;
    err_text(
        "remove a running VM",
        e.remove_vm(id).await,
        ErrorKind::InvalidState,
        "[Cannot remove VM. VM is running.]",
    )?;
    ok("shutdown_vm", e.shutdown_vm(id).await)?;
    ensure!(
        ok("vm", e.vm(id).await)?.status == VmStatus::Down,
        "not down after shutdown"
    );
    ok("start_vm", e.start_vm(id).await)?;
    ok("stop_vm", e.stop_vm(id).await)?;
    ensure!(
        ok("vm", e.vm(id).await)?.status == VmStatus::Down,
        "not down after stop"
    );
    ok("remove_vm", e.remove_vm(id).await)?;
    err("vm after remove", e.vm(id).await, ErrorKind::NotFound)?;
    Ok(())
}

/// A delete-protected VM cannot be removed.
pub async fn delete_protected_vm_is_not_removed(ctx: &Context) -> Result<(), Failure> {
    let cluster = ctx.facts().primary.clusters[0].id;
    let id = ctx.world().setup(|s| {
        let mut spec = VmSpec::new("protected", cluster);
        spec.delete_protected = true;
        s.add_vm(Site::Primary, spec)
    });
    err_text(
        "remove a protected VM",
        ctx.engine(Site::Primary).remove_vm(id).await,
        ErrorKind::Conflict,
        "[Cannot remove VM. Delete protection is enabled. In order to delete, disable Delete protection first.]",
    )?;
    Ok(())
}

/// OVF_STORE disks cannot be removed while valid; disks of running VMs neither.
pub async fn remove_disk_rules(ctx: &Context) -> Result<(), Failure> {
    let e = ctx.engine(Site::Primary);
    let disks = ok("disks", e.disks(DiskFilter::default()).await)?;
    if let Some(ovf) = disks
        .iter()
        .find(|d| d.content_type == DiskContentType::OvfStore)
    {
        err_text(
            "remove an OVF_STORE disk",
            e.remove_disk(ovf.id).await,
            ErrorKind::InvalidState,
            "[Cannot remove Virtual Disk. The operation can be performed only for OVF disks that are in ILLEGAL status.]",
        )?;
    }
    let Some(lun) = disks
        .iter()
        .find(|d| d.storage_type == DiskStorageType::Lun && !d.vms.is_empty())
    else {
        return Ok(());
    };
    let vm = lun.vms[0];
    if ok("vm", e.vm(vm).await)?.status == VmStatus::Down {
        ok("start_vm", e.start_vm(vm).await)?;
    }
    err_text(
        "remove the disk of a running VM",
        e.remove_disk(lun.id).await,
        ErrorKind::InvalidState,
        "[Cannot remove Virtual Disk. At least one of the VMs is not down.]",
    )?;
    for v in &lun.vms {
        if ok("vm", e.vm(*v).await)?.status != VmStatus::Down {
            ok("stop_vm", e.stop_vm(*v).await)?;
        }
    }
    ok("remove_disk", e.remove_disk(lun.id).await)?;
    let after = ok("vm", e.vm(vm).await)?;
    ensure!(
        after.luns.is_empty() || lun.lun_storage.is_none(),
        "LUN still attached: {:?}",
        after.luns
    );
    Ok(())
}

/// VM and disk searches return exactly what matches.
pub async fn vm_and_disk_searches_filter(ctx: &Context) -> Result<(), Failure> {
    let f = ctx.facts();
    let e = ctx.engine(Site::Primary);
    let up = ok(
        "vms status=up",
        e.vms(&VmSearch {
            status: Some(VmStatus::Up),
            ..VmSearch::default()
        })
        .await,
    )?;
    let expected =
        f.vms.iter().filter(|v| v.running).count() + usize::from(f.hosted_engine.is_some());
    ensure!(
        up.len() == expected,
        "{} VMs up, expected {expected}",
        up.len()
    );
    ensure!(
        up.iter().all(|v| v.status == VmStatus::Up),
        "status filter leaked"
    );
    if let Some(d) = f.domains.first() {
        let on = ok(
            "vms storage=",
            e.vms(&VmSearch {
                storage_domain: Some(d.id),
                ..VmSearch::default()
            })
            .await,
        )?;
        ensure!(
            on.iter().all(|v| v.storage_domains.contains(&d.id)),
            "storage filter leaked"
        );
        let expected = f.vms.iter().filter(|v| v.domains.contains(&d.id)).count();
        ensure!(
            on.len() == expected,
            "{} VMs on {}, expected {expected}",
            on.len(),
            d.name
        );
    }
    let luns = ok(
        "disks lun",
        e.disks(DiskFilter {
            lun_only: true,
            unattached_only: false,
        })
        .await,
    )?;
    ensure!(
        luns.iter().all(|d| d.storage_type == DiskStorageType::Lun),
        "lun filter leaked"
    );
    ensure!(
        luns.iter().all(|d| d.lun_storage.is_some()),
        "LUN disk without lun_storage"
    );
    let floating = ok(
        "disks unattached",
        e.disks(DiskFilter {
            lun_only: false,
            unattached_only: true,
        })
        .await,
    )?;
    ensure!(
        floating.iter().all(|d| d.vms.is_empty()),
        "unattached filter leaked"
    );
    Ok(())
}

/// A site in disaster does not answer; recovered, it answers with its old (stale) records, its
/// domains `unknown` until its hosts report (ovirt-engine
/// `backend/manager/modules/vdsbroker/src/main/java/org/ovirt/engine/core/vdsbroker/irsbroker/IrsProxyImpl.java`,
/// `updatingTimerElapsed`: "no reporting hosts").
pub async fn disaster_makes_the_site_unavailable(ctx: &Context) -> Result<(), Failure> {
    let w = ctx.world();
    let p = ctx.engine(Site::Primary);
    let dc = ctx.facts().primary.data_centers[0].id;
    let before = ok(
        "attached_storage_domains",
        p.attached_storage_domains(dc).await,
    )?;
    super::recovered_site::slow_pool_refresh(ctx, Site::Primary);
    w.disaster(Site::Primary);
    err("api_info", p.api_info().await, ErrorKind::Unreachable)?;
    err(
        "vms",
        p.vms(&VmSearch::default()).await,
        ErrorKind::Unreachable,
    )?;
    ok(
        "secondary api_info",
        ctx.engine(Site::Secondary).api_info().await,
    )?;
    w.recover(Site::Primary);
    ok("api_info after recovery", p.api_info().await)?;
    let after = ok(
        "attached_storage_domains",
        p.attached_storage_domains(dc).await,
    )?;
    let ids = |v: &[crate::engine::StorageDomain]| v.iter().map(|d| d.id).collect::<Vec<_>>();
    ensure!(
        ids(&before) == ids(&after),
        "the recovered site's domains changed"
    );
    // The Engine starts before its hosts report: its storage-pool timer finds no reporting
    // host and marks the monitored domains `unknown` (ovirt-engine
    // `IrsProxyImpl.updatingTimerElapsed`, "no reporting hosts").
    ensure!(
        after
            .iter()
            .all(|d| d.status == Some(StorageDomainStatus::Unknown)),
        "a recovered site's domains should be unknown until its hosts report"
    );
    Ok(())
}
