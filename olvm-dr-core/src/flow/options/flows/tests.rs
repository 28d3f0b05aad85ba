use super::*;
use crate::flow::options::{OptionInfo, OptionKind, OptionValue};

fn tables() -> Vec<(&'static str, &'static [OptionInfo])> {
    vec![
        (Failover::FLOW, Failover::OPTIONS),
        (Cleanup::FLOW, Cleanup::OPTIONS),
        (Failback::FLOW, Failback::OPTIONS),
        (Switchover::FLOW, Switchover::OPTIONS),
        (Drill::FLOW, Drill::OPTIONS),
        (DrillFailback::FLOW, DrillFailback::OPTIONS),
        (DrillFull::FLOW, DrillFull::OPTIONS),
    ]
}

#[test]
fn every_option_is_documented_with_its_default() {
    for (flow, table) in tables() {
        assert!(!table.is_empty(), "{flow}");
        for o in table {
            assert!(o.doc.contains("Default"), "{flow}.{}: {:?}", o.name, o.doc);
        }
    }
    let names: Vec<_> = Failover::OPTIONS.iter().map(|o| o.name).collect();
    assert_eq!(
        names,
        [
            "start_vms",
            "wait_for_vms",
            "all_active_domains",
            "partial_import",
            "keep_bad_macs",
            "force_reason",
            "domains",
            "recovery_plan"
        ]
    );
    assert_eq!(Failover::BINDING, "FailoverOptions");
    assert_eq!(Drill::OPTIONS[0].kind, OptionKind::Text);
}

#[test]
fn the_defaults_are_the_planners_defaults() {
    let FlowRequest::Failover(o) = Failover::default().request().unwrap() else {
        panic!("a failover")
    };
    assert_eq!(o, plan::FailoverOptions::default());
    let FlowRequest::Cleanup(o) = Cleanup::default().request().unwrap() else {
        panic!("a cleanup")
    };
    assert_eq!(o, plan::CleanupOptions::default());
    let FlowRequest::Failback(o) = Failback::default().request().unwrap() else {
        panic!("a failback")
    };
    assert_eq!(o, ReturnOptions::failback());
    let FlowRequest::Switchover(o) = Switchover::default().request().unwrap() else {
        panic!("a switchover")
    };
    assert_eq!(o, ReturnOptions::switchover());
    let FlowRequest::DrillStart(o) = Drill::default().request().unwrap() else {
        panic!("a drill")
    };
    assert!(o.drill);
    assert_eq!(o.isolation, NicIsolation::Unplugged);
    let FlowRequest::DrillFailback(o) = DrillFailback::default().request().unwrap() else {
        panic!("a drill failback")
    };
    assert_eq!(o, ReturnOptions::failback());
}

#[test]
fn choices_reach_the_planner() {
    let f = Failback {
        keep_bad_macs: true,
        domains: Some(vec!["data1".into()]),
        clean_returning_site: false,
        force_remove: true,
        ..Failback::default()
    };
    let FlowRequest::Failback(o) = f.request().unwrap() else {
        panic!("a failback")
    };
    assert!(!o.failover.reassign_bad_macs);
    assert!(!o.clean_returning_site && o.cleanup.force_remove);
    assert_eq!(o.cleanup.domains, Some(vec!["data1".to_owned()]));
    assert_eq!(o.failover.domains, o.cleanup.domains);
    let s = Switchover {
        power_off_after_timeout: true,
        ..Switchover::default()
    };
    let FlowRequest::Switchover(o) = s.request().unwrap() else {
        panic!("a switchover")
    };
    assert_eq!(o.cleanup.stop, StopMode::GracefulThenPowerOff);
    let c = Cleanup {
        power_off: true,
        domains: Some(vec![]),
        ..Cleanup::default()
    };
    let FlowRequest::Cleanup(o) = c.request().unwrap() else {
        panic!("a cleanup")
    };
    assert_eq!((o.stop, o.domains), (StopMode::PowerOff, None));
}

