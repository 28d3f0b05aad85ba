//! Hosts whose storage turns read-only under them: when a replication pair is resynchronised or
//! reversed so that a site's copy becomes the read-only replica while that site's hosts still
//! use the domain, sanlock can no longer renew their host-id leases. After
//! `id_renewal_fail_seconds` (8 × io_timeout = the lease time, sanlock `src/timeouts.h`,
//! `src/lockspace.c`) it kills the processes that use the lockspace — the VMs running on the
//! domain — and the watchdog resets a host where that fails. The site's VMs on the domain go
//! down, and its hosts no longer hold the lease.

use tokio::time::Instant;

use crate::Site;
use crate::engine::{Id, VmStatus};

use super::super::clock::Transition;
use super::{Event, WorldState};

impl WorldState {
    /// After a replication change at `now`: schedules the fencing of every domain a running
    /// site still uses on a copy that is now read-only.
    pub(crate) fn schedule_fencing(&mut self, now: Instant) {
        let at = now + self.lease_timeout;
        let mut due = Vec::new();
        for site in Site::BOTH {
            let s = self.site(site);
            if !s.hosts_alive() {
                continue;
            }
            for d in s.domains.values() {
                if d.active_in(None, now) && self.fabric.is_read_only(d.volume) {
                    due.push((site, d.id));
                }
            }
        }
        for (site, sd) in due {
            self.schedule(at, Event::LeaseRenewalFailed { site, sd });
        }
    }

    /// sanlock gave up renewing `site`'s lease on `sd` at `at`: if the copy is still read-only
    /// and the hosts still run, the VMs using the domain are killed and the lease is gone.
    pub(crate) fn fence(&mut self, site: Site, sd: Id, at: Instant) {
        let s = self.site(site);
        let Some(d) = s.domains.get(&sd) else {
            return;
        };
        if !s.hosts_alive() || !self.fabric.is_read_only(d.volume) {
            return;
        }
        let killed: Vec<Id> = s
            .vms
            .values()
            .filter(|v| {
                !matches!(v.status(at), VmStatus::Down | VmStatus::Suspended)
                    && s.image_domains(&v.disks).any(|x| x == sd)
            })
            .map(|v| v.id)
            .collect();
        let s = self.site_mut(site);
        for id in killed {
            if let Some(v) = s.vms.get_mut(&id) {
                v.power = Transition::settled(VmStatus::Down, at);
            }
        }
        self.leases.release(sd, site, at);
    }
}
