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
use olvm_dr_core::engine::Engine;
use olvm_dr_core::flow::FlowContext;
use olvm_dr_core::mapping::MappingSecrets;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_trips_over_http() {
    let mut failures = Vec::new();
    for seed in 1000..1012 {
        // Fewer VMs than on the fake: every call is HTTP.
        let world = round_trip_support::world(seed, 7);
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
