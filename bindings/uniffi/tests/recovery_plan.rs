//! A failover with a recovery plan through the bindings: the plan file is the failover option
//! `recovery_plan`, and the report (its records and its JSON) gives the groups in order with
//! their times.

use olvm_dr_ffi::{FailoverOptions, FakeWorld, FlowContext, Site, StepOutcome, Verdict, WorldSize};

const PLAN: &str = r#"
groups:
  - name: first
    select:
      names: ["vm0000?"]
    start: all
  - name: second
    select:
      names: ["vm0001?"]
    wait:
      for: ip
"#;

#[test]
fn a_failover_follows_the_recovery_plan_given_as_an_option() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("recovery_plan.yml");
    std::fs::write(&path, PLAN).unwrap();
    let world = FakeWorld::new(WorldSize::Small, 43, None, false).unwrap();
    world.disaster(Site::Primary);
    world.expire_leases(Site::Primary);
    world.stop_all_replication();
    let flows = FlowContext::new(
        world.mapping(),
        None,
        Some(world.engine(Site::Secondary)),
        None,
    )
    .unwrap();
    let options = FailoverOptions {
        recovery_plan: Some(path.to_string_lossy().into_owned()),
        ..FailoverOptions::default()
    };
    let report = flows
        .failover(Site::Secondary, Some(options), None, None)
        .unwrap();
    assert_eq!(report.verdict, Verdict::Success, "{}", report.summary);
    let json: serde_json::Value = serde_json::from_str(&report.json).unwrap();
    let groups = json["recovery_groups"].as_array().expect("recovery_groups");
    let names: Vec<&str> = groups.iter().filter_map(|g| g["name"].as_str()).collect();
    assert_eq!(&names[..2], ["first", "second"], "{groups:?}");
    // `start: all` starts every VM of the first group, whether it ran or not.
    let first: Vec<_> = report
        .vms
        .iter()
        .filter(|v| v.name.starts_with("vm0000") && v.name.len() == 7)
        .collect();
    assert!(!first.is_empty());
    assert!(
        first.iter().all(|v| v.started == Some(StepOutcome::Done)),
        "{first:?}"
    );
    assert_eq!(groups[0]["started"], first.len(), "{groups:?}");
    assert!(groups.iter().all(|g| g["outcome"] == "done"), "{groups:?}");
    assert!(groups[0]["time_to_up_ms"].is_u64(), "{groups:?}");
    // The typed records hold what the JSON holds.
    let typed: Vec<_> = (report.recovery_groups.iter())
        .map(|g| (g.name.as_str(), g.started, g.outcome))
        .collect();
    let from_json: Vec<_> = (groups.iter())
        .map(|g| {
            (
                g["name"].as_str().unwrap(),
                g["started"].as_u64().unwrap(),
                StepOutcome::Done,
            )
        })
        .collect();
    assert_eq!(typed, from_json);
    assert!(report.recovery_groups[0].time_to_up_ms.is_some());
    assert!(report.recovery_hooks.is_empty(), "the plan has no hooks");
    assert!(
        report.summary.contains("group first: "),
        "{}",
        report.summary
    );

    // A plan with an error is refused before anything runs, naming its place.
    std::fs::write(
        &path,
        "groups:\n  - name: x\n    wait:\n      on_timout: stop\n",
    )
    .unwrap();
    let options = FailoverOptions {
        recovery_plan: Some(path.to_string_lossy().into_owned()),
        ..FailoverOptions::default()
    };
    let e = flows
        .failover(Site::Secondary, Some(options), None, None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("4:7") && e.contains("on_timout"), "{e}");
}
