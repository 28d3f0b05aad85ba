//! The [`EngineError`]s built from the Engine's answers and from transport failures. The HTTP
//! status and fault text → [`ErrorKind`] mapping is [`kind_for`], shared with the fake Engine
//! (`engine::classify`), so both sides name one refusal the same way.

pub use crate::engine::classify::kind_for;
use crate::engine::{EngineError, ErrorKind, Fault};
use crate::xml::XmlError;

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
/// (hyper's "connection closed before message completed", its `IncompleteMessage`; over TLS,
/// rustls's end of stream without `close_notify`): the request never got an answer, and a new
/// connection tells what the site is now.
pub(crate) fn stale_connection(e: &reqwest::Error) -> bool {
    if e.is_connect() || e.is_timeout() {
        return false;
    }
    let text = describe(e);
    text.contains("connection closed before message completed")
        || text.contains("peer closed connection without sending TLS close_notify")
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
        for busy in [
            "[Cannot deactivate Storage while there are running tasks on this Storage.\n-Tasks running: UploadStream\n-Please wait until tasks will finish and try again.]",
            "[Cannot deactivate Master Data Domain while there are running tasks on its Data Center.\n-Tasks running: UploadStream\n-Please wait until tasks will finish and try again.]",
            "[You are trying to deactivate a Master storage domain while there are locked domains in the Data Center. Please wait for the operations on those domains to finish first.]",
            "[Cannot switch master storage domain. The storage pool has running tasks.]",
            "[Cannot deactivate Storage. Storage Domain OVF data is currently being updated.]",
        ] {
            assert_eq!(kind_for(409, Some(&f(busy))), ErrorKind::Locked, "{busy}");
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
