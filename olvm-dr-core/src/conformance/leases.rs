//! Checks of sanlock: a replicated domain's attach blocks for the lease time, fails on a
//! read-only replica, and does not stop a second writer after a replication split.
//!
//! Sources: VDSM `lib/vdsm/storage/sp.py` (`StoragePool.attachSD` acquires the host id on the
//! domain before attaching it) and `lib/vdsm/storage/clusterlock.py` (`SANLock.acquireHostId`,
//! sanlock's `add_lockspace`, failing with `AcquireHostIdFailure` from
//! `lib/vdsm/storage/exception.py`, "Cannot acquire host id" in ovirt-engine's
//! `backend/manager/modules/dal/src/main/resources/bundles/VdsmErrors.properties`); sanlock
//! `src/delta_lease.c` (`delta_lease_acquire`) and `src/lockspace.c` (renewal failures).

use std::time::Duration;

use tokio::time::Instant;

use crate::Site;
use crate::engine::{DataCenterStatus, ErrorKind, StorageDomainStatus, VmStatus};

use super::Context;
use super::storage::dc_status;
use super::support::{Failure, ensure, err_text, host, login_if_iscsi, ok};

/// How long the checks let sanlock watch a lease record: short, so the suite runs over real
/// sockets quickly, long enough to be told apart from no wait at all.
pub(super) const SHORT_LEASE: Duration = Duration::from_millis(300);

/// After the primary's disaster and the replica's promotion, the secondary's attach blocks
/// while sanlock watches the primary's host-id records (sanlock `delta_lease_acquire` sleeps
/// max(host_dead_seconds, renewal + 6 × io_timeout) before taking an unchanged record; VDSM's
/// `attachStorageDomain` waits for it synchronously) and then answers 201: the domain becomes
/// the master of the uninitialized data center. Once the leases are known free, it does not
/// block.
pub async fn attach_waits_for_the_lease(ctx: &Context) -> Result<(), Failure> {
    let d = &ctx.facts().domains[0];
    let (w, e) = (ctx.world(), ctx.engine(Site::Secondary));
    w.stop_replication(d.pair);
    w.disaster(Site::Primary);
    w.set_lease_timeout(SHORT_LEASE);
    let dc = d.secondary_dc.id;
    let h = host(ctx, Site::Secondary, dc)?;
    login_if_iscsi(e, Site::Secondary, h, d).await?;
    ok(
        "import",
        e.import_storage_domain(&d.import_request(Site::Secondary, h))
            .await,
    )?;
    let uninitialized = dc_status(ctx, dc).await? == DataCenterStatus::Uninitialized;
    let started = Instant::now();
    ok(
        "attach while the lease is watched",
        e.attach_storage_domain(dc, d.id).await,
    )?;
    let took = started.elapsed();
    ensure!(
        took >= SHORT_LEASE,
        "attach answered after {took:?}, before the lease time {SHORT_LEASE:?} passed"
    );
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
    ensure!(
        w.split_brains().is_empty(),
        "a dead site's lease taken over counted as a split brain: {:?}",
        w.split_brains()
    );
    Ok(())
}

/// A replica is read-only while replication runs: sanlock cannot write its host-id record
/// there, so the attach fails with VDSM's `AcquireHostIdFailure` ("Cannot acquire host id").
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

/// When only the primary's Engine is gone and its hosts still run, sanlock does not protect the
/// promoted replica: the primary's renewals reach only its own copy, so the secondary's attach
/// takes the unchanged records over after the lease time (sanlock `delta_lease_acquire` cannot
/// tell a dead holder from one writing elsewhere) and succeeds. Both copies are then in use: a
/// split brain, which the world records. Only the tool's own guard prevents it.
pub async fn split_replicas_do_not_stop_a_second_writer(ctx: &Context) -> Result<(), Failure> {
    let d = &ctx.facts().domains[0];
    let (w, e) = (ctx.world(), ctx.engine(Site::Secondary));
    w.engine_outage(Site::Primary);
    w.stop_replication(d.pair);
    w.expire_leases(Site::Primary);
    w.set_lease_timeout(SHORT_LEASE);
    let dc = d.secondary_dc.id;
    let h = host(ctx, Site::Secondary, dc)?;
    login_if_iscsi(e, Site::Secondary, h, d).await?;
    ok(
        "import",
        e.import_storage_domain(&d.import_request(Site::Secondary, h))
            .await,
    )?;
    ensure!(w.split_brains().is_empty(), "split brain before any attach");
    let started = Instant::now();
    ok(
        "attach while the primary's hosts run",
        e.attach_storage_domain(dc, d.id).await,
    )?;
    ensure!(
        started.elapsed() >= SHORT_LEASE,
        "attach took a live site's lease without waiting the lease time"
    );
    let split = w.split_brains();
    ensure!(
        split.len() == 1
            && split[0].domain == d.id
            && split[0].taken_by == Site::Secondary
            && split[0].still_running == Site::Primary,
        "split brain not recorded as such: {split:?}"
    );
    Ok(())
}

/// A site whose copy of a domain turns into the read-only replica (replication reversed under
/// it) can no longer renew its lease there: after the lease time sanlock kills the processes
/// using the lockspace (`id_renewal_fail_seconds`, sanlock `src/lockspace.c`), so the VMs
/// running on the domain go down.
pub async fn vms_on_a_copy_turned_read_only_are_killed(ctx: &Context) -> Result<(), Failure> {
    let facts = ctx.facts();
    let Some(d) = facts.domains.iter().find(|d| {
        facts
            .vms
            .iter()
            .any(|v| v.running && v.domains.contains(&d.id))
    }) else {
        return Ok(());
    };
    let (w, e) = (ctx.world(), ctx.engine(Site::Primary));
    w.set_lease_timeout(SHORT_LEASE);
    w.reverse_replication(d.pair);
    tokio::time::sleep(SHORT_LEASE).await;
    for v in facts
        .vms
        .iter()
        .filter(|v| v.running && v.domains.contains(&d.id))
    {
        let got = ok("vm", e.vm(v.id).await)?;
        ensure!(
            got.status == VmStatus::Down,
            "{} still {} after its storage turned read-only for the lease time",
            v.name,
            got.status
        );
    }
    Ok(())
}
