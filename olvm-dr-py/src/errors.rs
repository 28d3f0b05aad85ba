//! [`Error`]: every failure of the package, and how each becomes one of the Python exceptions
//! of `olvm_dr.exceptions` (declared in Python, see that module for why).

use std::path::PathBuf;

use olvm_dr_core::engine::rest::RestConfigError;
use olvm_dr_core::fake::ControlError;
use olvm_dr_core::flow::FlowError;
use olvm_dr_core::journal::StateDirError;
use olvm_dr_core::mapping::WriteError;
use olvm_dr_core::plan::PlanningError;
use olvm_dr_core::{Diagnostic, EngineError, ErrorKind, Site};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyModule;

use crate::diagnostic;

/// A failure, before it becomes a Python exception.
#[derive(Debug)]
pub(crate) enum Error {
    /// An Engine call failed (on `site`, when known).
    Engine {
        /// The site.
        site: Option<Site>,
        /// The error.
        error: Box<EngineError>,
        /// The message, when it says more than the error itself.
        message: Option<String>,
    },
    /// A flow could not start or finish.
    Flow(FlowError),
    /// The mapping has errors.
    Validation {
        /// What to say.
        message: String,
        /// Every finding.
        diagnostics: Vec<Diagnostic>,
    },
    /// An argument or a setting cannot be used.
    Config(String),
    /// A file cannot be read or written.
    File {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Result of the package's Rust functions.
pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A configuration error.
    pub(crate) fn config(message: impl Into<String>) -> Self {
        Self::Config(message.into())
    }

    /// A file error.
    pub(crate) fn file(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::File {
            path: path.into(),
            source,
        }
    }

    /// A validation error over `diagnostics`, saying what was refused.
    pub(crate) fn validation(what: &str, diagnostics: Vec<Diagnostic>) -> Self {
        let errors: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.is_error()).collect();
        let mut message = format!("{what}: the mapping has {} error(s)", errors.len());
        for d in errors.iter().take(5) {
            message.push_str(&format!("\n  {d}"));
        }
        if errors.len() > 5 {
            message.push_str(&format!("\n  ... and {} more", errors.len() - 5));
        }
        Self::Validation {
            message,
            diagnostics,
        }
    }

    /// Converts into the Python exception.
    pub(crate) fn into_pyerr(self, py: Python<'_>) -> PyErr {
        match build(py, self) {
            Ok(err) => err,
            Err(err) => err,
        }
    }
}

impl From<EngineError> for Error {
    fn from(error: EngineError) -> Self {
        Self::Engine {
            site: None,
            error: Box::new(error),
            message: None,
        }
    }
}

impl From<FlowError> for Error {
    fn from(e: FlowError) -> Self {
        Self::Flow(e)
    }
}

impl From<RestConfigError> for Error {
    fn from(e: RestConfigError) -> Self {
        Self::Config(e.to_string())
    }
}

impl From<WriteError> for Error {
    fn from(e: WriteError) -> Self {
        Self::file(e.path, e.source)
    }
}

impl From<ControlError> for Error {
    fn from(e: ControlError) -> Self {
        Self::Config(e.to_string())
    }
}

impl From<Error> for PyErr {
    fn from(e: Error) -> Self {
        Python::attach(|py| e.into_pyerr(py))
    }
}

/// The exception class for each kind of Engine failure. A kind added to the core later falls
/// back to the base class `EngineError`.
fn class_of(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::NotFound => "NotFoundError",
        ErrorKind::Conflict => "ConflictError",
        ErrorKind::InvalidState => "InvalidStateError",
        ErrorKind::Locked => "LockedError",
        ErrorKind::LeaseHeld => "LeaseHeldError",
        ErrorKind::Unauthenticated => "AuthenticationError",
        ErrorKind::Forbidden => "ForbiddenError",
        ErrorKind::BadRequest => "BadRequestError",
        ErrorKind::Timeout => "EngineTimeoutError",
        ErrorKind::Unavailable | ErrorKind::Unreachable => "EngineUnavailableError",
        ErrorKind::Internal => "EngineInternalError",
        ErrorKind::Protocol => "ProtocolError",
        ErrorKind::Unsupported => "UnsupportedError",
        _ => "EngineError",
    }
}

