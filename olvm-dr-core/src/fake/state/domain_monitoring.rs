//! What the Engine does about the storage domains its hosts report in problem: one model for
//! every cause (a host that lost its iSCSI path, see [`super::iscsi_paths`]; a site back from a
//! disaster whose copies are read-only, see [`super::recovery`]), with one setting, the
//! Engine's `StorageDomainFailureTimeoutInMinutes`
//! ([`TransitionTimes::domain_failure`](crate::fake::TransitionTimes::domain_failure)).
//!
//! In ovirt-engine, `backend/manager/modules/vdsbroker/src/main/java/org/ovirt/engine/core/vdsbroker/irsbroker/IrsProxyImpl.java`:
//!
//! * a host reports the `active` and `unknown` domains of its pool it cannot use
//!   (`handleMonitoredDomainsForHost`); the first report of a domain starts its timer
//!   (`addDomainInProblemData`), later reports by other hosts join it
//!   (`updateDomainInProblemData`), and a host that no longer reports it leaves it; the last
//!   one to leave cancels the timer (`domainRecoveredFromProblem`);
//! * when the timer fires (`processDomainRecovery`), if some UP host of the data center did
//!   not report the domain, the hosts that did become non-operational
//!   (`STORAGE_DOMAIN_UNREACHABLE`); if every UP host reported it, a domain that is not the
//!   master goes `inactive` (`storageDomainNotOperational`), and the master goes to
//!   reconstruction (`masterDomainNotOperational`). Either way the domain leaves the cache, and
//!   hosts that still cannot use it report it again at their next check, which starts a new
//!   timer.
//!
//! Reconstruction (`bll/.../storage/pool/ReconstructMasterDomainCommand.java`, run with the
//! old master to be made inactive and neither an inactive domain nor the old master as the new
//! one): it needs an UP host and no domain of the pool in process (`validate`); it elects a new
//! master among the other `active`/`unknown` data domains (`electNewMaster`) and sets the old
//! one `inactive`. Without a candidate the old master is the pool's last: it stays `inactive`
//! and the data center `problematic` (`calcStoragePoolStatusByDomainsStatus`: a master that is
//! not active or in maintenance makes the pool `NonResponsive`). With one, VDSM's
//! `reconstructMaster` writes the new master's metadata from the chosen host: it fails on a
//! copy the site cannot write or the host cannot reach, and the command's compensation puts
//! the old master back as it was; on success the new master is `locked` while the pool elects
//! its SPM, then `active`.
//!
//! Timers that fire at the same instant are processed in the order their domains were
//! reported; a site's hosts report the non-master domains of a data center before its master
//! (the Engine's order is that of its timer threads; the other order only makes the master wait
//! for one more report and timeout, since the non-masters are still candidates the first time).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use tokio::time::Instant;

use crate::Site;
use crate::engine::{HostStatus, Id, StorageDomainStatus};

use super::super::clock::Transition;
use super::super::messages::in_process;
use super::iscsi_paths::DOMAIN_MONITOR_PERIOD;
use super::{Event, WorldState};

/// One domain in problem: since when, which hosts report it, and which timer is its current.
#[derive(Debug, Clone)]
struct InProblem {
    since: Instant,
    hosts: BTreeSet<Id>,
    timer: u64,
}

/// The domains a site's hosts report in problem (the Engine's `domainsInProblem` and its
/// timers).
#[derive(Debug, Clone, Default)]
pub(crate) struct DomainsInProblem {
    by_domain: BTreeMap<Id, InProblem>,
    timers: u64,
}

impl DomainsInProblem {
    fn next_timer(&mut self) -> u64 {
        self.timers += 1;
        self.timers
    }
}

/// The statuses whose domains the hosts report on (`handleMonitoredDomainsForHost`: the
/// domains of the pool in `active` or `unknown` status).
fn reported_on(status: StorageDomainStatus) -> bool {
    matches!(
        status,
        StorageDomainStatus::Active | StorageDomainStatus::Unknown
    )
}

impl WorldState {
    /// The Engine's `StorageDomainFailureTimeoutInMinutes` on `site`.
    fn domain_failure_timeout(&self, site: Site) -> Duration {
        self.site(site).latency.transitions().domain_failure
    }

