//! The DR flows from Python: `plan_*` make a plan and change nothing; `failover`, `cleanup`,
//! `failback` and `switchover` plan (or resume an interrupted run, or run a plan given to
//! them) and execute, through the core's `FlowContext` exactly as the `olvm-dr` command does.

use std::path::PathBuf;

use olvm_dr_core::engine::DEFAULT_CONCURRENCY;
use olvm_dr_core::plan::{CleanupOptions, FailoverOptions, NicIsolation, ReturnOptions, StopMode};
use pyo3::prelude::*;

use crate::flow_run::{Request, context, execute, make_plan, run_args, selection};
use crate::plan::PyPlan;
use crate::report::PyReport;
use crate::{gate, values};

/// The failover choices every flow but cleanup takes.
struct Choices {
    start_vms: bool,
    wait_for_vms: bool,
    all_active_domains: bool,
    partial_import: bool,
    keep_bad_macs: bool,
    force_reason: Option<String>,
    domains: Option<Vec<String>>,
}

impl Choices {
    fn options(self) -> FailoverOptions {
        FailoverOptions {
            start_vms: self.start_vms,
            wait_for_up: self.wait_for_vms,
            all_active_domains: self.all_active_domains,
            partial_import: self.partial_import,
            reassign_bad_macs: !self.keep_bad_macs,
            force_reason: self.force_reason,
            drill: false,
            isolation: NicIsolation::None,
            domains: selection(self.domains),
            recovery_plan: None,
        }
    }
}

fn cleanup_options(
    power_off: bool,
    remove_orphans: bool,
    force_remove: bool,
    domains: Option<Vec<String>>,
) -> CleanupOptions {
    CleanupOptions {
        stop: if power_off {
            StopMode::PowerOff
        } else {
            StopMode::GracefulThenPowerOff
        },
        remove_orphans,
        force_remove,
        domains: selection(domains),
        stale: false,
    }
}

fn failback_options(
    choices: Choices,
    clean_returning_site: bool,
    force_remove: bool,
) -> ReturnOptions {
    let mut o = ReturnOptions::failback();
    o.failover = choices.options();
    o.clean_returning_site = clean_returning_site;
    o.cleanup.force_remove = force_remove;
    o.cleanup.domains = o.failover.domains.clone();
    o
}

fn switchover_options(
    choices: Choices,
    power_off_after_timeout: bool,
    force_remove: bool,
) -> ReturnOptions {
    let mut o = ReturnOptions::switchover();
    o.failover = choices.options();
    o.cleanup.force_remove = force_remove;
    o.cleanup.domains = o.failover.domains.clone();
    if power_off_after_timeout {
        o.cleanup.stop = StopMode::GracefulThenPowerOff;
    }
    o
}

/// The plan of a failover to `target`: what `failover` with the same arguments would do.
/// Raises `ValidationError` for a mapping with errors, `PlanningError` when the mapping does
/// not fit the live site, an `EngineError` when the target cannot be read.
#[pyfunction]
#[pyo3(signature = (
    mapping, engines, *, target = "secondary", start_vms = true, wait_for_vms = true,
    all_active_domains = false, partial_import = true, keep_bad_macs = false,
    force_reason = None, domains = None,
))]
#[allow(
    clippy::too_many_arguments,
    reason = "one keyword argument per option of the command"
)]
pub(crate) fn plan_failover(
    py: Python<'_>,
    mapping: &Bound<'_, PyAny>,
    engines: Option<&Bound<'_, PyAny>>,
    target: &str,
    start_vms: bool,
    wait_for_vms: bool,
    all_active_domains: bool,
    partial_import: bool,
    keep_bad_macs: bool,
    force_reason: Option<String>,
    domains: Option<Vec<String>>,
) -> PyResult<PyPlan> {
    let target = values::site(target)?;
    let ctx = context(mapping, engines)?;
    let choices = Choices {
        start_vms,
        wait_for_vms,
        all_active_domains,
        partial_import,
        keep_bad_macs,
        force_reason,
        domains,
    };
    make_plan(py, &ctx, target, &Request::Failover(choices.options()))
}

/// Fails over to `target`: imports and activates the replicated storage domains there,
/// registers templates and VMs with every mapping, starts the VMs that were running, checks
/// the result. Returns the report whatever the verdict (check `report.ok`); raises only when
/// the run cannot start.
#[pyfunction]
#[pyo3(signature = (
    mapping, engines, *, target = "secondary", start_vms = true, wait_for_vms = true,
    all_active_domains = false, partial_import = true, keep_bad_macs = false,
    force_reason = None, domains = None, concurrency = DEFAULT_CONCURRENCY,
    on_error = "continue", state_dir = None, resume = None, progress = None, plan = None,
))]
#[allow(
    clippy::too_many_arguments,
    reason = "one keyword argument per option of the command"
)]
pub(crate) fn failover(
    py: Python<'_>,
    mapping: &Bound<'_, PyAny>,
    engines: Option<&Bound<'_, PyAny>>,
    target: &str,
    start_vms: bool,
    wait_for_vms: bool,
    all_active_domains: bool,
    partial_import: bool,
    keep_bad_macs: bool,
    force_reason: Option<String>,
    domains: Option<Vec<String>>,
    concurrency: usize,
    on_error: &str,
    state_dir: Option<PathBuf>,
    resume: Option<&Bound<'_, PyAny>>,
    progress: Option<Py<PyAny>>,
    plan: Option<&Bound<'_, PyPlan>>,
) -> PyResult<PyReport> {
    let target = values::site(target)?;
    let ctx = context(mapping, engines)?;
    let choices = Choices {
        start_vms,
        wait_for_vms,
        all_active_domains,
        partial_import,
        keep_bad_macs,
        force_reason,
        domains,
    };
    let run = run_args(py, concurrency, on_error, state_dir, resume, progress, plan)?;
    execute(py, &ctx, target, &Request::Failover(choices.options()), run)
}

