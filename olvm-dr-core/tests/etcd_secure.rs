//! The etcd store against a real 3-member cluster whose client ports speak TLS only (a CA made
//! for the test) and that requires etcd's user/password authentication: the store connects
//! and passes the store conformance suite; a wrong password, no password, or an unknown CA are
//! refused with a message that says what to fix; the password reaches no error and no log.

mod etcd_support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use etcd_client::{Client, ConnectOptions, Permission, TlsOptions};
use etcd_support::Cluster;
use olvm_dr_core::Secret;
use olvm_dr_core::journal::StateDirError;
use olvm_dr_core::state::conformance::{Opener, run_all};
use olvm_dr_core::state::etcd::EtcdStore;
use olvm_dr_core::state::{EtcdLocation, StateStore};

const USER: &str = "olvm-dr";
const PASSWORD: &str = "etcd-Pa55-correct-horse";
const WRONG_PASSWORD: &str = "etcd-Pa55-wrong-battery";
const ROOT_PASSWORD: &str = "etcd-root-Pa55-staple";
/// The keys the user may read and write (its role's permission).
const PREFIX: &str = "olvm-dr";

/// Everything logged while the test runs (every level, every crate).
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn install() -> Self {
        let captured = Self::default();
        let writer = captured.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .init();
        captured
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// Adds the root user (etcd needs it to enable authentication) and `USER` with read and write
/// on `PREFIX/`, then turns authentication on: what an operator does once with etcdctl.
fn enable_authentication(cluster: &Cluster) {
    let ca = std::fs::read(cluster.ca_file().unwrap()).unwrap();
    let endpoints: Vec<String> = cluster
        .endpoints()
        .split(',')
        .map(|e| format!("https://{e}"))
        .collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let tls = TlsOptions::new().ca_certificate(etcd_client::Certificate::from_pem(ca));
        let mut client = Client::connect(endpoints, Some(ConnectOptions::new().with_tls(tls)))
            .await
            .unwrap();
        client.user_add("root", ROOT_PASSWORD, None).await.unwrap();
        client.user_grant_role("root", "root").await.unwrap();
        client.role_add(USER).await.unwrap();
        client
            .role_grant_permission(
                USER,
                Permission::read_write(format!("{PREFIX}/")).with_prefix(),
            )
            .await
            .unwrap();
        client.user_add(USER, PASSWORD, None).await.unwrap();
        client.user_grant_role(USER, USER).await.unwrap();
        client.auth_enable().await.unwrap();
    });
}

/// A CA that signed nothing the members use.
fn unrelated_ca_pem() -> String {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap())
        .unwrap()
        .pem()
}

fn with_credentials(location: EtcdLocation, password: Option<&str>) -> EtcdLocation {
    EtcdLocation {
        user: Some(USER.into()),
        password: password.map(Secret::new),
        ..location
    }
}

#[test]
fn over_tls_with_a_user_the_store_works_and_bad_credentials_are_refused_without_the_password() {
    let logs = Captured::install();
    let cluster = Cluster::start_tls(3);
    enable_authentication(&cluster);

    // The right user and password, over TLS: the whole store conformance suite.
    let fresh = || -> Opener {
        let prefix = format!("{PREFIX}/conf-{}", uuid::Uuid::new_v4().simple());
        let location = with_credentials(cluster.location(&prefix, 5), Some(PASSWORD));
        Box::new(move |lock| {
            Ok(Arc::new(EtcdStore::connect(&location, lock)?) as Arc<dyn StateStore>)
        })
    };
    let failures = run_all(&fresh);
    assert!(failures.is_empty(), "{failures:#?}");

    let prefix = format!("{PREFIX}/refused");
    let mut messages = Vec::new();
    let mut refused = |location: &EtcdLocation, says: &[&str]| {
        let e = EtcdStore::connect(location, true).expect_err("refused");
        let text = e.to_string();
        assert!(
            matches!(e, StateDirError::Unavailable { .. }),
            "{e:?}: {text}"
        );
        for s in says {
            assert!(text.contains(s), "'{s}' not in: {text}");
        }
        messages.push(format!("{text}\n{e:?}"));
    };
    // A wrong password.
    refused(
        &with_credentials(cluster.location(&prefix, 5), Some(WRONG_PASSWORD)),
        &[
            "cannot use the state store etcds://",
            "authentication failed",
        ],
    );
    // No credentials at all, where the cluster requires them.
    refused(
        &cluster.location(&prefix, 5),
        &["cannot use the state store etcds://"],
    );
    // A user without a password: refused before connecting, saying where to put it.
    refused(
        &with_credentials(cluster.location(&prefix, 5), None),
        &[
            "no password for etcd user 'olvm-dr'",
            "OLVM_DR_STATE_PASSWORD",
        ],
    );
    // Members whose certificate this CA did not sign.
    let other_ca = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(other_ca.path(), unrelated_ca_pem()).unwrap();
    refused(
        &EtcdLocation {
            ca_file: Some(other_ca.path().to_owned()),
            ..with_credentials(cluster.location(&prefix, 5), Some(PASSWORD))
        },
        &["cannot use the state store etcds://"],
    );
    // TLS without a CA file: refused, naming the setting.
    refused(
        &EtcdLocation {
            ca_file: None,
            ..with_credentials(cluster.location(&prefix, 5), Some(PASSWORD))
        },
        &["[state] ca_file="],
    );

    let logs = logs.text();
    assert!(logs.contains("TRACE"), "the logs were captured: {logs}");
    for secret in [PASSWORD, WRONG_PASSWORD] {
        for m in &messages {
            assert!(!m.contains(secret), "the password is in an error: {m}");
        }
        assert!(!logs.contains(secret), "the password is in the logs");
    }
    let location = with_credentials(cluster.location(&prefix, 5), Some(PASSWORD));
    assert!(!format!("{location:?} {location}").contains(PASSWORD));
}
