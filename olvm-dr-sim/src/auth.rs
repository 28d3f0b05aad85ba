//! The Engine's SSO as the SDK and the REST client use it (reference §1.1): the password grant
//! at `POST /ovirt-engine/sso/oauth/token`, the logout at `POST
//! /ovirt-engine/services/sso-logout`, and bearer tokens on every API request.
//!
//! Facts from the Engine's SSO (`enginesso`, `OAuthTokenServlet`, `SsoService`,
//! `SsoConstants`):
//! - the `Accept` header must be exactly `application/json`, else `invalid_request`
//!   "Missing parameter: 'Accept Header'";
//! - errors are HTTP 400 JSON; with the `ovirt-app-api` scope they are
//!   `{"error_code": code, "error": text}`, otherwise `{"error": code, "error_description": text}`;
//! - a grant type other than `password` is `unsupported_grant_type`.
//!
//! An API request without a valid token gets 401 with an empty body and `WWW-Authenticate`;
//! the SDK then logs in again and resends once.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use olvm_dr_core::Secret;

/// The scope the API needs.
pub(crate) const API_SCOPE: &str = "ovirt-app-api";

/// How long a token stays valid without use. Default 30 minutes: the Engine's default user
/// session timeout (`UserSessionTimeOutInterval`); every API request renews it.
pub const DEFAULT_TOKEN_TTL: Duration = Duration::from_secs(30 * 60);

/// The one user an Engine of the simulator knows.
#[derive(Clone)]
pub struct Credentials {
    /// `name@profile`, e.g. `admin@internal`.
    pub username: String,
    /// The password.
    pub password: Secret,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &self.password)
            .finish()
    }
}

/// The tokens one site's SSO issued, with their expiry.
#[derive(Debug)]
pub(crate) struct Sessions {
    credentials: Credentials,
    ttl: Duration,
    tokens: Mutex<HashMap<String, Instant>>,
}

/// A failed SSO request: code and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SsoError {
    pub code: &'static str,
    pub message: String,
}

impl Sessions {
    pub(crate) fn new(credentials: Credentials, ttl: Duration) -> Self {
        Self {
            credentials,
            ttl,
            tokens: Mutex::new(HashMap::new()),
        }
    }

    fn tokens(&self) -> std::sync::MutexGuard<'_, HashMap<String, Instant>> {
        self.tokens.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The password grant: checks the headers, grant type, scope and credentials; a new token.
    pub(crate) fn login(
        &self,
        headers: &HeaderMap,
        form: &[(String, String)],
    ) -> Result<String, SsoError> {
        let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        if headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) != Some("application/json") {
            return Err(SsoError {
                code: "invalid_request",
                message: "Missing parameter: 'Accept Header'".into(),
            });
        }
        match get("grant_type") {
            Some("password") => {}
            None => {
                return Err(SsoError {
                    code: "invalid_request",
                    message: "Missing parameter: 'grant_type'".into(),
                });
            }
            Some(_) => {
                return Err(SsoError {
                    code: "unsupported_grant_type",
                    message:
                        "The authorization grant type is not supported by the authorization server."
                            .into(),
                });
            }
        }
        let scope = get("scope").unwrap_or_default();
        if !scope.split_whitespace().any(|s| s == API_SCOPE) {
            return Err(SsoError {
                code: "invalid_scope",
                message: format!(
                    "The requested scope '{scope}' is invalid, unknown, malformed, or exceeds the scope granted by the resource owner."
                ),
            });
        }
        let username = get("username").unwrap_or_default();
        let password = get("password").unwrap_or_default();
        if username != self.credentials.username || password != self.credentials.password.expose() {
            return Err(SsoError {
                code: "access_denied",
                message: format!(
                    "Cannot authenticate user '{username}': The username or password is incorrect.."
                ),
            });
        }
        let token = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        self.tokens()
            .insert(token.clone(), Instant::now() + self.ttl);
        Ok(token)
    }

    /// Revokes `token` (unknown tokens are ignored, as the logout of an expired session is).
    /// The user the SSO accepts (who every API request acts as).
    pub(crate) fn username(&self) -> &str {
        &self.credentials.username
    }

    pub(crate) fn logout(&self, token: &str) {
        self.tokens().remove(token);
    }

    /// Forgets every token: the next API request of every client gets a 401.
    pub(crate) fn expire_all(&self) {
        self.tokens().clear();
    }

    /// How many tokens are valid now.
    pub(crate) fn active(&self) -> usize {
        let now = Instant::now();
        self.tokens().values().filter(|e| **e > now).count()
    }

    /// `true` when the request carries a valid bearer token (whose validity is then renewed).
    pub(crate) fn authorized(&self, headers: &HeaderMap) -> bool {
        let Some(token) = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
        else {
            return false;
        };
        let now = Instant::now();
        let mut tokens = self.tokens();
        match tokens.get_mut(token.trim()) {
            Some(expiry) if *expiry > now => {
                *expiry = now + self.ttl;
                true
            }
            Some(_) => {
                tokens.remove(token.trim());
                false
            }
            None => false,
        }
    }
}

/// The SSO's error answer: 400 JSON in the shape the scope selects.
pub(crate) fn sso_error(e: &SsoError, api_scope: bool) -> Response {
    let json = if api_scope {
        serde_json::json!({"error_code": e.code, "error": e.message})
    } else {
        serde_json::json!({"error": e.code, "error_description": e.message})
    };
    json_response(StatusCode::BAD_REQUEST, &json)
}

/// A JSON answer.
pub(crate) fn json_response(status: StatusCode, json: &serde_json::Value) -> Response {
    let mut r = Response::new(Body::from(json.to_string()));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// 401 with an empty body, as the Engine's authentication filter sends it.
pub(crate) fn unauthorized() -> Response {
    let mut r = Response::new(Body::empty());
    *r.status_mut() = StatusCode::UNAUTHORIZED;
    r.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Basic realm=\"RESTAPI\""),
    );
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sessions() -> Sessions {
        Sessions::new(
            Credentials {
                username: "admin@internal".into(),
                password: Secret::new("pw"),
            },
            Duration::from_secs(60),
        )
    }

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect()
    }

    fn json_accept() -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        h
    }

    #[test]
    fn login_checks_accept_grant_scope_and_credentials() {
        let s = sessions();
        let good = form(&[
            ("grant_type", "password"),
            ("scope", API_SCOPE),
            ("username", "admin@internal"),
            ("password", "pw"),
        ]);
        assert_eq!(
            s.login(&HeaderMap::new(), &good).unwrap_err().code,
            "invalid_request"
        );
        let token = s.login(&json_accept(), &good).unwrap();
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
        );
        assert!(s.authorized(&h));
        assert_eq!(s.active(), 1);
        s.logout(&token);
        assert!(!s.authorized(&h));
        let mut bad = good.clone();
        bad[3].1 = "nope".into();
        let e = s.login(&json_accept(), &bad).unwrap_err();
        assert_eq!(e.code, "access_denied");
        assert!(!e.message.contains("nope"));
        let mut other = good.clone();
        other[0].1 = "client_credentials".into();
        assert_eq!(
            s.login(&json_accept(), &other).unwrap_err().code,
            "unsupported_grant_type"
        );
        let mut scope = good;
        scope[1].1 = "ovirt-app-portal".into();
        assert_eq!(
            s.login(&json_accept(), &scope).unwrap_err().code,
            "invalid_scope"
        );
    }
}
