//! The storage gate of a failback or switchover from Python: a callable, a command, or a file.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use olvm_dr_core::execute::{CommandGate, FileGate, StepContext, StepFailure, StorageGate};
use pyo3::prelude::*;

use crate::errors::{Error, Result};
use crate::values;

/// How long a command or file gate waits by default: 4 hours, the CLI's default — reversing
/// replication on the arrays is manual work that can take a while at night.
pub(crate) const DEFAULT_GATE_TIMEOUT: Duration = Duration::from_secs(4 * 3600);

/// A Python callable as the storage gate. It is called with the gate's description (what must
/// be done on the arrays) in a worker thread, and the run continues when it returns: `None` or
/// `True` mean ready, a string is recorded in the journal as what confirmed it, `False` or an
/// exception fail the gate step (nothing after it runs; rerunning resumes at the gate).
struct CallableGate {
    callback: Py<PyAny>,
}

/// What the callable answered.
enum Answer {
    Ready(String),
    NotReady(String),
}

fn ask(callback: &Py<PyAny>, description: &str) -> Answer {
    Python::attach(|py| match callback.call1(py, (description,)) {
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
    })
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
        let answer = tokio::task::spawn_blocking(move || ask(&callback, &description))
            .await
            .map_err(|e| StepFailure::new(format!("the storage gate thread failed: {e}")))?;
        match answer {
            Answer::Ready(text) => Ok(text),
            Answer::NotReady(text) => Err(StepFailure::new(text)),
        }
    }
}

/// The gate chosen by a flow's arguments: a callable (`storage_gate`), a command
/// (`storage_ready_command`) or a file (`storage_ready_file`); at most one.
pub(crate) fn choose(
    callable: Option<Py<PyAny>>,
    command: Option<String>,
    file: Option<PathBuf>,
    timeout_seconds: Option<f64>,
) -> Result<Option<Arc<dyn StorageGate>>> {
    let given = usize::from(callable.is_some())
        + usize::from(command.is_some())
        + usize::from(file.is_some());
    if given > 1 {
        return Err(Error::config(
            "give one of storage_gate, storage_ready_command and storage_ready_file",
        ));
    }
    let timeout = match timeout_seconds {
        Some(s) => values::seconds("storage_ready_timeout", s)?,
        None => DEFAULT_GATE_TIMEOUT,
    };
    Ok(match (callable, command, file) {
        (Some(callback), _, _) => Some(Arc::new(CallableGate { callback })),
        (_, Some(command), _) => Some(Arc::new(CommandGate { command, timeout })),
        (_, _, Some(path)) => Some(Arc::new(FileGate { path, timeout })),
        _ => None,
    })
}
