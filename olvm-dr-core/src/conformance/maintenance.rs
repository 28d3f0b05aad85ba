//! Checks of taking domains out of service on a running site: deactivate, detach, remove,
//! OVF updates.

use crate::Site;
use crate::engine::{
    Engine, ErrorKind, Id, JobStatus, RemoveStorageDomain, StorageDomainStatus, VmSearch, VmStatus,
};
use crate::fake::DomainFacts;
use crate::ovf::{Clock, Freshness, format_age, read_domain};

use super::Context;
use super::support::{Failure, ensure, err, err_text, host, ok};

/// A primary domain that is not its data center's master and holds VMs.
pub(super) fn non_master_with_vms(ctx: &Context) -> Option<&DomainFacts> {
    let f = ctx.facts();
    f.domains
        .iter()
        .find(|d| !d.primary_master && f.vms.iter().any(|v| v.domains.contains(&d.id)))
}

/// Powers off every VM with a disk on `sd`.
pub(super) async fn stop_vms_on(e: &dyn Engine, sd: Id) -> Result<(), Failure> {
    let search = VmSearch {
        storage_domain: Some(sd),
        status_not: Some(VmStatus::Down),
        ..VmSearch::default()
    };
    for vm in ok("vms", e.vms(&search).await)? {
        ok("stop_vm", e.stop_vm(vm.id).await)?;
    }
    Ok(())
}

/// Deactivation is refused while VMs on the domain run, and goes to maintenance once they are
/// down.
pub async fn deactivate_is_refused_with_running_vms(ctx: &Context) -> Result<(), Failure> {
    let f = ctx.facts();
    let Some(d) = f
        .domains
        .iter()
        .find(|d| f.vms.iter().any(|v| v.running && v.domains.contains(&d.id)))
    else {
        return Ok(());
    };
    let e = ctx.engine(Site::Primary);
    let dc = d.primary_dc.id;
    err_text(
        "deactivate with running VMs",
        e.deactivate_storage_domain(dc, d.id, false).await,
        ErrorKind::InvalidState,
        "[Cannot deactivate Storage. VMs in a state other than \"Down\" or \"Suspended\" were detected.\n-Please ensure all VMs associated with this Storage Domain are stopped and in the Down or Suspended state first.]",
    )?;
    stop_vms_on(e, d.id).await?;
    ok(
        "deactivate",
        e.deactivate_storage_domain(dc, d.id, false).await,
    )?;
    let sd = ok(
        "attached_storage_domain",
        e.attached_storage_domain(dc, d.id).await,
    )?;
    ensure!(
        sd.status == Some(StorageDomainStatus::Maintenance),
        "status {:?}",
        sd.status
    );
    Ok(())
}

/// Detach removes the domain's VMs from the Engine; attaching it again brings them back as
/// unregistered, with the status the deactivation's OVF write recorded.
pub async fn detach_keeps_the_ovf_store(ctx: &Context) -> Result<(), Failure> {
    let Some(d) = non_master_with_vms(ctx) else {
        return Ok(());
    };
    let f = ctx.facts();
    let e = ctx.engine(Site::Primary);
    let dc = d.primary_dc.id;
    let only_here: Vec<Id> = f
        .vms
        .iter()
        .filter(|v| !v.has_luns && v.domains.iter().all(|x| *x == d.id))
        .map(|v| v.id)
        .collect();
    ensure!(!only_here.is_empty(), "{} has no VM of its own", d.name);
    stop_vms_on(e, d.id).await?;
    err_text(
        "detach an active domain",
        e.detach_storage_domain(dc, d.id).await,
        ErrorKind::InvalidState,
        "[Cannot detach Storage. The relevant Storage Domain's status is Active.]",
    )?;
    ok(
        "deactivate",
        e.deactivate_storage_domain(dc, d.id, false).await,
    )?;
    ok("detach", e.detach_storage_domain(dc, d.id).await)?;
    err(
        "attached after detach",
        e.attached_storage_domain(dc, d.id).await,
        ErrorKind::NotFound,
    )?;
    let top = ok("storage_domain", e.storage_domain(d.id).await)?;
    ensure!(
        top.status == Some(StorageDomainStatus::Unattached),
        "status {:?}",
        top.status
    );
    for vm in &only_here {
        err("vm after detach", e.vm(*vm).await, ErrorKind::NotFound)?;
    }
    ok("attach again", e.attach_storage_domain(dc, d.id).await)?;
    let unregistered = ok("unregistered_vms", e.unregistered_vms(d.id).await)?;
    for vm in &only_here {
        let u = unregistered
            .iter()
            .find(|u| u.id == *vm)
            .ok_or_else(|| Failure::new(format!("{vm} not unregistered after re-attach")))?;
        ensure!(
            u.status == VmStatus::Down,
            "{} recorded as {}",
            u.name,
            u.status
        );
    }
    Ok(())
}

