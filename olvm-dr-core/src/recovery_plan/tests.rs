use std::net::IpAddr;
use std::time::Duration;

use super::*;
use crate::diag::Diagnostic;
use crate::validate::codes;

const PLAN: &str = r#"groups:
  - name: infrastructure
    select:
      names: ["dns*", "ad0?"]
      tags: [infra]
    wait:
      for: check
      command: "nc -z {address} 53"
      timeout: 5m
      on_timeout: ask
    delay_after: 30s
  - name: databases
    select:
      clusters: [db-cluster]
      affinity_labels: [tier-1]
    wait: {for: ip, timeout: 90}
  - name: web
    select: {names: "web*"}
    start: all
vms:
  app01:
    after: [db01]
    start: false
reip:
  networks:
    - network: prod-net
      from: 10.1.0.0/16
      to: 10.201.0.0/16
      gateway: 10.201.0.1
      dns: [10.201.0.53, 10.201.0.54]
"#;

fn codes_of(loaded: &Loaded) -> Vec<(&'static str, Option<u32>)> {
    loaded
        .diagnostics
        .iter()
        .map(|d| (d.code, d.location.line))
        .collect()
}

fn load(text: &str) -> Loaded {
    RecoveryPlan::from_str(text, Some(std::path::Path::new("plan.yml")))
}

#[test]
fn reads_every_part() {
    let loaded = load(PLAN);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let plan = loaded.plan.unwrap();
    let names: Vec<&str> = plan.groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["infrastructure", "databases", "web"]);
    let infra = &plan.groups[0];
    assert_eq!(
        infra.wait.until,
        WaitFor::Check {
            command: "nc -z {address} 53".into()
        }
    );
    assert_eq!(infra.wait.timeout, Duration::from_secs(300));
    assert_eq!(infra.wait.on_timeout, OnTimeout::Ask);
    assert_eq!(infra.delay_after, Duration::from_secs(30));
    assert_eq!(plan.groups[1].wait.until, WaitFor::Ip);
    assert_eq!(plan.groups[1].wait.timeout, Duration::from_secs(90));
    assert_eq!(plan.groups[1].wait.on_timeout, OnTimeout::Stop);
    assert_eq!(plan.groups[2].start, StartPolicy::All);
    assert_eq!(plan.groups[2].select.names, [Glob::new("web*")]);
    assert_eq!(plan.vms["app01"].after, ["db01"]);
    assert_eq!(plan.vms["app01"].start, Some(false));
    let ip = |s: &str| s.parse::<IpAddr>().unwrap();
    assert_eq!(
        plan.translate("prod-net", ip("10.1.7.9")),
        Some(ip("10.201.7.9"))
    );
    assert_eq!(plan.translate("other-net", ip("10.1.7.9")), None);
    assert_eq!(
        plan.translate_back("prod-net", ip("10.201.7.9")),
        Some(ip("10.1.7.9"))
    );
    assert_eq!(plan.reip.networks[0].dns.len(), 2);
    assert!(!plan.reip.in_drills);
    // The plan travels in JSON (plans and journals): it reads back equal.
    let json = serde_json::to_string(&plan).unwrap();
    assert_eq!(serde_json::from_str::<RecoveryPlan>(&json).unwrap(), plan);
}

#[test]
fn every_problem_is_placed_and_coded() {
    let text = r#"groups:
  - name: a
    select: {names: [web01]}
    wait: {for: check, timout: 5m}
  - name: a
    select: {names: [web01]}
    delay_after: soon
  - name: default
    select: {names: [web01]}
    wait: {for: up, command: "true"}
    start: maybe
vms:
  x: {after: [y]}
  y: {after: [x]}
reip:
  networks:
    - {network: n, from: 10.1.0.0/16, to: 10.2.0.0/24}
    - {network: n, from: 10.1.2.0/24, to: 10.3.2.0/24, gateway: 10.9.9.9}
    - {network: m, from: 10.1.0.0/16, to: 10.2.0.0/16}
    - {network: m, from: 10.1.0.0/24, to: 10.5.0.0/24}
"#;
    let loaded = load(text);
    assert!(loaded.plan.is_none(), "errors leave no plan");
    let got = codes_of(&loaded);
    for want in [
        (codes::UNKNOWN_KEY, Some(4)),
        (codes::RECOVERY_WAIT, Some(4)),
        (codes::RECOVERY_DUPLICATE_GROUP, Some(5)),
        (codes::RECOVERY_VM_IN_TWO_GROUPS, Some(8)),
        (codes::RECOVERY_DURATION, Some(7)),
        (codes::RECOVERY_DUPLICATE_GROUP, Some(8)),
        (codes::RECOVERY_WAIT, Some(10)),
        (codes::INVALID_VALUE, Some(11)),
        (codes::RECOVERY_DEPENDENCY_CYCLE, Some(13)),
        (codes::RECOVERY_REIP, Some(17)),
        (codes::RECOVERY_REIP, Some(18)),
        (codes::RECOVERY_REIP, Some(20)),
    ] {
        assert!(got.contains(&want), "{want:?} not in {got:?}");
    }
    let unknown = loaded
        .diagnostics
        .iter()
        .find(|d| d.code == codes::UNKNOWN_KEY)
        .unwrap();
    assert_eq!(unknown.hint.as_deref(), Some("did you mean 'timeout'?"));
    assert_eq!(
        unknown.location.file.as_deref(),
        Some(std::path::Path::new("plan.yml"))
    );
    let cycle = loaded
        .diagnostics
        .iter()
        .find(|d| d.code == codes::RECOVERY_DEPENDENCY_CYCLE)
        .unwrap();
    assert!(cycle.message.contains("x -> y -> x"), "{}", cycle.message);
}

