//! [`SimServer`]: one site's simulated Engine on a TCP port: the SSO endpoints, the REST API
//! under `/ovirt-engine/api`, and the control endpoint under `/_sim`.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use olvm_dr_core::Site;
use olvm_dr_core::fake::{FakeEngine, World};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::auth::{self, API_SCOPE, Credentials, DEFAULT_TOKEN_TTL, Sessions};
use crate::dark::{EngineSwitch, HostPorts, SwitchedListener};
use crate::events::EventLog;
use crate::jobs::JobLog;
use crate::params::{ApiPath, Params};
use crate::request_context::RequestContext;
use crate::respond::empty;
use crate::routes::Extensions;
use crate::tls::{LabCa, TlsListener};
use crate::{control, routes};

/// How one site's server is set up.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// The site of the world it serves.
    pub site: Site,
    /// Where to listen. Default `127.0.0.1:0` (loopback, a free port).
    pub bind: SocketAddr,
    /// The user the SSO accepts.
    pub credentials: Credentials,
    /// How long an unused token stays valid (default [`DEFAULT_TOKEN_TTL`]).
    pub token_ttl: Duration,
    /// The certificates the Engine's port serves HTTPS with; `None` serves plain HTTP. The
    /// control endpoint's own port is plain HTTP either way.
    pub tls: Option<LabCa>,
}

impl ServerOptions {
    /// Loopback, a free port, the default token lifetime.
    pub fn new(site: Site, credentials: Credentials) -> Self {
        Self {
            site,
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            credentials,
            token_ttl: DEFAULT_TOKEN_TTL,
            tls: None,
        }
    }

    /// The same, serving HTTPS with `ca`'s Engine certificate.
    pub fn with_tls(mut self, ca: LabCa) -> Self {
        self.tls = Some(ca);
        self
    }
}

/// What every handler of one server shares.
#[derive(Debug)]
pub(crate) struct SiteServer {
    pub(crate) world: World,
    pub(crate) site: Site,
    pub(crate) engine: Arc<FakeEngine>,
    pub(crate) sessions: Sessions,
    /// The audit log `/events` serves.
    pub(crate) events: EventLog,
    /// The hosts' storage connection extensions.
    pub(crate) extensions: Extensions,
    /// The jobs `/jobs` serves.
    pub(crate) jobs: JobLog,
    /// The certificates of an HTTPS server (`pki-resource` serves them).
    pub(crate) tls: Option<LabCa>,
}

/// A running simulated Engine. Dropping it stops the server as well; [`shutdown`]
/// (Self::shutdown) also waits for it.
#[derive(Debug)]
pub struct SimServer {
    addr: SocketAddr,
    control_addr: SocketAddr,
    site: Site,
    state: Arc<SiteServer>,
    hosts: Arc<HostPorts>,
    engine_port: Arc<EngineSwitch>,
    stop: Option<watch::Sender<bool>>,
    tasks: Vec<JoinHandle<()>>,
}

