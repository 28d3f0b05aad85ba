//! Checks of storage domains: the two views, OVF_STORE disks, the master rules.

use crate::Site;
use crate::engine::Engine;
use crate::engine::{
    DataCenterStatus, DiskContentType, ErrorKind, Id, StorageDomainStatus, StorageType,
};
use crate::fake::DomainFacts;

use super::Context;
use super::support::{Failure, bring_in, ensure, err_text, host, login_if_iscsi, lose_primary, ok};

pub(super) fn domain(ctx: &Context, t: StorageType) -> Option<&DomainFacts> {
    ctx.facts().domain_of_type(t)
}

/// The status of data center `dc` on the secondary.
pub(super) async fn dc_status(ctx: &Context, dc: Id) -> Result<DataCenterStatus, Failure> {
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
pub(super) async fn pair_in_empty_dc(
    ctx: &Context,
) -> Result<Option<(&DomainFacts, &DomainFacts)>, Failure> {
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

/// A domain's status and master flag in `dc`.
pub(super) async fn state(
    e: &dyn Engine,
    dc: Id,
    sd: Id,
) -> Result<(Option<StorageDomainStatus>, bool), Failure> {
    let d = ok(
        "attached_storage_domain",
        e.attached_storage_domain(dc, sd).await,
    )?;
    Ok((d.status, d.master))
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
    ensure!(
        state(e, dc, a.id).await? == (Some(StorageDomainStatus::Maintenance), true),
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
        state(e, dc, b.id).await? == (Some(StorageDomainStatus::Active), false),
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
        state(e, dc, b.id).await? == (Some(StorageDomainStatus::Active), true),
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
