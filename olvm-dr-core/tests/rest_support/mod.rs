//! A scripted Engine for the REST client's tests: an axum server on 127.0.0.1:0 (plain HTTP or
//! TLS with a CA made on the spot) that records every request, runs a small SSO, and answers
//! API requests through a closure each test sets.

#![allow(dead_code, unreachable_pub)]

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use olvm_dr_core::engine::rest::{RestConfig, RestEngine, RetryConfig};
use olvm_dr_core::{Secret, SiteConnection};

pub const USER: &str = "admin@internal";
/// A password with characters that need form encoding, to check it is sent intact.
pub const PASSWORD: &str = "p@ss w0rd&=%Zq7";

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The decoded query parameters.
    pub fn params(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(self.query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    pub fn param(&self, name: &str) -> Option<String> {
        self.params()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    pub fn is_api(&self) -> bool {
        self.path.starts_with("/ovirt-engine/api")
    }
}

/// What the server answers.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: Option<&'static str>,
    pub body: String,
    pub delay: Duration,
}

impl Reply {
    pub fn xml(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            content_type: Some("application/xml;charset=UTF-8"),
            body: body.into(),
            delay: Duration::ZERO,
        }
    }

    pub fn ok(body: impl Into<String>) -> Self {
        Self::xml(200, body)
    }

    pub fn empty(status: u16) -> Self {
        Self {
            status,
            content_type: None,
            body: String::new(),
            delay: Duration::ZERO,
        }
    }

    pub fn html(status: u16) -> Self {
        Self {
            status,
            content_type: Some("text/html"),
            body: "<html><body><h1>Service Unavailable</h1></body></html>".into(),
            delay: Duration::ZERO,
        }
    }

    pub fn fault(status: u16, detail: &str) -> Self {
        Self::xml(
            status,
            format!("<fault><detail>{detail}</detail><reason>Operation Failed</reason></fault>"),
        )
    }

    pub fn complete() -> Self {
        Self::ok("<action><status>complete</status></action>")
    }

    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

type Responder = Box<dyn FnMut(&Seen) -> Reply + Send>;

/// The server's state, shared with the test.
pub struct Engine {
    pub seen: Mutex<Vec<Seen>>,
    responder: Mutex<Responder>,
    valid_tokens: Mutex<HashSet<String>>,
    issued: AtomicU32,
    /// Delay of the SSO token answer.
    pub sso_delay: Mutex<Duration>,
    in_flight: AtomicU32,
    /// The most API requests the server was handling at once.
    pub peak: AtomicU32,
}

impl Engine {
    pub fn respond(&self, f: impl FnMut(&Seen) -> Reply + Send + 'static) {
        *self.responder.lock().unwrap() = Box::new(f);
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// API requests so far (not SSO).
    pub fn api_requests(&self) -> Vec<Seen> {
        self.requests().into_iter().filter(Seen::is_api).collect()
    }

    /// Requests to `path` (exact).
    pub fn to(&self, path: &str) -> Vec<Seen> {
        self.requests()
            .into_iter()
            .filter(|s| s.path == path)
            .collect()
    }

    pub fn logins(&self) -> usize {
        self.to("/ovirt-engine/sso/oauth/token").len()
    }

    /// Makes every token issued so far invalid (as when the Engine's session expired).
    pub fn expire_tokens(&self) {
        self.valid_tokens.lock().unwrap().clear();
    }
}

/// A running server.
pub struct Server {
    pub engine: Arc<Engine>,
    pub addr: SocketAddr,
    /// `http://127.0.0.1:port` or `https://localhost:port`.
    pub origin: String,
    /// The CA file, for TLS servers.
    pub ca_file: Option<PathBuf>,
    _dir: Option<TempDir>,
}

impl Server {
    /// The API URL.
    pub fn url(&self) -> String {
        format!("{}/ovirt-engine/api", self.origin)
    }

    pub fn site(&self) -> SiteConnection {
        SiteConnection {
            url: self.url(),
            username: USER.into(),
            password: Secret::new(PASSWORD),
            ca_file: self.ca_file.clone(),
            insecure: false,
        }
    }

    /// A client with fast test settings: short timeouts and backoff, fixed jitter.
    pub fn client(&self) -> RestEngine {
        RestEngine::with_config(fast(RestConfig::new(&self.site()).unwrap())).unwrap()
    }
}

/// Test-sized timeouts and backoff.
pub fn fast(config: RestConfig) -> RestConfig {
    config
        .with_connect_timeout(Duration::from_secs(2))
        .with_read_timeout(Duration::from_secs(5))
        .with_action_timeout(Duration::from_secs(5))
        .with_retry(RetryConfig {
            max_retries: 3,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(20),
            deadline: Duration::from_secs(10),
        })
        .with_jitter_seed(11)
}

fn new_engine() -> Arc<Engine> {
    Arc::new(Engine {
        seen: Mutex::new(Vec::new()),
        responder: Mutex::new(Box::new(|s: &Seen| {
            Reply::fault(404, &format!("no script for {} {}", s.method, s.path))
        })),
        valid_tokens: Mutex::new(HashSet::new()),
        issued: AtomicU32::new(0),
        sso_delay: Mutex::new(Duration::ZERO),
        in_flight: AtomicU32::new(0),
        peak: AtomicU32::new(0),
    })
}

fn router(engine: Arc<Engine>) -> Router {
    Router::new().fallback(handle).with_state(engine)
}

/// Serves plain HTTP.
pub async fn start() -> Server {
    let engine = new_engine();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = router(engine.clone());
    // Without TCP_NODELAY, Nagle holds back small answers on a kept-alive connection.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Server {
        engine,
        addr,
        origin: format!("http://127.0.0.1:{}", addr.port()),
        ca_file: None,
        _dir: None,
    }
}

/// Serves HTTPS for `localhost` with a certificate from a fresh CA, whose PEM is written to a
/// temporary CA file.
pub async fn start_tls() -> Server {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
    use tokio_rustls::rustls;

    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let server_key = KeyPair::generate().unwrap();
    let server_cert = CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .signed_by(&server_key, &ca)
        .unwrap();
    let dir = TempDir::new();
    let ca_file = dir.path.join("ca.pem");
    std::fs::write(&ca_file, ca.pem()).unwrap();

    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(server_key.serialize_der().into());
    let mut tls = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![server_cert.der().clone()], key)
        .unwrap();
    tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(tls));

    let engine = new_engine();
    let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = tcp.local_addr().unwrap();
    let app = router(engine.clone());
    tokio::spawn(async move {
        axum::serve(TlsListener { tcp, acceptor }, app)
            .await
            .unwrap()
    });
    Server {
        engine,
        addr,
        origin: format!("https://localhost:{}", addr.port()),
        ca_file: Some(ca_file),
        _dir: Some(dir),
    }
}

