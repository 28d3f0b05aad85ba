//! [`Transport`]: one pooled HTTP client per Engine, the request headers the SDK sends, the
//! bearer token, the bound on requests in flight, per-attempt timeouts and retries of reads.

use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Certificate, Method, redirect};
use tokio::sync::Semaphore;

use super::config::{RestConfig, RestConfigError};
use super::errors::Call;
use super::retry::{Jitter, with_retries};
use super::sso::Session;
use crate::engine::{EngineError, ErrorKind};
use crate::xml::fault::read_fault;

const XML: &str = "application/xml";
/// Idle pooled connections are dropped after this long: just under the 5 s `KeepAliveTimeout`
/// of the Apache httpd in front of the Engine, so that a request is never written to a
/// connection the server is closing (a mutating request that fails that way is not retried).
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(4);
/// TCP keep-alive probes on idle connections, so a dead site is noticed on the next request
/// rather than after the OS's two hours.
const TCP_KEEPALIVE: Duration = Duration::from_secs(30);

/// An HTTP answer with a 2xx status.
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: u16,
    pub body: String,
}

/// The HTTP side of a `RestEngine`.
pub(crate) struct Transport {
    pub(crate) config: RestConfig,
    http: reqwest::Client,
    session: Session,
    limiter: Semaphore,
    api_base: String,
}

impl Transport {
    pub(crate) fn new(config: RestConfig) -> Result<Self, RestConfigError> {
        let http = build_client(&config)?;
        Ok(Self {
            session: Session::new(&config),
            limiter: Semaphore::new(config.max_concurrent_requests.max(1)),
            api_base: config.api_base(),
            http,
            config,
        })
    }

    /// `GET {api}/{path}?{query}`: retried on transient failures; the answer must be 200 with
    /// an XML body.
    pub(crate) async fn get(
        &self,
        call: &Call,
        path: &str,
        query: &str,
    ) -> Result<String, EngineError> {
        let url = self.url(path, query);
        let per_attempt = self.config.read_timeout;
        let jitter = Jitter::new(self.config.jitter_seed);
        let answer = with_retries(&self.config.retry, jitter, call.operation, |left| {
            let timeout = per_attempt.min(left);
            let url = &url;
            async move {
                let answer = self
                    .exchange(call, Method::GET, url, None, false, timeout)
                    .await?;
                if answer.status != 200 {
                    return Err(call
                        .error(ErrorKind::Protocol)
                        .with_status(answer.status)
                        .with_message("expected HTTP 200 for a read"));
                }
                if answer.body.trim().is_empty() {
                    return Err(call
                        .error(ErrorKind::Protocol)
                        .with_status(200)
                        .with_message("the Engine answered with an empty body"));
                }
                Ok(answer)
            }
        })
        .await?;
        Ok(answer.body)
    }

    /// `POST {api}/{path}` with an XML body; never retried. Any 2xx is returned.
    pub(crate) async fn post(
        &self,
        call: &Call,
        path: &str,
        body: String,
    ) -> Result<Answer, EngineError> {
        self.send_body(call, Method::POST, path, body).await
    }

    /// `PUT {api}/{path}` with an XML body (an update); never retried. Any 2xx is returned.
    pub(crate) async fn put(
        &self,
        call: &Call,
        path: &str,
        body: String,
    ) -> Result<Answer, EngineError> {
        self.send_body(call, Method::PUT, path, body).await
    }

    /// A request with an XML body, never retried.
    async fn send_body(
        &self,
        call: &Call,
        method: Method,
        path: &str,
        body: String,
    ) -> Result<Answer, EngineError> {
        let url = self.url(path, "");
        self.exchange(
            call,
            method,
            &url,
            Some(body),
            true,
            self.config.action_timeout,
        )
        .await
    }

