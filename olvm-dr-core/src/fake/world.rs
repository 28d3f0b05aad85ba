//! [`World`]: two sites, the storage between them, and the controls a test or simulation needs:
//! disasters, recovery, replication, latency, faults.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use crate::Site;
use crate::engine::{Engine, EngineError, Id};

use super::builder::WorldFacts;
use super::engine::{FakeEngine, Liveness, LivenessWatcher, Shared};
use super::fabric::{PairId, ReplicationDirection};
use super::faults::{Hang, Outage, RandomFailures, Trigger};
use super::latency::LatencyProfile;
use super::ops::Operation;
use super::setup::Setup;
use super::snapshot::{OvfStoreSummary, SiteSnapshot};
use super::state::WorldState;
use super::state::split_brain::SplitBrain;

/// The state of a replication pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ReplicationState {
    /// Which way it copies.
    pub direction: ReplicationDirection,
    /// `true` while it copies (the target is then read-only).
    pub running: bool,
}

/// Two fake sites and the storage between them. Cheap to clone; clones share the world.
///
/// Get each site's Engine with [`engine`](Self::engine) (or [`dyn_engine`](Self::dyn_engine)),
/// drive it through the [`Engine`] trait, and change the world around it with the methods
/// below. Time is tokio's clock: under `#[tokio::test(start_paused = true)]`, waiting out an
/// 80-second sanlock lease or an hour of OVF updates takes no real time.
#[derive(Clone)]
pub struct World {
    shared: Arc<Shared>,
    facts: Arc<WorldFacts>,
}

impl std::fmt::Debug for World {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("World")
            .field("seed", &self.facts.seed)
            .finish_non_exhaustive()
    }
}

impl World {
    pub(crate) fn new(state: WorldState, facts: WorldFacts) -> Self {
        Self {
            shared: Arc::new(Shared::new(state)),
            facts: Arc::new(facts),
        }
    }

    /// `site`'s Engine.
    pub fn engine(&self, site: Site) -> Arc<FakeEngine> {
        Arc::new(FakeEngine::new(Arc::clone(&self.shared), site))
    }

    /// `site`'s Engine as a trait object.
    pub fn dyn_engine(&self, site: Site) -> Arc<dyn Engine> {
        self.engine(site)
    }

    /// What the builder made: names and ids of everything, and the mappings between the sites.
    pub fn facts(&self) -> &WorldFacts {
        &self.facts
    }

    pub(super) fn with<R>(&self, f: impl FnOnce(&mut WorldState, Instant) -> R) -> R {
        let (mut w, now) = self.shared.lock_current();
        f(&mut w, now)
    }

    /// The whole site goes dark now: its Engine stops answering ([`Unreachable`]) and its hosts
    /// stop running VMs and renewing sanlock leases at this instant.
    ///
    /// [`Unreachable`]: crate::ErrorKind::Unreachable
    pub fn disaster(&self, site: Site) {
        self.with(|w, now| w.take_down(site, Outage::Disaster, now));
        self.shared.notify_liveness();
    }

    /// Only `site`'s Engine stops answering; its hosts keep running and renewing their leases.
    /// Seen from the other site this is the split-brain danger: the Engine looks dead while its
    /// hosts still run on every domain. sanlock does not stop the other site: once replication
    /// is stopped, its attach takes the lease records over after the lease time, and the world
    /// records a split brain ([`World::split_brains`]).
    pub fn engine_outage(&self, site: Site) {
        self.with(|w, now| w.take_down(site, Outage::Engine, now));
        self.shared.notify_liveness();
    }

    /// `site` comes back: its Engine answers again and its hosts run again. After an
    /// [`engine_outage`](World::engine_outage) it has the state it had. After a
    /// [`disaster`](World::disaster) it is what a real Engine shows: its domains and the VMs
    /// that ran are `unknown` (the data center `problematic`) until the first monitoring cycle
    /// ([`TransitionTimes::pool_refresh`](super::TransitionTimes::pool_refresh)), which finds
    /// the storage as the replication leaves it then: domains on copies the site cannot write
    /// (or in a data center whose master it cannot write: no SPM) are reported in problem by
    /// its hosts and go `inactive` after
    /// [`TransitionTimes::domain_failure`](super::TransitionTimes::domain_failure) (a master
    /// once no other domain could take its place), as any domain its hosts cannot use; the others
    /// come back `active` and the highly available VMs on them restart. Bringing a site back
    /// while its copies are writable and in use by the other site is a split brain
    /// ([`World::split_brains`]): reverse the replication first.
    pub fn recover(&self, site: Site) {
        self.with(|w, now| w.bring_up(site, now));
        self.shared.notify_liveness();
    }

