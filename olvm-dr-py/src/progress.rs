//! Progress for Python: each event of a run handed to a Python callable as a dict.

use olvm_dr_core::progress::{Event, Reporter};
use pyo3::prelude::*;
use serde_json::Value;

use crate::values;

/// Calls a Python callable with every event of a run, as a dict:
/// `{"event": "step_finished", "step": "attach/data1", "phase": "storage", "outcome": "done",
/// "duration": 1.25, ...}` (durations in seconds). The callable runs with the GIL taken by the
/// thread that reports the event; an exception it raises is logged on the `olvm_dr` logger and
/// the run goes on (a broken progress display must not stop a failover). A `KeyboardInterrupt`
/// is not a broken display but a Ctrl-C that landed while the callable ran: it is handed back to
/// the run's wait, which stops the run as for any Ctrl-C.
pub(crate) struct PyReporter {
    callback: Py<PyAny>,
}

impl PyReporter {
    pub(crate) fn new(callback: Py<PyAny>) -> Self {
        Self { callback }
    }
}

/// The event as JSON, with durations (`{"secs", "nanos"}` from serde) as seconds. The
/// `counters` event carries the run's counters (`domains_ready`, `vms_registered`,
/// `vms_started`, `vms_up`, `vms_stopped`, `domains_released`: each `{"done", "failed",
/// "total"}`; `failures`, `steps_done`, `steps_total`, `elapsed` and `eta`, seconds or `None`).
pub(crate) fn event_json(event: &Event) -> Value {
    let mut v = serde_json::to_value(event).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut v {
        for key in ["elapsed", "duration", "eta"] {
            if let Some(Value::Object(d)) = map.get(key) {
                let secs = d.get("secs").and_then(Value::as_u64).unwrap_or(0);
                let nanos = d.get("nanos").and_then(Value::as_u64).unwrap_or(0);
                let seconds = secs as f64 + nanos as f64 / 1e9;
                map.insert(key.to_owned(), serde_json::json!(seconds));
            }
        }
    }
    v
}

fn log_failure(py: Python<'_>, err: PyErr, event: &str) {
    let logged = py
        .import("logging")
        .and_then(|logging| logging.call_method1("getLogger", ("olvm_dr",)))
        .and_then(|logger| {
            let kwargs = pyo3::types::PyDict::new(py);
            kwargs.set_item("exc_info", err.clone_ref(py).into_value(py))?;
            logger.call_method(
                "error",
                (
                    "the progress callback raised on a %s event; the run goes on",
                    event,
                ),
                Some(&kwargs),
            )
        });
    if logged.is_err() {
        err.write_unraisable(py, None);
    }
}

impl Reporter for PyReporter {
    fn event(&self, event: &Event) {
        let json = event_json(event);
        let name = json
            .get("event")
            .and_then(Value::as_str)
            .unwrap_or("unknown")
            .to_owned();
        Python::attach(|py| {
            let result =
                values::to_py(py, &json).and_then(|arg| self.callback.call1(py, (arg,)).map(drop));
            match result {
                Ok(()) => {}
                Err(err) if err.is_instance_of::<pyo3::exceptions::PyKeyboardInterrupt>(py) => {
                    // Trips the interrupt again (as a SIGINT would): the run's wait checks
                    // signals within a tick and raises it there (`runtime::wait`).
                    let tripped = py
                        .import("_thread")
                        .and_then(|t| t.call_method0("interrupt_main"));
                    if let Err(e) = tripped {
                        log_failure(py, e, &name);
                    }
                }
                Err(err) => log_failure(py, err, &name),
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use olvm_dr_core::plan::{Phase, StepId};
    use olvm_dr_core::report::StepOutcome;

    use super::*;

    #[test]
    fn durations_become_seconds() {
        let e = Event::StepFinished {
            step: StepId::from("attach/data1"),
            phase: Phase::Storage,
            summary: "attach".into(),
            outcome: StepOutcome::Done,
            error: None,
            duration: Duration::from_millis(1250),
        };
        let v = event_json(&e);
        assert_eq!(v["event"], "step_finished");
        assert_eq!(v["step"], "attach/data1");
        assert_eq!(v["duration"], 1.25);
        assert_eq!(v["outcome"], "done");
    }
}
