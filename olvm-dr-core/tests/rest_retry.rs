//! Reads are retried on transient failures, mutating calls never; per-attempt timeouts; an
//! Engine that cannot be reached.
#![cfg(feature = "rest")]

mod rest_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use olvm_dr_core::engine::rest::{RestConfig, RestEngine, RetryConfig};
use olvm_dr_core::engine::{Engine, ErrorKind};
use rest_support::{Reply, fast, id, start};

const ROLES: &str = r#"<roles><role id="00000000-0000-0000-0000-000000000091"><name>UserVmManager</name>
  <administrative>false</administrative><mutable>false</mutable></role></roles>"#;

/// Answers 503 `failures` times, then `ok`.
fn flaky(failures: u32, ok: Reply) -> impl FnMut(&rest_support::Seen) -> Reply + Send {
    let count = Arc::new(AtomicU32::new(0));
    move |_| {
        if count.fetch_add(1, Ordering::SeqCst) < failures {
            Reply::html(503)
        } else {
            ok.clone()
        }
    }
}

#[tokio::test]
async fn a_get_is_retried_until_it_succeeds() {
    let server = start().await;
    server.engine.respond(flaky(2, Reply::ok(ROLES)));
    let roles = server.client().roles().await.unwrap();
    assert_eq!(roles[0].name, "UserVmManager");
    assert_eq!(server.engine.api_requests().len(), 3);
}

#[tokio::test]
async fn a_get_gives_up_after_the_configured_retries() {
    let server = start().await;
    server.engine.respond(flaky(100, Reply::ok(ROLES)));
    let e = server.client().roles().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unavailable);
    assert_eq!(e.http_status, Some(503));
    assert_eq!(
        server.engine.api_requests().len(),
        4,
        "one attempt and three retries"
    );
}

#[tokio::test]
async fn a_get_that_fails_for_good_is_not_retried() {
    let server = start().await;
    server.engine.respond(|_| Reply::empty(404));
    let e = server.client().vm(id(1)).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
    assert_eq!(server.engine.api_requests().len(), 1);
}

#[tokio::test]
async fn mutating_calls_are_never_retried() {
    let server = start().await;
    server.engine.respond(flaky(1, Reply::complete()));
    let engine = server.client();
    let e = engine.start_vm(id(1)).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unavailable);
    assert_eq!(server.engine.api_requests().len(), 1);

    server.engine.respond(flaky(1, Reply::complete()));
    let e = engine
        .attach_storage_domain(id(0xd1), id(0xa1))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unavailable);
    let e = engine.remove_vm(id(2)).await;
    assert!(e.is_ok(), "the next call is a new request");
    assert_eq!(server.engine.api_requests().len(), 3);
}

#[tokio::test]
async fn each_attempt_has_a_timeout_and_slow_reads_are_retried() {
    let server = start().await;
    let count = Arc::new(AtomicU32::new(0));
    let c = count.clone();
    server.engine.respond(move |_| {
        if c.fetch_add(1, Ordering::SeqCst) == 0 {
            Reply::ok(ROLES).after(Duration::from_secs(2))
        } else {
            Reply::ok(ROLES)
        }
    });
    let config = fast(RestConfig::new(&server.site()).unwrap())
        .with_read_timeout(Duration::from_millis(300));
    let engine = RestEngine::with_config(config).unwrap();
    let started = std::time::Instant::now();
    assert_eq!(engine.roles().await.unwrap().len(), 1);
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(count.load(Ordering::SeqCst), 2);

    // A slow mutating call times out and is not repeated.
    server
        .engine
        .respond(|_| Reply::complete().after(Duration::from_secs(2)));
    let config = fast(RestConfig::new(&server.site()).unwrap())
        .with_action_timeout(Duration::from_millis(300));
    let engine = RestEngine::with_config(config).unwrap();
    let before = server.engine.api_requests().len();
    let e = engine.start_vm(id(1)).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Timeout);
    assert!(
        e.to_string().contains("no complete answer within 0.3 s"),
        "{e}"
    );
    assert_eq!(server.engine.api_requests().len(), before + 1);
}

#[tokio::test]
async fn an_engine_that_does_not_listen_is_unreachable_after_one_attempt() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let site = olvm_dr_core::SiteConnection {
        url: format!("http://127.0.0.1:{port}/ovirt-engine/api"),
        username: "admin@internal".into(),
        password: olvm_dr_core::Secret::new("x"),
        ca_file: None,
        insecure: false,
    };
    // The default retries: a refused connect is not repeated, so a dark site is known at once.
    let config = fast(RestConfig::new(&site).unwrap()).with_retry(RetryConfig::default());
    let started = std::time::Instant::now();
    let e = RestEngine::with_config(config)
        .unwrap()
        .api_info()
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < std::time::Duration::from_millis(200),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(e.kind, ErrorKind::Unreachable, "{e}");
    assert!(e.kind.is_no_answer());
    assert_eq!(e.operation, "api_info");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_request_limit_bounds_requests_in_flight() {
    let server = start().await;
    server
        .engine
        .respond(|_| Reply::ok(ROLES).after(Duration::from_millis(30)));
    let config = fast(RestConfig::new(&server.site()).unwrap()).with_max_concurrent_requests(3);
    let engine = RestEngine::with_config(config).unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..12 {
        let engine = engine.clone();
        tasks.spawn(async move { engine.roles().await });
    }
    while let Some(r) = tasks.join_next().await {
        r.unwrap().unwrap();
    }
    assert_eq!(server.engine.api_requests().len(), 12);
    let peak = server.engine.peak.load(Ordering::SeqCst);
    assert!((2..=3).contains(&peak), "at most 3 in flight, got {peak}");
}
