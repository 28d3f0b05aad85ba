//! The world's controls of per-host iSCSI paths: what a storage or network administrator does
//! when a target's ACL leaves a host's initiator out, or a host loses its route to a portal.

use std::time::Duration;

use crate::Site;
use crate::engine::Id;

use super::world::World;

impl World {
    /// Cuts the path from `host` of `site` to the iSCSI target `iqn` of `site`'s arrays: the
    /// host's logins to the target fail, its device list no longer shows the target's LUNs, a
    /// VM whose disks it cannot see fails to run there (the Engine reruns it elsewhere), and
    /// after the Engine's domain failure timeout a host that cannot see an active domain of its
    /// data center becomes non-operational (or the domain inactive when no UP host sees it).
    /// Returns `false` (and changes nothing) when `site` has no such target.
    pub fn cut_iscsi_path(&self, site: Site, host: Id, iqn: &str) -> bool {
        self.with(|w, now| match w.target_index(site, iqn) {
            Some(t) => {
                w.cut_iscsi_path(site, host, t, now);
                true
            }
            None => false,
        })
    }

    /// Sets `site`'s Engine's `StorageDomainFailureTimeoutInMinutes`
    /// ([`TransitionTimes::domain_failure`](super::TransitionTimes::domain_failure), 5 minutes
    /// in the `realistic` profile, zero in `instant`): how long a domain its hosts report in
    /// problem (a lost iSCSI path, a recovered site's read-only copy) stays reported before the
    /// Engine acts. The timers that run move to the new value.
    pub fn set_domain_failure_timeout(&self, site: Site, timeout: Duration) {
        self.with(|w, now| w.set_domain_failure_timeout(site, timeout, now));
    }

    /// Restores the path [`World::cut_iscsi_path`] cut. A host the Engine made non-operational
    /// meanwhile stays so (it needs an administrator's activation).
    pub fn restore_iscsi_path(&self, site: Site, host: Id, iqn: &str) -> bool {
        self.with(|w, _| match w.target_index(site, iqn) {
            Some(t) => {
                w.restore_iscsi_path(site, host, t);
                true
            }
            None => false,
        })
    }
}
