use std::collections::BTreeMap;

use crate::Site;
use crate::plan::{PlanKind, StepId};
use crate::report::{
    EntityOutcome, EntityStep, MacChange, REPORT_SCHEMA, Report, ReportDiff, ReportInputs,
    RtoBreakdown, StepCounts, StepKind, StepOutcome, StepResult, Verdict, VmOutcome,
};

fn step(id: &str, outcome: StepOutcome, started: u64, dur: u64, lease: u64) -> StepResult {
    StepResult {
        id: id.into(),
        phase: crate::plan::Phase::Storage,
        site: Site::Secondary,
        summary: format!("step {id}"),
        outcome,
        error: (!outcome.is_success()).then(|| "[Cannot <acquire> host id]".to_owned()),
        error_kind: (!outcome.is_success()).then(|| "lease_held".to_owned()),
        started_ms: Some(started),
        duration_ms: dur,
        attempts: 2,
        lease_wait_ms: lease,
        hint: (!outcome.is_success()).then(|| "promote <the> replicas".to_owned()),
    }
}

fn entity_step(id: &str, kind: StepKind) -> EntityStep {
    EntityStep {
        id: id.into(),
        kind,
    }
}

fn vm(name: &str, cluster: &str, steps: &[(&str, StepKind)], up: StepOutcome) -> VmOutcome {
    VmOutcome {
        site: Site::Secondary,
        name: name.into(),
        id: format!("id-{name}"),
        registered: Some(StepOutcome::Done),
        started: Some(StepOutcome::Done),
        up: Some(up),
        stopped: None,
        error: (!up.is_success()).then(|| "did not come up".into()),
        macs_reassigned: Vec::new(),
        cluster: Some(cluster.into()),
        steps: steps.iter().map(|(i, k)| entity_step(i, *k)).collect(),
    }
}

