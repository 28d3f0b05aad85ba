//! The state of the fake world: both sites' Engine databases, the storage fabric, the sanlock
//! leases, and the scheduled events (OVF writes, completions) that time brings.
//!
//! All of it lives behind one mutex (see [`super::engine`]); nothing here awaits. Every entry
//! point first calls [`WorldState::catch_up`], which performs the events whose time has come, in
//! time order, so that stored state is always current and anything that changes by itself is
//! either such an event or a [`Transition`](super::clock::Transition) evaluated on read.

pub(crate) mod connections;
pub(crate) mod disks;
pub(crate) mod domain_monitoring;
pub(crate) mod domains;
pub(crate) mod entities;
pub(crate) mod fencing;
pub(crate) mod guests;
pub(crate) mod inventory;
pub(crate) mod iscsi;
pub(crate) mod iscsi_paths;
pub(crate) mod locks;
pub(crate) mod lun_device;
pub(crate) mod macs;
pub(crate) mod maintenance;
pub(crate) mod mappings;
pub(crate) mod master_election;
pub(crate) mod ovf;
pub(crate) mod ovf_generations;
pub(crate) mod recovery;
pub(crate) mod register;
pub(crate) mod register_checks;
pub(crate) mod register_template;
pub(crate) mod scheduler;
pub(crate) mod site;
pub(crate) mod split_brain;
pub(crate) mod storage_format;
pub(crate) mod storage_ops;
pub(crate) mod switch_master;
pub(crate) mod tags;
pub(crate) mod unregistered_disks;
pub(crate) mod views;
pub(crate) mod vm_leases;
pub(crate) mod vm_runs;
pub(crate) mod vms;
pub(crate) mod vnic_mapping;

use std::collections::BTreeMap;
use std::time::Duration;

use tokio::time::Instant;

use crate::Site;
use crate::engine::Id;

use super::clock::WallClock;
use super::fabric::Fabric;
use super::fabric::lease::Leases;
use super::faults::Outage;
use ovf_generations::OvfWrite;
pub(crate) use site::SiteState;

/// Array index of a site.
pub(crate) const fn ix(site: Site) -> usize {
    match site {
        Site::Primary => 0,
        Site::Secondary => 1,
    }
}

/// Something that happens at a given time.
#[derive(Debug, Clone)]
pub(crate) enum Event {
    /// An `update_ovf_store` job writes a domain's OVF store and finishes.
    OvfWrite { site: Site, sd: Id, job: Id },
    /// A VM's removal completes: its record goes.
    PurgeVm { site: Site, vm: Id },
    /// A detach completes: the domain is no longer attached.
    FinishDetach { site: Site, sd: Id },
    /// sanlock could not renew `site`'s lease on `sd` for the lease time (see [`fencing`]).
    LeaseRenewalFailed { site: Site, sd: Id },
    /// The first monitoring cycle after `site` came back from a disaster (see [`recovery`]).
    MonitoringAfterRecovery { site: Site },
    /// A host with a cut iSCSI path checks its domains (see [`iscsi_paths`]).
    DomainMonitor { site: Site, host: Id },
    /// The failure timer of a domain the hosts report in problem fires (see
    /// [`domain_monitoring`]); `timer` tells a timer that was replaced.
    DomainFailureTimer { site: Site, sd: Id, timer: u64 },
}

/// Everything.
#[derive(Debug, Clone)]
pub(crate) struct WorldState {
    pub(crate) sites: [SiteState; 2],
    pub(crate) fabric: Fabric,
    pub(crate) leases: Leases,
    /// The VM leases, by VM id (see [`vm_leases`]).
    pub(crate) vm_leases: Leases,
    pub(crate) lease_timeout: Duration,
    pub(crate) clock: WallClock,
    /// Every split brain so far (see [`split_brain`]).
    pub(crate) split_brains: Vec<split_brain::SplitBrain>,
    /// The guests inside the VMs, by VM id (see [`guests`]).
    pub(crate) guests: BTreeMap<Id, guests::Guest>,
    events: BTreeMap<(Instant, u64), Event>,
    seq: u64,
}

