//! Checks of storage domains: views, import, iSCSI, sanlock, the master rules, maintenance.

use crate::Site;
use crate::engine::{
    DataCenterStatus, DiskContentType, ErrorKind, Id, IscsiLogin, IscsiPortal, StorageDomainStatus,
    StorageType,
};
use crate::fake::{DomainFacts, Location};

use super::Context;
use super::support::{
    Failure, bring_in, ensure, err, err_text, host, login_if_iscsi, lose_primary, ok,
};

fn domain(ctx: &Context, t: StorageType) -> Option<&DomainFacts> {
    ctx.facts().domain_of_type(t)
}

/// The status of data center `dc` on the secondary.
async fn dc_status(ctx: &Context, dc: Id) -> Result<DataCenterStatus, Failure> {
    let dcs = ok(
        "data_centers",
        ctx.engine(Site::Secondary).data_centers().await,
    )?;
    dcs.iter()
        .find(|d| d.id == dc)
        .map(|d| d.status)
        .ok_or_else(|| Failure::new(format!("no data center {dc} on the secondary")))
}

/// Two replicated domains that land in the same data center on the secondary, one that has no
/// storage yet there.
async fn pair_in_empty_dc(ctx: &Context) -> Result<Option<(&DomainFacts, &DomainFacts)>, Failure> {
    let ds = &ctx.facts().domains;
    for a in ds {
        let dc = a.secondary_dc.id;
        if dc_status(ctx, dc).await? != DataCenterStatus::Uninitialized {
            continue;
        }
        if let Some(b) = ds.iter().find(|b| b.id != a.id && b.secondary_dc.id == dc) {
            return Ok(Some((a, b)));
        }
    }
    Ok(None)
}

/// The top-level view shows only `unattached` or no status; the data-center view the real one,
/// with one master per initialized data center.
pub async fn top_level_view_hides_attached_status(ctx: &Context) -> Result<(), Failure> {
    for site in Site::BOTH {
        let e = ctx.engine(site);
        for d in ok("storage_domains", e.storage_domains().await)? {
            if d.data_centers.is_empty() {
                ensure!(
                    d.status == Some(StorageDomainStatus::Unattached),
                    "{}: {:?}",
                    d.name,
                    d.status
                );
            } else {
                ensure!(
                    d.status.is_none(),
                    "{} is attached but shows {:?}",
                    d.name,
                    d.status
                );
            }
        }
        for dc in ok("data_centers", e.data_centers().await)? {
            let attached = ok(
                "attached_storage_domains",
                e.attached_storage_domains(dc.id).await,
            )?;
            let masters = attached.iter().filter(|d| d.master).count();
            if dc.status == DataCenterStatus::Uninitialized {
                ensure!(attached.is_empty(), "uninitialized {} has domains", dc.name);
            } else {
                ensure!(masters == 1, "{} has {masters} masters", dc.name);
                for d in &attached {
                    ensure!(
                        d.status.is_some(),
                        "{} has no status in {}",
                        d.name,
                        dc.name
                    );
                }
            }
        }
    }
    Ok(())
}

/// Each data domain has two OVF_STORE disks whose description records the last update.
pub async fn ovf_store_disks_record_the_last_update(ctx: &Context) -> Result<(), Failure> {
    let e = ctx.engine(Site::Primary);
    for d in &ctx.facts().domains {
        let disks = ok("storage_domain_disks", e.storage_domain_disks(d.id).await)?;
        let ovf: Vec<_> = disks
            .iter()
            .filter(|x| x.content_type == DiskContentType::OvfStore)
            .collect();
        ensure!(ovf.len() == 2, "{}: {} OVF_STORE disks", d.name, ovf.len());
        for disk in ovf {
            let text = disk.description.as_deref().unwrap_or_default();
            let v: serde_json::Value = serde_json::from_str(text)
                .map_err(|e| Failure::new(format!("{}: description {text:?}: {e}", d.name)))?;
            ensure!(
                v["Last Updated"].is_string(),
                "{}: no Last Updated in {text}",
                d.name
            );
            ensure!(
                v["Storage Domains"][0]["uuid"] == d.id.to_string(),
                "{}: wrong domain in {text}",
                d.name
            );
            ensure!(v["Disk Description"] == "OVF_STORE", "{}: {text}", d.name);
        }
    }
    Ok(())
}