#[test]
fn bad_yaml_and_wrong_shapes_are_errors_not_panics() {
    for text in [
        "groups: [",
        "",
        "- a\n- b\n",
        "groups: {name: a}",
        "groups:\n  - name: [a]\n",
    ] {
        let loaded = load(text);
        assert!(loaded.plan.is_none(), "{text:?}");
        assert!(
            loaded.diagnostics.iter().any(Diagnostic::is_error),
            "{text:?}"
        );
    }
    let empty_group = load("groups:\n  - name: lonely\n");
    assert!(
        empty_group.plan.is_some(),
        "a group that selects nothing is a warning"
    );
    assert_eq!(empty_group.diagnostics[0].code, codes::MISSING_KEY);
}

fn vm(name: &str, cluster: &str, labels: &[&str], tags: &[&str]) -> VmFacts {
    VmFacts {
        name: name.into(),
        cluster: cluster.into(),
        affinity_labels: labels.iter().map(|s| (*s).to_owned()).collect(),
        tags: tags.iter().map(|s| (*s).to_owned()).collect(),
    }
}

#[test]
fn vms_go_to_their_groups_in_order_and_the_rest_last() {
    let plan = load(PLAN).plan.unwrap();
    let vms = [
        vm("dns01", "prod", &[], &[]),
        vm("ntp", "prod", &[], &["infra"]),
        vm("db01", "db-cluster", &[], &[]),
        vm("db02", "prod", &["tier-1"], &[]),
        vm("web02", "prod", &[], &[]),
        vm("web01", "prod", &[], &[]),
        vm("app01", "prod", &[], &[]),
    ];
    let (a, problems) = assign(&plan, &vms);
    assert!(problems.iter().all(|p| !p.is_error()), "{problems:?}");
    let groups: Vec<(&str, Vec<&str>)> = a
        .groups
        .iter()
        .map(|g| (g.name.as_str(), g.vms.iter().map(String::as_str).collect()))
        .collect();
    assert_eq!(
        groups,
        [
            ("infrastructure", vec!["dns01", "ntp"]),
            ("databases", vec!["db01", "db02"]),
            ("web", vec!["web01", "web02"]),
            (DEFAULT_GROUP, vec!["app01"]),
        ]
    );
    assert_eq!(a.group_of("db02"), Some(1));
    // The plan's patterns `ad0?` match no VM: a warning names it.
    assert!(
        problems
            .iter()
            .any(|p| p.code == codes::RECOVERY_UNKNOWN_NAME && p.message.contains("ad0?")),
        "{problems:?}"
    );
}

#[test]
fn two_groups_for_one_vm_and_a_dependency_on_a_later_group_are_errors() {
    let plan = load(PLAN).plan.unwrap();
    let vms = [
        vm("dns-db", "db-cluster", &[], &[]),
        vm("db01", "db-cluster", &[], &[]),
        vm("app01", "prod", &[], &["infra"]),
    ];
    let (_, problems) = assign(&plan, &vms);
    let errors: Vec<&str> = problems
        .iter()
        .filter(|p| p.is_error())
        .map(|p| p.code)
        .collect();
    assert_eq!(
        errors,
        [
            codes::RECOVERY_VM_IN_TWO_GROUPS,
            codes::RECOVERY_DEPENDENCY_ORDER
        ],
        "{problems:?}"
    );
    assert!(
        problems[0]
            .message
            .contains("'infrastructure', 'databases'")
    );
}
