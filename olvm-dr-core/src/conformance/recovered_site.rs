//! Checks of a site back from a disaster whose storage the other site took over: what its
//! Engine's monitoring makes of it and which commands still work on it. In ovirt-engine:
//!
//! * `backend/manager/modules/vdsbroker/src/main/java/org/ovirt/engine/core/vdsbroker/irsbroker/IrsProxyImpl.java`
//!   (`updatingTimerElapsed`: "no reporting hosts"; `addDomainInProblemData`,
//!   `processDomainRecovery`);
//! * `backend/manager/modules/bll/src/main/java/org/ovirt/engine/core/bll/storage/pool/ReconstructMasterDomainCommand.java`
//!   (`reconstructMaster`: the old master inactive, the pool's last one stays so);
//! * `backend/manager/modules/vdsbroker/src/main/java/org/ovirt/engine/core/vdsbroker/monitoring/VmAnalyzer.java`
//!   (`proceedDisappearedVm`);
//! * `backend/manager/modules/bll/src/main/java/org/ovirt/engine/core/bll/storage/domain/DeactivateStorageDomainCommand.java`
//!   (`validateDomainStatus`, with `StorageConstants.monitoredDomainStatuses`);
//! * `backend/manager/modules/bll/src/main/java/org/ovirt/engine/core/bll/storage/domain/ForceRemoveStorageDomainCommand.java`
//!   (`validate`, with `StorageDomainCommandBase.electNewMaster`), its texts in
//!   `frontend/webadmin/modules/frontend/src/main/resources/org/ovirt/engine/ui/frontend/AppErrors.properties`.

use std::time::Duration;

use crate::Site;
use crate::engine::{
    DataCenterStatus, ErrorKind, RemoveStorageDomain, StorageDomainStatus, VmSearch, VmStatus,
};
use crate::fake::{LatencyProfile, TransitionTimes};

use super::Context;
use super::support::{Failure, ensure, err_text, ok};

/// Long enough for the first monitoring cycle of the `instant` profile and its transitions.
pub(super) const SETTLE: Duration = Duration::from_millis(200);

/// The storage-pool refresh of a check that looks at the site before its hosts report
/// (`StoragePoolRefreshTimeInSeconds`, 10 s in a real Engine; zero in the `instant` profile,
/// which leaves an `unknown` window too short to see over HTTP in real time).
const POOL_REFRESH: Duration = Duration::from_millis(500);

/// The domain failure timeout of such a check (`StorageDomainFailureTimeoutInMinutes`).
const DOMAIN_FAILURE: Duration = Duration::from_millis(100);

/// Gives `site`'s Engine a storage-pool timer slow enough for a check to see what it shows
/// before its hosts report, and a short domain failure timeout; to call before the recovery.
pub(super) fn slow_pool_refresh(ctx: &Context, site: Site) {
    ctx.world().set_latency(
        site,
        LatencyProfile::instant().with_transitions(TransitionTimes {
            pool_refresh: POOL_REFRESH,
            domain_failure: DOMAIN_FAILURE,
            ..TransitionTimes::default()
        }),
    );
}

/// The primary goes dark, its replicas are reversed (the primary's copies read-only), and it
/// comes back.
fn recover_read_only(ctx: &Context) {
    let w = ctx.world();
    w.disaster(Site::Primary);
    w.reverse_all_replication();
    w.recover(Site::Primary);
}

