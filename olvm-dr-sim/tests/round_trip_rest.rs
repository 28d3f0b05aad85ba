//! The round-trip invariant (see `round_trip_support`) with both sites served by the simulator
//! and driven over HTTP by `RestEngine`: 12 generated worlds.

#[path = "../../olvm-dr-core/tests/flow_support/mod.rs"]
mod flow_support;
#[path = "../../olvm-dr-core/tests/round_trip_support/mod.rs"]
mod round_trip_support;
mod support;

use std::collections::BTreeMap;
use std::sync::Arc;

use olvm_dr_core::Site;
use olvm_dr_core::engine::{Engine, StorageType};
use olvm_dr_core::fake::{STORAGE_TYPES, World, WorldBuilder};
use olvm_dr_core::flow::FlowContext;
use olvm_dr_core::mapping::MappingSecrets;

/// A world whose shape varies with `seed` (fewer VMs than on the fake: every call is HTTP).
fn world(seed: u64) -> World {
    let mut b = WorldBuilder::small(seed)
        .data_centers(1 + (seed % 2) as usize)
        .vms(6 + (seed % 9) as usize)
        .templates_per_dc(1 + (seed % 2) as usize)
        .direct_luns((seed % 2) as usize);
    for (i, t) in STORAGE_TYPES.into_iter().enumerate() {
        let count = match (seed as usize + i) % 5 {
            0 => 2,
            1 | 2 => 1,
            _ => usize::from(t == StorageType::Nfs),
        };
        b = b.domains(t, count);
    }
    b.build()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_trips_over_http() {
    let mut failures = Vec::new();
    for seed in 1000..1012 {
        let world = world(seed);
        // Real time here: the leases of the dark site expire at once.
        world.set_lease_timeout(std::time::Duration::ZERO);
        let pair = support::pair(&world).await;
        let mapping = world.facts().mapping(&flow_support::urls());
        let mut engines: BTreeMap<Site, Arc<dyn Engine>> = BTreeMap::new();
        engines.insert(Site::Primary, pair.primary.clone());
        engines.insert(Site::Secondary, pair.secondary.clone());
        let ctx = FlowContext {
            secrets: Arc::new(MappingSecrets::new(mapping.clone(), None)),
            mapping,
            mapping_file: None,
            mapping_sha256: "round-trip-http".into(),
            engines,
        };
        if let Err(e) = round_trip_support::round_trip(&ctx, &world).await {
            failures.push(format!("seed {seed}: {e}"));
        }
        for s in pair.servers {
            s.shutdown().await;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