impl WorldState {
    pub(crate) fn new(sites: [SiteState; 2], fabric: Fabric, clock: WallClock) -> Self {
        Self {
            sites,
            fabric,
            leases: Leases::default(),
            vm_leases: Leases::default(),
            lease_timeout: super::fabric::lease::DEFAULT_LEASE_TIMEOUT,
            clock,
            split_brains: Vec::new(),
            guests: BTreeMap::new(),
            events: BTreeMap::new(),
            seq: 0,
        }
    }

    pub(crate) fn site(&self, site: Site) -> &SiteState {
        &self.sites[ix(site)]
    }

    pub(crate) fn site_mut(&mut self, site: Site) -> &mut SiteState {
        &mut self.sites[ix(site)]
    }

    /// Schedules `event` at `at`.
    pub(crate) fn schedule(&mut self, at: Instant, event: Event) {
        self.seq += 1;
        self.events.insert((at, self.seq), event);
    }

    /// When `site`'s hosts stopped, if they did.
    pub(crate) fn hosts_down_at(&self, site: Site) -> Option<Instant> {
        self.site(site).hosts_down_at
    }

    /// Performs, in time order, every event due at or before `now`.
    pub(crate) fn catch_up(&mut self, now: Instant) {
        loop {
            let event_at = self.events.keys().next().map(|(t, _)| *t);
            let drop_at = Site::BOTH
                .iter()
                .filter_map(|s| self.site(*s).faults.drop_time().map(|t| (t, *s)))
                .min();
            let tick_at = Site::BOTH
                .iter()
                .filter_map(|s| self.site(*s).next_ovf_tick.map(|t| (t, *s)))
                .min();
            let next = [
                event_at.map(|t| (t, 0u8)),
                drop_at.map(|(t, _)| (t, 1)),
                tick_at.map(|(t, _)| (t, 2)),
            ]
            .into_iter()
            .flatten()
            .min();
            let Some((t, which)) = next.filter(|(t, _)| *t <= now) else {
                return;
            };
            match which {
                0 => {
                    let key = *self.events.keys().next().expect("event present");
                    let event = self.events.remove(&key).expect("event present");
                    self.perform(t, event);
                }
                1 => {
                    let (_, site) = drop_at.expect("drop present");
                    // A time trigger: the call count does not matter.
                    if let Some((outage, at)) = self.site_mut(site).faults.due_drop(0, t) {
                        self.take_down(site, outage, at);
                    }
                }
                _ => {
                    let (_, site) = tick_at.expect("tick present");
                    // Nothing stored changes between two events: the first tick writes what
                    // is outdated and the later ones find nothing to write, except a domain
                    // whose status transition made it active meanwhile, which the last tick
                    // before the next other event writes.
                    let limit = [event_at, drop_at.map(|(t, _)| t), Some(now)]
                        .into_iter()
                        .flatten()
                        .filter(|x| *x >= t)
                        .min()
                        .unwrap_or(now);
                    let s = self.site_mut(site);
                    let interval = s.ovf_interval.expect("tick scheduled without interval");
                    let skipped = (limit - t).as_nanos() / interval.as_nanos().max(1);
                    let at = t + interval * u32::try_from(skipped).unwrap_or(u32::MAX);
                    s.next_ovf_tick = Some(at + interval);
                    self.periodic_ovf_write(site, t);
                    if at > t {
                        self.periodic_ovf_write(site, at);
                    }
                }
            }
        }
    }