/// A host sees FC LUNs of its site at once and iSCSI LUNs only after logging in to their
/// target, with the target's CHAP credentials.
pub async fn iscsi_luns_are_visible_after_login(ctx: &Context) -> Result<(), Failure> {
    let e = ctx.engine(Site::Secondary);
    if let Some(d) = domain(ctx, StorageType::Fcp) {
        let h = host(ctx, Site::Secondary, d.secondary_dc.id)?;
        let Location::Lun { lun_id, .. } = &d.secondary else {
            return Err(Failure::new("an FC domain on an export"));
        };
        let luns = ok("host_luns", e.host_luns(h).await)?;
        ensure!(
            luns.iter().any(|l| &l.id == lun_id),
            "FC LUN {lun_id} not visible"
        );
    }
    let Some(d) = domain(ctx, StorageType::Iscsi) else {
        return Ok(());
    };
    let h = host(ctx, Site::Secondary, d.secondary_dc.id)?;
    let Location::Lun {
        lun_id,
        target: Some(t),
    } = &d.secondary
    else {
        return Err(Failure::new("an iSCSI domain without target"));
    };
    let luns = ok("host_luns", e.host_luns(h).await)?;
    ensure!(
        !luns.iter().any(|l| &l.id == lun_id),
        "iSCSI LUN visible before login"
    );
    let portal = IscsiPortal {
        address: t.address.clone(),
        port: t.port,
        username: None,
        password: None,
    };
    let found = ok("iscsi_discover", e.iscsi_discover(h, &portal).await)?;
    ensure!(
        found.iter().any(|x| x.target == t.iqn),
        "{} not discovered",
        t.iqn
    );
    let mut login = IscsiLogin {
        address: t.address.clone(),
        port: t.port,
        target: t.iqn.clone(),
        portal: None,
        username: None,
        password: None,
    };
    if t.username.is_some() {
        err_text(
            "iscsi_login without CHAP",
            e.iscsi_login(h, &login).await,
            ErrorKind::BadRequest,
            "[Failed to login to iSCSI node due to authorization failure]",
        )?;
    }
    login.username = t.username.clone();
    login.password = t.password.clone();
    ok("iscsi_login", e.iscsi_login(h, &login).await)?;
    ok("iscsi_login again", e.iscsi_login(h, &login).await)?;
    let luns = ok("host_luns", e.host_luns(h).await)?;
    let lun = luns
        .iter()
        .find(|l| &l.id == lun_id)
        .ok_or_else(|| Failure::new("iSCSI LUN not visible after login"))?;
    ensure!(
        lun.logical_unit.volume_group.is_some(),
        "LUN without volume group"
    );
    ensure!(
        lun.logical_unit.storage_domain.is_none(),
        "unknown domain linked to LUN"
    );
    Ok(())
}

/// File domains import by address and path (even from a read-only replica), unattached, with
/// their stored name and id; a second import conflicts.
pub async fn file_domains_import_by_address_and_path(ctx: &Context) -> Result<(), Failure> {
    let e = ctx.engine(Site::Secondary);
    for d in ctx
        .facts()
        .domains
        .iter()
        .filter(|d| d.storage_type.is_file())
    {
        let h = host(ctx, Site::Secondary, d.secondary_dc.id)?;
        let req = d.import_request(Site::Secondary, h);
        let sd = ok("import_storage_domain", e.import_storage_domain(&req).await)?;
        ensure!(
            sd.id == d.id && sd.name == d.name,
            "imported {} as {}/{}",
            d.name,
            sd.id,
            sd.name
        );
        ensure!(
            sd.status == Some(StorageDomainStatus::Unattached),
            "{}: {:?}",
            d.name,
            sd.status
        );
        ensure!(
            sd.data_centers.is_empty(),
            "{} attached after import",
            d.name
        );
        err_text(
            "second import",
            e.import_storage_domain(&req).await,
            ErrorKind::Conflict,
            "[Cannot add Storage. The Storage Domain already exists.]",
        )?;
    }
    Ok(())
}

/// Block domains import by id with `import=true`, and only once the host sees their LUNs.
pub async fn block_domains_import_by_id(ctx: &Context) -> Result<(), Failure> {
    let e = ctx.engine(Site::Secondary);
    for d in ctx
        .facts()
        .domains
        .iter()
        .filter(|d| d.storage_type.is_block())
    {
        let h = host(ctx, Site::Secondary, d.secondary_dc.id)?;
        let req = d.import_request(Site::Secondary, h);
        if d.storage_type == StorageType::Iscsi {
            err_text(
                "import before login",
                e.import_storage_domain(&req).await,
                ErrorKind::NotFound,
                &format!("Storage Domain id {} Does not exists", d.id),
            )?;
            login_if_iscsi(e, Site::Secondary, h, d).await?;
        }
        let mut no_id = req.clone();
        no_id.id = None;
        let fault = err(
            "import without id",
            e.import_storage_domain(&no_id).await,
            ErrorKind::BadRequest,
        )?;
        ensure!(
            fault
                .fault
                .as_ref()
                .is_some_and(|f| f.reason == "Incomplete parameters"),
            "import without id: {fault}"
        );
        let sd = ok("import_storage_domain", e.import_storage_domain(&req).await)?;
        ensure!(sd.id == d.id, "imported {} as {}", d.name, sd.id);
        ensure!(
            sd.storage.volume_group.is_some(),
            "{}: no volume group",
            d.name
        );
    }
    Ok(())
}