#[test]
fn options_are_set_by_name_and_bad_values_say_what_is_allowed() {
    let f = Failover::from_values([
        ("start_vms".to_owned(), OptionValue::Bool(false)),
        ("domains".to_owned(), OptionValue::Texts(vec!["d".into()])),
        ("force_reason".to_owned(), OptionValue::Unset),
    ])
    .unwrap();
    assert!(!f.start_vms);
    assert_eq!(f.get("domains"), Some(OptionValue::Texts(vec!["d".into()])));
    assert_eq!(f.get("force_reason"), Some(OptionValue::Unset));
    assert_eq!(f.get("nope"), None);
    let e = Failover::default()
        .set("start_vm", OptionValue::Bool(true))
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("failover has no option 'start_vm'; its options are: start_vms,"),
        "{e}"
    );
    let e = Failover::default()
        .set("start_vms", OptionValue::Text("yes".into()))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "the failover option 'start_vms' takes true or false"
    );
    let e = Failover {
        force_reason: Some(" ".into()),
        ..Failover::default()
    }
    .request()
    .unwrap_err();
    assert!(e.to_string().contains("force_reason"), "{e}");
    let e = Cleanup {
        domains: Some(vec![String::new()]),
        ..Cleanup::default()
    }
    .request()
    .unwrap_err();
    assert!(e.to_string().contains("domain name is empty"), "{e}");
}

#[test]
fn isolation_choices_parse_and_print_as_the_command_reads_them() {
    for (text, isolation) in [
        ("none", NicIsolation::None),
        ("unplugged", NicIsolation::Unplugged),
        (
            "profile=lab/test-net",
            NicIsolation::Profile("lab/test-net".into()),
        ),
    ] {
        assert_eq!(text.parse::<NicIsolation>(), Ok(isolation.clone()));
        assert_eq!(isolation.to_string(), text);
    }
    for bad in ["profile=", "isolated", "profile=/x", "profile=x/"] {
        let e = bad.parse::<NicIsolation>().unwrap_err();
        assert!(e.contains("none, unplugged or profile=NAME"), "{bad}: {e}");
        let e = Drill {
            isolation: bad.into(),
            ..Drill::default()
        }
        .request()
        .unwrap_err();
        assert!(
            e.to_string().starts_with("the drill option 'isolation'"),
            "{e}"
        );
    }
}

#[test]
fn full_drill_legs() {
    let full = DrillFull {
        power_off_after_timeout: true,
        ..DrillFull::default()
    };
    let (FlowRequest::Switchover(out), to) = full.leg(FullDrillLeg::Out, Site::Secondary) else {
        panic!("out is a switchover")
    };
    assert_eq!(to, Site::Secondary);
    assert!(out.drill);
    assert_eq!(out.cleanup.stop, StopMode::GracefulThenPowerOff);
    let (FlowRequest::Failback(home), to) = full.leg(FullDrillLeg::Home, Site::Secondary) else {
        panic!("home is a failback")
    };
    assert_eq!(to, Site::Primary);
    assert!(home.drill && home.restore_replication);
}

#[test]
fn a_recovery_plan_is_read_for_the_request_and_one_with_errors_is_refused_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.yml");
    std::fs::write(
        &good,
        "groups:\n  - name: databases\n    select:\n      names: [\"db*\"]\n",
    )
    .unwrap();
    let bad = dir.path().join("bad.yml");
    std::fs::write(&bad, "groups:\n  - name: databases\n    colour: blue\n").unwrap();
    let with = |path: &std::path::Path| Failover {
        recovery_plan: Some(path.to_str().unwrap().to_owned()),
        ..Failover::default()
    };
    match with(&good).request().unwrap() {
        FlowRequest::Failover(o) => {
            let plan = o.recovery_plan.expect("the plan is read");
            assert_eq!(plan.groups[0].name, "databases");
        }
        other => panic!("{other:?}"),
    }
    let refused = with(&bad).request().unwrap_err().to_string();
    assert!(refused.contains("recovery_plan"), "{refused}");
    assert!(refused.contains("bad.yml:3:"), "{refused}");
    let missing = with(&dir.path().join("none.yml")).request().unwrap_err();
    assert!(
        missing.to_string().contains("cannot read recovery plan"),
        "{missing}"
    );
}
