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
//! VDSM checks every domain every `sd_health_check_delay` (10 s, `lib/vdsm/common/config.py.in`)
//! and the host reports those it cannot reach; what the Engine does about the reports is
//! [`super::domain_monitoring`]'s (one model for every cause of a report).

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;

use crate::Site;
use crate::engine::{HostStatus, Id};

use super::super::fabric::{Locator, VolumeId};
use super::{Event, WorldState};

/// VDSM's domain monitor interval (`sd_health_check_delay`): how often a host checks, and the
/// fake re-evaluates, the domains of a host with a cut path.
pub(crate) const DOMAIN_MONITOR_PERIOD: Duration = Duration::from_secs(10);

/// The cut paths of one site.
#[derive(Debug, Clone, Default)]
pub(crate) struct IscsiPaths {
    /// (host, target index) → since when the host does not reach the target.
    cut: HashMap<(Id, usize), Instant>,
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

    /// Restores the path from `host` to target `t`: the host sees the target's LUNs again and
    /// its reports of the domains behind it are cleared.
    pub(crate) fn restore_iscsi_path(&mut self, site: Site, host: Id, t: usize) {
        let paths = &mut self.site_mut(site).iscsi_paths;
        paths.cut.remove(&(host, t));
        if !paths.host_has_cuts(host) {
            self.clear_host_reports(site, host);
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

    /// One run of the domain monitor of `host` at `t`: reports the domains of its data center
    /// it cannot use, leaves those it can use again, and keeps watching while the host has a
    /// cut path and is up.
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
        let in_problem: Vec<Id> = s
            .domains_in(dc)
            .map(|d| d.id)
            .filter(|sd| self.host_reports_problem(site, host, *sd, t))
            .collect();
        for sd in self.reported_by(site, host) {
            if !in_problem.contains(&sd) {
                self.domain_recovered_for_host(site, host, sd);
            }
        }
        for sd in in_problem {
            self.report_domain_in_problem(site, host, sd, t);
        }
        if self.site(site).iscsi_paths.host_has_cuts(host) {
            self.schedule(
                t + DOMAIN_MONITOR_PERIOD,
                Event::DomainMonitor { site, host },
            );
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