/// Right after the recovery the domains are `unknown` ("no reporting hosts",
/// `IrsProxyImpl.updatingTimerElapsed`) and deactivating one is refused
/// (`DeactivateStorageDomainCommand.validateDomainStatus`: a user may deactivate only an
/// `active` or `inactive` domain, `StorageConstants.monitoredDomainStatuses`). Once the hosts
/// report, the domains on read-only copies go `inactive` (`IrsProxyImpl.addDomainInProblemData`,
/// `processDomainRecovery`; the master through `ReconstructMasterDomainCommand`, which finds no
/// other domain to take its place), the data center stays `problematic` (no SPM on a read-only
/// master), and the VMs that ran are
/// `down` (`VmAnalyzer.proceedDisappearedVm`), highly available ones included: nothing restarts
/// on a copy the site cannot write, and no split brain arises.
pub async fn a_recovered_site_finds_its_read_only_storage_inactive(
    ctx: &Context,
) -> Result<(), Failure> {
    let p = ctx.engine(Site::Primary);
    let facts = ctx.facts();
    let d = facts
        .domains
        .iter()
        .find(|d| d.primary_master)
        .unwrap_or(&facts.domains[0])
        .clone();
    let dc = d.primary_dc.id;
    slow_pool_refresh(ctx, Site::Primary);
    recover_read_only(ctx);
    let a = ok(
        "attached_storage_domain",
        p.attached_storage_domain(dc, d.id).await,
    )?;
    ensure!(
        a.status == Some(StorageDomainStatus::Unknown),
        "right after the recovery: expected unknown, got {:?}",
        a.status
    );
    err_text(
        "deactivate an unknown domain",
        p.deactivate_storage_domain(dc, d.id, false).await,
        ErrorKind::InvalidState,
        "[Cannot deactivate Storage. The relevant Storage Domain's status is Unknown.]",
    )?;
    tokio::time::sleep(POOL_REFRESH + DOMAIN_FAILURE + SETTLE).await;
    for f in &ctx.facts().domains {
        let a = ok(
            "attached_storage_domain",
            p.attached_storage_domain(f.primary_dc.id, f.id).await,
        )?;
        ensure!(
            a.status == Some(StorageDomainStatus::Inactive),
            "{} on a read-only copy: expected inactive, got {:?}",
            f.name,
            a.status
        );
    }
    let status = ok("data_centers", p.data_centers().await)?
        .into_iter()
        .find(|x| x.id == dc)
        .map(|x| x.status);
    ensure!(
        !d.primary_master || status == Some(DataCenterStatus::Problematic),
        "a data center whose master is read-only: expected problematic, got {status:?}"
    );
    for vm in ok("vms", p.vms(&VmSearch::default()).await)? {
        let on_replica = ctx
            .facts()
            .domains
            .iter()
            .any(|f| vm.storage_domains.contains(&f.id));
        ensure!(
            !on_replica || vm.status == VmStatus::Down,
            "VM {} on a read-only copy: expected down, got {}",
            vm.name,
            vm.status
        );
    }
    ensure!(
        ctx.world().split_brains().is_empty(),
        "a split brain was recorded"
    );
    Ok(())
}

/// Destroying (`ForceRemoveStorageDomainCommand.validate`) a master that is not the last domain
/// of its data center elects a new master among the `active`/`unknown` domains: with every
/// other domain `inactive` it is refused (`ERROR_CANNOT_DESTROY_LAST_STORAGE_DOMAIN`). Once the
/// others are destroyed, the master is the last one and goes too.
pub async fn destroying_a_recovered_master_needs_a_successor(ctx: &Context) -> Result<(), Failure> {
    let p = ctx.engine(Site::Primary);
    recover_read_only(ctx);
    tokio::time::sleep(SETTLE).await;
    let facts = ctx.facts();
    let Some(master) = facts.domains.iter().find(|m| {
        m.primary_master
            && facts
                .domains
                .iter()
                .any(|o| o.id != m.id && o.primary_dc.id == m.primary_dc.id)
    }) else {
        return Ok(());
    };
    let dc = master.primary_dc.id;
    let others: Vec<_> = ok(
        "attached_storage_domains",
        p.attached_storage_domains(dc).await,
    )?
    .into_iter()
    .filter(|d| d.id != master.id)
    .collect();
    let candidates = others.iter().any(|d| {
        matches!(
            d.status,
            Some(StorageDomainStatus::Active | StorageDomainStatus::Unknown)
        )
    });
    if candidates {
        // A domain the site still uses (not replicated) could take the master role.
        return Ok(());
    }
    err_text(
        "destroy a master with only inactive domains beside it",
        p.remove_storage_domain(master.id, RemoveStorageDomain::Destroy)
            .await,
        ErrorKind::Conflict,
        "[Cannot destroy the master Storage Domain from the Data Center without another active Storage Domain to take its place.\n-Either activate another Storage Domain in the Data Center, or remove the Data Center.\n-If you have problems with the master Data Domain, consider following the recovery process described in the documentation, or contact your system administrator.]",
    )?;
    for d in &others {
        ok(
            "destroy an inactive domain",
            p.remove_storage_domain(d.id, RemoveStorageDomain::Destroy)
                .await,
        )?;
    }
    ok(
        "destroy the last domain of the data center",
        p.remove_storage_domain(master.id, RemoveStorageDomain::Destroy)
            .await,
    )?;
    Ok(())
}
