//! The one error type every [`Engine`](super::Engine) implementation returns.

use std::fmt;

use serde::Serialize;

/// What kind of failure an Engine call met. Decides whether a retry can help.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// The entity does not exist (HTTP 404, or a named reference that resolves to nothing).
    NotFound,
    /// The request clashes with existing state: a duplicate name or id, a MAC conflict, a master
    /// rule (HTTP 409 that is neither [`InvalidState`](Self::InvalidState) nor
    /// [`Locked`](Self::Locked)).
    Conflict,
    /// The entity is in a state that does not allow the operation, e.g. detaching an active
    /// domain (HTTP 409 "The relevant Storage Domain's status is ...").
    InvalidState,
    /// A related operation is in progress; the same call later will probably work.
    Locked,
    /// The storage domain's sanlock lease is still held by hosts of another site (or was until
    /// moments ago): attach/activate fail until the lease expires.
    LeaseHeld,
    /// No, bad or expired credentials (HTTP 401, SSO `access_denied`).
    Unauthenticated,
    /// The user lacks a permission (HTTP 403).
    Forbidden,
    /// The request is malformed or misses parameters (HTTP 400).
    BadRequest,
    /// No answer within the deadline.
    Timeout,
    /// Something in front of the Engine answered that it cannot serve now: 502/503/504 from the
    /// Apache proxy, 429, or a connection that broke after it was made.
    Unavailable,
    /// The Engine failed internally (HTTP 500).
    Internal,
    /// The answer could not be understood: wrong content type, unparsable body, missing field.
    Protocol,
    /// The Engine does not offer the operation (API too old, capability missing).
    Unsupported,
    /// No answer at all: the connection was refused, there is no route to the host, the
    /// connection could not be made within the connect timeout, or the name did not resolve.
    /// The only kind of failure that says the Engine's site may be dark: the split-brain guard
    /// tells it apart from every other error, which all mean that something answered.
    Unreachable,
    /// The TLS handshake failed on the Engine's certificate (unknown issuer, name mismatch,
    /// expired, not a certificate for a server): the Engine answered, but it is not trusted.
    /// Not transient: fix the CA file (or the URL's host name) instead of retrying.
    Certificate,
}

impl ErrorKind {
    /// `true` when repeating the same call later can succeed without anybody changing anything.
    /// [`Unreachable`](Self::Unreachable) is: a site that comes back answers again (the flows
    /// retry their steps for that); the REST client's own retries skip it, see
    /// [`is_retried_at_once`](Self::is_retried_at_once).
    pub fn is_retryable(self) -> bool {
        matches!(
            self,
            Self::Locked | Self::LeaseHeld | Self::Timeout | Self::Unavailable | Self::Unreachable
        )
    }

    /// `true` when the REST client repeats a read that failed this way within the same call
    /// (with backoff, seconds apart). Not for [`Unreachable`](Self::Unreachable): a refused or
    /// timed-out connect is what a dark site answers every time, and each extra attempt only
    /// delays the operator (and the split-brain guard) by the backoff.
    pub fn is_retried_at_once(self) -> bool {
        self.is_retryable() && self != Self::Unreachable
    }

    /// `true` when nothing answered (see [`Unreachable`](Self::Unreachable)); every other kind
    /// means that the Engine, or something in front of it, is there.
    pub fn is_no_answer(self) -> bool {
        self == Self::Unreachable
    }

    /// The snake_case name used in reports and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::Conflict => "conflict",
            Self::InvalidState => "invalid_state",
            Self::Locked => "locked",
            Self::LeaseHeld => "lease_held",
            Self::Unauthenticated => "unauthenticated",
            Self::Forbidden => "forbidden",
            Self::BadRequest => "bad_request",
            Self::Timeout => "timeout",
            Self::Unavailable => "unavailable",
            Self::Internal => "internal",
            Self::Protocol => "protocol",
            Self::Unsupported => "unsupported",
            Self::Unreachable => "unreachable",
            Self::Certificate => "certificate",
        }
    }
}

impl ErrorKind {
    /// Every kind, in declaration order.
    pub const ALL: [ErrorKind; 15] = [
        Self::NotFound,
        Self::Conflict,
        Self::InvalidState,
        Self::Locked,
        Self::LeaseHeld,
        Self::Unauthenticated,
        Self::Forbidden,
        Self::BadRequest,
        Self::Timeout,
        Self::Unavailable,
        Self::Internal,
        Self::Protocol,
        Self::Unsupported,
        Self::Unreachable,
        Self::Certificate,
    ];

