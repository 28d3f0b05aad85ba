//! Checks of the Engine's unregistered-entity rows (`unregistered_ovf_of_entities`) across
//! detach, attach and removal.

use std::collections::BTreeSet;

use crate::Site;
use crate::engine::{ErrorKind, Id, RemoveStorageDomain};

use super::Context;
use super::maintenance::{non_master_with_vms, stop_vms_on};
use super::support::{Failure, ensure, err, host, ok};

/// The rows attach reads from a domain's OVF store outlive its detach, and go only with the
/// domain: `DetachStorageDomainFromPoolCommand` leaves `unregistered_ovf_of_entities` alone,
/// `AttachStorageDomainToPoolCommand` updates the rows one entity at a time (`removeEntity`,
/// `saveOVFData`), and the table's foreign key to `storage_domain_static` is
/// `ON DELETE CASCADE` (`packaging/dbscripts/create_tables.sql`), so removing the domain
/// (`RemoveStorageDomainCommand`) deletes them.
pub async fn unregistered_rows_survive_detach(ctx: &Context) -> Result<(), Failure> {
    let Some(d) = non_master_with_vms(ctx) else {
        return Ok(());
    };
    let f = ctx.facts();
    let e = ctx.engine(Site::Primary);
    let dc = d.primary_dc.id;
    let mine: BTreeSet<Id> = f
        .vms
        .iter()
        .filter(|v| !v.has_luns && v.domains.iter().all(|x| *x == d.id))
        .map(|v| v.id)
        .collect();
    ensure!(!mine.is_empty(), "{} has no VM of its own", d.name);
    stop_vms_on(e, d.id).await?;
    let take_out = || async {
        ok(
            "deactivate",
            e.deactivate_storage_domain(dc, d.id, false).await,
        )?;
        ok("detach", e.detach_storage_domain(dc, d.id).await)
    };
    take_out().await?;
    ok("attach", e.attach_storage_domain(dc, d.id).await)?;
    let listed = |rows: Vec<Id>| rows.into_iter().collect::<BTreeSet<Id>>();
    let after_attach = listed(
        ok("unregistered_vms", e.unregistered_vms(d.id).await)?
            .into_iter()
            .map(|u| u.id)
            .collect(),
    );
    ensure!(
        mine.is_subset(&after_attach),
        "after attach, unregistered {after_attach:?} lack some of {mine:?}"
    );
    take_out().await?;
    let after_detach = listed(
        ok(
            "unregistered_vms after detach",
            e.unregistered_vms(d.id).await,
        )?
        .into_iter()
        .map(|u| u.id)
        .collect(),
    );
    ensure!(
        after_detach == after_attach,
        "detach changed the unregistered rows: {after_attach:?} became {after_detach:?}"
    );
    let h = host(ctx, Site::Primary, dc)?;
    ok(
        "remove",
        e.remove_storage_domain(
            d.id,
            RemoveStorageDomain::WithHost {
                host: h,
                format: false,
            },
        )
        .await,
    )?;
    err(
        "unregistered_vms after remove",
        e.unregistered_vms(d.id).await,
        ErrorKind::NotFound,
    )?;
    Ok(())
}