    /// The data domains a [`recover`](World::recover) of `site` now would split: attached
    /// there on copies it can write, while the other site's hosts run with them attached.
    /// Empty once replication is reversed (or while the other site is dark). By name, sorted.
    pub fn split_brain_risk(&self, site: Site) -> Vec<String> {
        self.with(|w, _| w.writable_copies_the_other_site_uses(site))
    }

    /// Calls `watcher` now with both sites' liveness, and again, synchronously, whenever a
    /// site's Engine or hosts go down or come back (a disaster, an Engine outage, a recovery, a
    /// drop injected after a number of calls). The simulator closes and opens its sockets so.
    pub fn watch_liveness(&self, watcher: LivenessWatcher) {
        self.shared.watch(watcher);
    }

    /// Whether `site`'s Engine answers and its hosts run.
    pub fn liveness(&self, site: Site) -> Liveness {
        self.with(|w, _| Liveness {
            engine_up: w.site(site).engine_up,
            hosts_up: w.site(site).hosts_alive(),
        })
    }

    /// The addresses of `site`'s hosts, read without an Engine call (which would count toward
    /// call-triggered faults).
    pub fn host_addresses(&self, site: Site) -> Vec<String> {
        self.with(|w, _| {
            w.site(site)
                .inv
                .hosts
                .values()
                .map(|h| h.address.clone())
                .collect()
        })
    }

    /// Gives the host `host` of `site` another address (the lab puts each host on a loopback
    /// address of its own, where it listens while its site is up).
    pub fn set_host_address(&self, site: Site, host: Id, address: impl Into<String>) {
        let address = address.into();
        self.with(|w, _| {
            if let Some(h) = w.site_mut(site).inv.hosts.get_mut(&host) {
                h.address = address;
            }
        });
    }

    /// A [`HostProbe`](crate::probe::HostProbe) that answers from this world: a host answers
    /// when its address is one of the world's hosts and that host's site has its hosts running.
    pub fn host_probe(&self) -> Arc<dyn crate::probe::HostProbe> {
        Arc::new(WorldHostProbe {
            world: self.clone(),
        })
    }

    /// `true` while `site`'s Engine answers.
    pub fn is_up(&self, site: Site) -> bool {
        self.with(|w, _| w.site(site).engine_up)
    }

    /// The site holding domain `domain`'s sanlock lease: its hosts renew it, or did until they
    /// died and no other site has taken it since. `None` once released.
    pub fn lease_holder(&self, domain: Id) -> Option<Site> {
        self.with(|w, now| w.leases.holder(domain, now))
    }

    /// The state of a replication pair.
    pub fn replication(&self, pair: PairId) -> ReplicationState {
        self.with(|w, _| {
            let p = &w.fabric.pairs[pair.0];
            ReplicationState {
                direction: p.direction,
                running: p.running,
            }
        })
    }

    /// Stops a pair: the replica becomes read-write (promoted), writes no longer cross.
    pub fn stop_replication(&self, pair: PairId) {
        self.with(|w, _| w.fabric.stop(pair));
    }

    /// Every replication pair of the world (data domains and direct LUNs).
    pub fn pairs(&self) -> Vec<PairId> {
        let facts = self.facts();
        facts
            .domains
            .iter()
            .map(|d| d.pair)
            .chain(facts.luns.iter().map(|l| l.pair))
            .collect()
    }

    /// Stops every pair: what an administrator does on the arrays when the primary is lost —
    /// the replicas become read-write.
    pub fn stop_all_replication(&self) {
        for pair in self.pairs() {
            self.stop_replication(pair);
        }
    }