    /// Whether `host` of `site` reports data domain `sd` in problem at `t`: the domain is
    /// `active` or `unknown` in its data center and the host cannot reach its LUNs (a cut iSCSI
    /// path), or its copy is read-only here (VDSM's monitor cannot renew the host-id lease
    /// there), or its data center's master is such a copy (no SPM can start on it, so the
    /// pool's domains cannot be used).
    pub(crate) fn host_reports_problem(&self, site: Site, host: Id, sd: Id, t: Instant) -> bool {
        let s = self.site(site);
        let Some(d) = s.domains.get(&sd) else {
            return false;
        };
        let Some(a) = d.attachment.as_ref() else {
            return false;
        };
        if !d.is_data() || !reported_on(a.status.at(t)) {
            return false;
        }
        !self.host_reaches(site, host, d.volume)
            || self.fabric.is_read_only(d.volume)
            || s.master_of(a.dc)
                .is_some_and(|m| self.fabric.is_read_only(m.volume))
    }

    /// `host` reports `sd` in problem at `since`: the first report of the domain starts its
    /// timer.
    pub(crate) fn report_domain_in_problem(
        &mut self,
        site: Site,
        host: Id,
        sd: Id,
        since: Instant,
    ) {
        let timeout = self.domain_failure_timeout(site);
        let problems = &mut self.site_mut(site).in_problem;
        if let Some(p) = problems.by_domain.get_mut(&sd) {
            p.hosts.insert(host);
            return;
        }
        let timer = problems.next_timer();
        problems.by_domain.insert(
            sd,
            InProblem {
                since,
                hosts: BTreeSet::from([host]),
                timer,
            },
        );
        self.schedule(
            since + timeout,
            Event::DomainFailureTimer { site, sd, timer },
        );
    }

    /// `host` no longer reports `sd`; the last host to leave cancels the domain's timer.
    pub(crate) fn domain_recovered_for_host(&mut self, site: Site, host: Id, sd: Id) {
        let problems = &mut self.site_mut(site).in_problem;
        if let Some(p) = problems.by_domain.get_mut(&sd) {
            p.hosts.remove(&host);
            if p.hosts.is_empty() {
                problems.by_domain.remove(&sd);
            }
        }
    }

    /// `host` no longer reports any domain.
    pub(crate) fn clear_host_reports(&mut self, site: Site, host: Id) {
        let domains = self.domains_in_problem(site);
        for sd in domains {
            self.domain_recovered_for_host(site, host, sd);
        }
    }

    /// The domains some host of `site` reports in problem now.
    fn domains_in_problem(&self, site: Site) -> Vec<Id> {
        self.site(site)
            .in_problem
            .by_domain
            .keys()
            .copied()
            .collect()
    }

    /// The domains `host` reports now.
    pub(crate) fn reported_by(&self, site: Site, host: Id) -> Vec<Id> {
        let problems = &self.site(site).in_problem;
        problems
            .by_domain
            .iter()
            .filter(|(_, p)| p.hosts.contains(&host))
            .map(|(sd, _)| *sd)
            .collect()
    }

    /// Sets `site`'s failure timeout at `now`. The timers that run move to the new timeout,
    /// counted from each domain's first report (a shortcut: a real Engine reads the value when
    /// it starts, and its hosts' reports after a restart start new timers with it).
    pub(crate) fn set_domain_failure_timeout(
        &mut self,
        site: Site,
        timeout: Duration,
        now: Instant,
    ) {
        self.site_mut(site).latency.transitions_mut().domain_failure = timeout;
        let domains = self.domains_in_problem(site);
        for sd in domains {
            let problems = &mut self.site_mut(site).in_problem;
            let timer = problems.next_timer();
            let Some(p) = problems.by_domain.get_mut(&sd) else {
                continue;
            };
            p.timer = timer;
            let at = (p.since + timeout).max(now);
            self.schedule(at, Event::DomainFailureTimer { site, sd, timer });
        }
    }

