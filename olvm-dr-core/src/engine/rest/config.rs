//! [`RestConfig`]: how [`RestEngine`](super::RestEngine) reaches one Engine, with documented
//! defaults.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use reqwest::Url;

use super::retry::RetryConfig;
use crate::{Secret, SiteConnection};

/// Connection and tuning settings for one site's Engine.
///
/// Build it from a [`SiteConnection`] with [`RestConfig::new`], then adjust with the `with_*`
/// methods. `Debug` never shows the password.
#[derive(Clone)]
pub struct RestConfig {
    /// The API URL, e.g. `https://engine.example.com/ovirt-engine/api`.
    pub url: Url,
    /// User in `name@profile` form.
    pub username: String,
    /// The user's password (sent only to the SSO token endpoint).
    pub password: Secret,
    /// PEM file with the Engine's CA; `None` trusts the system store.
    pub ca_file: Option<PathBuf>,
    /// Skip certificate and host-name verification (only when the user asked for it).
    pub insecure: bool,
    /// Time to establish a TCP (and TLS) connection. Default 10 s: an Engine on a LAN or WAN
    /// connects in milliseconds, and a dead site must be reported quickly during a failover.
    pub connect_timeout: Duration,
    /// Time for one read attempt (a `GET`, body included). Default 120 s: a listing of
    /// thousands of VMs with inlined NICs and disks takes the Engine tens of seconds.
    pub read_timeout: Duration,
    /// Time for one mutating request. Default 600 s: attach is synchronous and waits for the
    /// hosts to connect, for sanlock to grant the host id (about 80 s after the other site's
    /// hosts died) and for the OVF store to be read; registration blocks until its job ends.
    pub action_timeout: Duration,
    /// Retries of idempotent requests (see [`RetryConfig`] for its defaults).
    pub retry: RetryConfig,
    /// Requests in flight to this Engine at once. Default 16: enough to keep a loopback or
    /// LAN link busy (measured in the benchmark), while leaving most of the Engine's REST
    /// worker threads and database connections to everybody else.
    pub max_concurrent_requests: usize,
    /// `User-Agent` header. Default `olvm-dr/<version>`.
    pub user_agent: String,
    /// Fixed seed for the retry jitter (tests); `None` seeds randomly.
    pub jitter_seed: Option<u64>,
}

/// The settings cannot work: the URL is not an HTTP(S) URL, or the CA file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RestConfigError {
    /// The API URL is not usable.
    #[error("invalid Engine API URL '{url}': {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// Why.
        reason: String,
    },
    /// The CA file cannot be read or holds no certificate.
    #[error("cannot use CA file '{path}': {reason}")]
    CaFile {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
}

impl RestConfig {
    /// Settings for `site` with every default.
    pub fn new(site: &SiteConnection) -> Result<Self, RestConfigError> {
        let invalid = |reason: &str| RestConfigError::InvalidUrl {
            url: site.url.clone(),
            reason: reason.to_owned(),
        };
        let url = Url::parse(site.url.trim()).map_err(|e| invalid(&e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid("the scheme must be https (or http)"));
        }
        if url.host_str().is_none() {
            return Err(invalid("there is no host"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid("it must not have a query or fragment"));
        }
        if url.path().trim_matches('/').is_empty() {
            return Err(invalid(
                "it has no API path; use the full API URL, e.g. https://engine.example.com/ovirt-engine/api",
            ));
        }
        Ok(Self {
            url,
            username: site.username.clone(),
            password: site.password.clone(),
            ca_file: site.ca_file.clone(),
            insecure: site.insecure,
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(120),
            action_timeout: Duration::from_secs(600),
            retry: RetryConfig::default(),
            max_concurrent_requests: 16,
            user_agent: format!("olvm-dr/{}", env!("CARGO_PKG_VERSION")),
            jitter_seed: None,
        })
    }

    /// Sets the connect timeout.
    #[must_use]
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets the per-attempt timeout of reads.
    #[must_use]
    pub fn with_read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// Sets the timeout of mutating requests.
    #[must_use]
    pub fn with_action_timeout(mut self, timeout: Duration) -> Self {
        self.action_timeout = timeout;
        self
    }

    /// Sets the retry policy of reads.
    #[must_use]
    pub fn with_retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// Sets how many requests may be in flight at once (at least 1).
    #[must_use]
    pub fn with_max_concurrent_requests(mut self, n: usize) -> Self {
        self.max_concurrent_requests = n.max(1);
        self
    }

    /// Sets the `User-Agent`.
    #[must_use]
    pub fn with_user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Fixes the retry jitter's seed (for reproducible tests).
    #[must_use]
    pub fn with_jitter_seed(mut self, seed: u64) -> Self {
        self.jitter_seed = Some(seed);
        self
    }

    /// The API root without a trailing slash, e.g. `https://e/ovirt-engine/api`.
    pub(crate) fn api_base(&self) -> String {
        self.url.as_str().trim_end_matches('/').to_owned()
    }

    /// `scheme://host[:port]`, from which the SDK derives the SSO endpoints.
    pub(crate) fn origin(&self) -> String {
        let mut origin = format!(
            "{}://{}",
            self.url.scheme(),
            self.url.host_str().unwrap_or("")
        );
        if let Some(port) = self.url.port() {
            origin.push_str(&format!(":{port}"));
        }
        origin
    }
}

impl fmt::Debug for RestConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RestConfig")
            .field("url", &self.url.as_str())
            .field("username", &self.username)
            .field("password", &Secret::REDACTED)
            .field("ca_file", &self.ca_file)
            .field("insecure", &self.insecure)
            .field("connect_timeout", &self.connect_timeout)
            .field("read_timeout", &self.read_timeout)
            .field("action_timeout", &self.action_timeout)
            .field("retry", &self.retry)
            .field("max_concurrent_requests", &self.max_concurrent_requests)
            .field("user_agent", &self.user_agent)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(url: &str) -> SiteConnection {
        SiteConnection {
            url: url.into(),
            username: "admin@internal".into(),
            password: Secret::new("hunter2"),
            ca_file: None,
            insecure: false,
        }
    }

    #[test]
    fn derives_endpoints_and_hides_the_password() {
        let c = RestConfig::new(&site("https://engine.example:8443/ovirt-engine/api/")).unwrap();
        assert_eq!(c.api_base(), "https://engine.example:8443/ovirt-engine/api");
        assert_eq!(c.origin(), "https://engine.example:8443");
        let c = RestConfig::new(&site("https://engine.example/ovirt-engine/api")).unwrap();
        assert_eq!(c.origin(), "https://engine.example");
        let text = format!("{c:?}");
        assert!(
            !text.contains("hunter2") && text.contains("<redacted>"),
            "{text}"
        );
        assert_eq!(c.max_concurrent_requests, 16);
        assert!(c.user_agent.starts_with("olvm-dr/"));
    }

    #[test]
    fn refuses_unusable_urls() {
        for url in [
            "engine.example/api",
            "ftp://e/api",
            "https://e/api?x=1",
            "not a url",
        ] {
            assert!(RestConfig::new(&site(url)).is_err(), "{url}");
        }
    }
}