    /// Splits every replica off for a drill: each becomes a read-write copy that no longer
    /// receives writes, and whose sanlock lease area no longer sees the source site's renewals
    /// (what an array's test-failover clone, or a suspended mirror presented read-write, gives).
    /// The source site keeps running on its own volumes.
    pub fn isolate_all_replication(&self) {
        for pair in self.pairs() {
            self.isolate_replication(pair);
        }
    }

    /// Splits one replica off for a drill (see [`World::isolate_all_replication`]).
    pub fn isolate_replication(&self, pair: PairId) {
        self.with(|w, now| w.fabric.isolate(pair, now));
    }

    /// Resumes every pair in its direction with a full copy from the source (after a drill:
    /// the drill copies are overwritten).
    pub fn resync_all_replication(&self) {
        for pair in self.pairs() {
            self.resync_replication(pair);
        }
    }

    /// Reverses every pair: the former replicas become the sources (before a failback).
    pub fn reverse_all_replication(&self) {
        for pair in self.pairs() {
            self.reverse_replication(pair);
        }
    }

    /// Restarts a pair in its direction after a full copy from its source. A site whose hosts
    /// still use a domain on the copy that is now read-only loses the VMs running on it after
    /// the lease time: sanlock cannot renew there and kills them.
    pub fn resync_replication(&self, pair: PairId) {
        self.with(|w, now| {
            w.fabric.resync(pair);
            w.schedule_fencing(now);
        });
    }

    /// Reverses a pair (the old replica becomes the source), resynchronises and runs it. As with
    /// [`World::resync_replication`], VMs still running on the copy that turns read-only are
    /// killed by sanlock after the lease time.
    pub fn reverse_replication(&self, pair: PairId) {
        self.with(|w, now| {
            w.fabric.reverse(pair);
            w.schedule_fencing(now);
        });
    }

    /// Sets `site`'s latency profile (request latencies and transition durations).
    pub fn set_latency(&self, site: Site, profile: LatencyProfile) {
        self.with(|w, _| w.site_mut(site).latency = profile);
    }

    /// Sets how many requests `site`'s Engine processes at once (default
    /// [`DEFAULT_CONCURRENCY_LIMIT`](super::DEFAULT_CONCURRENCY_LIMIT)); calls in flight keep
    /// their slot.
    pub fn set_concurrency_limit(&self, site: Site, limit: usize) {
        self.with(|w, _| w.site_mut(site).concurrency = limit.max(1));
        self.shared.set_concurrency(site, limit);
    }

    /// Sets the sanlock lease timeout (default [`DEFAULT_LEASE_TIMEOUT`](super::DEFAULT_LEASE_TIMEOUT)).
    pub fn set_lease_timeout(&self, timeout: Duration) {
        self.with(|w, _| w.lease_timeout = timeout);
    }

    /// Sets `site`'s periodic OVF update interval (default
    /// [`DEFAULT_OVF_UPDATE_INTERVAL`](super::DEFAULT_OVF_UPDATE_INTERVAL)); `None` disables it.
    /// The next update comes one interval from now.
    pub fn set_ovf_update_interval(&self, site: Site, interval: Option<Duration>) {
        self.with(|w, now| {
            let s = w.site_mut(site);
            s.ovf_interval = interval.filter(|d| !d.is_zero());
            s.next_ovf_tick = s.ovf_interval.map(|d| now + d);
        });
    }

    /// Makes the OVF store of domain `domain` on `site` look `by` older: its `Last Updated` (what
    /// the OVF_STORE disks' descriptions show) moves back, the content stays. For tests of the
    /// metadata recovery point without waiting for the clock. The change is a write to the
    /// domain's volume, so it reaches the replica while replication runs. Returns `false` when
    /// nothing changed: the domain is not on the site, its store was never written, or the
    /// volume is a read-only replica.
    pub fn age_ovf_store(&self, site: Site, domain: Id, by: Duration) -> bool {
        self.with(|w, _| w.age_ovf_store(site, domain, by))
    }

    /// Frees the storage domain leases held by `site`'s dead hosts now, as if the other site's
    /// hosts had already watched their records for the lease time: a later attach or activation
    /// takes them at once instead of blocking for the lease time. No effect while `site`'s hosts
    /// run. VM leases are left as they are (a start still waits for them). For tests that cannot
    /// advance tokio's clock (a simulator served over real sockets).
    pub fn expire_leases(&self, site: Site) {
        self.with(|w, now| {
            if !w.site(site).hosts_alive() {
                w.leases.expire_all_of(site, now);
            }
        });
    }

