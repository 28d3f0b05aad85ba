//! Drills from Python, as `olvm-dr drill start | end | failback | full` runs them: the
//! discreet failover test (`drill_start`, then `drill_end`), its failback on dedicated test
//! domains (`drill_failback`), and the full failover and failback test (`drill_full`). Every
//! run is journaled and reported as a drill; a state directory links a drill's start to its
//! end and return.

use std::path::PathBuf;

use olvm_dr_core::Site;
use olvm_dr_core::engine::DEFAULT_CONCURRENCY;
use olvm_dr_core::flow::{FlowContext, FullDrillLeg, Resume, RunStore};
use olvm_dr_core::plan::{FailoverOptions, NicIsolation, ReturnOptions};
use olvm_dr_core::report::Verdict;
use pyo3::prelude::*;

use crate::errors::{Error, Result};
use crate::flow_run::{
    Request, Run, context, execute, execute_prepared, make_plan, open_store, run_args, selection,
};
use crate::plan::PyPlan;
use crate::report::PyReport;
use crate::{gate, runtime, values};

/// `isolation=`: `none`, `unplugged` or `profile=NAME` (`NAME/NETWORK` when the profile name is
/// on several networks), as `olvm-dr drill start --isolate` reads it.
fn isolation(text: &str) -> Result<NicIsolation> {
    match text {
        "none" => Ok(NicIsolation::None),
        "unplugged" => Ok(NicIsolation::Unplugged),
        _ => match text.strip_prefix("profile=") {
            Some(name) if !name.is_empty() && !name.ends_with('/') && !name.starts_with('/') => {
                Ok(NicIsolation::Profile(name.to_owned()))
            }
            _ => Err(Error::config(format!(
                "isolation '{text}' is not none, unplugged or profile=NAME (NAME/NETWORK when the name is on several networks)"
            ))),
        },
    }
}

/// The options of a drill's start.
fn start_options(
    isolation_text: &str,
    domains: Option<Vec<String>>,
    start_vms: bool,
    wait_for_vms: bool,
) -> Result<FailoverOptions> {
    Ok(FailoverOptions {
        start_vms,
        wait_for_up: wait_for_vms,
        drill: true,
        isolation: isolation(isolation_text)?,
        domains: selection(domains),
        ..FailoverOptions::default()
    })
}

/// The plan of a drill on `target`: what `drill_start` with the same arguments would do. The
/// other site is only read.
#[pyfunction]
#[pyo3(signature = (
    mapping, engines, *, target = "secondary", isolation = "unplugged", domains = None,
    start_vms = true, wait_for_vms = true,
))]
#[allow(
    clippy::too_many_arguments,
    reason = "one keyword argument per option of the command"
)]
pub(crate) fn plan_drill(
    py: Python<'_>,
    mapping: &Bound<'_, PyAny>,
    engines: Option<&Bound<'_, PyAny>>,
    target: &str,
    isolation: &str,
    domains: Option<Vec<String>>,
    start_vms: bool,
    wait_for_vms: bool,
) -> PyResult<PyPlan> {
    let target = values::site(target)?;
    let options = start_options(isolation, domains, start_vms, wait_for_vms)?;
    let ctx = context(mapping, engines)?;
    make_plan(py, &ctx, target, &Request::DrillStart(options))
}

/// Starts a drill on `target` (the discreet failover test): waits at the `split-replication`
/// storage gate until replication toward `target` is paused and its copies are writable, then
/// fails over in drill mode while the other site keeps running (that site is only read). Drill
/// NICs go where `isolation` says: `unplugged` (default), `profile=NAME[/NETWORK]` (a test
/// network's vNIC profile) or `none` (the mapped production networks). `domains` restricts the
/// drill to dedicated test domains (which `drill_failback` can then return home). Give the
/// same `state_dir` to `drill_end` / `drill_failback`: they read what this drill brought up.
/// Returns the report (`report.drill` is true) whatever the verdict.
#[pyfunction]
#[pyo3(signature = (
    mapping, engines, *, target = "secondary", isolation = "unplugged", domains = None,
    start_vms = true, wait_for_vms = true, storage_gate = None, storage_ready_command = None,
    storage_ready_file = None, storage_ready_timeout = None, concurrency = DEFAULT_CONCURRENCY,
    on_error = "continue", state_dir = None, resume = None, progress = None, plan = None,
))]
#[allow(
    clippy::too_many_arguments,
    reason = "one keyword argument per option of the command"
)]
pub(crate) fn drill_start(
    py: Python<'_>,
    mapping: &Bound<'_, PyAny>,
    engines: Option<&Bound<'_, PyAny>>,
    target: &str,
    isolation: &str,
    domains: Option<Vec<String>>,
    start_vms: bool,
    wait_for_vms: bool,
    storage_gate: Option<Py<PyAny>>,
    storage_ready_command: Option<String>,
    storage_ready_file: Option<PathBuf>,
    storage_ready_timeout: Option<f64>,
    concurrency: usize,
    on_error: &str,
    state_dir: Option<PathBuf>,
    resume: Option<&Bound<'_, PyAny>>,
    progress: Option<Py<PyAny>>,
    plan: Option<&Bound<'_, PyPlan>>,
) -> PyResult<PyReport> {
    let target = values::site(target)?;
    let options = start_options(isolation, domains, start_vms, wait_for_vms)?;
    let ctx = context(mapping, engines)?;
    let mut run = run_args(py, concurrency, on_error, state_dir, resume, progress, plan)?;
    run.gate = gate::choose(
        py,
        storage_gate,
        storage_ready_command,
        storage_ready_file,
        storage_ready_timeout,
    )?;
    execute(py, &ctx, target, &Request::DrillStart(options), run)
}

