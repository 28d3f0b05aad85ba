//! Split brains: both sites using their own copy of a promoted replica at once.
//!
//! sanlock does not prevent one (see `fabric::lease`): once replication is stopped, a site that
//! attaches the replica takes the host-id records over after the lease time even while the
//! other site's hosts still run on their own copy. The world records every such takeover, so
//! tests can assert that a flow never produced one.

use tokio::time::Instant;

use crate::Site;
use crate::engine::Id;

use super::WorldState;

/// Both copies of a domain in use by their own site: from now on they diverge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitBrain {
    /// The domain (the same id on both copies).
    pub domain: Id,
    /// Its name, as the taking site's Engine knows it.
    pub name: String,
    /// The site that took the lease over on its copy.
    pub taken_by: Site,
    /// The site whose hosts were still running on their copy.
    pub still_running: Site,
    /// When it happened, on the world's wall clock.
    pub at: std::time::SystemTime,
}

impl WorldState {
    /// Records that `taken_by` took domain `sd`'s lease over at `at` while `still_running`'s
    /// hosts ran.
    pub(crate) fn record_split_brain(
        &mut self,
        sd: Id,
        taken_by: Site,
        still_running: Site,
        at: Instant,
    ) {
        let name = self
            .site(taken_by)
            .domains
            .get(&sd)
            .map(|d| d.name.clone())
            .unwrap_or_default();
        let at = self.clock.wall(at);
        self.split_brains.push(SplitBrain {
            domain: sd,
            name,
            taken_by,
            still_running,
            at,
        });
    }
}

impl WorldState {
    /// The names of the data domains attached on `site` whose copy there `site` could write
    /// while the other site's hosts run with the same domain attached: bringing `site` back now
    /// lets its Engine take their leases over after the lease time and restart its HA VMs on
    /// them, a split brain (see `recovery`).
    pub(crate) fn writable_copies_the_other_site_uses(&self, site: Site) -> Vec<String> {
        let other = self.site(site.other());
        if !other.hosts_alive() {
            return Vec::new();
        }
        let mut names: Vec<String> = self
            .site(site)
            .domains
            .values()
            .filter(|d| d.is_data() && d.attachment.is_some())
            .filter(|d| !self.fabric.is_read_only(d.volume))
            .filter(|d| {
                other
                    .domains
                    .get(&d.id)
                    .is_some_and(|o| o.attachment.is_some())
            })
            .map(|d| d.name.clone())
            .collect();
        names.sort();
        names
    }
}