    fn perform(&mut self, t: Instant, event: Event) {
        match event {
            Event::OvfWrite { site, sd, job } => {
                // The update job's command validated an active domain; it writes only if the
                // Engine still runs and the domain is still active when the job gets to it.
                let active = self
                    .site(site)
                    .domains
                    .get(&sd)
                    .is_some_and(|d| d.active_in(None, t));
                let ok = self.site(site).engine_up
                    && active
                    && self.update_domain_ovf(site, sd, t) != OvfWrite::Failed;
                self.site_mut(site).finish_job(job, ok);
            }
            Event::PurgeVm { site, vm } => self.purge_vm(site, vm),
            Event::FinishDetach { site, sd } => {
                if let Some(d) = self.site_mut(site).domains.get_mut(&sd) {
                    d.attachment = None;
                }
            }
            Event::LeaseRenewalFailed { site, sd } => self.fence(site, sd, t),
            Event::MonitoringAfterRecovery { site } => self.monitoring_after_recovery(site, t),
            Event::DomainMonitor { site, host } => self.monitor_host_domains(site, host, t),
            Event::DomainFailureTimer { site, sd, timer } => {
                self.domain_failure_timer_fired(site, sd, timer, t);
            }
        }
    }

    /// Takes `site` (or just its Engine) down at `at`.
    pub(crate) fn take_down(&mut self, site: Site, outage: Outage, at: Instant) {
        let s = self.site_mut(site);
        s.engine_up = false;
        if outage == Outage::Disaster && s.hosts_down_at.is_none() {
            s.hosts_down_at = Some(at);
        }
    }

    /// Brings `site` back at `now`. After an Engine outage it has the state it had; after a
    /// disaster its monitoring has to find its storage and hosts again (see [`recovery`]).
    pub(crate) fn bring_up(&mut self, site: Site, now: Instant) {
        let s = self.site_mut(site);
        let after_disaster = s.hosts_down_at.is_some();
        s.engine_up = true;
        s.hosts_down_at = None;
        if after_disaster {
            self.recover_from_disaster(site, now);
        }
    }

    /// Counts a call to `site` and fires a call-count-triggered drop that is due.
    pub(crate) fn count_call(&mut self, site: Site, now: Instant) {
        let s = self.site_mut(site);
        s.calls += 1;
        let calls = s.calls;
        if let Some((outage, at)) = s.faults.due_drop(calls, now) {
            self.take_down(site, outage, at);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use crate::Site;
    use crate::fake::WorldBuilder;
    use crate::fake::clock::java_date_utc;

    #[tokio::test(start_paused = true)]
    async fn a_change_is_written_at_the_next_tick_and_idle_ticks_write_nothing() {
        let world = WorldBuilder::small(3).wall_clock(UNIX_EPOCH).build();
        let vm = world.facts().vms.iter().find(|v| v.running).unwrap();
        let sd = vm.domains[0];
        let built = world.ovf_store(Site::Primary, sd).unwrap().last_updated;
        world.set_ovf_update_interval(Site::Primary, Some(Duration::from_secs(1)));
        // Nothing changed: the ticks of a long idle period find nothing outdated.
        tokio::time::sleep(Duration::from_millis(36_000_500)).await;
        let store = world.ovf_store(Site::Primary, sd).unwrap();
        assert_eq!(store.last_updated, built);
        // A VM stopped through the Engine bumps its generation: the next tick writes it.
        use crate::engine::Engine;
        world.engine(Site::Primary).stop_vm(vm.id).await.unwrap();
        tokio::time::sleep(Duration::from_secs(3600)).await;
        let store = world.ovf_store(Site::Primary, sd).unwrap();
        let next_tick = UNIX_EPOCH + Duration::from_secs(36_001);
        assert_eq!(store.last_updated, Some(java_date_utc(next_tick)));
    }

    #[tokio::test(start_paused = true)]
    async fn events_run_in_time_order_before_a_call() {
        let world = WorldBuilder::small(4).build();
        let vm = world.facts().vms.iter().find(|v| !v.running).unwrap().id;
        let p = world.engine(Site::Primary);
        world.set_latency(
            Site::Primary,
            crate::fake::LatencyProfile::instant().with_transitions(crate::fake::TransitionTimes {
                vm_remove: Duration::from_secs(5),
                ..Default::default()
            }),
        );
        use crate::engine::Engine;
        p.remove_vm(vm).await.unwrap();
        assert_eq!(
            p.vm(vm).await.unwrap().status,
            crate::engine::VmStatus::ImageLocked
        );
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert_eq!(p.vm(vm).await.unwrap_err().kind, crate::ErrorKind::NotFound);
    }
}