/// Ends the last drill on `site` (found in `state_dir`): powers off and removes what it brought
/// up there — its domains are moved to maintenance without an OVF write, detached and removed
/// (never formatted), and VMs it registered that are left behind are removed — then waits at
/// the `resume-replication` storage gate until replication toward `site` runs again. Only
/// `site`'s Engine is used. Without a drill in the state directory (or without `state_dir`),
/// every mapped domain `site` holds is released.
#[pyfunction]
#[pyo3(signature = (
    mapping, engines, *, site = "secondary", storage_gate = None, storage_ready_command = None,
    storage_ready_file = None, storage_ready_timeout = None, concurrency = DEFAULT_CONCURRENCY,
    on_error = "continue", state_dir = None, resume = None, progress = None,
))]
#[allow(
    clippy::too_many_arguments,
    reason = "one keyword argument per option of the command"
)]
pub(crate) fn drill_end(
    py: Python<'_>,
    mapping: &Bound<'_, PyAny>,
    engines: Option<&Bound<'_, PyAny>>,
    site: &str,
    storage_gate: Option<Py<PyAny>>,
    storage_ready_command: Option<String>,
    storage_ready_file: Option<PathBuf>,
    storage_ready_timeout: Option<f64>,
    concurrency: usize,
    on_error: &str,
    state_dir: Option<PathBuf>,
    resume: Option<&Bound<'_, PyAny>>,
    progress: Option<Py<PyAny>>,
) -> PyResult<PyReport> {
    let site = values::site(site)?;
    let ctx = context(mapping, engines)?;
    let mut run = run_args(py, concurrency, on_error, state_dir, resume, progress, None)?;
    run.gate = gate::choose(
        py,
        storage_gate,
        storage_ready_command,
        storage_ready_file,
        storage_ready_timeout,
    )?;
    execute(py, &ctx, site, &Request::DrillEnd(None), run)
}

/// Returns a drill's dedicated test domains to `target`, their home site (the discreet
/// failover and failback test): a failback restricted to them, marked as a drill, with two
/// storage gates — `storage-gate` (replication reversed toward home, home writable) and
/// `restore-replication` (replication restored in its normal direction). `domains` defaults to
/// those of the last drill on the other site in `state_dir`; a drill that covered every mapped
/// domain is refused with `RunStateError` (failing it back would first power off the
/// production VMs at home — end it with `drill_end`, or test everything with `drill_full`).
/// A `storage_ready_file` must contain `{gate}` (one file per gate).
#[pyfunction]
#[pyo3(signature = (
    mapping, engines, *, target = "primary", domains = None, storage_gate = None,
    storage_ready_command = None, storage_ready_file = None, storage_ready_timeout = None,
    concurrency = DEFAULT_CONCURRENCY, on_error = "continue", state_dir = None, resume = None,
    progress = None,
))]
#[allow(
    clippy::too_many_arguments,
    reason = "one keyword argument per option of the command"
)]
pub(crate) fn drill_failback(
    py: Python<'_>,
    mapping: &Bound<'_, PyAny>,
    engines: Option<&Bound<'_, PyAny>>,
    target: &str,
    domains: Option<Vec<String>>,
    storage_gate: Option<Py<PyAny>>,
    storage_ready_command: Option<String>,
    storage_ready_file: Option<PathBuf>,
    storage_ready_timeout: Option<f64>,
    concurrency: usize,
    on_error: &str,
    state_dir: Option<PathBuf>,
    resume: Option<&Bound<'_, PyAny>>,
    progress: Option<Py<PyAny>>,
) -> PyResult<PyReport> {
    let target = values::site(target)?;
    let ctx = context(mapping, engines)?;
    let mut options = ReturnOptions::failback();
    if let Some(d) = selection(domains) {
        options.failover.domains = Some(d.clone());
        options.cleanup.domains = Some(d);
    }
    let mut run = run_args(py, concurrency, on_error, state_dir, resume, progress, None)?;
    run.gate = gate::choose(
        py,
        storage_gate,
        storage_ready_command,
        storage_ready_file,
        storage_ready_timeout,
    )?;
    execute(py, &ctx, target, &Request::DrillFailback(options), run)
}