/// An export the host cannot mount fails the import.
pub async fn import_of_an_unreachable_export_fails(ctx: &Context) -> Result<(), Failure> {
    let Some(d) = ctx
        .facts()
        .domains
        .iter()
        .find(|d| d.storage_type.is_file())
    else {
        return Ok(());
    };
    let h = host(ctx, Site::Secondary, d.secondary_dc.id)?;
    let mut req = d.import_request(Site::Secondary, h);
    req.storage.path = Some("/no/such/export".into());
    err_text(
        "import",
        ctx.engine(Site::Secondary)
            .import_storage_domain(&req)
            .await,
        ErrorKind::BadRequest,
        "[Problem while trying to mount target]",
    )?;
    Ok(())
}

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

/// An uninitialized data center takes a data domain first.
pub async fn first_attach_must_be_a_data_domain(ctx: &Context) -> Result<(), Failure> {
    let e = ctx.engine(Site::Secondary);
    let Some((iso, _)) = ctx
        .facts()
        .secondary
        .local_domains
        .iter()
        .find(|(_, dc)| dc.is_none())
    else {
        return Ok(());
    };
    let dcs = ok("data_centers", e.data_centers().await)?;
    let Some(dc) = dcs
        .iter()
        .find(|d| d.status == DataCenterStatus::Uninitialized)
    else {
        return Ok(());
    };
    err_text(
        "attach ISO first",
        e.attach_storage_domain(dc.id, iso.id).await,
        ErrorKind::Conflict,
        "[Cannot attach Storage Domain.\n-Please attach Data Domain to the Data Center first.]",
    )?;
    Ok(())
}

/// Attach needs an active master; the master moves on deactivation; states are checked.
pub async fn master_rules(ctx: &Context) -> Result<(), Failure> {
    let Some((a, b)) = pair_in_empty_dc(ctx).await? else {
        return Ok(());
    };
    lose_primary(ctx);
    let e = ctx.engine(Site::Secondary);
    let dc = bring_in(ctx, a).await?;
    let h = host(ctx, Site::Secondary, dc)?;
    login_if_iscsi(e, Site::Secondary, h, b).await?;
    ok(
        "import b",
        e.import_storage_domain(&b.import_request(Site::Secondary, h))
            .await,
    )?;
    ok(
        "deactivate the only domain",
        e.deactivate_storage_domain(dc, a.id, false).await,
    )?;
    let status = |r: Result<crate::engine::StorageDomain, _>| {
        r.map(|d: crate::engine::StorageDomain| (d.status, d.master))
    };
    ensure!(
        ok("a", status(e.attached_storage_domain(dc, a.id).await))?
            == (Some(StorageDomainStatus::Maintenance), true),
        "the last master should be in maintenance, still master"
    );
    err_text(
        "attach without active master",
        e.attach_storage_domain(dc, b.id).await,
        ErrorKind::Conflict,
        "[Failed to attach Storage due to an error on the Data Center master Storage Domain.\n-Please activate the master Storage Domain first.]",
    )?;
    ok("activate master", e.activate_storage_domain(dc, a.id).await)?;
    ok("attach b", e.attach_storage_domain(dc, b.id).await)?;
    ensure!(
        ok("b", status(e.attached_storage_domain(dc, b.id).await))?
            == (Some(StorageDomainStatus::Active), false),
        "b should be active, not master"
    );
    err_text(
        "attach again",
        e.attach_storage_domain(dc, a.id).await,
        ErrorKind::Conflict,
        "[Cannot attach Storage. The relevant Storage Domain is inaccessible.\n-Please handle Storage Domain issues and retry the operation.]",
    )?;
    err_text(
        "detach active",
        e.detach_storage_domain(dc, a.id).await,
        ErrorKind::InvalidState,
        "[Cannot detach Storage. The relevant Storage Domain's status is Active.]",
    )?;
    err_text(
        "activate active",
        e.activate_storage_domain(dc, b.id).await,
        ErrorKind::InvalidState,
        "[Cannot activate Storage. The relevant Storage Domain's status is Active.]",
    )?;
    ok(
        "deactivate master",
        e.deactivate_storage_domain(dc, a.id, false).await,
    )?;
    ensure!(
        ok("b", status(e.attached_storage_domain(dc, b.id).await))?
            == (Some(StorageDomainStatus::Active), true),
        "b should have become master"
    );
    ok(
        "deactivate new master",
        e.deactivate_storage_domain(dc, b.id, false).await,
    )?;
    let dcs = ok("data_centers", e.data_centers().await)?;
    ensure!(
        dcs.iter()
            .any(|x| x.id == dc && x.status == DataCenterStatus::Maintenance),
        "data center should be in maintenance"
    );
    err_text(
        "detach master with others",
        e.detach_storage_domain(dc, b.id).await,
        ErrorKind::Conflict,
        "[Cannot detach the master Storage Domain from the Data Center while there are other storage domains attached to it.\n-Please try to activate another Storage Domain in the Data Center.]",
    )?;
    err_text(
        "detach without active master",
        e.detach_storage_domain(dc, a.id).await,
        ErrorKind::Conflict,
        "[Failed to detach Storage due to an error on the Data Center master Storage Domain.\n-Please activate the master Storage Domain first.]",
    )?;
    Ok(())
}