    /// `DELETE {api}/{path}?{query}`; never retried. Any 2xx counts as done, body ignored.
    pub(crate) async fn delete(
        &self,
        call: &Call,
        path: &str,
        query: &str,
    ) -> Result<(), EngineError> {
        let url = self.url(path, query);
        self.exchange(
            call,
            Method::DELETE,
            &url,
            None,
            true,
            self.config.action_timeout,
        )
        .await
        .map(|_| ())
    }

    /// Ends the SSO session (no request if there is none).
    pub(crate) async fn logout(&self, call: &Call) -> Result<(), EngineError> {
        self.session.logout(&self.http, &self.config, call).await
    }

    fn url(&self, path: &str, query: &str) -> String {
        let mut url = String::with_capacity(self.api_base.len() + path.len() + query.len() + 2);
        url.push_str(&self.api_base);
        if !path.is_empty() {
            url.push('/');
            url.push_str(path);
        }
        if !query.is_empty() {
            url.push('?');
            url.push_str(query);
        }
        url
    }

    /// One attempt: waits for a slot, then sends with the current token, logs in again and
    /// resends once on a 401, all within `timeout`. A non-2xx answer becomes the error it
    /// stands for. Mutating requests carry a `Correlation-Id`, which the Engine attaches to the
    /// jobs and events of the commands it runs: the current run step's
    /// ([`correlation::current`](crate::engine::correlation::current)), else a fresh one per
    /// attempt (the same for the resend after a 401).
    async fn exchange(
        &self,
        call: &Call,
        method: Method,
        url: &str,
        body: Option<String>,
        mutating: bool,
        timeout: Duration,
    ) -> Result<Answer, EngineError> {
        let correlation = mutating.then(|| {
            crate::engine::correlation::current()
                .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
        });
        // Shared, so the resend after a 401 does not copy the body.
        let body = body.map(Bytes::from);
        // Waiting for a slot is not the Engine's time: the timeout starts once we may send.
        let _slot = self.limiter.acquire().await.map_err(|_| {
            call.error(ErrorKind::Unavailable)
                .with_message("client closed")
        })?;
        let work = async {
            let (generation, auth) = self.session.bearer(&self.http, &self.config, call).await?;
            let mut raw = self
                .send(
                    call,
                    &method,
                    url,
                    body.clone(),
                    &auth,
                    correlation.as_deref(),
                )
                .await?;
            if raw.status == 401 {
                tracing::debug!(
                    operation = call.operation,
                    "token refused, logging in again"
                );
                let (_, auth) = self
                    .session
                    .renew(&self.http, &self.config, call, Some(generation))
                    .await?;
                raw = self
                    .send(call, &method, url, body, &auth, correlation.as_deref())
                    .await?;
            }
            Ok::<_, EngineError>(raw)
        };
        let raw = tokio::time::timeout(timeout, work)
            .await
            .map_err(|_| call.timeout(timeout))??;
        tracing::debug!(
            operation = call.operation,
            method = %method,
            url,
            status = raw.status,
            correlation_id = correlation.as_deref().unwrap_or(""),
            "Engine request"
        );
        raw.into_answer(call)
    }

    async fn send(
        &self,
        call: &Call,
        method: &Method,
        url: &str,
        body: Option<Bytes>,
        auth: &HeaderValue,
        correlation: Option<&str>,
    ) -> Result<Raw, EngineError> {
        let build = || {
            let mut request = self
                .http
                .request(method.clone(), url)
                .header(reqwest::header::AUTHORIZATION, auth.clone());
            if let Some(id) = correlation {
                request = request.header(HeaderName::from_static("correlation-id"), id);
            }
            if let Some(body) = body.clone() {
                request = request.header(CONTENT_TYPE, XML).body(body);
            }
            request
        };
        let response = match build().send().await {
            Ok(r) => r,
            // A kept-alive connection the Engine (or a site going dark) closed while it idled
            // in the pool fails before any byte comes back; a read goes again once, on a new
            // connection, so that a dark site reads as one (refused) and not as a broken
            // answer. Mutating requests are never resent.
            Err(e) if *method == Method::GET && super::errors::stale_connection(&e) => {
                build().send().await.map_err(|e| call.transport(&e))?
            }
            Err(e) => return Err(call.transport(&e)),
        };
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.text().await.map_err(|e| call.transport(&e))?;
        Ok(Raw {
            status,
            content_type,
            location,
            body,
        })
    }
}