/// The request of a leg and the site it brings the workload to.
fn leg_request(leg: FullDrillLeg, to: Site, power_off_after_timeout: bool) -> (Request, Site) {
    let options = leg.options(power_off_after_timeout);
    let request = match leg {
        FullDrillLeg::Out => Request::Switchover(options),
        FullDrillLeg::Home => Request::Failback(options),
    };
    (request, leg.target(to))
}

/// Runs the legs of a full drill from `leg` on, with one store for both.
fn full_legs(
    py: Python<'_>,
    ctx: &FlowContext,
    store: &RunStore,
    (to, mut leg): (Site, FullDrillLeg),
    (stay, power_off_after_timeout): (bool, bool),
    run: &Run,
) -> PyResult<Vec<PyReport>> {
    let mut reports = Vec::new();
    loop {
        let (request, target) = leg_request(leg, to, power_off_after_timeout);
        let prepared = runtime::wait(py, request.prepare(ctx, target, store, &run.resume))?
            .map_err(Error::from)?;
        let report = execute_prepared(py, ctx, store, prepared, run.clone_ref(py))?;
        let ok = report.report.verdict == Verdict::Success;
        reports.push(report);
        if leg == FullDrillLeg::Out && ok && !stay {
            leg = FullDrillLeg::Home;
        } else {
            return Ok(reports);
        }
    }
}

/// The full failover and failback test: a planned switchover of everything to `target`, then a
/// failback home ending with the `restore-replication` gate — both journaled and reported as
/// a drill. Returns the reports of the legs this call ran (one or two): the return leg runs
/// only after a successful move out, and not with `stay=True` (the next call with the same
/// `state_dir` returns home). With `resume` true (default) the state directory decides where
/// to go on, as `olvm-dr drill full` does: a leg that succeeded is followed by the other, one
/// that did not runs again (continued when interrupted); `resume=False` starts with the move out. Gates: `storage-gate`
/// (out: the arrays' planned failover; home: the home site writable), then
/// `restore-replication`; a `storage_ready_file` must contain `{gate}`.
#[pyfunction]
#[pyo3(signature = (
    mapping, engines, *, target = "secondary", stay = false, power_off_after_timeout = false,
    storage_gate = None, storage_ready_command = None, storage_ready_file = None,
    storage_ready_timeout = None, concurrency = DEFAULT_CONCURRENCY, on_error = "continue",
    state_dir = None, resume = None, progress = None,
))]
#[allow(
    clippy::too_many_arguments,
    reason = "one keyword argument per option of the command"
)]
pub(crate) fn drill_full(
    py: Python<'_>,
    mapping: &Bound<'_, PyAny>,
    engines: Option<&Bound<'_, PyAny>>,
    target: &str,
    stay: bool,
    power_off_after_timeout: bool,
    storage_gate: Option<Py<PyAny>>,
    storage_ready_command: Option<String>,
    storage_ready_file: Option<PathBuf>,
    storage_ready_timeout: Option<f64>,
    concurrency: usize,
    on_error: &str,
    state_dir: Option<PathBuf>,
    resume: Option<&Bound<'_, PyAny>>,
    progress: Option<Py<PyAny>>,
) -> PyResult<Vec<PyReport>> {
    let to = values::site(target)?;
    let ctx = context(mapping, engines)?;
    let store = open_store(state_dir.as_deref())?;
    let mut run = run_args(py, concurrency, on_error, state_dir, resume, progress, None)?;
    run.gate = gate::choose(
        py,
        storage_gate,
        storage_ready_command,
        storage_ready_file,
        storage_ready_timeout,
    )?;
    let leg = match run.resume {
        Resume::Never => FullDrillLeg::Out,
        _ => store.next_full_drill_leg(to),
    };
    full_legs(
        py,
        &ctx,
        &store,
        (to, leg),
        (stay, power_off_after_timeout),
        &run,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isolation_choices_parse_as_the_command_reads_them() {
        assert_eq!(isolation("none").unwrap(), NicIsolation::None);
        assert_eq!(isolation("unplugged").unwrap(), NicIsolation::Unplugged);
        assert_eq!(
            isolation("profile=lab/test-net").unwrap(),
            NicIsolation::Profile("lab/test-net".into())
        );
        for bad in ["profile=", "isolated", "profile=/x", "profile=x/"] {
            let Err(Error::Config(m)) = isolation(bad) else {
                panic!("{bad} is refused")
            };
            assert!(m.contains("none, unplugged or profile=NAME"), "{bad}: {m}");
        }
    }
}
