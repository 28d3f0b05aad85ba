//! [`DrError`]: every failure the bindings raise. One variant per kind of Engine failure (the
//! core's `ErrorKind`), plus the ones that are not Engine calls: a mapping that is not valid, a
//! plan that cannot be made, files, settings, the state directory, a foreign callback.
//!
//! Messages carry the Engine's fault text where there is one and never a password: they are
//! built from the core's errors, whose messages hold no secret.

use olvm_dr_core::engine::rest::RestConfigError;
use olvm_dr_core::flow::FlowError;
use olvm_dr_core::mapping::{ConnectionError, ReadError};
use olvm_dr_core::plan::PlanningError;
use olvm_dr_core::{EngineError, ErrorKind};

use crate::types::Diagnostic;

/// A failure of an olvm-dr call. Kotlin names it `DrException`.
#[derive(Debug, Clone, PartialEq, thiserror::Error, uniffi::Error)]
pub enum DrError {
    /// The entity does not exist (HTTP 404).
    #[error("{message}")]
    NotFound {
        /// What failed, with the Engine's words.
        message: String,
    },
    /// The request clashes with existing state (a duplicate, a MAC conflict, a master rule).
    #[error("{message}")]
    Conflict {
        /// What failed, with the Engine's words.
        message: String,
    },
    /// The entity's state does not allow the operation.
    #[error("{message}")]
    InvalidState {
        /// What failed, with the Engine's words.
        message: String,
    },
    /// A related operation is in progress; the same call later will probably work.
    #[error("{message}")]
    Locked {
        /// What failed, with the Engine's words.
        message: String,
    },
    /// A storage domain's sanlock lease is still held by the other site's hosts.
    #[error("{message}")]
    LeaseHeld {
        /// What failed, with the Engine's words.
        message: String,
    },
    /// No, bad or expired credentials.
    #[error("{message}")]
    Unauthenticated {
        /// What failed.
        message: String,
    },
    /// The user lacks a permission.
    #[error("{message}")]
    Forbidden {
        /// What failed.
        message: String,
    },
    /// The request was malformed.
    #[error("{message}")]
    BadRequest {
        /// What failed, with the Engine's words.
        message: String,
    },
    /// No answer within the deadline.
    #[error("{message}")]
    Timeout {
        /// What failed.
        message: String,
    },
    /// The Engine cannot be reached, or its site is down.
    #[error("{message}")]
    Unavailable {
        /// What failed.
        message: String,
    },
    /// The Engine failed internally, or this library did (a bug: please report it).
    #[error("{message}")]
    Internal {
        /// What failed.
        message: String,
    },
    /// The Engine's answer could not be understood.
    #[error("{message}")]
    Protocol {
        /// What failed.
        message: String,
    },
    /// The Engine does not offer the operation.
    #[error("{message}")]
    Unsupported {
        /// What failed.
        message: String,
    },
    /// The mapping file has errors (reading it, or the offline rules); nothing was changed.
    #[error("{message}")]
    Validation {
        /// A summary.
        message: String,
        /// Every finding, errors first by position.
        diagnostics: Vec<Diagnostic>,
    },
    /// The plan cannot be made: the mapping does not fit the live site; nothing was changed.
    #[error("{message}")]
    Planning {
        /// A summary.
        message: String,
        /// Each problem, with its place in the mapping file.
        diagnostics: Vec<Diagnostic>,
    },
    /// A file cannot be read or written.
    #[error("{message}")]
    Io {
        /// Which file, and why.
        message: String,
    },
    /// A setting cannot work: a bad URL, an unusable CA file, a missing site key or Engine.
    #[error("{message}")]
    Config {
        /// What, and what to do.
        message: String,
    },
    /// The state directory is held by another run, or the run to resume cannot be resumed.
    #[error("{message}")]
    State {
        /// What, and what to do.
        message: String,
    },
    /// A callback implemented in the foreign language raised something other than `DrError`.
    #[error("{message}")]
    Callback {
        /// What it raised.
        message: String,
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
            Self::Internal { .. } => ErrorKind::Internal,
            _ => return None,
        })
    }

    /// The variant mirroring `kind`, with `message`.
    pub(crate) fn of_kind(kind: ErrorKind, message: String) -> Self {
        match kind {
            ErrorKind::NotFound => Self::NotFound { message },
            ErrorKind::Conflict => Self::Conflict { message },
            ErrorKind::InvalidState => Self::InvalidState { message },
            ErrorKind::Locked => Self::Locked { message },
            ErrorKind::LeaseHeld => Self::LeaseHeld { message },
            ErrorKind::Unauthenticated => Self::Unauthenticated { message },
            ErrorKind::Forbidden => Self::Forbidden { message },
            ErrorKind::BadRequest => Self::BadRequest { message },
            ErrorKind::Timeout => Self::Timeout { message },
            ErrorKind::Unavailable => Self::Unavailable { message },
            ErrorKind::Protocol => Self::Protocol { message },
            ErrorKind::Unsupported => Self::Unsupported { message },
            // `Internal`, and kinds added to the core later (named in the message).
            ErrorKind::Internal => Self::Internal { message },
            other => Self::Internal {
                message: format!("{message} [{other}]"),
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
                message: format!(
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
            FlowError::State(_) | FlowError::Resume(_) => Self::State {
                message: e.to_string(),
            },
            FlowError::Io { .. } => Self::Io {
                message: e.to_string(),
            },
            FlowError::NoEngine(_) => Self::Config {
                message: e.to_string(),
            },
        }
    }
}

impl From<RestConfigError> for DrError {
    fn from(e: RestConfigError) -> Self {
        Self::Config {
            message: e.to_string(),
        }
    }
}

impl From<ConnectionError> for DrError {
    fn from(e: ConnectionError) -> Self {
        Self::Config {
            message: e.to_string(),
        }
    }
}

impl From<ReadError> for DrError {
    fn from(e: ReadError) -> Self {
        Self::Io {
            message: e.to_string(),
        }
    }
}

impl From<uniffi::UnexpectedUniFFICallbackError> for DrError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::Callback {
            message: format!("a callback raised an unexpected error: {}", e.reason),
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
        assert!(matches!(&d, DrError::InvalidState { message }
            if message.contains("The relevant Storage Domain's status is Active")));
    }

    #[test]
    fn every_engine_kind_has_its_own_variant() {
        for kind in [
            ErrorKind::NotFound,
            ErrorKind::Conflict,
            ErrorKind::InvalidState,
            ErrorKind::Locked,
            ErrorKind::LeaseHeld,
            ErrorKind::Unauthenticated,
            ErrorKind::Forbidden,
            ErrorKind::BadRequest,
            ErrorKind::Timeout,
            ErrorKind::Unavailable,
            ErrorKind::Internal,
            ErrorKind::Protocol,
            ErrorKind::Unsupported,
        ] {
            assert_eq!(
                DrError::of_kind(kind, "x".into()).engine_kind(),
                Some(kind),
                "{kind}"
            );
        }
    }
}
