//! The exported API called from Rust, as the foreign languages call it: the paths the language
//! suites do not take (failback, a listener that fails, a busy state directory, cleanup).

use std::sync::{Arc, Mutex};

use olvm_dr_ffi::{
    DrError, FakeWorld, FlowContext, ProgressEvent, ProgressListener, Site, StepOutcome,
    StorageGate, Verdict, WorldSize,
};

/// Counts events, and fails on the first one when told to.
#[derive(Default)]
struct Listener {
    events: Mutex<Vec<ProgressEvent>>,
    fail: bool,
}

impl ProgressListener for Listener {
    fn on_event(&self, event: ProgressEvent) -> Result<(), DrError> {
        self.events.lock().unwrap().push(event);
        if self.fail {
            return Err(DrError::Callback {
                reason: "the display is gone".into(),
            });
        }
        Ok(())
    }
}

/// The storage administrator of a failback: the returning site's volumes become the sources.
struct Promote(Arc<FakeWorld>, Mutex<u32>);

impl StorageGate for Promote {
    fn wait_ready(&self, description: String, gate: String, site: Site) -> Result<String, DrError> {
        assert!(!description.is_empty());
        assert_eq!((gate.as_str(), site), ("storage-gate", Site::Primary));
        *self.1.lock().unwrap() += 1;
        self.0.stop_all_replication();
        Ok("promoted by the test".into())
    }
}

fn after_disaster(seed: u64) -> Arc<FakeWorld> {
    let world = FakeWorld::new(WorldSize::Small, seed, None, false).unwrap();
    world.disaster(Site::Primary);
    world.expire_leases(Site::Primary);
    world.stop_all_replication();
    world
}

#[test]
fn a_failing_listener_is_dropped_and_the_run_goes_on() {
    let world = after_disaster(41);
    let flows = FlowContext::new(
        world.mapping(),
        None,
        Some(world.engine(Site::Secondary)),
        None,
    )
    .unwrap();
    let listener = Arc::new(Listener {
        fail: true,
        ..Listener::default()
    });
    let report = flows
        .failover(Site::Secondary, None, None, Some(listener.clone()))
        .unwrap();
    assert_eq!(report.verdict, Verdict::Success, "{}", report.summary);
    assert_eq!(listener.events.lock().unwrap().len(), 1, "called once only");
    assert_eq!(
        report
            .facts
            .get("progress_listener_error")
            .map(String::as_str),
        Some("the display is gone")
    );
}

#[test]
fn failover_then_failback_through_the_gate() {
    let world = after_disaster(42);
    let flows = FlowContext::new(
        world.mapping(),
        Some(world.engine(Site::Primary)),
        Some(world.engine(Site::Secondary)),
        None,
    )
    .unwrap();
    let report = flows.failover(Site::Secondary, None, None, None).unwrap();
    assert_eq!(report.verdict, Verdict::Success, "{}", report.summary);

    // The storage first: the primary comes back to read-only copies.
    world.reverse_all_replication();
    world.recover(Site::Primary);
    let gate = Arc::new(Promote(world.clone(), Mutex::new(0)));
    let listener = Arc::new(Listener::default());
    let plan = flows.plan_failback(Site::Primary, None).unwrap();
    assert!(
        plan.steps > 0 && plan.text.contains("storage gate"),
        "{}",
        plan.text
    );
    let report = flows
        .failback(
            Site::Primary,
            gate.clone(),
            None,
            None,
            Some(listener.clone()),
        )
        .unwrap();
    assert_eq!(report.verdict, Verdict::Success, "{}", report.summary);
    assert_eq!(*gate.1.lock().unwrap(), 1);
    let up_primary = report
        .vms
        .iter()
        .filter(|v| v.site == Site::Primary && v.up == Some(StepOutcome::Done))
        .count();
    assert!(up_primary > 0, "{}", report.summary);
    let events = listener.events.lock().unwrap();
    assert!(matches!(
        events.first(),
        Some(ProgressEvent::RunStarted { .. })
    ));
    let last_counters = events
        .iter()
        .rev()
        .find_map(|e| match e {
            ProgressEvent::Counters { counters } => Some(counters.clone()),
            _ => None,
        })
        .expect("counters are reported");
    assert_eq!(last_counters.failures, 0);
    assert_eq!(last_counters.vms_up.done, up_primary as u64);
    assert!(last_counters.text.contains("ETA"), "{}", last_counters.text);
    assert!(matches!(
        events.last(),
        Some(ProgressEvent::RunFinished { failed: 0, .. })
    ));
}

#[test]
fn a_state_directory_serves_one_context_at_a_time() {
    let world = FakeWorld::new(WorldSize::Small, 43, Some(4), false).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let state = Some(dir.path().display().to_string());
    let first = FlowContext::new(world.mapping(), None, None, state.clone()).unwrap();
    let second = FlowContext::new(world.mapping(), None, None, state.clone());
    assert!(matches!(second, Err(DrError::State { .. })), "{second:?}");
    drop(first);
    assert!(FlowContext::new(world.mapping(), None, None, state).is_ok());
}

#[test]
fn cleanup_releases_the_site_it_is_given() {
    let world = FakeWorld::new(WorldSize::Small, 44, Some(6), false).unwrap();
    let flows = FlowContext::new(
        world.mapping(),
        Some(world.engine(Site::Primary)),
        None,
        None,
    )
    .unwrap();
    let plan = flows.plan_cleanup(Site::Primary, None).unwrap();
    assert!(plan.steps > 0);
    let report = flows.cleanup(Site::Primary, None, None, None).unwrap();
    assert_eq!(report.verdict, Verdict::Success, "{}", report.summary);
    let left_up = world
        .engine(Site::Primary)
        .vms()
        .unwrap()
        .into_iter()
        .filter(|v| v.status == "up" && !v.hosted_engine)
        .count();
    assert_eq!(left_up, 0);
}
