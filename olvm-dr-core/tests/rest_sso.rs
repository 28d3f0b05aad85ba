//! SSO login, re-login on 401, logout, and the headers every request carries.
#![cfg(feature = "rest")]

mod rest_support;

use olvm_dr_core::engine::rest::{RestConfig, RestEngine};
use olvm_dr_core::engine::{Engine, ErrorKind};
use olvm_dr_core::{Secret, SiteConnection};
use rest_support::{PASSWORD, Reply, USER, assert_no_password, fast, id, start};

const DCS: &str = r#"<data_centers><data_center href="/ovirt-engine/api/datacenters/x" id="00000000-0000-0000-0000-0000000000d1">
  <name>dr-dc</name><local>false</local><status>up</status><version><major>4</major><minor>7</minor></version>
</data_center></data_centers>"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_in_lazily_once_and_sends_the_sdk_headers() {
    let server = start().await;
    server.engine.respond(|_| Reply::ok(DCS));
    let engine = server.client();
    assert_eq!(
        server.engine.requests().len(),
        0,
        "no request before the first call"
    );

    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let engine = engine.clone();
        calls.spawn(async move { engine.data_centers().await });
    }
    while let Some(r) = calls.join_next().await {
        assert_eq!(r.unwrap().unwrap()[0].name, "dr-dc");
    }
    assert_eq!(
        server.engine.logins(),
        1,
        "concurrent first calls share one login"
    );

    let login = &server.engine.to("/ovirt-engine/sso/oauth/token")[0];
    assert_eq!(login.method, "POST");
    assert_eq!(login.header("accept"), Some("application/json"));
    assert_eq!(
        login.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let form: Vec<(String, String)> = form_urlencoded::parse(login.body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let get = |k: &str| {
        form.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(get("grant_type").as_deref(), Some("password"));
    assert_eq!(get("scope").as_deref(), Some("ovirt-app-api"));
    assert_eq!(get("username").as_deref(), Some(USER));
    assert_eq!(get("password").as_deref(), Some(PASSWORD));

    for r in server.engine.api_requests() {
        assert_eq!(r.method, "GET");
        assert_eq!(r.path, "/ovirt-engine/api/datacenters");
        assert_eq!(r.header("version"), Some("4"));
        assert_eq!(r.header("accept"), Some("application/xml"));
        assert_eq!(r.header("authorization"), Some("Bearer token-1"));
        assert!(r.header("user-agent").unwrap().starts_with("olvm-dr/"));
        assert_eq!(
            r.header("correlation-id"),
            None,
            "reads carry no correlation id"
        );
        assert_no_password(&format!("{r:?}"));
    }
}

#[tokio::test]
async fn mutating_calls_carry_a_uuid_correlation_id_and_xml_body() {
    let server = start().await;
    server.engine.respond(|_| Reply::complete());
    let engine = server.client();
    engine.start_vm(id(1)).await.unwrap();
    engine.stop_vm(id(1)).await.unwrap();
    let api = server.engine.api_requests();
    assert_eq!(api.len(), 2);
    let ids: Vec<&str> = api
        .iter()
        .map(|r| r.header("correlation-id").unwrap())
        .collect();
    for cid in &ids {
        assert!(cid.parse::<uuid::Uuid>().is_ok(), "{cid}");
    }
    assert_ne!(ids[0], ids[1]);
    assert_eq!(api[0].header("content-type"), Some("application/xml"));
    assert!(api[0].body.ends_with("<action/>"));
}

#[tokio::test]
async fn an_expired_token_gets_one_new_login_and_one_resend() {
    let server = start().await;
    server.engine.respond(|_| Reply::ok(DCS));
    let engine = server.client();
    engine.data_centers().await.unwrap();
    server.engine.expire_tokens();
    engine.data_centers().await.unwrap();
    assert_eq!(server.engine.logins(), 2);
    let api = server.engine.api_requests();
    assert_eq!(api.len(), 3, "first call, refused call, resend");
    assert_eq!(api[1].header("authorization"), Some("Bearer token-1"));
    assert_eq!(api[2].header("authorization"), Some("Bearer token-2"));

    // A mutating call is resent after a re-login too (it never reached the command), with
    // the same correlation id.
    server.engine.respond(|_| Reply::complete());
    server.engine.expire_tokens();
    engine.start_vm(id(1)).await.unwrap();
    let api = server.engine.api_requests();
    let starts: Vec<_> = api.iter().filter(|r| r.path.ends_with("/start")).collect();
    assert_eq!(starts.len(), 2);
    assert_eq!(
        starts[0].header("correlation-id"),
        starts[1].header("correlation-id")
    );
}

#[tokio::test]
async fn a_token_refused_twice_is_unauthenticated() {
    let server = start().await;
    // The API refuses every token (an Engine whose authorization is broken for this user).
    let engine = server.client();
    server.engine.respond(|_| Reply::empty(401));
    let e = engine.data_centers().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unauthenticated);
    assert_eq!(e.http_status, Some(401));
    assert_eq!(
        server.engine.logins(),
        2,
        "one login, one re-login, no more"
    );
    assert_eq!(server.engine.api_requests().len(), 2);
}

#[tokio::test]
async fn bad_credentials_are_unauthenticated_with_the_sso_text_and_no_password() {
    let server = start().await;
    let mut site = server.site();
    site.password = Secret::new("wrong p@ss");
    let engine = RestEngine::with_config(fast(RestConfig::new(&site).unwrap())).unwrap();
    let e = engine.api_info().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unauthenticated);
    let text = e.to_string();
    assert!(
        text.contains("access_denied: Cannot authenticate user 'admin@internal'"),
        "{text}"
    );
    assert!(!text.contains("wrong p@ss") && !format!("{e:?}").contains("wrong p@ss"));
    assert!(server.engine.api_requests().is_empty());
    assert!(!e.is_retryable());
}

#[tokio::test]
async fn close_logs_out_once_and_a_later_call_logs_in_again() {
    let server = start().await;
    server.engine.respond(|_| Reply::ok(DCS));
    let engine = server.client();
    engine.close().await.unwrap();
    assert!(
        server.engine.requests().is_empty(),
        "closing an unused engine sends nothing"
    );

    engine.data_centers().await.unwrap();
    engine.close().await.unwrap();
    engine.close().await.unwrap();
    let logouts = server.engine.to("/ovirt-engine/services/sso-logout");
    assert_eq!(logouts.len(), 1);
    assert_eq!(logouts[0].header("accept"), Some("application/json"));
    assert_eq!(logouts[0].body, "scope=ovirt-app-api&token=token-1");

    engine.data_centers().await.unwrap();
    assert_eq!(server.engine.logins(), 2);
}

#[tokio::test]
async fn sso_endpoints_come_from_the_api_urls_origin() {
    let server = start().await;
    server.engine.respond(|_| Reply::ok(DCS));
    let site = SiteConnection {
        url: format!("{}/ovirt-engine/api/", server.origin),
        ..server.site()
    };
    let engine = RestEngine::connect(&site).unwrap();
    engine.data_centers().await.unwrap();
    assert_eq!(server.engine.logins(), 1);
    assert_eq!(
        server.engine.api_requests()[0].path,
        "/ovirt-engine/api/datacenters"
    );
}
