//! The Engine conformance suite against `RestEngine` talking to the simulator over HTTP: a
//! fresh world and a fresh pair of servers per check, with the same results as against the
//! fake Engines directly (`olvm-dr-core/tests/conformance_fake.rs`).

mod support;

use std::sync::{Arc, Mutex};

use olvm_dr_core::conformance::{Context, run_all};
use olvm_dr_core::fake::WorldBuilder;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_suite_passes_over_http() {
    // The servers of the check running now; replaced (and stopped) for the next one.
    let running: Arc<Mutex<Vec<olvm_dr_sim::SimServer>>> = Arc::default();
    let report = run_all(|| {
        let running = Arc::clone(&running);
        async move {
            let world = WorldBuilder::small(42).build();
            let pair = support::pair(&world).await;
            *running.lock().unwrap() = pair.servers;
            Context::new(world, pair.primary, pair.secondary)
        }
    })
    .await;
    assert!(report.passed(), "{report}");
    assert_eq!(
        report.outcomes.len(),
        olvm_dr_core::conformance::CHECKS.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_suite_passes_over_http_on_a_medium_world() {
    let running: Arc<Mutex<Vec<olvm_dr_sim::SimServer>>> = Arc::default();
    let report = run_all(|| {
        let running = Arc::clone(&running);
        async move {
            let world = WorldBuilder::medium(7).vms(120).build();
            let pair = support::pair(&world).await;
            *running.lock().unwrap() = pair.servers;
            Context::new(world, pair.primary, pair.secondary)
        }
    })
    .await;
    assert!(report.passed(), "{report}");
}
