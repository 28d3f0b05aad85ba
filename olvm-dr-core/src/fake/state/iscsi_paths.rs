//! Which iSCSI targets each host reaches, and what the Engine does about a host that does not
//! reach the LUNs of its data center's domains.
//!
//! A path is cut for one host and one target (the target's ACL does not list the host's
//! initiator, or its portal is unreachable from the host): the host's logins to it fail, and
//! its device list loses the LUNs behind it, even though the Engine connects every UP host of
//! the data center to the domains' connections (`ConnectHostToStoragePoolServersCommand` when
//! a host comes up, `connectHostsInUpToDomainStorageServer` at attach and activate; a failed
//! connection is only logged, `ConnectStorageServerVDSCommand.logFailedStorageConnections`).
//!
//! Domain monitoring (`IrsProxyImpl`): VDSM checks every domain every `sd_health_check_delay`
//! (10 s, `lib/vdsm/common/config.py.in`) and the host reports those it cannot reach. The first
//! report of a domain starts a timer of `StorageDomainFailureTimeoutInMinutes` (5 minutes,
//! `0000_config.sql`); when it fires (`processDomainRecovery`), if some UP host of the data
//! center did not report the domain, the reporting hosts become non-operational
//! (`NonOperationalReason.STORAGE_DOMAIN_UNREACHABLE`); if every UP host reported it, a data
//! domain that is not the master becomes inactive (`storageDomainNotOperational`). A master
//! reported by every host goes to reconstruction, which is not modelled: it stays as it is.
//! A host that reaches the domain again before the timer fires clears its report
//! (`domainRecoveredFromProblem`).

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;

use crate::Site;
use crate::engine::{HostStatus, Id, StorageDomainStatus};

use super::super::clock::Transition;
use super::super::fabric::{Locator, VolumeId};
use super::{Event, WorldState};

/// VDSM's domain monitor interval (`sd_health_check_delay`): how often a host checks, and the
/// fake re-evaluates, the domains of a host with a cut path.
pub(crate) const DOMAIN_MONITOR_PERIOD: Duration = Duration::from_secs(10);

/// `StorageDomainFailureTimeoutInMinutes`' default: how long a domain stays reported before
/// the Engine acts on the report.
pub(crate) const DEFAULT_DOMAIN_FAILURE_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// The cut paths of one site and the domains its hosts report in problem.
#[derive(Debug, Clone)]
pub(crate) struct IscsiPaths {
    /// (host, target index) → since when the host does not reach the target.
    cut: HashMap<(Id, usize), Instant>,
    /// (host, domain) → when the host first reported the domain in problem.
    reported: HashMap<(Id, Id), Instant>,
    /// The Engine's `StorageDomainFailureTimeoutInMinutes` (`engine-config` sets it).
    pub(crate) failure_timeout: Duration,
}

impl Default for IscsiPaths {
    fn default() -> Self {
        Self {
            cut: HashMap::new(),
            reported: HashMap::new(),
            failure_timeout: DEFAULT_DOMAIN_FAILURE_TIMEOUT,
        }
    }
}

impl IscsiPaths {
    /// `true` unless the path from `host` to target `t` is cut.
    pub(crate) fn open(&self, host: Id, t: usize) -> bool {
        !self.cut.contains_key(&(host, t))
    }

    fn host_has_cuts(&self, host: Id) -> bool {
        self.cut.keys().any(|(h, _)| *h == host)
    }
}

impl WorldState {
    /// The target index of iSCSI target `iqn` on `site`'s arrays.
    pub(crate) fn target_index(&self, site: Site, iqn: &str) -> Option<usize> {
        self.fabric
            .targets
            .iter()
            .position(|t| t.site == site && t.iqn == iqn)
    }

    /// Cuts the path from `host` to target `t` at `now` and starts watching the host's
    /// domains. The fake's first check is at the cut (the host's own comes within
    /// [`DOMAIN_MONITOR_PERIOD`]).
    pub(crate) fn cut_iscsi_path(&mut self, site: Site, host: Id, t: usize, now: Instant) {
        let paths = &mut self.site_mut(site).iscsi_paths;
        paths.cut.entry((host, t)).or_insert(now);
        self.schedule(now, Event::DomainMonitor { site, host });
    }

    /// Sets the failure timeout of `site`'s Engine at `now`; the hosts with cut paths check
    /// their domains again at once, so that reports older than the new timeout are acted on.
    pub(crate) fn set_domain_failure_timeout(
        &mut self,
        site: Site,
        timeout: Duration,
        now: Instant,
    ) {
        let paths = &mut self.site_mut(site).iscsi_paths;
        paths.failure_timeout = timeout;
        let mut hosts: Vec<Id> = paths.cut.keys().map(|(h, _)| *h).collect();
        hosts.sort_unstable();
        hosts.dedup();
        for host in hosts {
            self.schedule(now, Event::DomainMonitor { site, host });
        }
    }