impl SimServer {
    /// Starts serving `site` of `world`.
    ///
    /// # Errors
    /// When the address cannot be bound.
    pub async fn start(world: World, options: ServerOptions) -> std::io::Result<Self> {
        let state = Arc::new(SiteServer {
            engine: world.engine(options.site),
            world,
            site: options.site,
            sessions: Sessions::new(options.credentials, options.token_ttl),
            events: EventLog::default(),
            extensions: Extensions::default(),
            jobs: JobLog::default(),
            tls: options.tls.clone(),
        });
        // The Engine's port closes while the site is dark; the control endpoint has a port of
        // its own, so that a lab can still be told to recover.
        let listener = SwitchedListener::bind(&state.world, options.site, options.bind).await?;
        let addr = listener.local_addr();
        let engine_port = listener.switch();
        let control_listener =
            tokio::net::TcpListener::bind(SocketAddr::new(options.bind.ip(), 0)).await?;
        let control_addr = control_listener.local_addr()?;
        let control_listener = axum::serve::ListenerExt::tap_io(control_listener, |tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let hosts = HostPorts::follow(&state.world, options.site);
        let (stop, stopped) = watch::channel(false);
        let mut tasks = Vec::new();
        let app = router(Arc::clone(&state));
        let mut until = stopped.clone();
        let stop_serving = async move {
            let _ = until.wait_for(|stop| *stop).await;
        };
        tasks.push(match &options.tls {
            Some(ca) => {
                let listener = TlsListener::new(listener, ca);
                tokio::spawn(async move {
                    let server = axum::serve(listener, app).with_graceful_shutdown(stop_serving);
                    if let Err(e) = server.await {
                        tracing::error!(error = %e, "simulated Engine stopped");
                    }
                })
            }
            None => tokio::spawn(async move {
                let server = axum::serve(listener, app).with_graceful_shutdown(stop_serving);
                if let Err(e) = server.await {
                    tracing::error!(error = %e, "simulated Engine stopped");
                }
            }),
        });
        let control_app = Router::new()
            .nest(control::PREFIX, control::router())
            .with_state(Arc::clone(&state));
        let mut until = stopped;
        tasks.push(tokio::spawn(async move {
            let server =
                axum::serve(control_listener, control_app).with_graceful_shutdown(async move {
                    let _ = until.wait_for(|stop| *stop).await;
                });
            if let Err(e) = server.await {
                tracing::error!(error = %e, "simulated Engine's control endpoint stopped");
            }
        }));
        tracing::info!(site = %options.site, %addr, %control_addr, "simulated Engine listening");
        Ok(Self {
            addr,
            control_addr,
            site: options.site,
            state,
            hosts,
            engine_port,
            stop: Some(stop),
            tasks,
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The site it serves.
    pub fn site(&self) -> Site {
        self.site
    }

    /// `https://ADDR`, or `http://ADDR` for a plain-HTTP server.
    pub fn origin(&self) -> String {
        let scheme = if self.state.tls.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}", self.addr)
    }

    /// The API URL, `ORIGIN/ovirt-engine/api` (what a client is configured with).
    pub fn api_url(&self) -> String {
        format!("{}/ovirt-engine/api", self.origin())
    }

    /// The control endpoint, `http://CONTROL_ADDR/_sim`: a port of its own, which stays open
    /// while the site is dark.
    pub fn control_url(&self) -> String {
        format!("http://{}{}", self.control_addr, control::PREFIX)
    }

    /// The certificates its Engine port serves HTTPS with; `None` for a plain-HTTP server.
    pub fn tls(&self) -> Option<&LabCa> {
        self.state.tls.as_ref()
    }

    /// Revokes every token this site's SSO issued.
    pub fn expire_sessions(&self) {
        self.state.sessions.expire_all();
    }

    /// Stops accepting connections, lets requests in flight finish, and waits for the end.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
        self.hosts.close();
        for task in std::mem::take(&mut self.tasks) {
            let _ = task.await;
        }
        self.engine_port.close();
    }
}

impl Drop for SimServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
        self.hosts.close();
        self.engine_port.close();
    }
}

fn router(state: Arc<SiteServer>) -> Router {
    Router::new()
        .route("/ovirt-engine/sso/oauth/token", post(token))
        .route("/ovirt-engine/services/sso-logout", post(logout))
        .route("/ovirt-engine/services/pki-resource", get(pki_resource))
        .nest(control::PREFIX, control::router())
        .fallback(api)
        .with_state(state)
}