    /// Every split brain so far: a site took a promoted replica's lease over while the other
    /// site's hosts still ran on their own copy (see [`SplitBrain`]). A correct DR flow never
    /// produces one.
    pub fn split_brains(&self) -> Vec<SplitBrain> {
        self.with(|w, _| w.split_brains.clone())
    }

    /// The next `times` SPM elections on `site` fail: a first attach to an uninitialized data
    /// center answers "Cannot create Storage Pool" and leaves the domain unattached.
    pub fn fail_spm_start(&self, site: Site, times: u32) {
        self.with(|w, _| w.site_mut(site).faults.fail_spm_start(times));
    }

    /// The Engine of `site` dies in the middle of the next `times` file-domain imports, after
    /// it added the domain's storage connection and before it added the domain: the call fails
    /// with a lost connection, the Engine stays down until [`World::recover`], and the
    /// connection stays (a later import of the export meets it).
    pub fn crash_file_imports(&self, site: Site, times: u32) {
        self.with(|w, _| w.site_mut(site).faults.crash_imports(times));
    }

    /// The storage connections of `site`'s file domains (`GET /storageconnections`), including
    /// those no domain uses.
    pub fn file_connections(&self, site: Site) -> Vec<super::FileConnection> {
        self.with(|w, _| w.site(site).connections.all().cloned().collect())
    }

    /// The next `calls` calls of `op` on `site` fail with `error` (its `operation` is set to
    /// `op`). An injected `ActivateStorageDomain` failure also hits the activation an attach
    /// runs inside itself: the attach still succeeds and leaves the domain in maintenance.
    pub fn fail_next(&self, site: Site, op: Operation, calls: u32, error: EngineError) {
        self.with(|w, _| w.site_mut(site).faults.fail_next(op, calls, error));
    }

    /// A random fraction of `site`'s calls fail.
    pub fn fail_randomly(&self, site: Site, spec: RandomFailures) {
        self.with(|w, _| w.site_mut(site).faults.fail_randomly(spec));
    }

    /// Calls of `op` on `site` hang.
    pub fn hang(&self, site: Site, op: Operation, hang: Hang) {
        self.with(|w, _| w.site_mut(site).faults.hang(op, hang));
    }

    /// `site` drops out (see [`Outage`]) when `trigger` fires.
    pub fn drop_site(&self, site: Site, trigger: Trigger, outage: Outage) {
        self.with(|w, _| w.site_mut(site).faults.drop_site(trigger, outage));
    }

    /// Removes every injected fault of `site`.
    pub fn clear_faults(&self, site: Site) {
        self.with(|w, _| w.site_mut(site).faults.clear());
    }

    /// How many calls `site`'s Engine has received.
    pub fn calls(&self, site: Site) -> u64 {
        self.with(|w, _| w.site(site).calls)
    }

    /// Changes the world directly (see [`Setup`]).
    pub fn setup<R>(&self, f: impl FnOnce(&mut Setup<'_>) -> R) -> R {
        self.with(|w, now| f(&mut Setup { w, now }))
    }

    /// A serializable summary of `site`'s Engine state now, for "unchanged" assertions.
    pub fn snapshot(&self, site: Site) -> SiteSnapshot {
        self.with(|w, now| SiteSnapshot::of(w, site, now))
    }

    /// What domain `domain`'s OVF store holds on `site`'s volume, if that volume holds it.
    pub fn ovf_store(&self, site: Site, domain: Id) -> Option<OvfStoreSummary> {
        self.with(|w, _| OvfStoreSummary::of(w, site, domain))
    }

    /// The state itself, for the crate's unit tests.
    #[cfg(test)]
    pub(crate) fn state(&self) -> std::sync::MutexGuard<'_, WorldState> {
        self.shared.lock()
    }

    /// A deep copy: an independent world in the same state (same facts).
    pub fn fork(&self) -> World {
        let state = self.shared.lock().clone();
        World::new(state, (*self.facts).clone())
    }

