//! The password (and the token) never reach a log line, an error, a Debug print or any request
//! other than the SSO token request.
#![cfg(feature = "rest")]

mod rest_support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use olvm_dr_core::Secret;
use olvm_dr_core::engine::rest::{RestConfig, RestEngine};
use olvm_dr_core::engine::{Engine, ErrorKind};
use rest_support::{Reply, assert_no_password, fast, start};

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_log_error_debug_or_api_request_holds_the_password() {
    let logs = Buffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = start().await;
    let engine = server.client();
    let mut texts = vec![format!("{engine:?}"), format!("{:?}", engine.config())];

    // Login, a refused token and a re-login, retries of a flaky read, failures.
    let count = Arc::new(Mutex::new(0));
    let c = count.clone();
    server.engine.respond(move |_| {
        let mut n = c.lock().unwrap();
        *n += 1;
        match *n {
            1 | 2 => Reply::html(503),
            _ => Reply::ok("<roles/>"),
        }
    });
    engine.roles().await.unwrap();
    server.engine.expire_tokens();
    engine.roles().await.unwrap();
    server
        .engine
        .respond(|_| Reply::fault(409, "[Cannot run VM. VM is running.]"));
    let e = engine.start_vm(rest_support::id(1)).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidState);
    texts.push(format!("{e} {e:?}"));
    engine.close().await.unwrap();

    // A wrong password: the error names the user, not the password.
    let mut site = server.site();
    site.password = Secret::new(format!("{}-wrong", rest_support::PASSWORD));
    let bad = RestEngine::with_config(fast(RestConfig::new(&site).unwrap())).unwrap();
    let e = bad.api_info().await.unwrap_err();
    texts.push(format!("{e} {e:?} {bad:?}"));

    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("retrying after a transient failure"),
        "the retries were logged: {logs}"
    );
    texts.push(logs);
    for text in &texts {
        assert_no_password(text);
        assert!(!text.contains("token-1"), "a token leaked: {text}");
    }
    for request in server.engine.requests() {
        if request.path != "/ovirt-engine/sso/oauth/token" {
            assert_no_password(&format!("{request:?}"));
        }
    }
}
