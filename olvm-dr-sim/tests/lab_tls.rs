//! A lab speaks HTTPS with a CA of its own: clients that trust `ca.pem` (the mapping names it)
//! get in, clients that do not are refused at the handshake with an error naming the CA file,
//! the Engine serves the CA at `pki-resource`, and plain HTTP happens only when asked for.

use olvm_dr_core::engine::Engine;
use olvm_dr_core::engine::rest::RestEngine;
use olvm_dr_core::mapping::Mapping;
use olvm_dr_core::{ErrorKind, Site};
use olvm_dr_sim::{Lab, LabCa, LabOptions};

fn squash(pem: &str) -> String {
    pem.lines().filter(|l| !l.starts_with("-----")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_labs_ca_verifies_both_engines_and_the_mapping_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let lab = Lab::start(LabOptions::new(dir.path())).await.unwrap();
    let ca_file = lab.state().ca_file.clone().expect("an HTTPS lab has a CA");
    assert!(ca_file.is_absolute(), "{}", ca_file.display());
    assert_eq!(ca_file, std::path::absolute(&lab.files().ca).unwrap());
    let ca_pem = std::fs::read_to_string(&ca_file).unwrap();
    assert!(ca_pem.starts_with("-----BEGIN CERTIFICATE-----"));

    let mapping = Mapping::load(&lab.files().mapping)
        .unwrap()
        .mapping
        .unwrap();
    for site in Site::BOTH {
        assert!(lab.api_url(site).starts_with("https://127.0.0.1:"));
        assert_eq!(
            mapping.site(site).ca_file.get().map(String::as_str),
            Some(ca_file.to_str().unwrap())
        );
        let connection = lab.site_connection(site);
        assert_eq!(connection.ca_file.as_ref(), Some(&ca_file));
        assert!(!connection.insecure);
        let engine = RestEngine::connect(&connection).unwrap();
        assert_eq!(engine.api_info().await.unwrap().version.major, 4);
        engine.close().await.unwrap();
    }
    lab.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_without_the_labs_ca_is_refused_with_an_error_naming_the_ca_file() {
    let dir = tempfile::tempdir().unwrap();
    let lab = Lab::start(LabOptions::new(dir.path())).await.unwrap();

    // No CA file: the system's roots, which do not know the lab's CA.
    let mut connection = lab.site_connection(Site::Primary);
    connection.ca_file = None;
    let e = RestEngine::connect(&connection)
        .unwrap()
        .api_info()
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Certificate, "{e}");
    assert!(e.to_string().contains("check the CA file"), "{e}");

    // Another CA (another lab's): unknown issuer, the same clear error.
    let other = dir.path().join("other-ca.pem");
    std::fs::write(&other, LabCa::generate().unwrap().ca_pem()).unwrap();
    connection.ca_file = Some(other);
    let e = RestEngine::connect(&connection)
        .unwrap()
        .api_info()
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Certificate, "{e}");
    assert!(e.to_string().contains("does not trust"), "{e}");
    lab.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_engine_serves_its_ca_at_pki_resource_without_a_login() {
    let dir = tempfile::tempdir().unwrap();
    let lab = Lab::start(LabOptions::new(dir.path())).await.unwrap();
    let ca_pem = std::fs::read_to_string(&lab.files().ca).unwrap();
    let cert = reqwest::Certificate::from_pem(ca_pem.as_bytes()).unwrap();
    let http = reqwest::Client::builder()
        .tls_certs_only([cert])
        .build()
        .unwrap();
    let origin = lab
        .api_url(Site::Secondary)
        .trim_end_matches("/ovirt-engine/api")
        .to_owned();
    let r = http
        .get(format!(
            "{origin}/ovirt-engine/services/pki-resource?resource=ca-certificate&format=X509-PEM-CA"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/x-x509-ca-cert");
    assert_eq!(squash(&r.text().await.unwrap()), squash(&ca_pem));

    // Plain HTTP to the HTTPS port gets no HTTP answer.
    let plain = origin.replacen("https://", "http://", 1);
    let r = reqwest::Client::new()
        .get(format!("{plain}/ovirt-engine/api"))
        .send()
        .await;
    assert!(r.is_err(), "{r:?}");
    lab.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_only_when_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    // A CA left by an earlier HTTPS lab in the same directory must not look current.
    std::fs::write(dir.path().join("ca.pem"), "stale").unwrap();
    let options = LabOptions {
        plain_http: true,
        ..LabOptions::new(dir.path())
    };
    let lab = Lab::start(options).await.unwrap();
    assert!(lab.state().ca_file.is_none());
    assert!(!lab.files().ca.exists());
    let mapping = Mapping::load(&lab.files().mapping)
        .unwrap()
        .mapping
        .unwrap();
    for site in Site::BOTH {
        assert!(lab.api_url(site).starts_with("http://127.0.0.1:"));
        assert!(mapping.site(site).ca_file.get().is_none());
        let engine = RestEngine::connect(&lab.site_connection(site)).unwrap();
        engine.api_info().await.unwrap();
        engine.close().await.unwrap();
    }
    lab.shutdown().await;
}
