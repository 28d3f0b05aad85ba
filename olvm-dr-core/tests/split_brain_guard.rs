//! The split-brain guard's decision table (README, "The split-brain guard"), row by row, on
//! fake worlds: an Engine that answers with any error is up; only no answer at all lets the
//! guard look at the hosts; any host that answers refuses; force and drill proceed, recorded.

mod flow_support;

use flow_support::context;
use olvm_dr_core::Site;
use olvm_dr_core::engine::{EngineError, ErrorKind};
use olvm_dr_core::fake::{Operation, World, WorldBuilder};
use olvm_dr_core::flow::{FlowContext, Resume, RunOptions, RunStore};
use olvm_dr_core::plan::FailoverOptions;
use olvm_dr_core::report::{Report, StepOutcome};

async fn failover(
    world: &World,
    ctx: &FlowContext,
    store: &RunStore,
    options: &FailoverOptions,
) -> Report {
    let prepared = ctx
        .prepare_failover(Site::Secondary, options, store, &Resume::Never)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let run = RunOptions {
        host_probe: world.host_probe(),
        ..RunOptions::default()
    };
    prepared.execute(ctx, store, &run).await.unwrap()
}

fn decision(report: &Report) -> &str {
    report
        .facts
        .get("split_brain.decision")
        .map_or("", String::as_str)
}

fn guard_error(report: &Report) -> String {
    let guard = report
        .steps
        .iter()
        .find(|s| s.id.0 == "guard/split-brain")
        .expect("a guard step");
    assert_eq!(guard.outcome, StepOutcome::Failed, "{}", guard.summary);
    guard.error.clone().unwrap_or_default()
}

fn evidence(report: &Report) -> &str {
    report
        .facts
        .get("split_brain.evidence")
        .map_or("", String::as_str)
}

async fn nothing_imported(world: &World) {
    let known = world
        .dyn_engine(Site::Secondary)
        .storage_domains()
        .await
        .unwrap();
    assert!(
        world
            .facts()
            .domains
            .iter()
            .all(|d| !known.iter().any(|k| k.id == d.id)),
        "nothing was imported"
    );
}

/// A world whose replicas were promoted (what an operator does before a failover), with the
/// primary's hosts recorded in `store` as a run while the primary answered would record them.
async fn promoted_world(seed: u64, store: &RunStore) -> World {
    let world = WorldBuilder::small(seed).build();
    world.stop_all_replication();
    let hosts = world.dyn_engine(Site::Primary).hosts().await.unwrap();
    store.remember_hosts(Site::Primary, &hosts).unwrap();
    world
}

fn state_dir() -> (tempfile::TempDir, RunStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = RunStore::open(dir.path()).unwrap();
    (dir, store)
}

/// Rows "answers with an error": an HTTP status (401 from a wrong password, 503 from the
/// proxy, 500), an SSO refusal, a certificate this client does not trust. Each refuses, says
/// what it got and what to do, and imports nothing.
#[tokio::test(start_paused = true)]
async fn an_engine_that_answers_with_an_error_is_up_and_the_guard_refuses() {
    let cases = [
        (
            EngineError::new(ErrorKind::Unauthenticated, "api_info")
                .with_status(401)
                .with_message("the Engine refused the session token"),
            "password",
        ),
        (
            EngineError::new(ErrorKind::Unauthenticated, "api_info")
                .with_message("SSO: access_denied: Cannot authenticate user"),
            "password",
        ),
        (
            EngineError::new(ErrorKind::Certificate, "api_info")
                .with_message("invalid peer certificate: UnknownIssuer"),
            "CA file",
        ),
        (
            EngineError::new(ErrorKind::Unavailable, "api_info").with_status(503),
            "find out why",
        ),
        (
            EngineError::new(ErrorKind::Internal, "api_info").with_status(500),
            "find out why",
        ),
    ];
    for (seed, (error, fix)) in (10..).zip(cases) {
        let (_dir, store) = state_dir();
        let world = promoted_world(seed, &store).await;
        let ctx = context(&world, "guard-answered");
        world.fail_next(Site::Primary, Operation::ApiInfo, 100, error.clone());
        let report = failover(&world, &ctx, &store, &FailoverOptions::default()).await;
        assert_eq!(decision(&report), "refuse", "{error}");
        let message = guard_error(&report);
        assert!(message.contains("Engine is up"), "{message}");
        assert!(message.contains(fix), "{fix}: {message}");
        assert!(message.contains("--force --reason"), "{message}");
        assert!(message.contains(&error.kind.to_string()), "{message}");
        nothing_imported(&world).await;
    }
}

