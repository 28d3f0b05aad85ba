//! HTTP status (and fault text) → [`ErrorKind`], in one place, and the [`EngineError`]s built
//! from answers and transport failures.
//!
//! | HTTP | kind |
//! | --- | --- |
//! | 400 | `bad_request` |
//! | 401 | `unauthenticated` |
//! | 403 | `forbidden` |
//! | 404 | `not_found` |
//! | 408 | `timeout` |
//! | 409 | `locked` when the detail says the object is busy ("Related operation is currently in progress", "is locked. Please try again"), `invalid_state` when it blames a status ("status is", "VM is running", "VM is not running", "is not down", "because the VM is in"), `conflict` otherwise |
//! | 429, 502, 503, 504 | `unavailable` |
//! | 500 | `internal` |
//! | other 4xx / 5xx | `bad_request` / `internal` |
//! | anything else | `protocol` |
//!
//! Before the status, a sanlock failure in the fault (reference §6.4: "Cannot acquire host id",
//! "Could not obtain lock", "Wrong Master domain or its version", "Cannot retrieve SPM status",
//! "Not SPM") makes any error status `lease_held`: the Engine reports these VDSM errors as 400
//! or 500, but they mean "the other site still holds the lease", which a later retry can fix.
//! A failed action inside a 2xx answer is classified as if it were a 400 (the Engine's default
//! status for a failing command).

use crate::engine::{EngineError, ErrorKind, Fault};
use crate::xml::XmlError;

/// VDSM texts meaning a storage lease is held elsewhere (reference §6.4).
const LEASE_TEXTS: &[&str] = &[
    "Cannot acquire host id",
    "Could not obtain lock",
    "Wrong Master domain or its version",
    "Cannot retrieve SPM status",
    "Not SPM",
];

/// 409 details meaning "busy, try again" (`ACTION_TYPE_FAILED_OBJECT_LOCKED`, `..._VM_IS_LOCKED`,
/// `..._DISK_IS_LOCKED`).
const LOCKED_TEXTS: &[&str] = &[
    "Related operation is currently in progress",
    "is locked. Please try again",
];

/// 409 details blaming the entity's state (`..._STORAGE_DOMAIN_STATUS_ILLEGAL2`,
/// `..._VDS_STATUS_ILLEGAL`, `..._VM_IS_RUNNING`, `..._VM_IS_NOT_RUNNING`, `..._VM_IS_NOT_DOWN`,
/// `..._VM_STATUS_ILLEGAL`, `..._DETECTED_ACTIVE_VMS`, `..._NO_VDS_IN_POOL`,
/// `..._STORAGE_POOL_STATUS_ILLEGAL`, `CANNOT_REMOVE_STORAGE_DOMAIN_HOST_NOT_UP`,
/// `SCHEDULING_ALL_HOSTS_FILTERED_OUT`, and the OVF_STORE disk removal that needs an ILLEGAL
/// disk).
const STATE_TEXTS: &[&str] = &[
    "status is",
    "VM is running",
    "VM is not running",
    "is not down",
    "because the VM is in",
    "VMs in a state other than",
    "There is no active Host in the Data Center",
    "Unknown Data Center status",
    "is not up.",
    "There is no host that satisfies current scheduling constraints",
    "in ILLEGAL status",
];

/// The one mapping from an HTTP status and the Engine's fault to an [`ErrorKind`].
pub fn kind_for(status: u16, fault: Option<&Fault>) -> ErrorKind {
    let text = |needles: &[&str]| {
        fault.is_some_and(|f| {
            needles
                .iter()
                .any(|n| f.detail.contains(n) || f.reason.contains(n))
        })
    };
    let status = if (200..300).contains(&status) {
        400
    } else {
        status
    };
    if (400..600).contains(&status) && !matches!(status, 401 | 403 | 404) && text(LEASE_TEXTS) {
        return ErrorKind::LeaseHeld;
    }
    match status {
        400 => ErrorKind::BadRequest,
        401 => ErrorKind::Unauthenticated,
        403 => ErrorKind::Forbidden,
        404 => ErrorKind::NotFound,
        408 => ErrorKind::Timeout,
        409 if text(LOCKED_TEXTS) => ErrorKind::Locked,
        409 if text(STATE_TEXTS) => ErrorKind::InvalidState,
        409 => ErrorKind::Conflict,
        429 | 502..=504 => ErrorKind::Unavailable,
        500 => ErrorKind::Internal,
        405..=499 => ErrorKind::BadRequest,
        501..=599 => ErrorKind::Internal,
        _ => ErrorKind::Protocol,
    }
}

