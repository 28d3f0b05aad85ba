//! Sanlock leases of storage domains, the way they decide a DR attach.
//!
//! Each domain (by id, the same on both sides of a replication pair) has a lockspace. The hosts
//! of the site that has the domain attached and in use hold their host-id leases there and renew
//! them every few seconds. Another site's hosts can acquire it only once the holder has stopped
//! renewing for `lease_timeout` (sanlock: 8 × io_timeout = 80 s by default, API reference §6.4).
//! A holder that releases cleanly (domain to maintenance, detach) frees it at once.

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;

use crate::Site;
use crate::engine::Id;

/// The default lease timeout: sanlock's "host dead" threshold with its default 10 s I/O timeout
/// (8 × 10 s), which the oVirt DR guide quotes as ~80 s (API reference §6.4).
pub const DEFAULT_LEASE_TIMEOUT: Duration = Duration::from_secs(80);

/// One domain's lease.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Lease {
    holder: Site,
    /// When the holder released it cleanly (may lie in the future: the end of a deactivation).
    released_at: Option<Instant>,
}

/// Why an acquire failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Held {
    /// The holder's hosts are alive and renewing.
    Renewing,
    /// The holder stopped renewing less than the timeout ago; free at the given instant.
    Until(Instant),
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

    /// Tries to let `site` acquire `domain`'s lease at `now`. `hosts_down_at(s)` is when site
    /// `s`'s hosts stopped (None while they run).
    pub(crate) fn acquire(
        &mut self,
        domain: Id,
        site: Site,
        now: Instant,
        timeout: Duration,
        hosts_down_at: impl Fn(Site) -> Option<Instant>,
    ) -> Result<(), Held> {
        if let Some(l) = self.by_domain.get(&domain) {
            let released = l.released_at.is_some_and(|r| r <= now);
            if l.holder != site && !released {
                let last_renewal = match (hosts_down_at(l.holder), l.released_at) {
                    (None, None) => return Err(Held::Renewing),
                    (None, Some(r)) => r,
                    (Some(d), None) => d,
                    (Some(d), Some(r)) => d.min(r),
                };
                let free_at = last_renewal + timeout;
                if now < free_at {
                    return Err(Held::Until(free_at));
                }
            }
        }
        self.grant(domain, site);
        Ok(())
    }

    /// Whether `site` may use `domain` on a copy split off from the holder's storage at `since`
    /// (a drill copy). Nothing is granted on the shared lease: the copy's lease area is its own,
    /// and it holds only the state the holder had written before the split, so it is free
    /// `timeout` after that — or at once if `site` holds it or nobody does.
    pub(crate) fn check_isolated_copy(
        &self,
        domain: Id,
        site: Site,
        now: Instant,
        timeout: Duration,
        since: Instant,
        hosts_down_at: impl Fn(Site) -> Option<Instant>,
    ) -> Result<(), Held> {
        let Some(l) = self.by_domain.get(&domain) else {
            return Ok(());
        };
        if l.holder == site || l.released_at.is_some_and(|r| r <= now) {
            return Ok(());
        }
        let last_renewal = [Some(since), hosts_down_at(l.holder), l.released_at]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(since);
        let free_at = last_renewal + timeout;
        if now < free_at {
            Err(Held::Until(free_at))
        } else {
            Ok(())
        }
    }

    /// Makes every lease held by `site` expired as of `now` (its hosts stopped renewing at least
    /// `timeout` ago): a test helper for when tokio's clock cannot be advanced.
    pub(crate) fn expire_all_of(&mut self, site: Site, now: Instant, timeout: Duration) {
        let past = now.checked_sub(timeout).unwrap_or(now);
        for l in self.by_domain.values_mut() {
            if l.holder == site {
                l.released_at = Some(l.released_at.map_or(past, |r| r.min(past)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dead_holder_blocks_until_timeout_a_live_one_forever() {
        let t0 = Instant::now();
        let timeout = DEFAULT_LEASE_TIMEOUT;
        let id = Id::from_u128(1);
        let mut l = Leases::default();
        l.grant(id, Site::Primary);
        // Primary alive: never.
        let alive = |_: Site| None;
        assert_eq!(
            l.acquire(id, Site::Secondary, t0 + 3600 * timeout, timeout, alive),
            Err(Held::Renewing)
        );
        // Primary died at t0.
        let dead = |s: Site| (s == Site::Primary).then_some(t0);
        assert_eq!(
            l.acquire(id, Site::Secondary, t0 + timeout / 2, timeout, dead),
            Err(Held::Until(t0 + timeout))
        );
        assert_eq!(
            l.acquire(id, Site::Secondary, t0 + timeout, timeout, dead),
            Ok(())
        );
        assert_eq!(l.holder(id, t0 + timeout), Some(Site::Secondary));
    }

    #[test]
    fn clean_release_frees_at_once_and_expiry_helper_works() {
        let t0 = Instant::now();
        let timeout = DEFAULT_LEASE_TIMEOUT;
        let id = Id::from_u128(1);
        let mut l = Leases::default();
        l.grant(id, Site::Primary);
        l.release(id, Site::Primary, t0);
        assert_eq!(l.holder(id, t0), None);
        assert!(
            l.acquire(id, Site::Secondary, t0, timeout, |_| None)
                .is_ok()
        );
        l.expire_all_of(Site::Secondary, t0, timeout);
        assert!(l.acquire(id, Site::Primary, t0, timeout, |_| None).is_ok());
    }
}
