//! TLS: the Engine's CA file is trusted (and only it), a missing or wrong CA fails, `insecure`
//! works when asked for.
#![cfg(feature = "rest")]

mod rest_support;

use olvm_dr_core::engine::rest::{RestConfig, RestConfigError, RestEngine, RetryConfig};
use olvm_dr_core::engine::{Engine, ErrorKind};
use rest_support::{Reply, TempDir, fast, start_tls};

const API: &str = r#"<api><product_info><name>oVirt Engine</name><vendor>ovirt.org</vendor>
  <version><build>6</build><full_version>4.5.6-1.el9</full_version><major>4</major><minor>5</minor><revision>0</revision></version>
</product_info></api>"#;

fn client(site: &olvm_dr_core::SiteConnection) -> Result<RestEngine, RestConfigError> {
    RestEngine::with_config(fast(RestConfig::new(site).unwrap()).with_retry(RetryConfig::none()))
}

#[tokio::test]
async fn verifies_the_engine_against_its_ca_file() {
    let server = start_tls().await;
    server.engine.respond(|_| Reply::ok(API));
    let info = client(&server.site()).unwrap().api_info().await.unwrap();
    assert_eq!(info.version.full_version, "4.5.6-1.el9");
    assert_eq!(
        server.engine.logins(),
        1,
        "the SSO goes through the same TLS client"
    );
}

#[tokio::test]
async fn refuses_an_engine_whose_certificate_it_cannot_verify() {
    let server = start_tls().await;
    server.engine.respond(|_| Reply::ok(API));

    // No CA file: the system store does not know the test CA.
    let mut site = server.site();
    site.ca_file = None;
    let e = client(&site).unwrap().api_info().await.unwrap_err();
    // The Engine answered: a certificate error is neither "dark" nor worth retrying.
    assert_eq!(e.kind, ErrorKind::Certificate, "{e}");
    assert!(!e.is_retryable() && !e.kind.is_no_answer());
    assert!(e.to_string().contains("check the CA file"), "{e}");
    assert!(
        server.engine.requests().is_empty(),
        "nothing reached the server"
    );

    // Another CA: the Engine's own CA is the only one trusted.
    let other = start_tls().await;
    let mut site = server.site();
    site.ca_file = other.ca_file.clone();
    let e = client(&site).unwrap().api_info().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Certificate, "{e}");
    assert!(e.to_string().to_lowercase().contains("certificate"), "{e}");
}

#[tokio::test]
async fn insecure_skips_verification_only_when_asked() {
    let server = start_tls().await;
    server.engine.respond(|_| Reply::ok(API));
    let mut site = server.site();
    site.ca_file = None;
    site.insecure = true;
    assert!(client(&site).unwrap().api_info().await.is_ok());
}

#[test]
fn unusable_ca_files_are_configuration_errors() {
    let dir = TempDir::new();
    let mut site = olvm_dr_core::SiteConnection {
        url: "https://engine.example/ovirt-engine/api".into(),
        username: "admin@internal".into(),
        password: olvm_dr_core::Secret::new("x"),
        ca_file: Some(dir.path.join("missing.pem")),
        insecure: false,
    };
    let e = RestEngine::connect(&site).unwrap_err();
    assert!(matches!(e, RestConfigError::CaFile { .. }), "{e}");
    let empty = dir.path.join("empty.pem");
    std::fs::write(&empty, "not a certificate\n").unwrap();
    site.ca_file = Some(empty);
    let e = RestEngine::connect(&site).unwrap_err();
    assert!(e.to_string().contains("no PEM certificate"), "{e}");
    site.insecure = true;
    assert!(
        RestEngine::connect(&site).is_ok(),
        "insecure needs no CA file"
    );
}
