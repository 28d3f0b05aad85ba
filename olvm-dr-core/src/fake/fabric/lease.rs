//! Sanlock leases of storage domains, the way they decide a DR attach.
//!
//! Each domain (by id, the same on both sides of a replication pair) has a lockspace whose
//! delta-lease records live on the volume. The hosts of the site that has the domain attached
//! and in use hold their host-id leases there and renew them every few seconds. Both sites
//! number their hosts' ids from 1 (`vds_spm_id`), so another site's host finds its host id's
//! record owned by a foreign host name.
//!
//! sanlock's `delta_lease_acquire` (sanlock `src/delta_lease.c`) decides such an acquisition by
//! watching the record on the storage it can reach: it reads the record, sleeps
//! max(host_dead_seconds, id_renewal_seconds + 6 × io_timeout) — 80 s with the defaults — and
//! reads again; an unchanged record is taken over. It cannot tell a dead holder from a live one
//! whose renewals no longer reach this copy of the volume. So:
//!
//! * a free record (released cleanly: domain to maintenance, detach) or one this site wrote is
//!   taken at once (the short re-check of 2 × io_timeout is part of the attach's own latency);
//! * a record another site wrote is taken after a full `lease_timeout`, measured from the
//!   acquisition's start, whether that site's hosts are dead or alive: after a replication
//!   split the live site writes its own copy, which the acquirer never sees;
//! * on a read-only replica nothing can be written: the acquisition fails (VDSM
//!   `AcquireHostIdFailure`).
//!
//! When the previous holder's hosts are still alive at the takeover, both copies of a promoted
//! replica are now in use and diverge: the world records a split brain. sanlock does not
//! prevent it; only the tool's own split-brain guard does.

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;

use crate::Site;
use crate::engine::Id;

/// The default lease timeout: sanlock's acquisition delay with its default 10 s I/O timeout
/// (max(host_dead_seconds = 8 × 10 s, id_renewal_seconds 20 s + 6 × 10 s) = 80 s), which the
/// oVirt DR guide quotes as ~80 s (API reference §6.4).
pub const DEFAULT_LEASE_TIMEOUT: Duration = Duration::from_secs(80);

/// One domain's lease.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Lease {
    holder: Site,
    /// When the holder released it cleanly (may lie in the future: the end of a deactivation).
    released_at: Option<Instant>,
}

/// What an acquisition found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Acquired {
    /// How long sanlock watched the record before taking it (zero when it was free or ours).
    pub(crate) wait: Duration,
    /// The site whose hosts wrote the record that was taken over, if another site's.
    pub(crate) taken_from: Option<Site>,
}

/// All leases.
#[derive(Debug, Clone, Default)]
pub(crate) struct Leases {
    by_domain: HashMap<Id, Lease>,
}

impl Leases {
    /// Records that `site`'s hosts hold `domain`'s lease (builder, or a successful acquire).
    pub(crate) fn grant(&mut self, domain: Id, site: Site) {
        self.by_domain.insert(
            domain,
            Lease {
                holder: site,
                released_at: None,
            },
        );
    }

    /// `site` releases `domain`'s lease at `at` (clean disconnect). No effect if another site
    /// holds it.
    pub(crate) fn release(&mut self, domain: Id, site: Site, at: Instant) {
        if let Some(l) = self.by_domain.get_mut(&domain)
            && l.holder == site
            && l.released_at.is_none_or(|r| r > at)
        {
            l.released_at = Some(at);
        }
    }

    /// The site holding `domain`'s lease at `now`, if any.
    pub(crate) fn holder(&self, domain: Id, now: Instant) -> Option<Site> {
        self.by_domain
            .get(&domain)
            .filter(|l| l.released_at.is_none_or(|r| now < r))
            .map(|l| l.holder)
    }

    /// `site`'s hosts acquire `domain`'s lease on a writable copy at `now`: at once when the
    /// record is free or theirs, after `timeout` when another site wrote it (see the module
    /// documentation). With `take` false (a drill copy, whose lease area is its own) the shared
    /// record is left as it was.
    pub(crate) fn acquire(
        &mut self,
        domain: Id,
        site: Site,
        now: Instant,
        timeout: Duration,
        take: bool,
    ) -> Acquired {
        let taken_from = self.holder(domain, now).filter(|holder| *holder != site);
        if take {
            self.grant(domain, site);
        }
        Acquired {
            wait: if taken_from.is_some() {
                timeout
            } else {
                Duration::ZERO
            },
            taken_from,
        }
    }

    /// Forgets `id`'s record: a new lease, free.
    pub(crate) fn forget(&mut self, id: Id) {
        self.by_domain.remove(&id);
    }

    /// Makes every lease held by `site` free as of `now`, as if an acquirer had already watched
    /// the records for the lease time: a test helper for when tokio's clock cannot be advanced.
    pub(crate) fn expire_all_of(&mut self, site: Site, now: Instant) {
        for l in self.by_domain.values_mut() {
            if l.holder == site {
                l.released_at = Some(l.released_at.map_or(now, |r| r.min(now)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_sites_record_is_taken_after_the_timeout_dead_or_alive() {
        let t0 = Instant::now();
        let timeout = DEFAULT_LEASE_TIMEOUT;
        let id = Id::from_u128(1);
        let mut l = Leases::default();
        l.grant(id, Site::Primary);
        let got = l.acquire(id, Site::Secondary, t0, timeout, true);
        assert_eq!(got.wait, timeout);
        assert_eq!(got.taken_from, Some(Site::Primary));
        assert_eq!(l.holder(id, t0), Some(Site::Secondary));
        // Its own record: at once.
        let again = l.acquire(id, Site::Secondary, t0, timeout, true);
        assert_eq!((again.wait, again.taken_from), (Duration::ZERO, None));
    }

    #[test]
    fn clean_release_and_expiry_free_at_once_and_a_drill_copy_takes_nothing() {
        let t0 = Instant::now();
        let timeout = DEFAULT_LEASE_TIMEOUT;
        let id = Id::from_u128(1);
        let mut l = Leases::default();
        l.grant(id, Site::Primary);
        let drill = l.acquire(id, Site::Secondary, t0, timeout, false);
        assert_eq!(drill.wait, timeout);
        assert_eq!(l.holder(id, t0), Some(Site::Primary));
        l.release(id, Site::Primary, t0);
        assert_eq!(l.holder(id, t0), None);
        assert_eq!(
            l.acquire(id, Site::Secondary, t0, timeout, true).wait,
            Duration::ZERO
        );
        l.expire_all_of(Site::Secondary, t0);
        assert_eq!(
            l.acquire(id, Site::Primary, t0, timeout, true).wait,
            Duration::ZERO
        );
    }
}
