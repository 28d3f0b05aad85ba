//! [`DrError`]: every failure the bindings raise. One variant per kind of Engine failure (the
//! core's `ErrorKind`), plus the ones that are not Engine calls: a mapping that is not valid, a
//! plan that cannot be made, files, settings, the state directory, a foreign callback.
//!
//! Messages carry the Engine's fault text where there is one and never a password: they are
//! built from the core's errors, whose messages hold no secret.

use olvm_dr_core::engine::rest::RestConfigError;
use olvm_dr_core::fake::{ControlError, StopVmError};
use olvm_dr_core::flow::{FlowError, SiteCheckError};
use olvm_dr_core::mapping::{ConnectionError, ReadError};
use olvm_dr_core::plan::PlanningError;
use olvm_dr_core::{EngineError, ErrorKind};

use crate::types::Diagnostic;

/// A failure of an olvm-dr call. Kotlin names it `DrException`.
#[derive(Debug, Clone, PartialEq, thiserror::Error, uniffi::Error)]
pub enum DrError {
    /// The entity does not exist (HTTP 404).
    #[error("{reason}")]
    NotFound {
        /// What failed, with the Engine's words.
        reason: String,
    },
    /// The request clashes with existing state (a duplicate, a MAC conflict, a master rule).
    #[error("{reason}")]
    Conflict {
        /// What failed, with the Engine's words.
        reason: String,
    },
    /// The entity's state does not allow the operation.
    #[error("{reason}")]
    InvalidState {
        /// What failed, with the Engine's words.
        reason: String,
    },
    /// A related operation is in progress; the same call later will probably work.
    #[error("{reason}")]
    Locked {
        /// What failed, with the Engine's words.
        reason: String,
    },
    /// A storage domain's sanlock lease is still held by the other site's hosts.
    #[error("{reason}")]
    LeaseHeld {
        /// What failed, with the Engine's words.
        reason: String,
    },
    /// No, bad or expired credentials.
    #[error("{reason}")]
    Unauthenticated {
        /// What failed.
        reason: String,
    },
    /// The user lacks a permission.
    #[error("{reason}")]
    Forbidden {
        /// What failed.
        reason: String,
    },
    /// The request was malformed.
    #[error("{reason}")]
    BadRequest {
        /// What failed, with the Engine's words.
        reason: String,
    },
    /// No answer within the deadline.
    #[error("{reason}")]
    Timeout {
        /// What failed.
        reason: String,
    },
    /// The Engine cannot be reached, or its site is down.
    #[error("{reason}")]
    Unavailable {
        /// What failed.
        reason: String,
    },
    /// The Engine failed internally, or this library did (a bug: please report it).
    #[error("{reason}")]
    Internal {
        /// What failed.
        reason: String,
    },
    /// The Engine's answer could not be understood.
    #[error("{reason}")]
    Protocol {
        /// What failed.
        reason: String,
    },
    /// The Engine does not offer the operation.
    #[error("{reason}")]
    Unsupported {
        /// What failed.
        reason: String,
    },
    /// Nothing answered: connection refused, no route, connect timeout (the site may be dark).
    #[error("{reason}")]
    Unreachable {
        /// What failed.
        reason: String,
    },
    /// The Engine's TLS certificate is not trusted (fix the CA file; not transient).
    #[error("{reason}")]
    Certificate {
        /// What failed.
        reason: String,
    },
    /// The mapping file has errors (reading it, or the offline rules); nothing was changed.
    #[error("{reason}")]
    Validation {
        /// A summary.
        reason: String,
        /// Every finding, errors first by position.
        diagnostics: Vec<Diagnostic>,
    },
    /// The plan cannot be made: the mapping does not fit the live site; nothing was changed.
    #[error("{reason}")]
    Planning {
        /// A summary.
        reason: String,
        /// Each problem, with its place in the mapping file.
        diagnostics: Vec<Diagnostic>,
    },
    /// A file cannot be read or written.
    #[error("{reason}")]
    Io {
        /// Which file, and why.
        reason: String,
    },
    /// A setting cannot work: a bad URL, an unusable CA file, a missing site key or Engine.
    #[error("{reason}")]
    Config {
        /// What, and what to do.
        reason: String,
    },
    /// The state directory is held by another run, or the run to resume cannot be resumed.
    #[error("{reason}")]
    State {
        /// What, and what to do.
        reason: String,
    },
    /// A callback implemented in the foreign language raised something other than `DrError`.
    #[error("{reason}")]
    Callback {
        /// What it raised.
        reason: String,
    },
}

impl DrError {
    /// The Engine error kind this variant mirrors (`None` for the others).
    pub fn engine_kind(&self) -> Option<ErrorKind> {
        Some(match self {
            Self::NotFound { .. } => ErrorKind::NotFound,
            Self::Conflict { .. } => ErrorKind::Conflict,
            Self::InvalidState { .. } => ErrorKind::InvalidState,
            Self::Locked { .. } => ErrorKind::Locked,
            Self::LeaseHeld { .. } => ErrorKind::LeaseHeld,
            Self::Unauthenticated { .. } => ErrorKind::Unauthenticated,
            Self::Forbidden { .. } => ErrorKind::Forbidden,
            Self::BadRequest { .. } => ErrorKind::BadRequest,
            Self::Timeout { .. } => ErrorKind::Timeout,
            Self::Unavailable { .. } => ErrorKind::Unavailable,
            Self::Protocol { .. } => ErrorKind::Protocol,
            Self::Unsupported { .. } => ErrorKind::Unsupported,
            Self::Unreachable { .. } => ErrorKind::Unreachable,
            Self::Certificate { .. } => ErrorKind::Certificate,
            Self::Internal { .. } => ErrorKind::Internal,
            _ => return None,
        })
    }

