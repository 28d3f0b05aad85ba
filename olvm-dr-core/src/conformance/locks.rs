//! Checks of the Engine's lock table: a command that meets a lock another command holds is
//! refused before it validates anything.
//!
//! Real Engine: `CommandBase.internalValidate` acquires the command's locks before
//! `validate()`; `InMemoryLockManager` refuses an exclusive lock on a held key and a shared
//! lock on an exclusively held one, with the holder's message, 409
//! `ACTION_TYPE_FAILED_OBJECT_LOCKED` (`AppErrors.properties`). The locks:
//! `DeactivateStorageDomainCommand.getExclusiveLocks`/`getSharedLocks` (STORAGE on the domain;
//! POOL exclusive for the master, shared for a data domain), `ActivateStorageDomainCommand`
//! (STORAGE), `UpdateOvfStoreForStorageDomainCommand` (STORAGE, `Scope.Command`: until its
//! job ends).

use std::time::Duration;

use crate::Site;
use crate::engine::ErrorKind;
use crate::fake::{LatencyProfile, TransitionTimes};

use super::Context;
use super::maintenance::stop_vms_on;
use super::support::{Failure, err_text, ok};

/// Longer than any check runs: the commands below stay in execution while it looks.
const BUSY: Duration = Duration::from_secs(3600);

fn in_progress(action: &str) -> String {
    format!(
        "[Cannot {action} Storage. Related operation is currently in progress. Please try again later.]"
    )
}

/// While a data domain's deactivation runs it holds the pool shared and itself exclusively:
/// the master cannot be deactivated and the domain cannot be activated; while an OVF update
/// job runs, a second update of the same domain is refused. Each refusal is 409 "Related
/// operation is currently in progress", `Locked` (retryable) through any Engine.
pub async fn storage_commands_take_the_engine_locks(ctx: &Context) -> Result<(), Failure> {
    let f = ctx.facts();
    let Some(d) = f
        .domains
        .iter()
        .find(|d| !d.primary_master && f.vms.iter().any(|v| v.domains.contains(&d.id)))
    else {
        return Ok(());
    };
    let dc = d.primary_dc.id;
    let Some(m) = f
        .domains
        .iter()
        .find(|m| m.primary_master && m.primary_dc.id == dc)
    else {
        return Ok(());
    };
    let e = ctx.engine(Site::Primary);
    stop_vms_on(e, d.id).await?;
    ctx.world().set_latency(
        Site::Primary,
        LatencyProfile::instant().with_transitions(TransitionTimes {
            deactivate_preparing: BUSY,
            ovf_update: BUSY,
            ..TransitionTimes::default()
        }),
    );
    ok(
        "deactivate of the data domain",
        e.deactivate_storage_domain(dc, d.id, false).await,
    )?;
    err_text(
        "deactivate of the master while a data domain deactivates",
        e.deactivate_storage_domain(dc, m.id, false).await,
        ErrorKind::Locked,
        &in_progress("deactivate"),
    )?;
    err_text(
        "activate of a domain that deactivates",
        e.activate_storage_domain(dc, d.id).await,
        ErrorKind::Locked,
        &in_progress("activate"),
    )?;
    ok("update_ovf_store", e.update_ovf_store(m.id).await)?;
    err_text(
        "a second OVF update while the first runs",
        e.update_ovf_store(m.id).await,
        ErrorKind::Locked,
        &in_progress("update OVFs for"),
    )?;
    Ok(())
}
