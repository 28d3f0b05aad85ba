//! Checks of sanlock: a replicated domain attaches only once the other site's lease is gone.

use crate::Site;
use crate::engine::{DataCenterStatus, ErrorKind, StorageDomainStatus};

use super::Context;
use super::storage::dc_status;
use super::support::{Failure, ensure, err, err_text, host, login_if_iscsi, ok};

/// The secondary cannot attach a replicated domain while the primary's hosts hold its lease,
/// nor right after they died; once the lease expired it can, and the domain becomes the master
/// of the uninitialized data center.
pub async fn attach_waits_for_the_lease(ctx: &Context) -> Result<(), Failure> {
    let d = &ctx.facts().domains[0];
    let (w, e) = (ctx.world(), ctx.engine(Site::Secondary));
    w.stop_replication(d.pair);
    let dc = d.secondary_dc.id;
    let h = host(ctx, Site::Secondary, dc)?;
    login_if_iscsi(e, Site::Secondary, h, d).await?;
    ok(
        "import",
        e.import_storage_domain(&d.import_request(Site::Secondary, h))
            .await,
    )?;
    let uninitialized = dc_status(ctx, dc).await? == DataCenterStatus::Uninitialized;
    let lease = "[Cannot acquire host id]";
    let fault = err_text(
        "attach, primary alive",
        e.attach_storage_domain(dc, d.id).await,
        ErrorKind::LeaseHeld,
        lease,
    )?;
    ensure!(
        fault.http_status == Some(400),
        "lease failure status {:?}",
        fault.http_status
    );
    w.disaster(Site::Primary);
    err_text(
        "attach, lease not expired",
        e.attach_storage_domain(dc, d.id).await,
        ErrorKind::LeaseHeld,
        lease,
    )?;
    w.expire_leases(Site::Primary);
    ok(
        "attach after expiry",
        e.attach_storage_domain(dc, d.id).await,
    )?;
    let sd = ok(
        "attached_storage_domain",
        e.attached_storage_domain(dc, d.id).await,
    )?;
    ensure!(
        sd.master == uninitialized,
        "master {} after attaching to a data center that was {}uninitialized",
        sd.master,
        if uninitialized { "" } else { "not " }
    );
    ensure!(
        sd.status == Some(StorageDomainStatus::Active),
        "status {:?}",
        sd.status
    );
    let dcs = ok("data_centers", e.data_centers().await)?;
    ensure!(
        dcs.iter()
            .any(|x| x.id == dc && x.status == DataCenterStatus::Up),
        "data center not up"
    );
    let top = ok("storage_domain", e.storage_domain(d.id).await)?;
    ensure!(
        top.status.is_none() && top.data_centers == [dc],
        "top-level view {top:?}"
    );
    Ok(())
}

/// A replica is read-only while replication runs: sanlock cannot take its lease there.
pub async fn attach_of_a_read_only_replica_fails(ctx: &Context) -> Result<(), Failure> {
    let d = &ctx.facts().domains[0];
    let (w, e) = (ctx.world(), ctx.engine(Site::Secondary));
    w.disaster(Site::Primary);
    w.expire_leases(Site::Primary);
    let dc = d.secondary_dc.id;
    let h = host(ctx, Site::Secondary, dc)?;
    login_if_iscsi(e, Site::Secondary, h, d).await?;
    ok(
        "import",
        e.import_storage_domain(&d.import_request(Site::Secondary, h))
            .await,
    )?;
    err_text(
        "attach of a running replica",
        e.attach_storage_domain(dc, d.id).await,
        ErrorKind::LeaseHeld,
        "[Cannot acquire host id]",
    )?;
    w.stop_replication(d.pair);
    ok(
        "attach after promotion",
        e.attach_storage_domain(dc, d.id).await,
    )?;
    Ok(())
}

/// When only the primary's Engine is gone and its hosts still run, the lease never frees.
pub async fn split_brain_never_lets_attach_succeed(ctx: &Context) -> Result<(), Failure> {
    let d = &ctx.facts().domains[0];
    let (w, e) = (ctx.world(), ctx.engine(Site::Secondary));
    w.engine_outage(Site::Primary);
    w.stop_replication(d.pair);
    w.expire_leases(Site::Primary);
    let dc = d.secondary_dc.id;
    let h = host(ctx, Site::Secondary, dc)?;
    login_if_iscsi(e, Site::Secondary, h, d).await?;
    ok(
        "import",
        e.import_storage_domain(&d.import_request(Site::Secondary, h))
            .await,
    )?;
    for attempt in 0..3 {
        err(
            &format!("attach attempt {attempt}"),
            e.attach_storage_domain(dc, d.id).await,
            ErrorKind::LeaseHeld,
        )?;
    }
    Ok(())
}