    /// `sd`'s timer `timer` fires at `t` (`addDomainData`).
    pub(crate) fn domain_failure_timer_fired(
        &mut self,
        site: Site,
        sd: Id,
        timer: u64,
        t: Instant,
    ) {
        let Some(p) = self.site(site).in_problem.by_domain.get(&sd) else {
            return;
        };
        if p.timer != timer {
            return;
        }
        // The hosts' latest reports: an UP host that can use the domain again left it.
        let s = self.site(site);
        let reported: BTreeSet<Id> = p
            .hosts
            .iter()
            .copied()
            .filter(|h| {
                let up = s
                    .inv
                    .hosts
                    .get(h)
                    .is_some_and(|x| x.status == HostStatus::Up);
                !up || self.host_reports_problem(site, *h, sd, t)
            })
            .collect();
        self.site_mut(site).in_problem.by_domain.remove(&sd);
        if reported.is_empty() || !self.site(site).hosts_alive() {
            return;
        }
        self.process_domain_recovery(site, sd, &reported, t);
    }

    /// `processDomainRecovery` for `sd`, reported by `reported`, at `t`.
    fn process_domain_recovery(&mut self, site: Site, sd: Id, reported: &BTreeSet<Id>, t: Instant) {
        let s = self.site(site);
        let Some(a) = s.domains.get(&sd).and_then(|d| d.attachment.as_ref()) else {
            return;
        };
        let (dc, master) = (a.dc, a.master);
        let up: Vec<Id> = s.inv.up_hosts_in_dc(dc).map(|h| h.id).collect();
        if up.iter().any(|h| !reported.contains(h)) {
            // Some UP host uses the domain: the hosts that reported it are at fault.
            for h in up.iter().filter(|h| reported.contains(h)) {
                if let Some(rec) = self.site_mut(site).inv.hosts.get_mut(h) {
                    rec.status = HostStatus::NonOperational;
                }
                self.clear_host_reports(site, *h);
            }
            return;
        }
        if !master {
            self.set_status(
                site,
                sd,
                Transition::settled(StorageDomainStatus::Inactive, t),
            );
            return;
        }
        if !self.reconstruct_master(site, dc, sd, t) {
            // The master stays as it was; the hosts report it again at their next check.
            for h in up {
                if self.host_reports_problem(site, h, sd, t) {
                    self.report_domain_in_problem(site, h, sd, t + DOMAIN_MONITOR_PERIOD);
                }
            }
        }
    }

    /// `ReconstructMasterDomainCommand` for `old`, the master of `dc`, at `t`; `false` when it
    /// did not run or failed and compensated (the old master as it was).
    fn reconstruct_master(&mut self, site: Site, dc: Id, old: Id, t: Instant) -> bool {
        let s = self.site(site);
        if s.domains_in(dc).any(|d| in_process(d.status(t))) {
            return false;
        }
        let Some(host) = s.inv.up_hosts_in_dc(dc).next().map(|h| h.id) else {
            return false;
        };
        let Some(new) = s.elect_new_master(dc, old, t) else {
            // The pool's last master: inactive, and the data center problematic.
            self.set_status(
                site,
                old,
                Transition::settled(StorageDomainStatus::Inactive, t),
            );
            return true;
        };
        let Some(volume) = s.domains.get(&new).map(|d| d.volume) else {
            return false;
        };
        if self.fabric.is_read_only(volume) || !self.host_reaches(site, host, volume) {
            return false;
        }
        let wait = self.take_host_id_leases(site, new, volume, t);
        let election = self.site(site).latency.transitions().master_election;
        let s = self.site_mut(site);
        s.mark_master(new, t);
        if let Some(a) = s.domains.get_mut(&old).and_then(|d| d.attachment.as_mut()) {
            a.master = false;
            a.status = Transition::settled(StorageDomainStatus::Inactive, t);
        }
        if let Some(a) = s.domains.get_mut(&new).and_then(|d| d.attachment.as_mut()) {
            a.master = true;
            a.status = Transition::new(
                t,
                &[(StorageDomainStatus::Locked, wait + election)],
                StorageDomainStatus::Active,
            );
        }
        s.in_problem.by_domain.remove(&new);
        true
    }
}
