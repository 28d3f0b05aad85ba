//! The Engine's SSO: password grant for a bearer token, and its logout.
//!
//! As the SDK does it (reference §1.1, §7.1): `POST {origin}/ovirt-engine/sso/oauth/token` with
//! the form `grant_type=password&scope=ovirt-app-api&username=…&password=…` and
//! `Accept: application/json`; the token is the JSON `access_token`. Failures come back as
//! JSON with `error` and `error_description`, or `error_code` and `error`; both become
//! [`Unauthenticated`](crate::ErrorKind::Unauthenticated) with the SSO's own text (which names
//! the user, never the password). Logout is `POST {origin}/ovirt-engine/services/sso-logout`
//! with `scope` and `token`.
//!
//! Login is lazy (first call) and serialized: when many requests find the token missing or
//! rejected at once, one logs in and the others reuse its token.

use std::sync::RwLock;
use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue};

use super::config::RestConfig;
use super::errors::Call;
use crate::Secret;
use crate::engine::{EngineError, ErrorKind};

const SCOPE: &str = "ovirt-app-api";

/// A token and the header that carries it; `generation` tells a stale token from a fresh one.
struct Token {
    generation: u64,
    secret: Secret,
    header: HeaderValue,
}

/// The SSO session of one Engine.
pub(crate) struct Session {
    token_url: String,
    logout_url: String,
    token: RwLock<Option<Token>>,
    login: tokio::sync::Mutex<u64>,
}

/// A token to send: its generation and its `Authorization` header (marked sensitive, so the
/// HTTP stack never prints it).
pub(crate) type Bearer = (u64, HeaderValue);

impl Session {
    pub(crate) fn new(config: &RestConfig) -> Self {
        let origin = config.origin();
        Self {
            token_url: format!("{origin}/ovirt-engine/sso/oauth/token"),
            logout_url: format!("{origin}/ovirt-engine/services/sso-logout"),
            token: RwLock::new(None),
            login: tokio::sync::Mutex::new(0),
        }
    }

    fn current(&self) -> Option<Bearer> {
        let guard = self.token.read().unwrap_or_else(|p| p.into_inner());
        guard.as_ref().map(|t| (t.generation, t.header.clone()))
    }

    /// The token to use, logging in first if there is none.
    pub(crate) async fn bearer(
        &self,
        http: &reqwest::Client,
        config: &RestConfig,
        call: &Call,
    ) -> Result<Bearer, EngineError> {
        match self.current() {
            Some(b) => Ok(b),
            None => self.renew(http, config, call, None).await,
        }
    }

    /// Logs in, unless another task already replaced the token `stale` (then that token is
    /// returned). `stale = None` means "there was no token".
    pub(crate) async fn renew(
        &self,
        http: &reqwest::Client,
        config: &RestConfig,
        call: &Call,
        stale: Option<u64>,
    ) -> Result<Bearer, EngineError> {
        let mut generation = self.login.lock().await;
        if let Some((g, header)) = self.current()
            && Some(g) != stale
        {
            return Ok((g, header));
        }
        let secret = self.request_token(http, config, call).await?;
        let mut header =
            HeaderValue::from_str(&format!("Bearer {}", secret.expose())).map_err(|_| {
                call.error(ErrorKind::Protocol)
                    .with_message("the SSO token is not a valid header value")
            })?;
        header.set_sensitive(true);
        *generation += 1;
        let token = Token {
            generation: *generation,
            secret,
            header: header.clone(),
        };
        *self.token.write().unwrap_or_else(|p| p.into_inner()) = Some(token);
        tracing::debug!(operation = call.operation, "logged in to the Engine SSO");
        Ok((*generation, header))
    }

    async fn request_token(
        &self,
        http: &reqwest::Client,
        config: &RestConfig,
        call: &Call,
    ) -> Result<Secret, EngineError> {
        let form = form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "password")
            .append_pair("scope", SCOPE)
            .append_pair("username", &config.username)
            .append_pair("password", config.password.expose())
            .finish();
        let json = self
            .post_form(http, &self.token_url, form, config.read_timeout, call)
            .await?;
        if let Some(message) = sso_error(&json) {
            return Err(call
                .error(ErrorKind::Unauthenticated)
                .with_message(format!("SSO authentication failed: {message}")));
        }
        match json.get("access_token").and_then(|t| t.as_str()) {
            Some(t) if !t.is_empty() => Ok(Secret::new(t)),
            _ => Err(call
                .error(ErrorKind::Protocol)
                .with_message("the SSO answer has no access_token")),
        }
    }

    /// Revokes the token, if there is one. The token is forgotten even when the logout fails.
    pub(crate) async fn logout(
        &self,
        http: &reqwest::Client,
        config: &RestConfig,
        call: &Call,
    ) -> Result<(), EngineError> {
        let _login = self.login.lock().await;
        let token = self.token.write().unwrap_or_else(|p| p.into_inner()).take();
        let Some(token) = token else {
            return Ok(());
        };
        let form = form_urlencoded::Serializer::new(String::new())
            .append_pair("scope", SCOPE)
            .append_pair("token", token.secret.expose())
            .finish();
        let json = self
            .post_form(http, &self.logout_url, form, config.read_timeout, call)
            .await?;
        match sso_error(&json) {
            Some(message) => Err(call
                .error(ErrorKind::Unauthenticated)
                .with_message(format!("SSO logout failed: {message}"))),
            None => Ok(()),
        }
    }

    /// Posts a form and reads the JSON answer, whatever the status (the SSO reports its
    /// errors in the JSON body with 400 or 401); a non-JSON answer is classified by status.
    async fn post_form(
        &self,
        http: &reqwest::Client,
        url: &str,
        form: String,
        timeout: Duration,
        call: &Call,
    ) -> Result<serde_json::Value, EngineError> {
        let request = http
            .post(url)
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form)
            .timeout(timeout)
            .send();
        let response = request.await.map_err(|e| call.transport(&e))?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(|e| call.transport(&e))?;
        match serde_json::from_slice::<serde_json::Value>(&body) {
            Ok(json) if json.is_object() => Ok(json),
            _ if (200..300).contains(&status) => Err(call
                .error(ErrorKind::Protocol)
                .with_status(status)
                .with_message("the SSO answer is not a JSON object")),
            _ => Err(call
                .http_error(status, None)
                .with_message(format!("the SSO endpoint {url} answered HTTP {status}"))),
        }
    }
}

/// The error text of an SSO answer in either of its two shapes, `code: text`.
fn sso_error(json: &serde_json::Value) -> Option<String> {
    let text = |key: &str| json.get(key).and_then(|v| v.as_str()).unwrap_or("");
    json.get("error")?;
    let (code, message) = if json.get("error_description").is_some() {
        (text("error"), text("error_description"))
    } else {
        (text("error_code"), text("error"))
    };
    Some(match (code.is_empty(), message.is_empty()) {
        (false, false) => format!("{code}: {message}"),
        (true, _) => message.to_owned(),
        (false, true) => code.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_error_shapes() {
        let a = serde_json::json!({"error": "access_denied", "error_description": "Cannot authenticate user 'admin@internal'."});
        assert_eq!(
            sso_error(&a).unwrap(),
            "access_denied: Cannot authenticate user 'admin@internal'."
        );
        let b = serde_json::json!({"error_code": "invalid_grant", "error": "The provided authorization grant has expired."});
        assert_eq!(
            sso_error(&b).unwrap(),
            "invalid_grant: The provided authorization grant has expired."
        );
        assert_eq!(sso_error(&serde_json::json!({"access_token": "t"})), None);
    }
}
