//! `Report`: what a run did, per storage domain, template and VM, with timings and a verdict.

use std::collections::BTreeMap;
use std::sync::Arc;

use olvm_dr_core::report::{Report, StepOutcome, Verdict};
use pyo3::prelude::*;
use serde::Serialize;

use crate::errors::{Error, Result};
use crate::values;

/// The serde name of an enum value (`done`, `already_done`, `storage`, ...).
fn name<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The records of `olvm_dr._report` the getters give.
const RTO: &str = "olvm_dr._report.Rto";
const COUNTS: &str = "olvm_dr._report.StepCounts";
const ENTITY: &str = "olvm_dr._report.EntityOutcome";
const VM: &str = "olvm_dr._report.VmOutcome";
const STEP: &str = "olvm_dr._report.StepResult";
const GROUP: &str = "olvm_dr._report.GroupOutcome";
const HOOK: &str = "olvm_dr._report.HookOutcome";

/// What a run did: the verdict (`success`, `partial`, `failed`), every storage domain, template,
/// VM and step with its outcome, where the time went, and the check of the target after the run.
#[pyclass(name = "Report", module = "olvm_dr", frozen)]
#[derive(Debug, Clone)]
pub(crate) struct PyReport {
    pub(crate) report: Arc<Report>,
}

#[pymethods]
impl PyReport {
    /// `success`, `partial` or `failed`.
    #[getter]
    fn verdict(&self) -> String {
        name(&self.report.verdict)
    }

    /// `True` when every step succeeded (`verdict == "success"`).
    #[getter]
    fn ok(&self) -> bool {
        self.report.verdict == Verdict::Success
    }

    /// The run id (`in-memory` for a run without a state directory).
    #[getter]
    fn run_id(&self) -> &str {
        &self.report.run_id
    }

    /// The flow.
    #[getter]
    fn kind(&self) -> &'static str {
        self.report.kind.as_str()
    }

    /// The target site.
    #[getter]
    fn target(&self) -> &'static str {
        self.report.target.as_str()
    }

    /// The source site.
    #[getter]
    fn source(&self) -> &'static str {
        self.report.source.as_str()
    }

    /// `True` for a drill.
    #[getter]
    fn drill(&self) -> bool {
        self.report.drill
    }

    /// When the run started (RFC 3339, UTC).
    #[getter]
    fn started_at(&self) -> &str {
        &self.report.started_at
    }

    /// When it ended.
    #[getter]
    fn finished_at(&self) -> &str {
        &self.report.finished_at
    }

    /// SHA-256 of the plan that ran.
    #[getter]
    fn plan_hash(&self) -> &str {
        &self.report.inputs.plan_hash
    }

    /// SHA-256 of the mapping file.
    #[getter]
    fn mapping_sha256(&self) -> &str {
        &self.report.inputs.mapping_sha256
    }

    /// Where the time went.
    #[getter]
    fn rto<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        values::record(py, RTO, &self.report.rto)
    }

    /// Steps by outcome.
    #[getter]
    fn counts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        values::record(py, COUNTS, &self.report.counts)
    }

    /// Storage domains.
    #[getter]
    fn storage_domains<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        values::record(py, ENTITY, &self.report.storage_domains)
    }

    /// Templates.
    #[getter]
    fn templates<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        values::record(py, ENTITY, &self.report.templates)
    }

    /// VMs.
    #[getter]
    fn vms<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        values::record(py, VM, &self.report.vms)
    }

    /// Every step.
    #[getter]
    fn steps<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        values::record(py, STEP, &self.report.steps)
    }

    /// The steps that failed.
    #[getter]
    fn failures<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let failed: Vec<_> = self
            .report
            .steps
            .iter()
            .filter(|s| s.outcome == StepOutcome::Failed)
            .collect();
        values::record(py, STEP, &failed)
    }

    /// The recovery plan's groups, in order (empty when no recovery plan ordered the starts).
    #[getter]
    fn recovery_groups<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        values::record(py, GROUP, &self.report.recovery_groups)
    }

    /// The recovery plan's hooks and manual steps, in plan order.
    #[getter]
    fn recovery_hooks<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        values::record(py, HOOK, &self.report.recovery_hooks)
    }

    /// Facts the flow recorded (split-brain evidence, journal problems, ...).
    #[getter]
    fn facts(&self) -> BTreeMap<String, String> {
        self.report.facts.clone()
    }

    /// What the check of the target after the run found (`None` for a cleanup), as dicts.
    #[getter]
    fn verification<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        values::to_py(py, &self.report.verification)
    }

    /// The summary `olvm-dr` prints: verdict, counts, timings, every failure with its reason.
    fn render(&self) -> String {
        self.report.render_summary()
    }

    /// The report as pretty JSON (the `--output json` layout).
    fn to_json(&self) -> String {
        self.report.to_json()
    }

    /// The report as one self-contained HTML page (the `report.html` every run writes, and
    /// `olvm-dr report show --html`): timeline, VM table, failures, evidence, inputs.
    fn to_html(&self) -> String {
        self.report.render_html()
    }

    /// The report as dicts and lists.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        values::to_py(py, &*self.report)
    }

    /// A report from its JSON (e.g. a stored `report.json`).
    ///
    /// Args:
    ///     text (str): The JSON `to_json()` wrote.
    ///
    /// Returns:
    ///     Report: The report.
    ///
    /// Raises:
    ///     ConfigurationError: `text` is not a report's JSON.
    #[staticmethod]
    fn from_json(text: &str) -> Result<Self> {
        let report: Report =
            serde_json::from_str(text).map_err(|e| Error::config(format!("not a report: {e}")))?;
        Ok(Self {
            report: Arc::new(report),
        })
    }

    fn __str__(&self) -> String {
        self.render()
    }

    fn __repr__(&self) -> String {
        format!(
            "<Report {} to {}: {} (run {})>",
            self.report.kind,
            self.report.target,
            name(&self.report.verdict),
            self.report.run_id
        )
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let from_json = py.get_type::<Self>().getattr("from_json")?;
        Ok((from_json, (self.to_json(),)))
    }
}
