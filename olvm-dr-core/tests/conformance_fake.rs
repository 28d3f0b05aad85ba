//! The Engine conformance suite against the fake Engines.

use std::sync::Arc;

use olvm_dr_core::Site;
use olvm_dr_core::conformance::{Context, run_all};
use olvm_dr_core::engine::Engine;
use olvm_dr_core::fake::WorldBuilder;

#[tokio::test(start_paused = true)]
async fn small_world_passes_through_the_fake_engines() {
    let report = run_all(|| async { Context::fake(WorldBuilder::small(42).build()) }).await;
    assert!(report.passed(), "{report}");
}

#[tokio::test(start_paused = true)]
async fn medium_world_passes_through_trait_objects() {
    let report = run_all(|| async {
        let world = WorldBuilder::medium(7).vms(120).build();
        let primary: Arc<dyn Engine> = world.engine(Site::Primary);
        let secondary: Arc<dyn Engine> = world.engine(Site::Secondary);
        Context::new(world, primary, secondary)
    })
    .await;
    assert!(report.passed(), "{report}");
}