/// The plan of a cleanup of `site`: its mapped domains released (VMs stopped, domains
/// deactivated, detached and removed), so that the other site can take them.
#[pyfunction]
#[pyo3(signature = (
    mapping, engines, *, site = "primary", power_off = false, remove_orphans = false,
    force_remove = false, domains = None,
))]
#[allow(
    clippy::too_many_arguments,
    reason = "one keyword argument per option of the command"
)]
pub(crate) fn plan_cleanup(
    py: Python<'_>,
    mapping: &Bound<'_, PyAny>,
    engines: Option<&Bound<'_, PyAny>>,
    site: &str,
    power_off: bool,
    remove_orphans: bool,
    force_remove: bool,
    domains: Option<Vec<String>>,
) -> PyResult<PyPlan> {
    let site = values::site(site)?;
    let ctx = context(mapping, engines)?;
    let options = cleanup_options(power_off, remove_orphans, force_remove, domains);
    make_plan(py, &ctx, site, &Request::Cleanup(options))
}

/// Cleans `site`: stops the VMs of its mapped domains (guest shutdown, power-off at the
/// deadline; `power_off=True` at once), deactivates, detaches and removes the domains.
#[pyfunction]
#[pyo3(signature = (
    mapping, engines, *, site = "primary", power_off = false, remove_orphans = false,
    force_remove = false, domains = None, concurrency = DEFAULT_CONCURRENCY,
    on_error = "continue", state_dir = None, resume = None, progress = None, plan = None,
))]
#[allow(
    clippy::too_many_arguments,
    reason = "one keyword argument per option of the command"
)]
pub(crate) fn cleanup(
    py: Python<'_>,
    mapping: &Bound<'_, PyAny>,
    engines: Option<&Bound<'_, PyAny>>,
    site: &str,
    power_off: bool,
    remove_orphans: bool,
    force_remove: bool,
    domains: Option<Vec<String>>,
    concurrency: usize,
    on_error: &str,
    state_dir: Option<PathBuf>,
    resume: Option<&Bound<'_, PyAny>>,
    progress: Option<Py<PyAny>>,
    plan: Option<&Bound<'_, PyPlan>>,
) -> PyResult<PyReport> {
    let site = values::site(site)?;
    let ctx = context(mapping, engines)?;
    let options = cleanup_options(power_off, remove_orphans, force_remove, domains);
    let run = run_args(py, concurrency, on_error, state_dir, resume, progress, plan)?;
    execute(py, &ctx, site, &Request::Cleanup(options), run)
}

/// The plan of a failback to `target` (the site that failed and came back).
#[pyfunction]
#[pyo3(signature = (
    mapping, engines, *, target = "primary", start_vms = true, wait_for_vms = true,
    all_active_domains = false, partial_import = true, keep_bad_macs = false,
    force_reason = None, domains = None, clean_returning_site = true, force_remove = false,
))]
#[allow(
    clippy::too_many_arguments,
    reason = "one keyword argument per option of the command"
)]
pub(crate) fn plan_failback(
    py: Python<'_>,
    mapping: &Bound<'_, PyAny>,
    engines: Option<&Bound<'_, PyAny>>,
    target: &str,
    start_vms: bool,
    wait_for_vms: bool,
    all_active_domains: bool,
    partial_import: bool,
    keep_bad_macs: bool,
    force_reason: Option<String>,
    domains: Option<Vec<String>>,
    clean_returning_site: bool,
    force_remove: bool,
) -> PyResult<PyPlan> {
    let target = values::site(target)?;
    let ctx = context(mapping, engines)?;
    let choices = Choices {
        start_vms,
        wait_for_vms,
        all_active_domains,
        partial_import,
        keep_bad_macs,
        force_reason,
        domains,
    };
    let options = failback_options(choices, clean_returning_site, force_remove);
    make_plan(py, &ctx, target, &Request::Failback(options))
}