    /// The kind whose [`as_str`](Self::as_str) name is `name` (as reports record it).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The Engine's own account of a failure: the `<fault>` element's `reason` and `detail`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Fault {
    /// Usually `Operation Failed`.
    pub reason: String,
    /// The translated message list, e.g. `[Cannot detach Storage. The relevant Storage Domain's
    /// status is Active.]`. Empty when the Engine sent none.
    pub detail: String,
}

impl Fault {
    /// A fault with the given reason and detail.
    pub fn new(reason: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
            detail: detail.into(),
        }
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.reason.is_empty(), self.detail.is_empty()) {
            (false, false) => write!(f, "{}: {}", self.reason, self.detail),
            (false, true) => f.write_str(&self.reason),
            (true, false) => f.write_str(&self.detail),
            (true, true) => Ok(()),
        }
    }
}

/// A failed Engine call: what kind of failure, which operation on what, and the Engine's words.
///
/// The message never contains a credential: implementations build it from operation names,
/// entity ids and names, HTTP status and fault texts only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EngineError {
    /// What kind of failure.
    pub kind: ErrorKind,
    /// The [`Engine`](super::Engine) method that failed, e.g. `attach_storage_domain`.
    pub operation: &'static str,
    /// The entity the call was about, e.g. `storage domain 'data1' (6f0c...)`.
    pub target: Option<String>,
    /// The Engine's fault, when it sent one.
    pub fault: Option<Fault>,
    /// The HTTP status, for the REST implementation.
    pub http_status: Option<u16>,
    /// Our own description when there is no fault (a transport error, a timeout, ...).
    pub message: Option<String>,
}

impl EngineError {
    /// A new error of `kind` raised by `operation`.
    pub fn new(kind: ErrorKind, operation: &'static str) -> Self {
        Self {
            kind,
            operation,
            target: None,
            fault: None,
            http_status: None,
            message: None,
        }
    }

    /// Names the entity the call was about.
    #[must_use]
    pub fn on(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    /// Attaches the Engine's fault.
    #[must_use]
    pub fn with_fault(mut self, fault: Fault) -> Self {
        self.fault = Some(fault);
        self
    }

    /// Attaches an Engine fault given as reason and detail.
    #[must_use]
    pub fn with_fault_text(self, reason: impl Into<String>, detail: impl Into<String>) -> Self {
        self.with_fault(Fault::new(reason, detail))
    }

    /// Attaches the HTTP status.
    #[must_use]
    pub fn with_status(mut self, status: u16) -> Self {
        self.http_status = Some(status);
        self
    }

    /// Attaches a description of our own.
    #[must_use]
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// Shorthand for `self.kind.is_retryable()`.
    pub fn is_retryable(&self) -> bool {
        self.kind.is_retryable()
    }

    /// The fault detail, or an empty string.
    pub fn detail(&self) -> &str {
        self.fault.as_ref().map_or("", |f| f.detail.as_str())
    }
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed", self.operation)?;
        if let Some(target) = &self.target {
            write!(f, " for {target}")?;
        }
        write!(f, " ({}", self.kind)?;
        if let Some(status) = self.http_status {
            write!(f, ", HTTP {status}")?;
        }
        f.write_str(")")?;
        if let Some(fault) = &self.fault {
            let text = fault.to_string();
            if !text.is_empty() {
                write!(f, ": {text}")?;
            }
        }
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        Ok(())
    }
}

impl std::error::Error for EngineError {}

/// Result of an Engine call.
pub type EngineResult<T> = Result<T, EngineError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_operation_target_kind_and_fault() {
        let e = EngineError::new(ErrorKind::InvalidState, "detach_storage_domain")
            .on("storage domain 'data1'")
            .with_status(409)
            .with_fault_text(
                "Operation Failed",
                "[Cannot detach Storage. The relevant Storage Domain's status is Active.]",
            );
        assert_eq!(
            e.to_string(),
            "detach_storage_domain failed for storage domain 'data1' (invalid_state, HTTP 409): Operation Failed: [Cannot detach Storage. The relevant Storage Domain's status is Active.]"
        );
        assert!(!e.is_retryable());
        assert!(EngineError::new(ErrorKind::LeaseHeld, "attach_storage_domain").is_retryable());
    }

    #[test]
    fn only_unreachable_is_no_answer_and_certificates_are_not_retried() {
        assert!(ErrorKind::Unreachable.is_no_answer());
        assert!(!ErrorKind::Unreachable.is_retried_at_once());
        assert!(ErrorKind::Unavailable.is_retried_at_once());
        assert!(!ErrorKind::Certificate.is_retryable());
        for kind in [
            ErrorKind::Unavailable,
            ErrorKind::Unauthenticated,
            ErrorKind::Certificate,
            ErrorKind::Timeout,
            ErrorKind::Internal,
            ErrorKind::Protocol,
        ] {
            assert!(!kind.is_no_answer(), "{kind}");
        }
    }
}
