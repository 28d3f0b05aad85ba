//! Drills through the exported API, as a foreign language calls them: the discreet drill
//! (start, end), a drill on a dedicated domain and its return home, and the full drill.

use std::sync::{Arc, Mutex};

use olvm_dr_ffi::{
    DrError, DrillFullOptions, DrillOptions, FakeWorld, FlowContext, FlowKind, Report, Site,
    StorageGate, Verdict, WorldSize,
};

/// What the storage administrator does on the arrays at a gate (its id) reached on a site.
type Act = Box<dyn Fn(&FakeWorld, &str, Site) -> Result<(), DrError> + Send + Sync>;

/// The storage administrator: does what each gate asks on the fake arrays, and remembers
/// which gates were reached on which site.
struct Arrays {
    world: Arc<FakeWorld>,
    act: Act,
    passed: Mutex<Vec<(String, Site)>>,
}

impl Arrays {
    fn new(
        world: &Arc<FakeWorld>,
        act: impl Fn(&FakeWorld, &str, Site) -> Result<(), DrError> + Send + Sync + 'static,
    ) -> Arc<Self> {
        Arc::new(Self {
            world: Arc::clone(world),
            act: Box::new(act),
            passed: Mutex::new(Vec::new()),
        })
    }

    fn passed(&self) -> Vec<(String, Site)> {
        self.passed.lock().unwrap().clone()
    }
}

impl StorageGate for Arrays {
    fn wait_ready(&self, description: String, gate: String, site: Site) -> Result<String, DrError> {
        assert!(!description.is_empty());
        (self.act)(&self.world, &gate, site)?;
        self.passed.lock().unwrap().push((gate.clone(), site));
        Ok(format!("{gate} done by the test"))
    }
}

fn unexpected(gate: &str) -> Result<(), DrError> {
    Err(DrError::Callback {
        reason: format!("unexpected gate {gate}"),
    })
}

fn gates(list: &[(&str, Site)]) -> Vec<(String, Site)> {
    list.iter().map(|(g, s)| ((*g).to_owned(), *s)).collect()
}

fn assert_drill_success(report: &Report, what: &str) {
    assert_eq!(
        report.verdict,
        Verdict::Success,
        "{what}:\n{}",
        report.summary
    );
    assert!(report.drill, "{what} is reported as a drill");
}

fn up_on(world: &FakeWorld, site: Site) -> Vec<String> {
    let mut ids: Vec<String> = world
        .engine(site)
        .vms()
        .unwrap()
        .into_iter()
        .filter(|v| v.status == "up" && !v.hosted_engine)
        .map(|v| v.id)
        .collect();
    ids.sort();
    ids
}

/// The world of a drill: the split copies carry the primary's sanlock leases, which nobody
/// renews there; a zero lease timeout lets them expire at once instead of after sanlock's 80 s
/// (and the core's retries of a held lease).
fn drill_world(seed: u64, vms: Option<u32>) -> Arc<FakeWorld> {
    let world = FakeWorld::new(WorldSize::Small, seed, vms, false).unwrap();
    world.set_lease_timeout_ms(0);
    world
}

fn both_sites(world: &FakeWorld, state: &tempfile::TempDir) -> Arc<FlowContext> {
    FlowContext::new(
        world.mapping(),
        Some(world.engine(Site::Primary)),
        Some(world.engine(Site::Secondary)),
        Some(state.path().display().to_string()),
    )
    .unwrap()
}

#[test]
fn a_discreet_drill_leaves_the_primary_untouched_and_drill_end_restores_the_secondary() {
    let world = drill_world(51, None);
    let state = tempfile::tempdir().unwrap();
    let flows = both_sites(&world, &state);
    let primary_before = world.snapshot_json(Site::Primary);
    let secondary_before = world.snapshot_json(Site::Secondary);
    let was_up = up_on(&world, Site::Primary);
    assert!(!was_up.is_empty());
    let arrays = Arrays::new(&world, |w, gate, _| match gate {
        "split-replication" => {
            w.isolate_all_replication();
            Ok(())
        }
        "resume-replication" => {
            w.resync_all_replication();
            Ok(())
        }
        other => unexpected(other),
    });

    let plan = flows.plan_drill(Site::Secondary, None).unwrap();
    assert!(plan.json.contains("\"split-replication\""), "{}", plan.json);
    let report = flows
        .drill_start(Site::Secondary, arrays.clone(), None, None, None)
        .unwrap();
    assert_drill_success(&report, "drill start");
    assert_eq!(report.kind, FlowKind::Failover);
    assert_eq!(
        arrays.passed(),
        gates(&[("split-replication", Site::Secondary)])
    );
    assert!(
        report
            .verification
            .as_ref()
            .is_some_and(|v| v.differences.is_empty())
    );

    // The primary is exactly what it was; the drill VMs run on the secondary, unplugged.
    assert_eq!(world.snapshot_json(Site::Primary), primary_before);
    assert_eq!(up_on(&world, Site::Secondary), was_up);
    let drill_vms = world.engine(Site::Secondary).vms().unwrap();
    assert!(drill_vms.iter().map(|v| v.nics.len()).sum::<usize>() > 0);
    for vm in &drill_vms {
        for nic in &vm.nics {
            assert!(!nic.plugged, "NIC {} of {} is plugged", nic.name, vm.name);
        }
    }
    // `verify` checks what the drill left against what it expects (unplugged NICs included).
    let verified = flows.verify(Site::Secondary, None, false).unwrap();
    assert!(verified.clean, "{}", verified.text);
    assert_eq!(verified.run_id.as_deref(), Some(report.run_id.as_str()));
    assert!(verified.drill);
    assert_eq!(verified.expected_up.len(), was_up.len());

    // A drill of every domain cannot be returned: the production VMs run at home.
    let refused = flows.drill_failback(Site::Primary, arrays.clone(), None, None, None);
    assert!(
        matches!(&refused, Err(DrError::State { reason }) if reason.contains("covered every mapped domain")),
        "{refused:?}"
    );

    let end = flows
        .drill_end(Site::Secondary, arrays.clone(), None, None)
        .unwrap();
    assert_drill_success(&end, "drill end");
    assert_eq!(end.kind, FlowKind::Cleanup);
    assert_eq!(
        arrays.passed(),
        gates(&[
            ("split-replication", Site::Secondary),
            ("resume-replication", Site::Secondary)
        ])
    );
    assert_eq!(world.snapshot_json(Site::Secondary), secondary_before);
    assert_eq!(world.snapshot_json(Site::Primary), primary_before);
    for name in world.domain_names() {
        assert!(world.replication_running(name.clone()).unwrap(), "{name}");
    }
}