fn form(body: &Bytes) -> Vec<(String, String)> {
    form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// `POST /ovirt-engine/sso/oauth/token`.
async fn token(State(st): State<Arc<SiteServer>>, headers: HeaderMap, body: Bytes) -> Response {
    if !st.world.is_up(st.site) {
        return empty(StatusCode::SERVICE_UNAVAILABLE);
    }
    let form = form(&body);
    let api_scope = form
        .iter()
        .any(|(k, v)| k == "scope" && v.split_whitespace().any(|s| s == API_SCOPE));
    match st.sessions.login(&headers, &form) {
        Ok(token) => auth::json_response(
            StatusCode::OK,
            &serde_json::json!({
                "access_token": token,
                "token_type": "bearer",
                "scope": API_SCOPE,
                "exp": "9223372036854775807",
            }),
        ),
        Err(e) => auth::sso_error(&e, api_scope),
    }
}

/// `POST /ovirt-engine/services/sso-logout`.
async fn logout(State(st): State<Arc<SiteServer>>, body: Bytes) -> Response {
    if !st.world.is_up(st.site) {
        return empty(StatusCode::SERVICE_UNAVAILABLE);
    }
    let form = form(&body);
    if let Some((_, token)) = form.iter().find(|(k, _)| k == "token") {
        st.sessions.logout(token);
    }
    auth::json_response(StatusCode::OK, &serde_json::json!({}))
}

/// `GET /ovirt-engine/services/pki-resource` (no authentication, as on the Engine).
async fn pki_resource(State(st): State<Arc<SiteServer>>, uri: Uri) -> Response {
    if !st.world.is_up(st.site) {
        return empty(StatusCode::SERVICE_UNAVAILABLE);
    }
    crate::tls::pki::resource(st.tls.as_ref(), uri.query())
}

/// A request to the API, as the routes see it.
#[derive(Debug)]
pub(crate) struct ApiRequest {
    pub(crate) method: Method,
    pub(crate) segments: Vec<String>,
    pub(crate) params: Params,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl ApiRequest {
    /// The body as text (the Engine's bodies are UTF-8 XML).
    pub(crate) fn text(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap_or_default()
    }

    /// `true` when the client asked a "performAction" operation to run in the background:
    /// `async=true` as a parameter, or `Expect: 202-accepted` (also as `X-Ovirt-Expect`).
    pub(crate) fn wants_async(&self) -> bool {
        let expect = |name: &str| {
            self.headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.to_ascii_lowercase().contains("202-accepted"))
        };
        self.params.is("async") || expect("expect") || expect("x-ovirt-expect")
    }
}

/// Everything below `/ovirt-engine/api` (and 404 for any other path).
async fn api(
    State(st): State<Arc<SiteServer>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(path) = ApiPath::parse(uri.path()) else {
        return empty(StatusCode::NOT_FOUND);
    };
    // An unsupported version is a bare 400 (`VersionFilter`).
    if headers
        .get_all("version")
        .iter()
        .any(|v| v.as_bytes().trim_ascii() != b"4")
    {
        return empty(StatusCode::BAD_REQUEST);
    }
    if !st.world.is_up(st.site) {
        return empty(StatusCode::SERVICE_UNAVAILABLE);
    }
    if !st.sessions.authorized(&headers) {
        return auth::unauthorized();
    }
    let query = uri.query();
    let correlation = RequestContext::correlation_id_of(&headers, query);
    let request = ApiRequest {
        method,
        params: Params::new(query, path.matrix),
        segments: path.segments,
        headers,
        body,
    };
    let ctx = Arc::new(RequestContext::new(
        Arc::clone(&st),
        correlation,
        st.sessions.username(),
        routes::monitored::command(&st, &request),
    ));
    let mut response = match ctx.scope(routes::dispatch(&st, &request)).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    };
    let registered = routes::monitored::registration_target(&request.segments);
    ctx.settle(response.status().is_success(), |d| match registered {
        Some(entity) => routes::monitored::registered(&st, d, entity),
        None => d.to_owned(),
    });
    // `CurrentFilter` answers every request with its correlation id.
    if let Ok(v) = HeaderValue::from_str(ctx.correlation_id()) {
        response.headers_mut().insert("correlation-id", v);
    }
    response
}