    /// Restores the path from `host` to target `t`: the host sees the target's LUNs again and
    /// its reports of the domains behind it are cleared.
    pub(crate) fn restore_iscsi_path(&mut self, site: Site, host: Id, t: usize) {
        let paths = &mut self.site_mut(site).iscsi_paths;
        paths.cut.remove(&(host, t));
        if !paths.host_has_cuts(host) {
            paths.reported.retain(|(h, _), _| *h != host);
        }
    }

    /// `true` when `host` can reach LUN volume `v`: an FC LUN of the site's SAN, or an iSCSI
    /// LUN whose target the host reaches.
    pub(crate) fn host_reaches(&self, site: Site, host: Id, v: VolumeId) -> bool {
        match &self.fabric.volumes[v].locator {
            Locator::Lun {
                target: Some(t), ..
            } => self.site(site).iscsi_paths.open(host, *t),
            Locator::Lun { target: None, .. } | Locator::File { .. } => true,
        }
    }

    /// One run of the domain monitor of `host` at `t`: reports the active domains of its data
    /// center it cannot reach, acts on reports older than the failure timeout, and keeps
    /// watching while the host has a cut path and is up.
    pub(crate) fn monitor_host_domains(&mut self, site: Site, host: Id, t: Instant) {
        let s = self.site(site);
        let Some(h) = s.inv.hosts.get(&host) else {
            return;
        };
        if h.status != HostStatus::Up || !s.hosts_alive() {
            return;
        }
        let Some(dc) = s.dc_of_cluster(h.cluster) else {
            return;
        };
        let unreachable: Vec<Id> = s
            .domains_in(dc)
            .filter(|d| d.is_data() && d.active_in(Some(dc), t))
            .filter(|d| !self.host_reaches(site, host, d.volume))
            .map(|d| d.id)
            .collect();
        let paths = &mut self.site_mut(site).iscsi_paths;
        paths
            .reported
            .retain(|(h, sd), _| *h != host || unreachable.contains(sd));
        for sd in &unreachable {
            paths.reported.entry((host, *sd)).or_insert(t);
        }
        let timeout = paths.failure_timeout;
        let fires: Vec<(Id, Instant)> = unreachable
            .into_iter()
            .filter_map(|sd| Some((sd, *paths.reported.get(&(host, sd))? + timeout)))
            .collect();
        for (sd, _) in fires.iter().filter(|(_, at)| *at <= t) {
            self.domain_failure_timeout(site, dc, *sd, t);
        }
        let s = self.site(site);
        let still_up = s
            .inv
            .hosts
            .get(&host)
            .is_some_and(|h| h.status == HostStatus::Up);
        if still_up && s.iscsi_paths.host_has_cuts(host) {
            // The next check, or the next report's timer, whichever comes first.
            let timer = fires.iter().map(|(_, at)| *at).filter(|at| *at > t).min();
            let next = timer.map_or(t + DOMAIN_MONITOR_PERIOD, |at| {
                at.min(t + DOMAIN_MONITOR_PERIOD)
            });
            self.schedule(next, Event::DomainMonitor { site, host });
        }
    }

    /// `processDomainRecovery` for domain `sd` of data center `dc` at `t`.
    fn domain_failure_timeout(&mut self, site: Site, dc: Id, sd: Id, t: Instant) {
        let s = self.site(site);
        let up: Vec<Id> = s
            .inv
            .hosts
            .values()
            .filter(|h| h.status == HostStatus::Up && s.dc_of_cluster(h.cluster) == Some(dc))
            .map(|h| h.id)
            .collect();
        let reporting: Vec<Id> = up
            .iter()
            .copied()
            .filter(|h| s.iscsi_paths.reported.contains_key(&(*h, sd)))
            .collect();
        let s = self.site_mut(site);
        if reporting.len() < up.len() {
            for h in &reporting {
                if let Some(rec) = s.inv.hosts.get_mut(h) {
                    rec.status = HostStatus::NonOperational;
                }
                s.iscsi_paths.reported.retain(|(x, _), _| x != h);
            }
            return;
        }
        let Some(a) = s.domains.get_mut(&sd).and_then(|d| d.attachment.as_mut()) else {
            return;
        };
        if !a.master {
            a.status = Transition::settled(StorageDomainStatus::Inactive, t);
            s.iscsi_paths.reported.retain(|(_, d), _| *d != sd);
        }
    }

    /// The LUN volumes a VM needs on the host it runs on: those of the block domains holding
    /// its disk images and those of its direct LUN disks (`RunVmCommandBase.connectLunDisks`
    /// connects the latter's targets on the chosen host; VDSM cannot prepare a disk whose
    /// device the host does not see).
    pub(crate) fn vm_lun_volumes(&self, site: Site, disks: &[Id], luns: &[Id]) -> Vec<VolumeId> {
        let s = self.site(site);
        let domain_volumes = s
            .image_domains(disks)
            .filter_map(|sd| s.domains.get(&sd))
            .map(|d| d.volume);
        let lun_volumes = luns
            .iter()
            .filter_map(|d| s.disks.get(d)?.lun.as_ref())
            .flat_map(|l| &l.logical_units)
            .filter_map(|u| self.fabric.find_lun(site, &u.id));
        let mut out: Vec<VolumeId> = domain_volumes.chain(lun_volumes).collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}
