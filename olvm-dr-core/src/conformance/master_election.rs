//! Checks of the master election when the master leaves a data center
//! (`StorageDomainCommandBase.electNewMaster`): backup domains are never elected, and among the
//! others the one that was master longest ago (or never) is; with no candidate the pool's last
//! master goes to maintenance and the data center with it (`DeactivateStorageDomainCommand`).

use std::collections::BTreeMap;

use crate::Site;
use crate::engine::{DataCenterStatus, Id, StorageDomainStatus};
use crate::fake::DomainFacts;

use super::Context;
use super::storage::dc_status;
use super::support::{Failure, bring_in, ensure, host, login_if_iscsi, lose_primary, ok};

/// Replicated domains grouped by the secondary data center they land in, largest group first,
/// only data centers that have no storage yet.
async fn groups(ctx: &Context) -> Result<Vec<Vec<&DomainFacts>>, Failure> {
    let mut by_dc: BTreeMap<Id, Vec<&DomainFacts>> = BTreeMap::new();
    for d in &ctx.facts().domains {
        by_dc.entry(d.secondary_dc.id).or_default().push(d);
    }
    let mut out = Vec::new();
    for (dc, ds) in by_dc {
        if dc_status(ctx, dc).await? == DataCenterStatus::Uninitialized {
            out.push(ds);
        }
    }
    out.sort_by_key(|g| std::cmp::Reverse(g.len()));
    Ok(out)
}

/// The master of `dc` on the secondary, by the data-center view.
async fn master_of(ctx: &Context, dc: Id) -> Result<Option<Id>, Failure> {
    let e = ctx.engine(Site::Secondary);
    let all = ok(
        "attached_storage_domains",
        e.attached_storage_domains(dc).await,
    )?;
    Ok(all.iter().find(|d| d.master).map(|d| d.id))
}

/// With only a backup domain left beside it, a deactivated master has no successor: it goes to
/// maintenance as the pool's last master, the data center goes to maintenance, and the backup
/// domain is not made master.
pub async fn master_election_skips_backup_domains(ctx: &Context) -> Result<(), Failure> {
    lose_primary(ctx);
    let Some(group) = groups(ctx).await?.into_iter().find(|g| g.len() >= 2) else {
        return Ok(());
    };
    let (master, backup) = (group[0], group[1]);
    let dc = bring_in(ctx, master).await?;
    let e = ctx.engine(Site::Secondary);
    let h = host(ctx, Site::Secondary, dc)?;
    login_if_iscsi(e, Site::Secondary, h, backup).await?;
    let mut request = backup.import_request(Site::Secondary, h);
    request.backup = Some(true);
    ok("import as backup", e.import_storage_domain(&request).await)?;
    ok(
        "attach backup",
        e.attach_storage_domain(dc, backup.id).await,
    )?;
    ok(
        "deactivate the master",
        e.deactivate_storage_domain(dc, master.id, false).await,
    )?;
    let old = ok(
        "attached_storage_domain",
        e.attached_storage_domain(dc, master.id).await,
    )?;
    let elected = master_of(ctx, dc).await?;
    let status = dc_status(ctx, dc).await?;
    ensure!(
        elected == Some(master.id)
            && old.status == Some(StorageDomainStatus::Maintenance)
            && status == DataCenterStatus::Maintenance,
        "with only a backup domain left: master {elected:?} (old master {:?}), data center {status}",
        old.status
    );
    Ok(())
}

/// Among the candidates, the domain that was master longest ago — or never — is elected: after
/// the first master hands over and comes back, the next hand-over goes to the domain that never
/// was master, not back to it.
pub async fn master_election_prefers_the_longest_unused(ctx: &Context) -> Result<(), Failure> {
    lose_primary(ctx);
    let Some(group) = groups(ctx).await?.into_iter().find(|g| g.len() >= 3) else {
        return Ok(());
    };
    let first = group[0];
    let dc = bring_in(ctx, first).await?;
    for d in &group[1..3] {
        bring_in(ctx, d).await?;
    }
    let e = ctx.engine(Site::Secondary);
    ok(
        "deactivate the first master",
        e.deactivate_storage_domain(dc, first.id, false).await,
    )?;
    let second = master_of(ctx, dc)
        .await?
        .filter(|m| *m != first.id)
        .ok_or_else(|| Failure::new("no other domain took the master role over"))?;
    ok(
        "activate the first master again",
        e.activate_storage_domain(dc, first.id).await,
    )?;
    ok(
        "deactivate the second master",
        e.deactivate_storage_domain(dc, second, false).await,
    )?;
    let third = master_of(ctx, dc).await?;
    let never = group[1..3].iter().map(|d| d.id).find(|id| *id != second);
    ensure!(
        third.is_some() && third == never,
        "elected {third:?}; the domain never master was {never:?}, the first master {}",
        first.id
    );
    Ok(())
}