    /// The host VM `vm` runs on at `site`, if it runs. Read from the state, not through the
    /// site's Engine: no call is counted and no latency or fault applies (the simulator's
    /// event log uses it to name the host of a power action).
    pub fn vm_host(&self, site: Site, vm: Id) -> Option<Id> {
        self.with(|w, _| w.site(site).vms.get(&vm).and_then(|v| v.host))
    }

    /// `true` when `job` of `site` is an OVF update the Engine ignored because no store it
    /// holds was outdated ("OVFs update was ignored - nothing to update"). Read from the state
    /// like [`vm_host`](Self::vm_host), for the simulator's event log.
    pub fn ovf_update_ignored(&self, site: Site, job: Id) -> bool {
        self.with(|w, _| {
            w.site(site)
                .jobs
                .get(&job)
                .is_some_and(|j| j.nothing_to_update)
        })
    }

    /// The format written in domain `domain`'s metadata on `site`'s copy of its volume (what a
    /// new import there would read), if `site` has a volume holding it.
    pub fn storage_format_on_storage(
        &self,
        site: Site,
        domain: Id,
    ) -> Option<crate::engine::StorageFormat> {
        self.with(|w, _| {
            w.fabric
                .volumes
                .iter()
                .filter(|v| v.site == site)
                .filter_map(|v| v.content.as_ref())
                .find(|c| c.meta.id == domain)
                .and_then(|c| crate::engine::StorageFormat::parse(&c.meta.storage_format))
        })
    }
}

/// See [`World::host_probe`].
struct WorldHostProbe {
    world: World,
}

#[async_trait::async_trait]
impl crate::probe::HostProbe for WorldHostProbe {
    async fn probe(
        &self,
        address: &str,
        port: u16,
        _timeout: Duration,
    ) -> crate::probe::ProbeOutcome {
        let running = self.world.with(|w, _| {
            Site::BOTH.into_iter().find_map(|site| {
                let s = w.site(site);
                s.inv
                    .hosts
                    .values()
                    .any(|h| h.address == address)
                    .then(|| s.hosts_alive())
            })
        });
        match running {
            Some(true) if port == crate::probe::VDSM_PORT => crate::probe::ProbeOutcome {
                answered: true,
                detail: format!("accepted a connection on port {port}"),
            },
            Some(_) => crate::probe::ProbeOutcome {
                answered: false,
                detail: "connection refused".into(),
            },
            None => crate::probe::ProbeOutcome {
                answered: false,
                detail: "no such host in the simulated world (no route to host)".into(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{ErrorKind, HostStatus, RemoveStorageDomain, StorageDomainStatus};
    use crate::fake::WorldBuilder;
    use crate::fake::clock::Transition;

    /// A master that is no longer active (a recovered site's `unknown` domain) can be destroyed
    /// only with a successor to elect and an up host to elect it
    /// (`ForceRemoveStorageDomainCommand.validate`).
    #[tokio::test(start_paused = true)]
    async fn destroying_a_master_needs_a_successor_and_an_up_host() {
        let world = WorldBuilder::small(45).hosted_engine(false).build();
        let f = world.facts().clone();
        let master = f.domains.iter().find(|d| d.primary_master).unwrap().clone();
        let other = f
            .domains
            .iter()
            .find(|d| d.primary_dc.id == master.primary_dc.id && d.id != master.id)
            .expect("a second domain in the master's DC")
            .clone();
        world.with(|w, now| {
            w.set_status(
                Site::Primary,
                master.id,
                Transition::settled(StorageDomainStatus::Unknown, now),
            );
            for h in w.site_mut(Site::Primary).inv.hosts.values_mut() {
                h.status = HostStatus::Maintenance;
            }
        });
        let p = world.engine(Site::Primary);
        let e = p
            .remove_storage_domain(master.id, RemoveStorageDomain::Destroy)
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Conflict);
        assert!(
            e.detail().contains("requires at least one active Host"),
            "{e}"
        );
        world.with(|w, _| {
            for h in w.site_mut(Site::Primary).inv.hosts.values_mut() {
                h.status = HostStatus::Up;
            }
        });
        p.remove_storage_domain(master.id, RemoveStorageDomain::Destroy)
            .await
            .unwrap();
        let now_master = p
            .attached_storage_domain(master.primary_dc.id, other.id)
            .await
            .unwrap();
        assert!(now_master.master);
    }
}
