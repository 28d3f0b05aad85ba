//! [`FakeWorld`]: the core's in-memory two-site world, for tests and demos in other languages.
//! Its Engines follow the real Engine's rules (statuses, master domain, OVF stores, sanlock
//! leases, MAC pools) without any server.

use std::sync::Arc;
use std::time::Duration;

use olvm_dr_core::fake::{Latency, SiteUrls, World};

use crate::engine::Engine;
use crate::error::DrError;
use crate::mapping::Mapping;
use crate::runtime::block_on;
use crate::types::Site;

/// The size presets of a fake world.
pub type WorldSize = olvm_dr_core::fake::WorldSize;

/// The size presets of a fake world.
#[uniffi::remote(Enum)]
pub enum WorldSize {
    /// 2 data centers, 3 replicated domains (NFS, iSCSI, FC), 20 VMs (60% running), one
    /// direct LUN, the hosted engine on the primary.
    Small,
    /// 2 data centers with 2 clusters each, 10 domains (2 of each type), 500 VMs.
    Medium,
    /// 4 data centers, 20 domains, 2000 VMs, a host in maintenance on each site.
    Large,
}

/// The API URLs the mapping of a fake world names. They are never contacted (the Engines are
/// in memory): `.invalid` is a top-level domain that never resolves, and plain HTTP (as the
/// lab on loopback uses) needs no CA file.
fn urls() -> SiteUrls {
    SiteUrls {
        primary: "http://primary.olvm-dr-fake.invalid/ovirt-engine/api".into(),
        secondary: "http://secondary.olvm-dr-fake.invalid/ovirt-engine/api".into(),
        username: "admin@internal".into(),
        insecure: false,
    }
}

/// Two fake sites and the replicated storage between them, with the controls a test needs.
///
/// Time is real time here: with `realistic_latency`, an attach takes 25 s as on a real Engine.
/// After `disaster`, the dead site's sanlock leases block an attach on the other site for the
/// lease timeout (80 s by default, as sanlock): call `expire_leases` to skip that wait, or set a
/// shorter `set_lease_timeout_ms`.
#[derive(Debug, uniffi::Object)]
pub struct FakeWorld {
    pub(crate) world: World,
    mapping: Arc<Mapping>,
}

#[uniffi::export]
impl FakeWorld {
    /// Builds a world: deterministic from `size`, `seed` and `vms` (the number of VMs instead
    /// of the preset's). Engine calls take no time unless `realistic_latency` (the API
    /// reference's typical durations).
    ///
    /// # Errors
    /// Only when the async runtime cannot start (the new sites are read for the mapping's
    /// network data centers and domain attributes, as `olvm-dr generate` does).
    #[uniffi::constructor(default(seed = 7, vms = None, realistic_latency = false))]
    pub fn new(
        size: WorldSize,
        seed: u64,
        vms: Option<u32>,
        realistic_latency: bool,
    ) -> Result<Arc<Self>, DrError> {
        let world = size.build(seed, vms.map(|n| n as usize));
        let text = block_on(world.read_mapping(&urls()))??.to_yaml();
        let loaded = olvm_dr_core::mapping::Mapping::from_str(&text, None);
        let mapping = Arc::new(Mapping::from_loaded(loaded, &text, true)?);
        // After reading the sites for the mapping, which is not part of any flow.
        if realistic_latency {
            world.set_latency_everywhere(Latency::Realistic);
        }
        Ok(Arc::new(Self { world, mapping }))
    }

    /// `site`'s Engine.
    pub fn engine(&self, site: Site) -> Arc<Engine> {
        Engine::wrap(
            self.world.dyn_engine(site),
            format!("fake {site} site (seed {})", self.world.facts().seed),
        )
    }

    /// The mapping file of this world, filled in for both sites (what an administrator has
    /// after `generate` and completing it). Made when the world is built, so it is the same
    /// whatever happened to the sites since.
    pub fn mapping(&self) -> Arc<Mapping> {
        Arc::clone(&self.mapping)
    }

    /// The VMs of the world (on the primary when built; the hosted engine excluded).
    pub fn vm_count(&self) -> u32 {
        u32::try_from(self.world.facts().vms.len()).unwrap_or(u32::MAX)
    }

    /// The whole site goes dark: its Engine stops answering, its hosts stop running VMs and
    /// renewing sanlock leases.
    pub fn disaster(&self, site: Site) {
        self.world.disaster(site);
    }

    /// Only `site`'s Engine stops answering; its hosts keep running and holding their leases
    /// (a split brain, seen from the other site).
    pub fn engine_outage(&self, site: Site) {
        self.world.engine_outage(site);
    }

    /// `site` comes back with the (stale) state it had.
    pub fn recover(&self, site: Site) {
        self.world.recover(site);
    }

    /// `true` while `site`'s Engine answers.
    pub fn is_up(&self, site: Site) -> bool {
        self.world.is_up(site)
    }

    /// Lets the leases held by `site`'s dead hosts expire now (no effect while they run).
    pub fn expire_leases(&self, site: Site) {
        self.world.expire_leases(site);
    }

    /// Sets the sanlock lease timeout (default 80 s).
    pub fn set_lease_timeout_ms(&self, ms: u64) {
        self.world.set_lease_timeout(Duration::from_millis(ms));
    }

    /// Stops every replication pair: the replicas become writable (what the storage
    /// administrator does when the primary is lost).
    pub fn stop_all_replication(&self) {
        self.world.stop_all_replication();
    }

    /// Reverses every pair: the former replicas become the sources (before a failback or a
    /// switchover).
    pub fn reverse_all_replication(&self) {
        self.world.reverse_all_replication();
    }

    /// Splits every replica off as a writable copy for a drill; the source keeps running.
    pub fn isolate_all_replication(&self) {
        self.world.isolate_all_replication();
    }

    /// Resumes every pair in its direction after a full copy (after a drill).
    pub fn resync_all_replication(&self) {
        self.world.resync_all_replication();
    }
}