/// Who the call was about, for error messages: an operation and an optional entity.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    /// The `Engine` method.
    pub operation: &'static str,
    /// e.g. `storage domain 6f0c…`.
    pub target: Option<String>,
}

impl Call {
    pub(crate) fn new(operation: &'static str) -> Self {
        Self {
            operation,
            target: None,
        }
    }

    pub(crate) fn on(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    /// A bare error of `kind` for this call.
    pub(crate) fn error(&self, kind: ErrorKind) -> EngineError {
        let e = EngineError::new(kind, self.operation);
        match &self.target {
            Some(t) => e.on(t.clone()),
            None => e,
        }
    }

    /// The error for an HTTP answer with `status` and `fault` (if the body held one).
    pub(crate) fn http_error(&self, status: u16, fault: Option<Fault>) -> EngineError {
        let e = self
            .error(kind_for(status, fault.as_ref()))
            .with_status(status);
        match fault {
            Some(f) => e.with_fault(f),
            None if status == 401 => e.with_message("the Engine refused the session token"),
            None => e,
        }
    }

    /// The error for a body that does not have the expected shape.
    pub(crate) fn protocol(&self, status: u16, e: &XmlError) -> EngineError {
        self.error(ErrorKind::Protocol)
            .with_status(status)
            .with_message(format!("unexpected response body: {e}"))
    }

    /// The error for a request that got no HTTP answer: [`ErrorKind::Unreachable`] when no
    /// connection could be made (refused, no route, connect timeout, name not resolved: the
    /// site may be dark), [`ErrorKind::Certificate`] when the TLS handshake rejected the
    /// Engine's certificate, [`ErrorKind::Timeout`] when a made connection gave no answer in
    /// time, [`ErrorKind::Unavailable`] when a made connection broke.
    pub(crate) fn transport(&self, e: &reqwest::Error) -> EngineError {
        let kind = transport_kind(e);
        let message = match kind {
            ErrorKind::Certificate => format!(
                "{}; the Engine answered with a certificate this client does not trust: check the CA file (and that the URL names the host the certificate was issued for)",
                describe(e)
            ),
            _ => describe(e),
        };
        self.error(kind).with_message(message)
    }

    /// The error for an attempt that ran out of time.
    pub(crate) fn timeout(&self, after: std::time::Duration) -> EngineError {
        self.error(ErrorKind::Timeout).with_message(format!(
            "no complete answer within {} s",
            after.as_secs_f64()
        ))
    }
}

/// What kind of failure a request without an HTTP answer met: the causes are walked for a
/// rustls certificate error and for the I/O error of the connect.
fn transport_kind(e: &reqwest::Error) -> ErrorKind {
    if e.is_builder() {
        return ErrorKind::Protocol;
    }
    if certificate_error(e) {
        return ErrorKind::Certificate;
    }
    if e.is_connect() {
        // The connector's errors: DNS, TCP connect (refused, unreachable, connect timeout),
        // and the TLS handshake. A handshake that failed otherwise than on the certificate
        // means something listened and spoke: not dark.
        return if handshake_error(e) {
            ErrorKind::Unavailable
        } else {
            ErrorKind::Unreachable
        };
    }
    if e.is_timeout() {
        ErrorKind::Timeout
    } else {
        // Reset, cut off, closed before the answer: a connection was made, so something
        // answered at the TCP level.
        ErrorKind::Unavailable
    }
}

/// `true` when one of the causes is rustls rejecting the peer's certificate.
fn certificate_error(e: &reqwest::Error) -> bool {
    tls_error(e).is_some_and(|tls| {
        matches!(
            tls,
            rustls::Error::InvalidCertificate(_) | rustls::Error::NoCertificatesPresented
        )
    })
}

/// `true` when the request died on a pooled connection the peer had closed, before any answer
/// (hyper's "connection closed before message completed", its `IncompleteMessage`): the
/// request never reached the Engine, and a new connection tells what the site is now.
pub(crate) fn stale_connection(e: &reqwest::Error) -> bool {
    !e.is_connect()
        && !e.is_timeout()
        && describe(e).contains("connection closed before message completed")
}

/// `true` when one of the causes is a rustls error (the TLS handshake started: the peer spoke).
fn handshake_error(e: &reqwest::Error) -> bool {
    tls_error(e).is_some()
}

/// The rustls error among the causes. hyper-util wraps it in an `io::Error` inside another
/// (`Custom { Other, Custom { InvalidData, InvalidCertificate(UnknownIssuer) } }`), and an
/// `io::Error`'s `source()` skips the error it wraps, so wrapped errors are opened too.
fn tls_error(e: &reqwest::Error) -> Option<&rustls::Error> {
    fn open<'a>(
        error: &'a (dyn std::error::Error + 'static),
        depth: usize,
    ) -> Option<&'a rustls::Error> {
        if let Some(tls) = error.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        if depth < 8
            && let Some(io) = error.downcast_ref::<std::io::Error>()
            && let Some(inner) = io.get_ref()
        {
            let inner: &(dyn std::error::Error + 'static) = inner;
            return open(inner, depth + 1);
        }
        None
    }
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(tls) = open(s, 0) {
            return Some(tls);
        }
        source = s.source();
    }
    None
}

