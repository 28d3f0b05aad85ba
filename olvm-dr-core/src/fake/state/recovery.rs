//! A site coming back after a disaster, as its Engine sees it: not the state it had, but what
//! its monitoring finds.
//!
//! * The Engine starts before its hosts report: its storage-pool timer finds no host to
//!   monitor the domains and marks every monitored (`active`, `inactive`) domain `unknown`
//!   ("no reporting hosts", `IrsProxyImpl.updatingTimerElapsed`); the VMs of the non-responding
//!   hosts are `unknown` (`ResourceManager.setVmUnknown`). With an `unknown` master the data
//!   center is `problematic` (the REST name of `StoragePoolStatus.NonResponsive`).
//! * At the first timer cycle with the hosts back (`pool_refresh` later) the hosts report:
//!   - a data center whose master is on a copy this site can write elects an SPM (VDSM
//!     `spmStart` takes the SDM lease on the master through sanlock); its domains on writable
//!     copies become `active` once the hosts hold their host-id leases — taken over after the
//!     lease time when the other site wrote the record, which is a split brain when that
//!     site's hosts still run on their copy (see `fabric::lease`);
//!   - every UP host of its data center reports every other domain in problem (a read-only
//!     replica, or any domain of a data center without an SPM because its master is
//!     read-only), and the Engine acts on the reports after `domain_failure`, as it does on
//!     every report (see [`super::domain_monitoring`]): a non-master goes `inactive`; a master
//!     goes to reconstruction, which finds no other domain it could write and leaves it
//!     `inactive` once the others are (the data center stays `problematic`);
//!   - the hosts no longer run the VMs, which go `down` ("Could not find VM ... assuming it
//!     went down unexpectedly", `VmAnalyzer.proceedDisappearedVm`); a highly available one is
//!     restarted (its auto-run flag, `AutoStartVmsRunner`) when every domain holding its disks
//!     came back `active`, and stays down otherwise.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use tokio::time::Instant;

use crate::Site;
use crate::engine::{Id, SpmStatus, StorageDomainStatus, VmStatus};

use super::super::clock::Transition;
use super::{Event, SiteState, WorldState};

/// The earliest first cycle after a recovery. The Engine's timer runs after it started, never
/// in the same instant: a replication change made at the instant of the recovery (reversing
/// the pairs right after bringing the site back) is what the first cycle finds, even with a
/// zero `pool_refresh`.
const FIRST_CYCLE_FLOOR: Duration = Duration::from_millis(1);

/// The statuses the Engine's domain monitoring manages (`StorageConstants.monitoredDomainStatuses`,
/// plus `unknown`, which it sets itself).
fn monitored(status: StorageDomainStatus) -> bool {
    matches!(
        status,
        StorageDomainStatus::Active | StorageDomainStatus::Inactive | StorageDomainStatus::Unknown
    )
}

impl SiteState {
    /// `true` when `dc` has an SPM at `now`: an UP host holds the role on a running pool.
    pub(crate) fn has_spm(&self, dc: Id, now: Instant) -> bool {
        self.inv
            .up_hosts_in_dc(dc)
            .next()
            .is_some_and(|h| self.spm_status(h.id, now) == SpmStatus::Spm)
    }
}

impl WorldState {
    /// `site`'s Engine and hosts come back at `now` after a disaster: the domains and the VMs
    /// that ran are `unknown` until the first monitoring cycle, which is scheduled.
    pub(crate) fn recover_from_disaster(&mut self, site: Site, now: Instant) {
        let s = self.site_mut(site);
        for a in s.domains.values_mut().filter_map(|d| d.attachment.as_mut()) {
            if monitored(a.status.at(now)) {
                a.status = Transition::settled(StorageDomainStatus::Unknown, now);
            }
        }
        for v in s.vms.values_mut() {
            if !matches!(
                v.status(now),
                VmStatus::Down | VmStatus::Suspended | VmStatus::ImageLocked
            ) {
                v.power = Transition::settled(VmStatus::Unknown, now);
            }
        }
        let first = s.latency.transitions().pool_refresh.max(FIRST_CYCLE_FLOOR);
        self.schedule(now + first, Event::MonitoringAfterRecovery { site });
    }

