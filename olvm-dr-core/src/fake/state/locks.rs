//! The Engine's in-memory lock table: which command holds which entity, exclusively or shared.
//!
//! A real command takes its locks before it validates anything (`CommandBase.internalValidate`:
//! `acquireLock()` runs before `validate()`), so a command that meets a held lock is refused
//! with the held lock's message whatever the entity's status: 409
//! `ACTION_TYPE_FAILED_OBJECT_LOCKED`, "Cannot ${action} ${type}. Related operation is
//! currently in progress. Please try again later." (`AppErrors.properties`). An exclusive lock
//! needs the key free; a shared lock needs it free of exclusive holders
//! (`InMemoryLockManager.insertExclusiveLock`, `insertSharedLock`). Keys are a locking group
//! and an id (`LockingGroup.STORAGE`, `LockingGroup.POOL`).
//!
//! What each storage command takes (ovirt-engine `bll/storage/domain`):
//!
//! | command | exclusive | shared | held |
//! | --- | --- | --- | --- |
//! | `AttachStorageDomainToPoolCommand` | STORAGE sd | | execution, activation included |
//! | `ActivateStorageDomainCommand` | STORAGE sd | | execution |
//! | `DeactivateStorageDomainCommand` | STORAGE sd, POOL dc if master | POOL dc if a data domain | execution |
//! | `DetachStorageDomainFromPoolCommand` | STORAGE sd | | until the detach ends (`Scope.Command`) |
//! | `RemoveStorageDomainCommand`, `ForceRemoveStorageDomainCommand` | STORAGE sd | | execution |
//! | `UpdateOvfStoreForStorageDomainCommand` | STORAGE sd | | until the job ends (`Scope.Command`) |
//!
//! The fake's commands change state at once and their transitions (locked, activating,
//! preparing for maintenance, detaching) stand for the execution, so a lock is held until the
//! transition (or the job) ends.

use tokio::time::Instant;

use crate::Site;
use crate::engine::{EngineResult, Id};

use super::super::messages::{self as msg, Action};
use super::super::ops::Operation;
use super::WorldState;

/// `org.ovirt.engine.core.common.locks.LockingGroup`, the groups storage commands use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LockGroup {
    /// A storage domain.
    Storage,
    /// A data center (storage pool).
    Pool,
}

/// How a lock is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LockMode {
    /// Nobody else may hold the key.
    Exclusive,
    /// Others may hold it shared too, nobody exclusively.
    Shared,
}

/// One lock a command wants: group, entity id, mode.
pub(crate) type LockWant = (LockGroup, Id, LockMode);

#[derive(Debug, Clone)]
struct Held {
    group: LockGroup,
    id: Id,
    mode: LockMode,
    until: Instant,
}

/// One site's held locks.
#[derive(Debug, Clone, Default)]
pub(crate) struct LockTable {
    held: Vec<Held>,
}

impl LockTable {
    /// `true` when every lock of `wants` could be taken at `now`.
    pub(crate) fn free(&self, wants: &[LockWant], now: Instant) -> bool {
        wants.iter().all(|(group, id, mode)| {
            !self.held.iter().any(|h| {
                h.until > now
                    && h.group == *group
                    && h.id == *id
                    && (*mode == LockMode::Exclusive || h.mode == LockMode::Exclusive)
            })
        })
    }

    /// Records `wants` as held until `until` (and forgets locks released by `now`).
    pub(crate) fn hold(&mut self, wants: &[LockWant], now: Instant, until: Instant) {
        self.held.retain(|h| h.until > now);
        if until > now {
            self.held.extend(wants.iter().map(|(group, id, mode)| Held {
                group: *group,
                id: *id,
                mode: *mode,
                until,
            }));
        }
    }
}

/// The exclusive lock on a storage domain most storage commands take.
pub(crate) fn domain_lock(sd: Id) -> LockWant {
    (LockGroup::Storage, sd, LockMode::Exclusive)
}

/// `DeactivateStorageDomainCommand`'s locks: the domain, and the pool exclusively for the
/// master, shared for a data domain.
pub(crate) fn deactivate_locks(sd: Id, dc: Id, master: bool) -> [LockWant; 2] {
    let pool = if master {
        LockMode::Exclusive
    } else {
        LockMode::Shared
    };
    [domain_lock(sd), (LockGroup::Pool, dc, pool)]
}

impl WorldState {
    /// The refusal of a command (`op`, `action` on a storage domain) that wants `wants` while
    /// another command of `site` holds one of them.
    pub(crate) fn check_locks(
        &self,
        site: Site,
        wants: &[LockWant],
        op: Operation,
        action: Action,
        now: Instant,
    ) -> EngineResult<()> {
        if self.site(site).locks.free(wants, now) {
            Ok(())
        } else {
            Err(msg::sd_locked(op, action))
        }
    }

    /// Holds `wants` on `site` from `now` until `until`.
    pub(crate) fn hold_locks(
        &mut self,
        site: Site,
        wants: &[LockWant],
        now: Instant,
        until: Instant,
    ) {
        self.site_mut(site).locks.hold(wants, now, until);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn exclusive_excludes_everything_shared_only_exclusive() {
        let now = Instant::now();
        let later = now + Duration::from_secs(10);
        let (sd, dc) = (Id::from_u128(1), Id::from_u128(2));
        let mut t = LockTable::default();
        t.hold(&[(LockGroup::Pool, dc, LockMode::Shared)], now, later);
        assert!(t.free(&[(LockGroup::Pool, dc, LockMode::Shared)], now));
        assert!(!t.free(&[(LockGroup::Pool, dc, LockMode::Exclusive)], now));
        // Same id, other group: another key.
        assert!(t.free(&[(LockGroup::Storage, dc, LockMode::Exclusive)], now));
        t.hold(&[domain_lock(sd)], now, later);
        assert!(!t.free(&[(LockGroup::Storage, sd, LockMode::Shared)], now));
        // Released when the holder's execution ends.
        assert!(t.free(&deactivate_locks(sd, dc, true), later));
    }
}