/// An answer before it is judged.
struct Raw {
    status: u16,
    content_type: Option<String>,
    location: Option<String>,
    body: String,
}

impl Raw {
    fn is_xml(&self) -> bool {
        self.content_type.as_deref().is_some_and(|ct| {
            let ct = ct.trim().to_ascii_lowercase();
            ct.starts_with("application/xml") || ct.starts_with("text/xml")
        })
    }

    /// 2xx with an XML (or empty) body → the answer; anything else → its error.
    fn into_answer(self, call: &Call) -> Result<Answer, EngineError> {
        let has_body = !self.body.trim().is_empty();
        if (200..300).contains(&self.status) {
            if has_body && !self.is_xml() {
                return Err(call
                    .error(ErrorKind::Protocol)
                    .with_status(self.status)
                    .with_message(format!(
                        "the response content type '{}' is not XML",
                        self.content_type.as_deref().unwrap_or("")
                    )));
            }
            return Ok(Answer {
                status: self.status,
                body: self.body,
            });
        }
        if (300..400).contains(&self.status) {
            return Err(call
                .error(ErrorKind::Protocol)
                .with_status(self.status)
                .with_message(format!(
                    "the Engine redirects to '{}'; configure that URL instead",
                    self.location.as_deref().unwrap_or("")
                )));
        }
        let fault = if has_body && self.is_xml() {
            read_fault(&self.body)
        } else {
            None
        };
        Err(call.http_error(self.status, fault))
    }
}

/// The one place the HTTP client is built: pooled keep-alive connections, the SDK's headers,
/// no redirects, and the TLS trust the site asks for.
fn build_client(config: &RestConfig) -> Result<reqwest::Client, RestConfigError> {
    let mut headers = HeaderMap::new();
    headers.insert(
        HeaderName::from_static("version"),
        HeaderValue::from_static("4"),
    );
    headers.insert(ACCEPT, HeaderValue::from_static(XML));
    let mut builder = reqwest::Client::builder()
        .user_agent(config.user_agent.clone())
        .default_headers(headers)
        .connect_timeout(config.connect_timeout)
        .pool_idle_timeout(POOL_IDLE_TIMEOUT)
        .pool_max_idle_per_host(config.max_concurrent_requests.max(1))
        .tcp_keepalive(TCP_KEEPALIVE)
        .redirect(redirect::Policy::none());
    if config.url.scheme() == "https" {
        if config.insecure {
            tracing::warn!(
                url = config.url.as_str(),
                "TLS certificate and host-name verification are disabled for this Engine, as requested"
            );
            builder = builder
                .tls_danger_accept_invalid_certs(true)
                .tls_danger_accept_invalid_hostnames(true);
        } else if let Some(path) = &config.ca_file {
            let ca_error = |reason: String| RestConfigError::CaFile {
                path: path.clone(),
                reason,
            };
            let pem = crate::input::read_bytes(path, crate::input::MAX_INPUT_BYTES)
                .map_err(|e| ca_error(e.to_string()))?;
            let certs = Certificate::from_pem_bundle(&pem).map_err(|e| ca_error(e.to_string()))?;
            if certs.is_empty() {
                return Err(ca_error("it holds no PEM certificate".into()));
            }
            // Trust the Engine's own CA only, not the system store.
            builder = builder.tls_certs_only(certs);
        }
    }
    builder
        .build()
        .map_err(|e| RestConfigError::Client(e.to_string()))
}