/// Row "Engine dark, hosts up": an Engine-only outage leaves the hosts running; a host that
/// answers on VDSM's port refuses the run, named.
#[tokio::test(start_paused = true)]
async fn a_dark_engine_with_hosts_up_is_refused_naming_the_host() {
    let (_dir, store) = state_dir();
    let world = promoted_world(20, &store).await;
    let ctx = context(&world, "guard-engine-only");
    world.engine_outage(Site::Primary);
    let report = failover(&world, &ctx, &store, &FailoverOptions::default()).await;
    assert_eq!(decision(&report), "refuse");
    let message = guard_error(&report);
    let host = &store.known_hosts()[&Site::Primary][0];
    assert!(message.contains("does not answer"), "{message}");
    assert!(
        message.contains(&format!("'{}' ({})", host.name, host.address)),
        "{message}"
    );
    assert!(
        evidence(&report).contains("answered: accepted a connection on port 54321"),
        "{}",
        evidence(&report)
    );
    nothing_imported(&world).await;
}

/// Row "everything dark": the Engine does not answer and no known host does: proceed, with
/// every probe in the evidence.
#[tokio::test(start_paused = true)]
async fn everything_dark_proceeds_with_the_probes_in_the_evidence() {
    let (_dir, store) = state_dir();
    let world = promoted_world(30, &store).await;
    let ctx = context(&world, "guard-dark");
    world.disaster(Site::Primary);
    let report = failover(&world, &ctx, &store, &FailoverOptions::default()).await;
    assert_eq!(decision(&report), "proceed", "{}", report.render_summary());
    let seen = evidence(&report);
    assert!(
        seen.contains("the primary Engine did not answer (api_info failed (unreachable)"),
        "{seen}"
    );
    for host in &store.known_hosts()[&Site::Primary] {
        assert!(
            seen.contains(&format!(
                "host '{}' ({}:54321) did not answer: connection refused",
                host.name, host.address
            )),
            "{seen}"
        );
    }
}

/// Row "forced": the same dark Engine with hosts up proceeds with --force, and the run records
/// the decision and the reason.
#[tokio::test(start_paused = true)]
async fn a_forced_run_proceeds_and_records_why() {
    let (_dir, store) = state_dir();
    let world = promoted_world(40, &store).await;
    let ctx = context(&world, "guard-forced");
    world.engine_outage(Site::Primary);
    let forced = FailoverOptions {
        force_reason: Some("hosts fenced at the PDU".into()),
        ..FailoverOptions::default()
    };
    let report = failover(&world, &ctx, &store, &forced).await;
    assert_eq!(decision(&report), "proceed-forced");
    assert_eq!(
        report.facts["split_brain.force_reason"],
        "hosts fenced at the PDU"
    );
    assert!(
        evidence(&report).contains(") answered: "),
        "{}",
        evidence(&report)
    );
    assert!(report.facts.contains_key("split_brain.forced_by"));
    assert!(report.facts.contains_key("split_brain.forced_at"));
    // Shown in the text summary (and so in `report show`), not only in the JSON.
    let text = report.render_summary();
    assert!(
        text.contains("FORCED past the split-brain guard by ")
            && text.contains(": hosts fenced at the PDU")
            && text.contains(
                "split-brain guard: proceed-forced; what it saw: the primary Engine did not answer"
            ),
        "{text}"
    );
}

/// A run while the source answers records its hosts in the state directory, where a later
/// guard finds them when that source is dark; without a state directory nothing is written.
#[tokio::test(start_paused = true)]
async fn a_run_records_the_hosts_of_every_site_that_answers() {
    let dir = tempfile::tempdir().unwrap();
    let store = RunStore::open(dir.path()).unwrap();
    let world = WorldBuilder::small(50).build();
    world.stop_all_replication();
    let ctx = context(&world, "guard-record");
    assert!(store.known_hosts().is_empty());
    let report = failover(&world, &ctx, &store, &FailoverOptions::default()).await;
    assert_eq!(decision(&report), "refuse");
    let known = store.known_hosts();
    let primary = world.dyn_engine(Site::Primary).hosts().await.unwrap();
    assert_eq!(known[&Site::Primary].len(), primary.len());
    assert!(known.contains_key(&Site::Secondary));
    drop(store);

    world.engine_outage(Site::Primary);
    let store = RunStore::open(dir.path()).unwrap();
    let report = failover(&world, &ctx, &store, &FailoverOptions::default()).await;
    assert_eq!(decision(&report), "refuse");
    assert!(guard_error(&report).contains("its hosts"));
}
