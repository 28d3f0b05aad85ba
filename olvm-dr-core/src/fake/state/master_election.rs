//! Electing a new master domain when the master leaves a data center (deactivate, destroy), as
//! `StorageDomainCommandBase.electNewMaster` does: among the data center's other domains, the
//! first data domain that is not a backup domain and is `active` or `unknown`, taking them in
//! the order of the last time each was the master (longest ago, or never, first). With none, a
//! deactivated master is the pool's last one and the data center goes to maintenance
//! (`DeactivateStorageDomainCommand`: `isLastMaster`).

use tokio::time::Instant;

use crate::engine::{Id, StorageDomainStatus};

use super::SiteState;

impl SiteState {
    /// The domain `electNewMaster` picks to replace `leaving` as `dc`'s master at `now`.
    pub(crate) fn elect_new_master(&self, dc: Id, leaving: Id, now: Instant) -> Option<Id> {
        let mut candidates: Vec<_> = self
            .domains_in(dc)
            .filter(|d| d.id != leaving && d.is_data() && !d.attrs.backup)
            .collect();
        candidates.sort_by_key(|d| d.last_master);
        candidates
            .into_iter()
            .find(|d| {
                matches!(
                    d.status(now),
                    StorageDomainStatus::Active | StorageDomainStatus::Unknown
                )
            })
            .map(|d| d.id)
    }

    /// Records that `sd` became a master at `now` (`setLastTimeUsedAsMaster`).
    pub(crate) fn mark_master(&mut self, sd: Id, now: Instant) {
        if let Some(d) = self.domains.get_mut(&sd) {
            d.last_master = Some(now);
        }
    }
}
