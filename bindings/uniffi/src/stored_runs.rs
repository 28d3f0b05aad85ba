//! Reading runs back from where they are kept (a state directory or etcd), as `olvm-dr report
//! list|show` does: nothing is locked or written.

use std::path::Path;

use olvm_dr_core::flow::{FlowError, RunStore};

use crate::DrError;
use crate::report::Report;

/// The store named by `state_dir`, opened to read only.
fn open_to_read(state_dir: &str) -> Result<RunStore, DrError> {
    RunStore::open_named(Path::new(state_dir), false).map_err(|e| FlowError::from(e).into())
}

/// The ids of the runs kept in `state_dir`, oldest first. `state_dir` is a state directory
/// (one that does not exist has no runs) or an etcd location `etcd://host:2379,.../PREFIX`
/// (`etcds://` for TLS) whose user and password come from `OLVM_DR_STATE_USER` and
/// `OLVM_DR_STATE_PASSWORD` and whose TLS files come from the `[state]` section of
/// `./dr.conf`, never from the URL.
///
/// # Errors
/// `State` when the location cannot be used (the message says what to write instead) or etcd
/// cannot be reached.
#[uniffi::export]
pub fn run_ids(state_dir: String) -> Result<Vec<String>, DrError> {
    Ok(open_to_read(&state_dir)?
        .runs()
        .into_iter()
        .map(|r| r.id)
        .collect())
}

/// The report of run `run` kept in `state_dir` (as for [`run_ids`]); the newest run's when
/// `run` is `None` (`olvm-dr report show`).
///
/// # Errors
/// `State` when the store cannot be used, has no such run (or none at all), or the run has no
/// report yet (an interrupted run has none until it is resumed); `Io` when a state
/// directory's report cannot be read.
#[uniffi::export(default(run = None))]
pub fn load_report(state_dir: String, run: Option<String>) -> Result<Report, DrError> {
    let report = open_to_read(&state_dir)?.report_of(run.as_deref())?;
    Ok(Report::from(&report))
}