/// `olvm_dr.exceptions`, imported once.
fn exceptions(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    MODULE
        .get_or_try_init(py, || {
            PyModule::import(py, "olvm_dr.exceptions").map(Bound::unbind)
        })
        .map(|m| m.bind(py))
}

/// An instance of `olvm_dr.exceptions.<class>` made from `args`, as a `PyErr`.
fn instance<'py, A>(py: Python<'py>, class: &str, args: A) -> PyResult<Bound<'py, PyAny>>
where
    A: pyo3::call::PyCallArgs<'py>,
{
    exceptions(py)?.getattr(class)?.call1(args)
}

fn engine<'py>(
    py: Python<'py>,
    site: Option<Site>,
    error: &EngineError,
    message: String,
) -> PyResult<Bound<'py, PyAny>> {
    let e = instance(py, class_of(error.kind), (message,))?;
    e.setattr("kind", error.kind.as_str())?;
    e.setattr("operation", error.operation)?;
    e.setattr("target", error.target.clone())?;
    e.setattr("http_status", error.http_status)?;
    e.setattr(
        "fault_reason",
        error.fault.as_ref().map(|f| f.reason.clone()),
    )?;
    e.setattr(
        "fault_detail",
        error.fault.as_ref().map(|f| f.detail.clone()),
    )?;
    e.setattr("retryable", error.is_retryable())?;
    e.setattr("site", site.map(Site::as_str))?;
    Ok(e)
}

fn file<'py>(
    py: Python<'py>,
    path: PathBuf,
    source: &std::io::Error,
) -> PyResult<Bound<'py, PyAny>> {
    let errno = source.raw_os_error().unwrap_or(0);
    instance(
        py,
        "FileError",
        (errno, source.to_string(), path.display().to_string()),
    )
}

fn build(py: Python<'_>, error: Error) -> PyResult<PyErr> {
    let exc = match error {
        Error::Engine {
            site,
            error,
            message,
        } => {
            let text = message.unwrap_or_else(|| error.to_string());
            engine(py, site, &error, text)?
        }
        Error::Validation {
            message,
            diagnostics,
        } => {
            let e = instance(py, "ValidationError", (message,))?;
            e.setattr("diagnostics", diagnostic::diagnostics(py, &diagnostics)?)?;
            e
        }
        Error::Config(m) => instance(py, "ConfigurationError", (m,))?,
        Error::File { path, source } => file(py, path, &source)?,
        Error::Flow(flow) => match flow {
            FlowError::Planning(p) => {
                let text = p.to_string();
                match *p {
                    PlanningError::Problems(list) => {
                        let e = instance(py, "PlanningError", (text,))?;
                        e.setattr("diagnostics", diagnostic::diagnostics(py, &list)?)?;
                        e
                    }
                    PlanningError::Engine { site, error } => engine(py, Some(site), &error, text)?,
                }
            }
            FlowError::State(StateDirError::Io { path, source })
            | FlowError::Io { path, source } => file(py, path, &source)?,
            e @ (FlowError::State(_)
            | FlowError::Resume(_)
            | FlowError::Drill(_)
            | FlowError::Locked { .. }
            | FlowError::LockLost { .. }) => instance(py, "RunStateError", (e.to_string(),))?,
            FlowError::Lock { site, ref error } => {
                let text = flow.to_string();
                engine(py, Some(site), error, text)?
            }
            e @ FlowError::NoEngine(_) => instance(py, "ConfigurationError", (e.to_string(),))?,
        },
    };
    Ok(PyErr::from_value(exc))
}