/// Normal removal needs an unattached domain and leaves it importable unless formatted;
/// `destroy` refuses an active domain.
pub async fn remove_storage_domain_rules(ctx: &Context) -> Result<(), Failure> {
    let Some(d) = non_master_with_vms(ctx) else {
        return Ok(());
    };
    let e = ctx.engine(Site::Primary);
    let dc = d.primary_dc.id;
    let h = host(ctx, Site::Primary, dc)?;
    let with_host = |format| RemoveStorageDomain::WithHost { host: h, format };
    stop_vms_on(e, d.id).await?;
    ok(
        "deactivate",
        e.deactivate_storage_domain(dc, d.id, false).await,
    )?;
    err_text(
        "remove an attached domain",
        e.remove_storage_domain(d.id, with_host(false)).await,
        ErrorKind::Conflict,
        "[Cannot remove Storage. The relevant Storage Domain is inaccessible.\n-Please handle Storage Domain issues and retry the operation.]",
    )?;
    let attached = ok(
        "attached_storage_domains",
        e.attached_storage_domains(dc).await,
    )?;
    if let Some(active) = attached
        .iter()
        .find(|x| x.status == Some(StorageDomainStatus::Active))
    {
        err_text(
            "destroy an active domain",
            e.remove_storage_domain(active.id, RemoveStorageDomain::Destroy)
                .await,
            ErrorKind::InvalidState,
            "[Cannot destroy Storage. The relevant Storage Domain's status is Active.]",
        )?;
    }
    ok("detach", e.detach_storage_domain(dc, d.id).await)?;
    ok(
        "remove",
        e.remove_storage_domain(d.id, with_host(false)).await,
    )?;
    err(
        "storage_domain after remove",
        e.storage_domain(d.id).await,
        ErrorKind::NotFound,
    )?;
    ok(
        "import after remove",
        e.import_storage_domain(&d.import_request(Site::Primary, h))
            .await,
    )?;
    ok(
        "remove with format",
        e.remove_storage_domain(d.id, with_host(true)).await,
    )?;
    let again = e
        .import_storage_domain(&d.import_request(Site::Primary, h))
        .await;
    ensure!(
        again
            .as_ref()
            .is_err_and(|x| matches!(x.kind, ErrorKind::BadRequest | ErrorKind::NotFound)),
        "a formatted domain imported again: {again:?}"
    );
    Ok(())
}

/// `update_ovf_store` returns a job that finishes; a domain that is not active refuses.
pub async fn update_ovf_store_runs_a_job(ctx: &Context) -> Result<(), Failure> {
    let Some(d) = non_master_with_vms(ctx) else {
        return Ok(());
    };
    let e = ctx.engine(Site::Primary);
    let job = ok("update_ovf_store", e.update_ovf_store(d.id).await)?
        .ok_or_else(|| Failure::new("update_ovf_store returned no job"))?;
    let j = ok("job", e.job(job).await)?;
    ensure!(j.status == JobStatus::Finished, "job {:?}", j.status);
    stop_vms_on(e, d.id).await?;
    ok(
        "deactivate",
        e.deactivate_storage_domain(d.primary_dc.id, d.id, false)
            .await,
    )?;
    err_text(
        "update of a domain in maintenance",
        e.update_ovf_store(d.id).await,
        ErrorKind::InvalidState,
        "[Cannot update OVFs for Storage. The relevant Storage Domain's status is Maintenance.]",
    )?;
    Ok(())
}

/// An OVF update after a change (a VM stopped through the Engine) moves the OVF_STORE disks'
/// last update time to now, as read through the Engine (`GET /storagedomains/{id}/disks`, the
/// description's `Last Updated`), against the Engine's own clock (`<time>` of the API root).
pub async fn update_ovf_store_advances_the_last_update(ctx: &Context) -> Result<(), Failure> {
    let f = ctx.facts();
    let Some(vm) = f.vms.iter().find(|v| v.running) else {
        return Ok(());
    };
    let Some(d) = f.domains.iter().find(|d| vm.domains.first() == Some(&d.id)) else {
        return Ok(());
    };
    let e = ctx.engine(Site::Primary);
    ok("stop_vm", e.stop_vm(vm.id).await)?;
    let two_hours = std::time::Duration::from_secs(2 * 3600);
    ensure!(
        ctx.world().age_ovf_store(Site::Primary, d.id, two_hours),
        "{}: the world cannot age its OVF store",
        d.name
    );
    let clock = ok("api_info", Clock::read(e).await)?;
    let before = read_domain(e, d.id, &clock).await.freshness;
    let Freshness::Known {
        last_update: then,
        age,
    } = before
    else {
        return Err(Failure::new(format!(
            "{}: OVF store age not readable: {before:?}",
            d.name
        )));
    };
    ensure!(
        age >= two_hours,
        "{}: aged by 2h, the Engine shows it {} old",
        d.name,
        format_age(age)
    );
    let job = ok("update_ovf_store", e.update_ovf_store(d.id).await)?
        .ok_or_else(|| Failure::new("update_ovf_store returned no job"))?;
    let j = ok("job", e.job(job).await)?;
    ensure!(j.status == JobStatus::Finished, "job {:?}", j.status);
    let clock = ok("api_info", Clock::read(e).await)?;
    let after = read_domain(e, d.id, &clock).await.freshness;
    let Freshness::Known {
        last_update: now,
        age,
    } = after
    else {
        return Err(Failure::new(format!(
            "{}: OVF store age not readable after the update: {after:?}",
            d.name
        )));
    };
    ensure!(
        now > then && age < std::time::Duration::from_secs(60),
        "{}: after the update the store is {} old",
        d.name,
        format_age(age)
    );
    Ok(())
}
