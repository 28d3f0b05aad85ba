//! The storage gates of a flow from Python: a callable, a command, or a file. A plan may hold
//! several gates (a drill's return has two); each is told apart by its id (`storage-gate`,
//! `split-replication`, `resume-replication`, `restore-replication`): a callable that takes
//! a `gate` keyword receives it, a command gets it in `OLVM_DR_GATE`, a file path names it with
//! `{gate}`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use olvm_dr_core::execute::{CommandGate, FileGate, StepContext, StepFailure, StorageGate};
use pyo3::prelude::*;

use crate::errors::Error;
use crate::values;

/// How long a command or file gate waits by default: 4 hours, the CLI's default — reversing
/// replication on the arrays is manual work that can take a while at night.
pub(crate) const DEFAULT_GATE_TIMEOUT: Duration = Duration::from_secs(4 * 3600);

/// A Python callable as the storage gate. It is called with the gate's description (what must
/// be done on the arrays) in a worker thread — and with `gate=` (the gate's id) and `site=` (the
/// site that waits) when it accepts those keywords — and the run continues when it returns:
/// `None` or `True` mean ready, a string is recorded in the journal as what confirmed it,
/// `False` or an exception fail the gate step (nothing after it runs; rerunning resumes at the
/// gate).
struct CallableGate {
    callback: Py<PyAny>,
    /// The callable accepts `gate=` and `site=`.
    keywords: bool,
}

/// `true` when `callback(description, gate=..., site=...)` binds to its signature. A callable
/// whose signature cannot be read (some built-ins) gets the description only.
fn takes_gate_keywords(py: Python<'_>, callback: &Py<PyAny>) -> bool {
    let bind = || -> PyResult<()> {
        let inspect = PyModule::import(py, "inspect")?;
        let signature = inspect.call_method1("signature", (callback.bind(py),))?;
        let kwargs = pyo3::types::PyDict::new(py);
        kwargs.set_item("gate", "")?;
        kwargs.set_item("site", "")?;
        signature.call_method("bind", ("",), Some(&kwargs))?;
        Ok(())
    };
    bind().is_ok()
}

/// What the callable answered.
enum Answer {
    Ready(String),
    NotReady(String),
}

fn ask(callback: &Py<PyAny>, description: &str, keywords: Option<(&str, &str)>) -> Answer {
    Python::attach(|py| {
        let called = match keywords {
            Some((gate, site)) => {
                let kwargs = pyo3::types::PyDict::new(py);
                kwargs
                    .set_item("gate", gate)
                    .and_then(|()| kwargs.set_item("site", site))
                    .and_then(|()| callback.call(py, (description,), Some(&kwargs)))
            }
            None => callback.call1(py, (description,)),
        };
        answer(py, called)
    })
}

fn answer(py: Python<'_>, called: PyResult<Py<PyAny>>) -> Answer {
    match called {
        Err(e) => Answer::NotReady(format!("the storage gate callable raised {e}")),
        Ok(value) => {
            let value = value.bind(py);
            if value.is_none() {
                return Answer::Ready("the storage gate callable returned".into());
            }
            if let Ok(text) = value.extract::<String>() {
                return Answer::Ready(text);
            }
            match value.is_truthy() {
                Ok(true) => Answer::Ready("the storage gate callable returned True".into()),
                Ok(false) => Answer::NotReady(
                    "the storage gate callable returned False: storage is not ready; rerun to continue".into(),
                ),
                Err(e) => Answer::NotReady(format!("the storage gate callable's answer: {e}")),
            }
        }
    }
}

#[async_trait]
impl StorageGate for CallableGate {
    async fn wait_ready(
        &self,
        description: &str,
        ctx: &StepContext,
    ) -> std::result::Result<String, StepFailure> {
        ctx.progress("waiting for the Python storage gate");
        let callback = Python::attach(|py| self.callback.clone_ref(py));
        let description = description.to_owned();
        let keywords = self
            .keywords
            .then(|| (ctx.step().as_str().to_owned(), ctx.site().as_str()));
        let answer = tokio::task::spawn_blocking(move || {
            let keywords = keywords.as_ref().map(|(g, s)| (g.as_str(), *s));
            ask(&callback, &description, keywords)
        })
        .await
        .map_err(|e| StepFailure::new(format!("the storage gate thread failed: {e}")))?;
        match answer {
            Answer::Ready(text) => Ok(text),
            Answer::NotReady(text) => Err(StepFailure::new(text)),
        }
    }
}

/// The gate a flow's arguments chose.
#[derive(Clone)]
pub(crate) struct Gate {
    gate: Arc<dyn StorageGate>,
    /// A ready file without `{gate}` in its path: every gate of the plan would wait for the
    /// same file, so the second would pass at once.
    one_file: bool,
}

impl Gate {
    /// `true` for a ready file that names no gate (see [`Gate::one_file`]).
    pub(crate) fn is_one_file(&self) -> bool {
        self.one_file
    }

    /// The core's gate.
    pub(crate) fn into_storage_gate(self) -> Arc<dyn StorageGate> {
        self.gate
    }
}

/// The gate chosen by a flow's arguments: a callable (`storage_gate`), a command
/// (`storage_ready_command`) or a file (`storage_ready_file`, `{gate}` in it naming one file per
/// gate); at most one.
pub(crate) fn choose(
    py: Python<'_>,
    callable: Option<Py<PyAny>>,
    command: Option<String>,
    file: Option<PathBuf>,
    timeout_seconds: Option<f64>,
) -> PyResult<Option<Gate>> {
    let given = usize::from(callable.is_some())
        + usize::from(command.is_some())
        + usize::from(file.is_some());
    if given > 1 {
        return Err(Error::config(
            "give one of storage_gate, storage_ready_command and storage_ready_file",
        )
        .into());
    }
    if let Some(c) = &callable
        && !c.bind(py).is_callable()
    {
        return Err(pyo3::exceptions::PyTypeError::new_err(
            "storage_gate must be a callable taking the gate's description",
        ));
    }
    let timeout = match timeout_seconds {
        Some(s) => values::seconds("storage_ready_timeout", s)?,
        None => DEFAULT_GATE_TIMEOUT,
    };
    Ok(match (callable, command, file) {
        (Some(callback), _, _) => Some(Gate {
            gate: Arc::new(CallableGate {
                keywords: takes_gate_keywords(py, &callback),
                callback,
            }),
            one_file: false,
        }),
        (_, Some(command), _) => Some(Gate {
            gate: Arc::new(CommandGate::new(command, timeout)),
            one_file: false,
        }),
        (_, _, Some(path)) => {
            let gate = FileGate { path, timeout };
            Some(Gate {
                one_file: !gate.is_per_gate(),
                gate: Arc::new(gate),
            })
        }
        _ => None,
    })
}