/// A failover of one domain and two VMs, one of which did not come up, forced past the guard.
pub(crate) fn sample() -> Report {
    let mut web = vm(
        "web<1>",
        "Prod",
        &[
            ("register-vm/1", StepKind::Register),
            ("start-vm/1", StepKind::Start),
            ("wait-vm/1", StepKind::Up),
        ],
        StepOutcome::Done,
    );
    web.macs_reassigned.push(MacChange {
        nic: "nic1".into(),
        from: "56:6f:1a:00:00:01".into(),
        to: "56:6f:2b:00:00:07".into(),
    });
    let db = vm(
        "db1",
        "Test",
        &[
            ("register-vm/2", StepKind::Register),
            ("start-vm/2", StepKind::Start),
            ("wait-vm/2", StepKind::Up),
        ],
        StepOutcome::Failed,
    );
    let facts: BTreeMap<String, String> = [
        ("split_brain.decision", "proceed-forced"),
        ("split_brain.evidence", "host h1 answered"),
        ("split_brain.force_reason", "site burned down"),
        ("split_brain.forced_by", "alice"),
        ("split_brain.forced_at", "2026-01-01T00:00:01Z"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    Report {
        schema: REPORT_SCHEMA,
        run_id: "failover-secondary-1".into(),
        kind: PlanKind::Failover,
        target: Site::Secondary,
        source: Site::Primary,
        drill: false,
        verdict: Verdict::Partial,
        started_at: "2026-01-01T00:00:00Z".into(),
        finished_at: "2026-01-01T00:01:40Z".into(),
        inputs: ReportInputs {
            mapping_sha256: "mapsha".into(),
            plan_hash: "planhash".into(),
            tool_version: "0.1.0".into(),
        },
        rto: RtoBreakdown {
            lease_wait_ms: 80_000,
            storage_ms: 85_000,
            registration_ms: 5_000,
            start_ms: 2_000,
            vms_up_ms: 8_000,
            total_ms: 100_000,
        },
        counts: StepCounts {
            done: 6,
            failed: 1,
            ..StepCounts::default()
        },
        storage_domains: vec![EntityOutcome {
            site: Site::Secondary,
            name: "data1".into(),
            id: Some("d1".into()),
            outcome: StepOutcome::Done,
            error: None,
            duration_ms: 85_000,
            steps: vec![
                entity_step("import/data1", StepKind::Import),
                entity_step("attach/data1", StepKind::Attach),
            ],
        }],
        templates: Vec::new(),
        vms: vec![web, db],
        steps: vec![
            step("guard", StepOutcome::Done, 0, 1_000, 0),
            step("import/data1", StepOutcome::Done, 1_000, 4_000, 0),
            step("attach/data1", StepOutcome::Done, 5_000, 81_000, 80_000),
            step("register-vm/1", StepOutcome::Done, 86_000, 3_000, 0),
            step("register-vm/2", StepOutcome::Done, 86_000, 5_000, 0),
            step("start-vm/1", StepOutcome::Done, 89_000, 1_000, 0),
            step("start-vm/2", StepOutcome::Done, 91_000, 1_000, 0),
            step("wait-vm/1", StepOutcome::Done, 90_000, 4_000, 0),
            step("wait-vm/2", StepOutcome::Failed, 92_000, 8_000, 0),
        ],
        facts,
        verification: None,
        critical_path: ["guard", "import/data1", "attach/data1", "register-vm/2"]
            .into_iter()
            .chain(["start-vm/2", "wait-vm/2"])
            .map(StepId::from)
            .collect(),
        recovery_groups: Vec::new(),
        recovery_hooks: Vec::new(),
    }
}

#[test]
fn the_page_is_self_contained_escaped_and_has_every_section() {
    let html = sample().render_html();
    assert!(html.starts_with("<!DOCTYPE html>"));
    for absent in ["http://", "https://", "<link", "src=\"", "@import"] {
        assert!(!html.contains(absent), "fetches nothing: {absent}");
    }
    assert!(
        html.contains("web&lt;1&gt;") && !html.contains("web<1>"),
        "names are escaped"
    );
    assert!(html.contains("[Cannot &lt;acquire&gt; host id]"));
    assert!(
        html.contains("What to do: promote &lt;the&gt; replicas"),
        "the hint is shown, escaped"
    );
    for id in [
        "id=\"verdict\"",
        "id=\"timeline\"",
        "id=\"vm-table\"",
        "id=\"failures\"",
        "id=\"evidence\"",
        "id=\"forced\"",
        "id=\"inputs\"",
    ] {
        assert!(html.contains(id), "{id}");
    }
    assert!(html.contains(">PARTIAL<") && html.contains("recovery time <b>100.0 s</b>"));
    assert!(html.contains("site burned down") && html.contains("planhash"));
    assert!(html.contains("56:6f:1a:00:00:01 \u{2192} 56:6f:2b:00:00:07"));
    assert!(html.contains("@media print"));
}

#[test]
fn the_timeline_has_a_row_per_domain_and_vm_and_marks_the_critical_path() {
    let html = sample().render_html();
    assert_eq!(html.matches("class=\"tl-row tl-domain").count(), 1);
    assert_eq!(html.matches("class=\"tl-row tl-vm").count(), 2);
    assert_eq!(
        html.matches("class=\"tl-row tl-vm crit\"").count(),
        1,
        "db1 only"
    );
    assert!(html.contains("tl-domain crit"));
    // The attach's lease wait is a bar of its own: 80 s from 5 s, of 100 s.
    assert!(
        html.contains("class=\"bar k-lease crit\" style=\"left:5.000%;width:80.000%\""),
        "{html}"
    );
    assert!(html.contains("class=\"bar k-up bad crit\""));
    // The guard is on the critical path but belongs to no entity.
    assert!(html.contains("tl-other crit"));
}

#[test]
fn vm_rows_carry_what_the_filters_read() {
    let html = sample().render_html();
    assert!(html.contains(
        "data-name=\"db1\" data-cluster=\"Test\" data-outcome=\"up failed\" data-up-ms=\"\" data-mac=\"no\""
    ));
    assert!(html.contains(
        "data-cluster=\"Prod\" data-outcome=\"up\" data-up-ms=\"94000\" data-mac=\"yes\""
    ));
    assert!(
        html.contains("<option value=\"Prod\">Prod</option><option value=\"Test\">Test</option>")
    );
}

#[test]
fn a_diff_names_the_vms_that_changed_and_the_rto_per_part() {
    let before = sample();
    let mut after = sample();
    after.run_id = "failover-secondary-2".into();
    after.rto.lease_wait_ms = 2_000;
    after.rto.total_ms = 22_000;
    after.vms[1].up = Some(StepOutcome::Done);
    after.vms[1].error = None;
    after.vms.remove(0);
    let diff = ReportDiff::new(&before, &after);
    assert_eq!(diff.vms_unchanged, 0);
    let changes: Vec<(&str, &str, &str)> = diff
        .vms_changed
        .iter()
        .map(|c| (c.name.as_str(), c.before.as_str(), c.after.as_str()))
        .collect();
    assert_eq!(
        changes,
        [("db1", "up failed", "up"), ("web<1>", "up", "absent")]
    );
    let lease = &diff.rto[0];
    assert_eq!(
        (lease.phase.as_str(), lease.delta_ms),
        ("lease_wait", -78_000)
    );
    let text = diff.render_text();
    assert!(
        text.contains("  lease wait        80.0 s      2.0 s    -78.0 s"),
        "{text}"
    );
    assert!(
        text.contains("db1 on the secondary site: up failed -> up"),
        "{text}"
    );
    let html = diff.render_html();
    assert!(html.contains("web&lt;1&gt;") && html.contains("class=\"faster\">-78.0 s"));
    let json: serde_json::Value = serde_json::from_str(&diff.to_json()).unwrap();
    assert_eq!(json["vms_changed"][0]["after"], "up");
}

#[test]
fn a_report_round_trips_through_json_with_its_timeline() {
    let r = sample();
    let back: Report = serde_json::from_str(&r.to_json()).unwrap();
    assert_eq!(back, r);
}

#[test]
fn a_recovery_plans_groups_and_hooks_are_on_the_page() {
    use crate::report::{AddressOutcome, GroupOutcome, HookOutcome};
    let mut r = sample();
    let html = r.render_html();
    assert!(
        !html.contains("id=\"recovery-groups\"") && !html.contains("id=\"recovery-hooks\""),
        "no sections without a recovery plan"
    );
    r.recovery_groups = vec![
        GroupOutcome {
            name: "infra<1>".into(),
            started: 2,
            first_start_ms: Some(89_000),
            time_to_up_ms: Some(5_000),
            outcome: StepOutcome::Done,
            not_passed: Vec::new(),
            addresses: vec![AddressOutcome {
                vm: "web<1>".into(),
                interface: "eth0".into(),
                old: "10.1.0.5".parse().unwrap(),
                new: "10.201.0.5".parse().unwrap(),
                applied: Some(false),
            }],
        },
        GroupOutcome {
            name: "web".into(),
            started: 1,
            first_start_ms: None,
            time_to_up_ms: None,
            outcome: StepOutcome::Failed,
            not_passed: vec!["db1".into()],
            addresses: Vec::new(),
        },
    ];
    let long: String = (1..=50).map(|i| format!("line {i}\n")).collect();
    r.recovery_hooks = vec![
        HookOutcome {
            step: "hook/group/infra/after".into(),
            kind: "hook".into(),
            point: "after".into(),
            group: Some("infra<1>".into()),
            vm: None,
            what: "dns-update --zone <prod>".into(),
            outcome: StepOutcome::Done,
            passed: Some(false),
            exit: Some(5),
            started_ms: Some(95_000),
            duration_ms: 1_500,
            note: Some("the command exited with 5".into()),
            stdout: long,
            stderr: "token <redacted>\n".into(),
        },
        HookOutcome {
            step: "manual/run".into(),
            kind: "manual".into(),
            point: "manual".into(),
            group: None,
            vm: None,
            what: "confirm the DNS change".into(),
            outcome: StepOutcome::Done,
            passed: Some(true),
            exit: None,
            started_ms: Some(88_000),
            duration_ms: 60_000,
            note: Some("/run/dr/manual/run.ok exists".into()),
            stdout: String::new(),
            stderr: String::new(),
        },
    ];
    let html = r.render_html();
    assert!(html.contains("id=\"recovery-groups\"") && html.contains("id=\"recovery-hooks\""));
    assert!(
        html.contains(
            "<tr class=\"\"><td>infra&lt;1&gt;</td><td>2</td><td>+89.0 s</td><td>5.0 s</td><td>done</td><td></td></tr>"
        ),
        "{html}"
    );
    assert!(html.contains(
        "<tr class=\"bad\"><td>web</td><td>1</td><td>-</td><td>no VM up</td><td>failed</td><td>db1</td></tr>"
    ));
    assert!(html.contains("<td>10.1.0.5</td><td>10.201.0.5</td><td>NO (no cloud-init?"));
    assert!(html.contains(
        "<td>hook after of group infra&lt;1&gt;</td><td><code>dns-update --zone &lt;prod&gt;</code></td><td>FAILED, went on</td><td>5</td><td>+95.0 s</td><td>1.5 s</td><td>the command exited with 5</td>"
    ), "{html}");
    assert!(html.contains(
        "<td>manual step</td><td><code>confirm the DNS change</code></td><td>passed</td><td></td>"
    ));
    // The end of the output: its last 40 lines, escaped.
    assert!(html.contains("[... 10 lines before, in the journal ...]\nline 11\n"));
    assert!(!html.contains("line 10\n"));
    assert!(html.contains("line 50</pre>"));
    assert!(html.contains("<summary>end of stderr</summary><pre>token &lt;redacted&gt;</pre>"));
}
