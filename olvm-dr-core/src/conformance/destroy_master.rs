//! Checks of destroying (database only) a master that is not the last domain of its data
//! center: the Engine must elect a new master first, which takes a successor and an UP host.
//! In ovirt-engine
//! `backend/manager/modules/bll/src/main/java/org/ovirt/engine/core/bll/storage/domain/ForceRemoveStorageDomainCommand.java`
//! (`validate`: `electNewMaster()` of `StorageDomainCommandBase`, then `initializeVds()`), the
//! texts of `ERROR_CANNOT_DESTROY_LAST_STORAGE_DOMAIN` and
//! `ERROR_CANNOT_DESTROY_LAST_STORAGE_DOMAIN_HOST_NOT_ACTIVE` in
//! `frontend/webadmin/modules/frontend/src/main/resources/org/ovirt/engine/ui/frontend/AppErrors.properties`.

use crate::Site;
use crate::engine::{
    ErrorKind, HostStatus, Id, RemoveStorageDomain, StorageDomain, StorageDomainStatus,
};
use crate::fake::DomainFacts;

use super::Context;
use super::recovered_site::SETTLE;
use super::support::{Failure, ensure, err_text, ok};

/// `ERROR_CANNOT_DESTROY_LAST_STORAGE_DOMAIN`, as the REST API shows it.
const NO_SUCCESSOR: &str = "[Cannot destroy the master Storage Domain from the Data Center without another active Storage Domain to take its place.\n-Either activate another Storage Domain in the Data Center, or remove the Data Center.\n-If you have problems with the master Data Domain, consider following the recovery process described in the documentation, or contact your system administrator.]";

/// `ERROR_CANNOT_DESTROY_LAST_STORAGE_DOMAIN_HOST_NOT_ACTIVE`, as the REST API shows it.
const NO_UP_HOST: &str = "[In order to complete the operation a new master Storage Domain needs to be elected, which requires at least one active Host in the Data Center.\n-Please make sure one of the Hosts is active in the Data Center first.]";

/// The primary's master of a data center holding other domains too.
fn master_with_others(ctx: &Context) -> Option<DomainFacts> {
    let facts = ctx.facts();
    facts
        .domains
        .iter()
        .find(|m| {
            m.primary_master
                && facts
                    .domains
                    .iter()
                    .any(|o| o.id != m.id && o.primary_dc.id == m.primary_dc.id)
        })
        .cloned()
}

/// Moves every host of `dc` on the primary to maintenance.
fn hosts_to_maintenance(ctx: &Context, dc: Id) {
    let hosts: Vec<Id> = ctx
        .facts()
        .site(Site::Primary)
        .hosts
        .iter()
        .filter(|h| h.data_center == dc)
        .map(|h| h.id)
        .collect();
    ctx.world().setup(|s| {
        for h in hosts {
            s.set_host_status(Site::Primary, h, HostStatus::Maintenance);
        }
    });
}

/// What a refused destroy must leave as it was: the domains of the data center, their
/// statuses and which one is the master.
fn summary(domains: &[StorageDomain]) -> Vec<(Id, String, bool)> {
    let mut out: Vec<_> = domains
        .iter()
        .map(|d| (d.id, format!("{:?}", d.status), d.master))
        .collect();
    out.sort();
    out
}

/// Destroys `master` expecting `detail`, and checks that the refusal changed nothing in `dc`.
async fn refused_changing_nothing(
    ctx: &Context,
    dc: Id,
    master: Id,
    what: &str,
    detail: &str,
) -> Result<(), Failure> {
    let p = ctx.engine(Site::Primary);
    let before = ok(
        "attached_storage_domains",
        p.attached_storage_domains(dc).await,
    )?;
    ensure!(
        before.iter().any(|d| d.id == master && d.master),
        "{what}: the domain to destroy is not the master"
    );
    err_text(
        what,
        p.remove_storage_domain(master, RemoveStorageDomain::Destroy)
            .await,
        ErrorKind::Conflict,
        detail,
    )?;
    let after = ok(
        "attached_storage_domains",
        p.attached_storage_domains(dc).await,
    )?;
    ensure!(
        summary(&before) == summary(&after),
        "{what}: the refusal changed the data center's domains: {:?} became {:?}",
        summary(&before),
        summary(&after)
    );
    Ok(())
}

/// A master that is not the last domain of its data center is destroyed only with an UP host
/// to elect its successor (`ForceRemoveStorageDomainCommand.validate`, `initializeVds()`
/// failing: `ERROR_CANNOT_DESTROY_LAST_STORAGE_DOMAIN_HOST_NOT_ACTIVE`, 409). The primary comes
/// back with every host of the master's data center in maintenance: nothing monitors its
/// domains, which stay `unknown` (candidates for the master role), so only the missing host
/// refuses; the refusal leaves the domains and the master role as they were.
pub async fn destroying_a_master_needs_an_up_host(ctx: &Context) -> Result<(), Failure> {
    let Some(master) = master_with_others(ctx) else {
        return Ok(());
    };
    let dc = master.primary_dc.id;
    let w = ctx.world();
    w.disaster(Site::Primary);
    hosts_to_maintenance(ctx, dc);
    w.recover(Site::Primary);
    tokio::time::sleep(SETTLE).await;
    refused_changing_nothing(
        ctx,
        dc,
        master.id,
        "destroy a master without an up host",
        NO_UP_HOST,
    )
    .await
}

/// The successor is looked for first (`ForceRemoveStorageDomainCommand.validate` calls
/// `electNewMaster()` before `initializeVds()`): with every other domain of the data center
/// `inactive` (the primary came back on read-only copies) and no UP host either, the refusal
/// names the missing successor (`ERROR_CANNOT_DESTROY_LAST_STORAGE_DOMAIN`, 409) and changes
/// nothing.
pub async fn destroying_a_master_looks_for_a_successor_first(ctx: &Context) -> Result<(), Failure> {
    let Some(master) = master_with_others(ctx) else {
        return Ok(());
    };
    let dc = master.primary_dc.id;
    let w = ctx.world();
    w.disaster(Site::Primary);
    w.reverse_all_replication();
    w.recover(Site::Primary);
    tokio::time::sleep(SETTLE).await;
    let p = ctx.engine(Site::Primary);
    let others = ok(
        "attached_storage_domains",
        p.attached_storage_domains(dc).await,
    )?;
    if others.iter().any(|d| {
        d.id != master.id
            && matches!(
                d.status,
                Some(StorageDomainStatus::Active | StorageDomainStatus::Unknown)
            )
    }) {
        // A domain the site still uses (not replicated) could take the master role.
        return Ok(());
    }
    hosts_to_maintenance(ctx, dc);
    refused_changing_nothing(
        ctx,
        dc,
        master.id,
        "destroy a master with neither a successor nor an up host",
        NO_SUCCESSOR,
    )
    .await
}