#[test]
fn a_drill_on_a_dedicated_domain_returns_home_without_touching_the_rest() {
    let world = drill_world(52, None);
    let state = tempfile::tempdir().unwrap();
    let flows = both_sites(&world, &state);
    let names = world.domain_names();
    // The second data center's only domain: no VM spans it and another domain (a selection
    // that splits a VM is refused).
    let test = names.iter().find(|n| n.contains("iscsi")).unwrap().clone();
    let was_up = up_on(&world, Site::Primary);
    let t = test.clone();
    let arrays = Arrays::new(&world, move |w, gate, _| match gate {
        "split-replication" => w.isolate_replication(t.clone()),
        // The drill copy becomes the source and the home volume writable.
        "storage-gate" => {
            w.reverse_replication(t.clone())?;
            w.stop_replication(t.clone())
        }
        "restore-replication" => w.reverse_replication(t.clone()),
        other => unexpected(other),
    });
    let options = DrillOptions {
        domains: Some(vec![test.clone()]),
        ..DrillOptions::default()
    };
    let report = flows
        .drill_start(Site::Secondary, arrays.clone(), Some(options), None, None)
        .unwrap();
    assert_drill_success(&report, "drill on the test domain");
    let in_drill = up_on(&world, Site::Secondary);
    assert!(!in_drill.is_empty() && in_drill.len() < was_up.len());

    let back = flows
        .drill_failback(Site::Primary, arrays.clone(), None, None, None)
        .unwrap();
    assert_drill_success(&back, "return of the test domain");
    assert_eq!(back.kind, FlowKind::Failback);
    assert_eq!(
        arrays.passed(),
        gates(&[
            ("split-replication", Site::Secondary),
            ("storage-gate", Site::Primary),
            ("restore-replication", Site::Primary),
        ])
    );
    assert_eq!(
        up_on(&world, Site::Primary),
        was_up,
        "every VM runs at home"
    );
    assert!(up_on(&world, Site::Secondary).is_empty());
    assert!(world.replication_running(test).unwrap());
}

#[test]
fn the_full_drill_moves_everything_out_and_back() {
    let world = drill_world(53, Some(8));
    let state = tempfile::tempdir().unwrap();
    let flows = both_sites(&world, &state);
    let was_up = up_on(&world, Site::Primary);
    let arrays = Arrays::new(&world, |w, gate, site| match (gate, site) {
        // Out: the arrays' planned failover.
        ("storage-gate", Site::Secondary) => {
            w.reverse_all_replication();
            Ok(())
        }
        // Back: the home site writable, then replication in its normal direction.
        ("storage-gate", Site::Primary) => {
            w.stop_all_replication();
            Ok(())
        }
        ("restore-replication", _) => {
            w.reverse_all_replication();
            Ok(())
        }
        (other, _) => unexpected(other),
    });
    let stay = DrillFullOptions {
        stay: true,
        ..DrillFullOptions::default()
    };
    let out = flows
        .drill_full(Site::Secondary, arrays.clone(), Some(stay), None, None)
        .unwrap();
    assert_eq!(out.len(), 1, "stay: the move out only");
    assert_drill_success(&out[0], "full drill, out");
    assert_eq!(out[0].kind, FlowKind::Switchover);
    assert_eq!(up_on(&world, Site::Secondary), was_up);

    // The next call finds the finished move out and returns home.
    let home = flows
        .drill_full(Site::Secondary, arrays.clone(), None, None, None)
        .unwrap();
    assert_eq!(
        home.len(),
        1,
        "{:?}",
        home.iter().map(|r| r.kind).collect::<Vec<_>>()
    );
    assert_drill_success(&home[0], "full drill, home");
    assert_eq!(home[0].kind, FlowKind::Failback);
    assert_eq!(home[0].target, Site::Primary);
    assert_eq!(up_on(&world, Site::Primary), was_up);
    assert_eq!(
        arrays.passed(),
        gates(&[
            ("storage-gate", Site::Secondary),
            ("storage-gate", Site::Primary),
            ("restore-replication", Site::Primary),
        ])
    );
    for name in world.domain_names() {
        assert!(world.replication_running(name.clone()).unwrap(), "{name}");
    }
}
