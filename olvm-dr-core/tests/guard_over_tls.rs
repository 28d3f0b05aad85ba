//! The split-brain guard with a real REST client for the source: an Engine whose certificate
//! this client does not trust (another CA: UnknownIssuer) answered, so the guard refuses at
//! once, without retries; a source where nothing listens is dark, decided in milliseconds.
#![cfg(feature = "rest")]

mod flow_support;
mod rest_support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use flow_support::context;
use olvm_dr_core::engine::rest::{RestConfig, RestEngine};
use olvm_dr_core::fake::{World, WorldBuilder};
use olvm_dr_core::flow::{FlowContext, Resume, RunOptions, RunStore};
use olvm_dr_core::plan::FailoverOptions;
use olvm_dr_core::report::Report;
use olvm_dr_core::{Engine, Site, SiteConnection};
use rest_support::{Reply, fast, start_tls};

const API: &str = r#"<api><product_info><name>oVirt Engine</name><vendor>ovirt.org</vendor>
  <version><build>6</build><full_version>4.5.6-1.el9</full_version><major>4</major><minor>5</minor><revision>0</revision></version>
</product_info></api>"#;

/// A world whose replicas were promoted, with `source` in place of the fake primary.
fn with_source(world: &World, source: &SiteConnection) -> FlowContext {
    let mut ctx = context(world, "guard-tls");
    let engine = RestEngine::with_config(fast(RestConfig::new(source).unwrap())).unwrap();
    ctx.engines
        .insert(Site::Primary, Arc::new(engine) as Arc<dyn Engine>);
    ctx
}

async fn failover(ctx: &FlowContext) -> Report {
    let store = RunStore::in_memory();
    let prepared = ctx
        .prepare_failover(
            Site::Secondary,
            &FailoverOptions::default(),
            &store,
            &Resume::Never,
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    prepared
        .execute(ctx, &store, &RunOptions::default())
        .await
        .unwrap()
}

fn guard(report: &Report) -> &olvm_dr_core::report::StepResult {
    report
        .steps
        .iter()
        .find(|s| s.id.0 == "guard/split-brain")
        .unwrap()
}

#[tokio::test]
async fn an_untrusted_certificate_is_an_answer_and_the_guard_refuses_without_retrying() {
    let world = WorldBuilder::small(71).build();
    world.stop_all_replication();
    let server = start_tls().await;
    server.engine.respond(|_| Reply::ok(API));
    let other = start_tls().await;
    let mut source = server.site();
    source.ca_file = other.ca_file.clone();
    let ctx = with_source(&world, &source);
    let started = Instant::now();
    let report = failover(&ctx).await;
    assert_eq!(
        report.facts.get("split_brain.decision").map(String::as_str),
        Some("refuse")
    );
    let error = guard(&report).error.clone().unwrap();
    assert!(error.contains("the primary Engine is up"), "{error}");
    assert!(
        error.contains("(certificate)") && error.contains("CA file"),
        "{error}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "no retries: {:?}",
        started.elapsed()
    );
    assert!(server.engine.requests().is_empty(), "nothing got through");
}

#[tokio::test]
async fn a_source_where_nothing_listens_is_dark_within_milliseconds() {
    let world = WorldBuilder::small(72).build();
    world.disaster(Site::Primary);
    world.expire_leases(Site::Primary);
    world.stop_all_replication();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let source = SiteConnection {
        url: format!("https://127.0.0.1:{port}/ovirt-engine/api"),
        username: "admin@internal".into(),
        password: olvm_dr_core::Secret::new("x"),
        ca_file: None,
        insecure: true,
    };
    let ctx = with_source(&world, &source);
    let report = failover(&ctx).await;
    assert_eq!(
        report.facts.get("split_brain.decision").map(String::as_str),
        Some("proceed"),
        "{}",
        report.render_summary()
    );
    let ms = guard(&report).duration_ms;
    assert!(ms < 1000, "the guard took {ms} ms");
}
