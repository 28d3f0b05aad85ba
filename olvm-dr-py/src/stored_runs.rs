//! Reading runs back from where they are kept (a state directory or etcd), as `olvm-dr
//! report list|show` does: nothing is locked or written, so a store can be read while a run
//! works in it.

use std::path::PathBuf;
use std::sync::Arc;

use olvm_dr_core::flow::RunStore;
use pyo3::prelude::*;

use crate::errors::{Error, Result};
use crate::report::PyReport;

/// The store named by `state_dir`, opened to read only.
fn open_to_read(py: Python<'_>, state_dir: &std::path::Path) -> Result<RunStore> {
    py.detach(|| RunStore::open_named(state_dir, false))
        .map_err(|e| Error::Flow(e.into()))
}

/// The ids of the runs kept in ``state_dir``, oldest first.
///
/// Args:
///     state_dir (str | os.PathLike[str]): A state directory, or an etcd location
///         ``etcd://host:2379,.../PREFIX`` (``etcds://`` for TLS). The etcd user and password come
///         from ``OLVM_DR_STATE_USER`` and ``OLVM_DR_STATE_PASSWORD``, its TLS files (and user,
///         password file) from the ``[state]`` section of ``./dr.conf`` — never from the URL. A
///         directory that does not exist has no runs.
///
/// Raises:
///     RunStateError: The location cannot be used (the message says what to write instead), or etcd
///         cannot be reached.
#[pyfunction]
pub(crate) fn run_ids(py: Python<'_>, state_dir: PathBuf) -> Result<Vec<String>> {
    let store = open_to_read(py, &state_dir)?;
    Ok(py.detach(|| store.runs().into_iter().map(|r| r.id).collect()))
}

/// The report of a run kept in ``state_dir`` (``olvm-dr report show``).
///
/// Args:
///     state_dir (str | os.PathLike[str]): A state directory or an etcd location, as for
///         :func:`run_ids`.
///     run (str | None, default None): The run's id; ``None`` the newest run.
///
/// Raises:
///     RunStateError: The store cannot be used, it has no such run (or none at all), or the run has
///         no report (an interrupted run has none until it is resumed).
#[pyfunction]
#[pyo3(signature = (state_dir, run = None))]
pub(crate) fn load_report(
    py: Python<'_>,
    state_dir: PathBuf,
    run: Option<String>,
) -> Result<PyReport> {
    let store = open_to_read(py, &state_dir)?;
    let report = py.detach(|| store.report_of(run.as_deref()));
    Ok(PyReport {
        report: Arc::new(report.map_err(Error::Flow)?),
    })
}