    /// The variant mirroring `kind`, with `message`.
    pub(crate) fn of_kind(kind: ErrorKind, message: String) -> Self {
        match kind {
            ErrorKind::NotFound => Self::NotFound { reason: message },
            ErrorKind::Conflict => Self::Conflict { reason: message },
            ErrorKind::InvalidState => Self::InvalidState { reason: message },
            ErrorKind::Locked => Self::Locked { reason: message },
            ErrorKind::LeaseHeld => Self::LeaseHeld { reason: message },
            ErrorKind::Unauthenticated => Self::Unauthenticated { reason: message },
            ErrorKind::Forbidden => Self::Forbidden { reason: message },
            ErrorKind::BadRequest => Self::BadRequest { reason: message },
            ErrorKind::Timeout => Self::Timeout { reason: message },
            ErrorKind::Unavailable => Self::Unavailable { reason: message },
            ErrorKind::Protocol => Self::Protocol { reason: message },
            ErrorKind::Unsupported => Self::Unsupported { reason: message },
            ErrorKind::Unreachable => Self::Unreachable { reason: message },
            ErrorKind::Certificate => Self::Certificate { reason: message },
            // `Internal`, and kinds added to the core later (named in the message).
            ErrorKind::Internal => Self::Internal { reason: message },
            other => Self::Internal {
                reason: format!("{message} [{other}]"),
            },
        }
    }
}

impl From<EngineError> for DrError {
    fn from(e: EngineError) -> Self {
        Self::of_kind(e.kind, e.to_string())
    }
}

impl From<PlanningError> for DrError {
    fn from(e: PlanningError) -> Self {
        match e {
            PlanningError::Problems(list) => Self::Planning {
                reason: format!(
                    "{} problem(s) prevent a plan; nothing was changed",
                    list.len()
                ),
                diagnostics: list.iter().map(Diagnostic::from).collect(),
            },
            PlanningError::Engine { ref error, .. } => Self::of_kind(error.kind, e.to_string()),
        }
    }
}

impl From<FlowError> for DrError {
    fn from(e: FlowError) -> Self {
        match e {
            FlowError::Planning(p) => (*p).into(),
            FlowError::State(_)
            | FlowError::Resume(_)
            | FlowError::Drill(_)
            | FlowError::Locked { .. }
            | FlowError::LockLost { .. } => Self::State {
                reason: e.to_string(),
            },
            FlowError::Lock { ref error, .. } => Self::of_kind(error.kind, e.to_string()),
            FlowError::Io { .. } => Self::Io {
                reason: e.to_string(),
            },
            FlowError::NoEngine(_) => Self::Config {
                reason: e.to_string(),
            },
        }
    }
}

impl From<RestConfigError> for DrError {
    fn from(e: RestConfigError) -> Self {
        Self::Config {
            reason: e.to_string(),
        }
    }
}

impl From<ConnectionError> for DrError {
    fn from(e: ConnectionError) -> Self {
        Self::Config {
            reason: e.to_string(),
        }
    }
}

impl From<SiteCheckError> for DrError {
    fn from(e: SiteCheckError) -> Self {
        match e {
            SiteCheckError::Run(e) => e.into(),
            SiteCheckError::Read { ref error, .. } => Self::of_kind(error.kind, e.to_string()),
            SiteCheckError::WrongSite { target, .. } => Self::Config {
                reason: format!("{e}: verify the {target} site"),
            },
        }
    }
}

impl From<ControlError> for DrError {
    fn from(e: ControlError) -> Self {
        Self::Config {
            reason: e.to_string(),
        }
    }
}

impl From<StopVmError> for DrError {
    fn from(e: StopVmError) -> Self {
        match e {
            StopVmError::NotFound(e) => e.into(),
            StopVmError::Engine(e) => e.into(),
        }
    }
}

impl From<ReadError> for DrError {
    fn from(e: ReadError) -> Self {
        Self::Io {
            reason: e.to_string(),
        }
    }
}

impl From<uniffi::UnexpectedUniFFICallbackError> for DrError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::Callback {
            reason: format!("a callback raised an unexpected error: {}", e.reason),
        }
    }
}

#[cfg(test)]
mod tests {
    use olvm_dr_core::engine::Fault;

    use super::*;

    #[test]
    fn engine_errors_keep_their_kind_and_the_engines_words() {
        let e = EngineError::new(ErrorKind::InvalidState, "detach_storage_domain")
            .on("storage domain 'data1'")
            .with_status(409)
            .with_fault(Fault::new(
                "Operation Failed",
                "[Cannot detach Storage. The relevant Storage Domain's status is Active.]",
            ));
        let d = DrError::from(e);
        assert_eq!(d.engine_kind(), Some(ErrorKind::InvalidState));
        assert!(matches!(&d, DrError::InvalidState { reason }
            if reason.contains("The relevant Storage Domain's status is Active")));
    }

    #[test]
    fn every_engine_kind_has_its_own_variant() {
        for kind in ErrorKind::ALL {
            assert_eq!(
                DrError::of_kind(kind, "x".into()).engine_kind(),
                Some(kind),
                "{kind}"
            );
        }
    }
}
