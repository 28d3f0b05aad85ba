//! Checks of what an attach leaves behind after it answered: a domain whose activation failed,
//! and the SPM election of a new storage pool.

use std::time::Duration;

use crate::Site;
use crate::engine::{DataCenterStatus, EngineError, ErrorKind, SpmStatus, StorageDomainStatus};
use crate::fake::{LatencyProfile, Operation, TransitionTimes};

use super::Context;
use super::storage::{dc_status, pair_in_empty_dc};
use super::support::{Failure, bring_in, ensure, err_text, host, login_if_iscsi, lose_primary, ok};

/// The attach answers 201 once the domain is attached, whatever the activation it runs inside
/// itself gives (`AttachStorageDomainToPoolCommand.attemptToActivateDomain` ignores the result):
/// a failed activation leaves the domain `maintenance`, and an explicit activation then brings
/// it up. A caller must look at the status after the 201.
pub async fn attach_answers_before_its_activation_fails(ctx: &Context) -> Result<(), Failure> {
    lose_primary(ctx);
    let Some((master, other)) = pair_in_empty_dc(ctx).await? else {
        return Ok(());
    };
    let dc = bring_in(ctx, master).await?;
    let (w, e) = (ctx.world(), ctx.engine(Site::Secondary));
    let h = host(ctx, Site::Secondary, dc)?;
    login_if_iscsi(e, Site::Secondary, h, other).await?;
    ok(
        "import",
        e.import_storage_domain(&other.import_request(Site::Secondary, h))
            .await,
    )?;
    w.fail_next(
        Site::Secondary,
        Operation::ActivateStorageDomain,
        1,
        EngineError::new(ErrorKind::BadRequest, "activate_storage_domain")
            .with_message("Cannot activate Storage"),
    );
    ok(
        "attach whose activation fails",
        e.attach_storage_domain(dc, other.id).await,
    )?;
    let sd = ok(
        "attached_storage_domain",
        e.attached_storage_domain(dc, other.id).await,
    )?;
    ensure!(
        sd.status == Some(StorageDomainStatus::Maintenance) && !sd.master,
        "after a failed activation inside the attach: status {:?}, master {}",
        sd.status,
        sd.master
    );
    ok("activate", e.activate_storage_domain(dc, other.id).await)?;
    let sd = ok(
        "attached_storage_domain",
        e.attached_storage_domain(dc, other.id).await,
    )?;
    ensure!(
        sd.status == Some(StorageDomainStatus::Active),
        "after the explicit activation: {:?}",
        sd.status
    );
    Ok(())
}

/// The first attach to an uninitialized data center creates the storage pool
/// (`AddStoragePoolWithStoragesCommand`): when no host can start as its SPM it fails with
/// `ENGINE_ERROR_CREATING_STORAGE_POOL` ("Cannot create Storage Pool", `VdsmErrors.properties`)
/// and the domain stays unattached; a retry elects the SPM, during which the master shows
/// `locked` and the data center `contend`, then both are up.
pub async fn first_attach_elects_the_spm_or_fails_to_create_the_pool(
    ctx: &Context,
) -> Result<(), Failure> {
    const ELECTION: Duration = Duration::from_millis(300);
    lose_primary(ctx);
    let d = &ctx.facts().domains[0];
    let dc = d.secondary_dc.id;
    if dc_status(ctx, dc).await? != DataCenterStatus::Uninitialized {
        return Ok(());
    }
    let (w, e) = (ctx.world(), ctx.engine(Site::Secondary));
    let h = host(ctx, Site::Secondary, dc)?;
    login_if_iscsi(e, Site::Secondary, h, d).await?;
    ok(
        "import",
        e.import_storage_domain(&d.import_request(Site::Secondary, h))
            .await,
    )?;
    w.fail_spm_start(Site::Secondary, 1);
    err_text(
        "attach whose pool creation fails",
        e.attach_storage_domain(dc, d.id).await,
        ErrorKind::BadRequest,
        "[Cannot create Storage Pool, please check all hosts can connect to the storage domains.]",
    )?;
    let top = ok("storage_domain", e.storage_domain(d.id).await)?;
    ensure!(
        top.data_centers.is_empty() && dc_status(ctx, dc).await? == DataCenterStatus::Uninitialized,
        "a failed pool creation left the domain attached to {:?}",
        top.data_centers
    );
    w.set_latency(
        Site::Secondary,
        LatencyProfile::instant().with_transitions(TransitionTimes {
            spm_election: ELECTION,
            ..TransitionTimes::default()
        }),
    );
    ok("attach again", e.attach_storage_domain(dc, d.id).await)?;
    let sd = ok(
        "attached_storage_domain",
        e.attached_storage_domain(dc, d.id).await,
    )?;
    let during = dc_status(ctx, dc).await?;
    ensure!(
        sd.master
            && sd.status == Some(StorageDomainStatus::Locked)
            && during == DataCenterStatus::Contend,
        "during the SPM election: master {}, status {:?}, data center {during}",
        sd.master,
        sd.status
    );
    tokio::time::sleep(ELECTION).await;
    let sd = ok(
        "attached_storage_domain",
        e.attached_storage_domain(dc, d.id).await,
    )?;
    let after = dc_status(ctx, dc).await?;
    ensure!(
        sd.status == Some(StorageDomainStatus::Active) && after == DataCenterStatus::Up,
        "after the SPM election: status {:?}, data center {after}",
        sd.status
    );
    let hosts = ok("hosts", e.hosts().await)?;
    ensure!(
        hosts.iter().any(|x| x.spm == SpmStatus::Spm),
        "no host of the data center became the SPM"
    );
    Ok(())
}