    /// The first monitoring cycle after `site` recovered, at `t` (see the module documentation).
    pub(crate) fn monitoring_after_recovery(&mut self, site: Site, t: Instant) {
        if !self.site(site).hosts_alive() {
            return;
        }
        let times = *self.site(site).latency.transitions();
        let s = self.site(site);
        // Non-masters first: the order in which the hosts' reports reach the Engine, and so
        // that of the failure timers (see `domain_monitoring`).
        let mut unknown: Vec<(Id, Id, usize, bool)> = s
            .domains
            .values()
            .filter_map(|d| {
                let a = d.attachment.as_ref()?;
                (a.status.at(t) == StorageDomainStatus::Unknown)
                    .then_some((d.id, a.dc, d.volume, a.master))
            })
            .collect();
        unknown.sort_by_key(|(sd, _, _, master)| (*master, *sd));
        let spm_possible: BTreeSet<Id> = unknown
            .iter()
            .map(|(_, dc, _, _)| *dc)
            .filter(|dc| {
                s.master_of(*dc)
                    .is_some_and(|m| !self.fabric.is_read_only(m.volume))
                    && s.inv.up_hosts_in_dc(*dc).next().is_some()
            })
            .collect();
        // When each domain that comes back is `active`.
        let mut active_at: BTreeMap<Id, Instant> = BTreeMap::new();
        for (sd, dc, volume, _) in unknown {
            let hosts: Vec<Id> = self
                .site(site)
                .inv
                .up_hosts_in_dc(dc)
                .map(|h| h.id)
                .collect();
            for h in hosts {
                if self.host_reports_problem(site, h, sd, t) {
                    self.report_domain_in_problem(site, h, sd, t);
                }
            }
            if spm_possible.contains(&dc) && !self.fabric.is_read_only(volume) {
                let wait = self.take_host_id_leases(site, sd, volume, t);
                active_at.insert(sd, t + wait);
                self.set_status(
                    site,
                    sd,
                    Transition::new(
                        t,
                        &[(StorageDomainStatus::Unknown, wait)],
                        StorageDomainStatus::Active,
                    ),
                );
            }
        }
        let s = self.site(site);
        let restarts: BTreeMap<Id, Option<Instant>> = s
            .vms
            .values()
            .filter(|v| v.status(t) == VmStatus::Unknown)
            .map(|v| {
                let domains: Vec<Id> = s.image_domains(&v.disks).collect();
                let back = (v.ha.enabled && !domains.is_empty())
                    .then(|| {
                        domains
                            .iter()
                            .map(|d| active_at.get(d).copied())
                            .collect::<Option<Vec<_>>>()
                    })
                    .flatten()
                    .and_then(|at| at.into_iter().max());
                (v.id, back)
            })
            .collect();
        let s = self.site_mut(site);
        for (id, back) in restarts {
            let Some(v) = s.vms.get_mut(&id) else {
                continue;
            };
            v.power = match back {
                Some(at) => Transition::new(
                    t,
                    &[
                        (VmStatus::Down, at - t),
                        (VmStatus::WaitForLaunch, times.vm_wait_for_launch),
                        (VmStatus::PoweringUp, times.vm_powering_up),
                    ],
                    VmStatus::Up,
                ),
                None => Transition::settled(VmStatus::Down, t),
            };
        }
    }

    /// `site`'s hosts take their host-id leases on `sd` (on the writable volume `v`) at `t`;
    /// returns how long sanlock watched the record (see `fabric::lease`). Taking over the record
    /// of another site whose hosts still run is a split brain and is recorded (a drill copy's
    /// lease area is its own: nothing is taken there).
    pub(crate) fn take_host_id_leases(
        &mut self,
        site: Site,
        sd: Id,
        v: usize,
        t: Instant,
    ) -> Duration {
        let drill_copy = self.fabric.isolated_since(v).is_some();
        let got = self
            .leases
            .acquire(sd, site, t, self.lease_timeout, !drill_copy);
        let taken_at = t + got.wait;
        if let Some(other) = got.taken_from
            && !drill_copy
            && self.hosts_down_at(other).is_none_or(|down| down > taken_at)
        {
            self.record_split_brain(sd, site, other, taken_at);
        }
        got.wait
    }
}