/// A transport error with its causes (TLS and connection details live in the sources).
fn describe(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let s_text = s.to_string();
        if !text.contains(&s_text) {
            text.push_str(": ");
            text.push_str(&s_text);
        }
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(detail: &str) -> Fault {
        Fault::new("Operation Failed", detail)
    }

    #[test]
    fn statuses() {
        for (status, kind) in [
            (400, ErrorKind::BadRequest),
            (401, ErrorKind::Unauthenticated),
            (403, ErrorKind::Forbidden),
            (404, ErrorKind::NotFound),
            (405, ErrorKind::BadRequest),
            (408, ErrorKind::Timeout),
            (409, ErrorKind::Conflict),
            (429, ErrorKind::Unavailable),
            (500, ErrorKind::Internal),
            (501, ErrorKind::Internal),
            (502, ErrorKind::Unavailable),
            (503, ErrorKind::Unavailable),
            (504, ErrorKind::Unavailable),
            (302, ErrorKind::Protocol),
        ] {
            assert_eq!(kind_for(status, None), kind, "{status}");
        }
    }

    #[test]
    fn fault_texts_refine_409_and_find_leases() {
        let locked = f(
            "[Cannot deactivate Storage. Related operation is currently in progress. Please try again later.]",
        );
        assert_eq!(kind_for(409, Some(&locked)), ErrorKind::Locked);
        let vm_locked = f("[Cannot run VM: VM is locked. Please try again in a few minutes.]");
        assert_eq!(kind_for(409, Some(&vm_locked)), ErrorKind::Locked);
        let state = f("[Cannot detach Storage. The relevant Storage Domain's status is Active.]");
        assert_eq!(kind_for(409, Some(&state)), ErrorKind::InvalidState);
        let running = f("[Cannot run VM. VM is running.]");
        assert_eq!(kind_for(409, Some(&running)), ErrorKind::InvalidState);
        for detail in [
            "[Cannot deactivate Storage. VMs in a state other than \"Down\" or \"Suspended\" were detected.]",
            "[Cannot attach Storage. There is no active Host in the Data Center.]",
            "[Cannot attach Storage. Unknown Data Center status.]",
            "[Cannot remove Storage. Host hv1 is not up.]",
            "[Cannot run VM. There is no host that satisfies current scheduling constraints. See below for details:]",
            "[Cannot remove Virtual Disk. The operation can be performed only for OVF disks that are in ILLEGAL status.]",
        ] {
            assert_eq!(
                kind_for(409, Some(&f(detail))),
                ErrorKind::InvalidState,
                "{detail}"
            );
        }
        let dup = f("[Cannot add Storage. The Storage Domain already exists.]");
        assert_eq!(kind_for(409, Some(&dup)), ErrorKind::Conflict);
        let lease = f("[Cannot acquire host id]");
        assert_eq!(kind_for(400, Some(&lease)), ErrorKind::LeaseHeld);
        assert_eq!(kind_for(500, Some(&lease)), ErrorKind::LeaseHeld);
        assert_eq!(kind_for(200, Some(&lease)), ErrorKind::LeaseHeld);
        assert_eq!(kind_for(404, Some(&lease)), ErrorKind::NotFound);
        assert_eq!(kind_for(200, Some(&f("[x]"))), ErrorKind::BadRequest);
        assert_eq!(kind_for(409, Some(&state)), ErrorKind::InvalidState);
    }

    #[test]
    fn errors_carry_call_status_and_fault() {
        let call = Call::new("detach_storage_domain").on("storage domain data1");
        let e = call.http_error(409, Some(f("[… status is Active.]")));
        assert_eq!(e.kind, ErrorKind::InvalidState);
        assert_eq!(e.http_status, Some(409));
        assert_eq!(e.target.as_deref(), Some("storage domain data1"));
        let e = call.http_error(401, None);
        assert_eq!(e.kind, ErrorKind::Unauthenticated);
        assert!(e.message.is_some());
    }
}