/// Fails back to `target`: cleans its stale copy (unless `clean_returning_site=False`),
/// releases the current site's domains, waits at the storage gate while replication is
/// reversed, then fails over to `target`. The gate is passed by `storage_gate` (a callable
/// receiving the gate's description; return `None`/`True`/a text when storage is ready),
/// `storage_ready_command` (a shell command that must exit 0) or `storage_ready_file` (a file
/// that must appear), within `storage_ready_timeout` seconds (default 4 hours; not for the
/// callable).
#[pyfunction]
#[pyo3(signature = (
    mapping, engines, *, target = "primary", start_vms = true, wait_for_vms = true,
    all_active_domains = false, partial_import = true, keep_bad_macs = false,
    force_reason = None, domains = None, clean_returning_site = true, force_remove = false,
    storage_gate = None, storage_ready_command = None, storage_ready_file = None,
    storage_ready_timeout = None, concurrency = DEFAULT_CONCURRENCY, on_error = "continue",
    state_dir = None, resume = None, progress = None, plan = None,
))]
#[allow(
    clippy::too_many_arguments,
    reason = "one keyword argument per option of the command"
)]
pub(crate) fn failback(
    py: Python<'_>,
    mapping: &Bound<'_, PyAny>,
    engines: Option<&Bound<'_, PyAny>>,
    target: &str,
    start_vms: bool,
    wait_for_vms: bool,
    all_active_domains: bool,
    partial_import: bool,
    keep_bad_macs: bool,
    force_reason: Option<String>,
    domains: Option<Vec<String>>,
    clean_returning_site: bool,
    force_remove: bool,
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
    let ctx = context(mapping, engines)?;
    let choices = Choices {
        start_vms,
        wait_for_vms,
        all_active_domains,
        partial_import,
        keep_bad_macs,
        force_reason,
        domains,
    };
    let options = failback_options(choices, clean_returning_site, force_remove);
    let mut run = run_args(py, concurrency, on_error, state_dir, resume, progress, plan)?;
    run.gate = gate::choose(
        py,
        storage_gate,
        storage_ready_command,
        storage_ready_file,
        storage_ready_timeout,
    )?;
    execute(py, &ctx, target, &Request::Failback(options), run)
}

/// The plan of a planned switchover to `target` (both sites up, no data loss).
#[pyfunction]
#[pyo3(signature = (
    mapping, engines, *, target = "secondary", start_vms = true, wait_for_vms = true,
    all_active_domains = false, partial_import = true, keep_bad_macs = false,
    force_reason = None, domains = None, power_off_after_timeout = false, force_remove = false,
))]
#[allow(
    clippy::too_many_arguments,
    reason = "one keyword argument per option of the command"
)]
pub(crate) fn plan_switchover(
    py: Python<'_>,
    mapping: &Bound<'_, PyAny>,
    engines: Option<&Bound<'_, PyAny>>,
    target: &str,
    start_vms: bool,
    wait_for_vms: bool,
    all_active_domains: bool,
    partial_import: bool,
    keep_bad_macs: bool,
    force_reason: Option<String>,
    domains: Option<Vec<String>>,
    power_off_after_timeout: bool,
    force_remove: bool,
) -> PyResult<PyPlan> {
    let target = values::site(target)?;
    let ctx = context(mapping, engines)?;
    let choices = Choices {
        start_vms,
        wait_for_vms,
        all_active_domains,
        partial_import,
        keep_bad_macs,
        force_reason,
        domains,
    };
    let options = switchover_options(choices, power_off_after_timeout, force_remove);
    make_plan(py, &ctx, target, &Request::Switchover(options))
}

/// A planned switchover to `target`: the VMs of the other site are shut down gracefully (a VM
/// that does not stop in time stops the switchover unless `power_off_after_timeout=True`),
/// OVF stores written, domains released; after the storage gate (as for `failback`), a failover
/// to `target`.
#[pyfunction]
#[pyo3(signature = (
    mapping, engines, *, target = "secondary", start_vms = true, wait_for_vms = true,
    all_active_domains = false, partial_import = true, keep_bad_macs = false,
    force_reason = None, domains = None, power_off_after_timeout = false, force_remove = false,
    storage_gate = None, storage_ready_command = None, storage_ready_file = None,
    storage_ready_timeout = None, concurrency = DEFAULT_CONCURRENCY, on_error = "continue",
    state_dir = None, resume = None, progress = None, plan = None,
))]
#[allow(
    clippy::too_many_arguments,
    reason = "one keyword argument per option of the command"
)]
pub(crate) fn switchover(
    py: Python<'_>,
    mapping: &Bound<'_, PyAny>,
    engines: Option<&Bound<'_, PyAny>>,
    target: &str,
    start_vms: bool,
    wait_for_vms: bool,
    all_active_domains: bool,
    partial_import: bool,
    keep_bad_macs: bool,
    force_reason: Option<String>,
    domains: Option<Vec<String>>,
    power_off_after_timeout: bool,
    force_remove: bool,
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
    let ctx = context(mapping, engines)?;
    let choices = Choices {
        start_vms,
        wait_for_vms,
        all_active_domains,
        partial_import,
        keep_bad_macs,
        force_reason,
        domains,
    };
    let options = switchover_options(choices, power_off_after_timeout, force_remove);
    let mut run = run_args(py, concurrency, on_error, state_dir, resume, progress, plan)?;
    run.gate = gate::choose(
        py,
        storage_gate,
        storage_ready_command,
        storage_ready_file,
        storage_ready_timeout,
    )?;
    execute(py, &ctx, target, &Request::Switchover(options), run)
}
