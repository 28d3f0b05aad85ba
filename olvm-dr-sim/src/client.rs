//! [`ControlClient`]: a client of a running server's control endpoint (see [`crate::control`]).

use std::time::Duration;

use olvm_dr_core::Site;
use serde_json::{Value, json};

/// The control endpoint could not be reached or refused the request.
#[derive(Debug, thiserror::Error)]
pub enum ControlError {
    /// No answer (the lab is not running, or not at that address).
    #[error("cannot reach the simulator's control endpoint {url}: {message}")]
    Unreachable {
        /// The URL asked.
        url: String,
        /// The transport's description.
        message: String,
    },
    /// The endpoint refused the request.
    #[error("the simulator refused {url} (HTTP {status}): {message}")]
    Refused {
        /// The URL asked.
        url: String,
        /// The HTTP status.
        status: u16,
        /// Its `error` text.
        message: String,
    },
}

/// Requests to a simulated Engine's `/_sim` endpoint.
#[derive(Debug, Clone)]
pub struct ControlClient {
    http: reqwest::Client,
    base: String,
}

/// Each control request is a small in-memory change: 10 s without an answer means the lab
/// is gone or stuck.
const TIMEOUT: Duration = Duration::from_secs(10);

impl ControlClient {
    /// A client of the control endpoint at `url` (`http://HOST:PORT/_sim`).
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            http: reqwest::Client::builder()
                .timeout(TIMEOUT)
                .build()
                .unwrap_or_default(),
            base: url.into().trim_end_matches('/').to_owned(),
        }
    }

    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, ControlError> {
        let url = format!("{}{path}", self.base);
        let mut request = self.http.request(method, &url);
        if let Some(b) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(b.to_string());
        }
        let unreachable = |e: reqwest::Error| ControlError::Unreachable {
            url: url.clone(),
            message: e.to_string(),
        };
        let response = request.send().await.map_err(unreachable)?;
        let status = response.status().as_u16();
        let text = response.text().await.map_err(unreachable)?;
        let value: Value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        if (200..300).contains(&status) {
            Ok(value)
        } else {
            Err(ControlError::Refused {
                url,
                status,
                message: value
                    .get("error")
                    .and_then(Value::as_str)
                    .map_or_else(|| value.to_string(), str::to_owned),
            })
        }
    }

    /// `GET /status`: sites, call counts, replication pairs.
    pub async fn status(&self) -> Result<Value, ControlError> {
        self.send(reqwest::Method::GET, "/status", None).await
    }

    /// `GET /facts`: the world's names, ids and mappings.
    pub async fn facts(&self) -> Result<Value, ControlError> {
        self.send(reqwest::Method::GET, "/facts", None).await
    }

    /// `POST /sites/{site}/{action}`: `disaster`, `engine-outage`, `recover` or
    /// `expire-leases`.
    pub async fn site_action(&self, site: Site, action: &str) -> Result<Value, ControlError> {
        self.send(
            reqwest::Method::POST,
            &format!("/sites/{site}/{action}"),
            None,
        )
        .await
    }

    /// `POST /replication`: `stop`, `reverse`, `resync` or `split` (a drill copy) of every pair (`target` = `all`) or
    /// of the pair of one domain or direct LUN.
    pub async fn replication(&self, action: &str, target: &str) -> Result<Value, ControlError> {
        let body = json!({"action": action, "target": target});
        self.send(reqwest::Method::POST, "/replication", Some(body))
            .await
    }

    /// `PUT /sites/{site}/latency`: `instant` or `realistic`.
    pub async fn set_latency(&self, site: Site, profile: &str) -> Result<Value, ControlError> {
        let body = json!({"profile": profile});
        self.send(
            reqwest::Method::PUT,
            &format!("/sites/{site}/latency"),
            Some(body),
        )
        .await
    }

    /// `POST /sites/{site}/faults` with one of the fault bodies of [`crate::control`].
    pub async fn inject(&self, site: Site, fault: Value) -> Result<Value, ControlError> {
        self.send(
            reqwest::Method::POST,
            &format!("/sites/{site}/faults"),
            Some(fault),
        )
        .await
    }

    /// `POST /sites/{site}/ovf` `{"action": "age"}`: the site's OVF store of `domain` (a
    /// replicated domain's name or id) looks `minutes` older.
    pub async fn age_ovf_store(
        &self,
        site: Site,
        domain: &str,
        minutes: f64,
    ) -> Result<Value, ControlError> {
        let body = json!({"action": "age", "domain": domain, "minutes": minutes});
        self.send(
            reqwest::Method::POST,
            &format!("/sites/{site}/ovf"),
            Some(body),
        )
        .await
    }

    /// `DELETE /sites/{site}/faults`.
    pub async fn clear_faults(&self, site: Site) -> Result<Value, ControlError> {
        self.send(
            reqwest::Method::DELETE,
            &format!("/sites/{site}/faults"),
            None,
        )
        .await
    }
}