struct TlsListener {
    tcp: tokio::net::TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
}

impl axum::serve::Listener for TlsListener {
    type Io = tokio_rustls::server::TlsStream<tokio::net::TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((stream, addr)) = self.tcp.accept().await else {
                continue;
            };
            // A client that rejects our certificate just fails its handshake.
            if let Ok(tls) = self.acceptor.accept(stream).await {
                return (tls, addr);
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}

async fn handle(
    State(engine): State<Arc<Engine>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let seen = Seen {
        method: method.to_string(),
        path: uri.path().to_owned(),
        query: uri.query().unwrap_or("").to_owned(),
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned()))
            .collect(),
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    engine.seen.lock().unwrap().push(seen.clone());
    match seen.path.as_str() {
        "/ovirt-engine/sso/oauth/token" => sso_token(&engine, &seen).await,
        "/ovirt-engine/services/sso-logout" => sso_logout(&engine, &seen),
        _ => api(&engine, &seen).await,
    }
}

fn json(status: StatusCode, value: serde_json::Value) -> Response {
    (
        status,
        [("content-type", "application/json")],
        value.to_string(),
    )
        .into_response()
}

async fn sso_token(engine: &Engine, seen: &Seen) -> Response {
    let delay = *engine.sso_delay.lock().unwrap();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let form: Vec<(String, String)> = form_urlencoded::parse(seen.body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let get = |k: &str| {
        form.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    if seen.header("accept") != Some("application/json") {
        return json(
            StatusCode::BAD_REQUEST,
            serde_json::json!({"error_code": "invalid_request", "error": "Missing parameter: 'Accept Header'"}),
        );
    }
    if get("grant_type") != Some("password") || get("scope") != Some("ovirt-app-api") {
        return json(
            StatusCode::BAD_REQUEST,
            serde_json::json!({"error": "invalid_request", "error_description": "bad grant or scope"}),
        );
    }
    if get("username") != Some(USER) || get("password") != Some(PASSWORD) {
        return json(
            StatusCode::BAD_REQUEST,
            serde_json::json!({"error": "access_denied", "error_description": "Cannot authenticate user 'admin@internal': The username or password is incorrect."}),
        );
    }
    let n = engine.issued.fetch_add(1, Ordering::SeqCst) + 1;
    let token = format!("token-{n}");
    engine.valid_tokens.lock().unwrap().insert(token.clone());
    json(
        StatusCode::OK,
        serde_json::json!({"access_token": token, "token_type": "bearer", "scope": "ovirt-app-api", "exp": "0"}),
    )
}

fn sso_logout(engine: &Engine, seen: &Seen) -> Response {
    let form: Vec<(String, String)> = form_urlencoded::parse(seen.body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if let Some((_, token)) = form.iter().find(|(k, _)| k == "token") {
        engine.valid_tokens.lock().unwrap().remove(token);
    }
    json(StatusCode::OK, serde_json::json!({}))
}

async fn api(engine: &Engine, seen: &Seen) -> Response {
    let token = seen
        .header("authorization")
        .and_then(|h| h.strip_prefix("Bearer "))
        .unwrap_or("");
    if !engine.valid_tokens.lock().unwrap().contains(token) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let reply = (engine.responder.lock().unwrap())(seen);
    let now = engine.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    engine.peak.fetch_max(now, Ordering::SeqCst);
    if !reply.delay.is_zero() {
        // tokio's timer has millisecond ticks: even a zero sleep would cost one.
        tokio::time::sleep(reply.delay).await;
    }
    engine.in_flight.fetch_sub(1, Ordering::SeqCst);
    let status = StatusCode::from_u16(reply.status).unwrap();
    match reply.content_type {
        Some(ct) => (status, [("content-type", ct)], reply.body).into_response(),
        None => (status, reply.body).into_response(),
    }
}

/// A temporary directory removed on drop.
pub struct TempDir {
    pub path: PathBuf,
}

impl TempDir {
    pub fn new() -> Self {
        let path = std::env::temp_dir().join(format!("olvm-dr-rest-test-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&path).unwrap();
        Self { path }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// An id from a small number.
pub fn id(n: u128) -> olvm_dr_core::engine::Id {
    olvm_dr_core::engine::Id::from_u128(n)
}

/// An `Element`-free check that `text` contains none of the password's telling parts.
pub fn assert_no_password(text: &str) {
    assert!(!text.contains(PASSWORD), "password found in: {text}");
    assert!(!text.contains("p@ss"), "password found in: {text}");
    assert!(
        !text.contains("p%40ss"),
        "encoded password found in: {text}"
    );
}
