//! The DR flows for the Python package. The core's options types (one per flow) are handed to
//! Python as a table (`_flow_options`), from which `olvm_dr` builds its options classes and its
//! flow functions with their signatures and docstrings; those call the three entry points here
//! with the flow's name and the chosen options by name. Plans and runs go through the core's
//! `FlowContext`, exactly as the `olvm-dr` command does.

use std::path::PathBuf;

use olvm_dr_core::flow::FullDrillLeg;
use olvm_dr_core::flow::options::{
    Cleanup, Drill, DrillFailback, DrillFull, Failback, Failover, FlowOptions, OptionError,
    OptionInfo, OptionValue, Switchover,
};
use olvm_dr_core::flow::{FlowRequest, Resume};
use olvm_dr_core::report::Verdict;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyList, PyString};

use crate::errors::Error;
use crate::flow_run::{Run, context, execute, execute_prepared, make_plan, open_store, run_args};
use crate::plan::PyPlan;
use crate::report::PyReport;
use crate::{gate, runtime, values};

/// A flow's options type as a table: flow, binding name, doc, options, their defaults.
type Table = (
    &'static str,
    &'static str,
    &'static str,
    &'static [OptionInfo],
    fn() -> Vec<(String, OptionValue)>,
);

/// The options types, by flow.
const FLOWS: [Table; 7] = [
    table::<Failover>(),
    table::<Cleanup>(),
    table::<Failback>(),
    table::<Switchover>(),
    table::<Drill>(),
    table::<DrillFailback>(),
    table::<DrillFull>(),
];

const fn table<T: FlowOptions>() -> Table {
    (T::FLOW, T::BINDING, T::DOC, T::OPTIONS, defaults::<T>)
}

fn defaults<T: FlowOptions>() -> Vec<(String, OptionValue)> {
    let o = T::default();
    T::OPTIONS
        .iter()
        .filter_map(|i| Some((i.name.to_owned(), o.get(i.name)?)))
        .collect()
}

fn to_py<'py>(py: Python<'py>, value: &OptionValue) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        OptionValue::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        OptionValue::Text(t) => PyString::new(py, t).into_any(),
        OptionValue::Texts(t) => PyList::new(py, t)?.into_any(),
        OptionValue::Unset => py.None().into_bound(py),
    })
}

/// The options of every flow: `{flow: {"binding", "doc", "options": [(name, kind, default,
/// doc)]}}`, in declaration order.
#[pyfunction]
pub(crate) fn _flow_options(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let out = PyDict::new(py);
    for (flow, binding, doc, options, defaults) in FLOWS {
        let defaults = defaults();
        let list = PyList::empty(py);
        for (info, (_, default)) in options.iter().zip(&defaults) {
            let kind = format!("{:?}", info.kind);
            list.append((info.name, kind, to_py(py, default)?, info.doc))?;
        }
        let entry = PyDict::new(py);
        entry.set_item("binding", binding)?;
        entry.set_item("doc", doc)?;
        entry.set_item("options", list)?;
        out.set_item(flow, entry)?;
    }
    Ok(out)
}

/// A Python value as an option's: `None`, a bool, a str, or a list/tuple of str.
fn option_value(name: &str, value: &Bound<'_, PyAny>) -> PyResult<OptionValue> {
    if value.is_none() {
        Ok(OptionValue::Unset)
    } else if let Ok(b) = value.cast::<PyBool>() {
        Ok(OptionValue::Bool(b.is_true()))
    } else if let Ok(s) = value.cast::<PyString>() {
        Ok(OptionValue::Text(s.to_str()?.to_owned()))
    } else if let Ok(list) = value.extract::<Vec<String>>() {
        Ok(OptionValue::Texts(list))
    } else {
        Err(PyTypeError::new_err(format!(
            "the option '{name}' takes a bool, a str, a list of str or None, not {}",
            value.get_type().name()?
        )))
    }
}

fn option_error(e: OptionError) -> PyErr {
    match e {
        OptionError::Type { .. } | OptionError::Unknown { .. } => {
            PyTypeError::new_err(e.to_string())
        }
        OptionError::Invalid { .. } => Error::config(e.to_string()).into(),
    }
}

fn chosen<T: FlowOptions>(options: &Bound<'_, PyDict>) -> PyResult<T> {
    let mut values = Vec::new();
    for (name, value) in options.iter() {
        let name: String = name.extract()?;
        let value = option_value(&name, &value)?;
        values.push((name, value));
    }
    T::from_values(values).map_err(option_error)
}

/// The request of `flow` with `options` (by name) over the flow's defaults.
fn request(flow: &str, options: &Bound<'_, PyDict>) -> PyResult<FlowRequest> {
    let request = match flow {
        "failover" => chosen::<Failover>(options)?.request(),
        "cleanup" => chosen::<Cleanup>(options)?.request(),
        "failback" => chosen::<Failback>(options)?.request(),
        "switchover" => chosen::<Switchover>(options)?.request(),
        "drill" => chosen::<Drill>(options)?.request(),
        "drill_failback" => chosen::<DrillFailback>(options)?.request(),
        "drill_end" => Ok(FlowRequest::DrillEnd(None)),
        other => return Err(Error::config(format!("no flow '{other}'")).into()),
    };
    request.map_err(option_error)
}

/// The plan of `flow` to `target`; nothing is changed.
#[pyfunction]
pub(crate) fn _plan_flow(
    py: Python<'_>,
    flow: &str,
    mapping: &Bound<'_, PyAny>,
    engines: Option<&Bound<'_, PyAny>>,
    target: &str,
    options: &Bound<'_, PyDict>,
) -> PyResult<PyPlan> {
    let request = request(flow, options)?;
    let target = values::site(target)?;
    let ctx = context(mapping, engines)?;
    make_plan(py, &ctx, target, &request)
}

/// The run choices every run takes, as `olvm_dr` passes them on (a dict).
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
pub(crate) struct RunChoices {
    storage_gate: Option<Py<PyAny>>,
    storage_ready_command: Option<String>,
    storage_ready_file: Option<PathBuf>,
    storage_ready_timeout: Option<f64>,
    concurrency: usize,
    on_error: String,
    state_dir: Option<PathBuf>,
    resume: Option<Py<PyAny>>,
    progress: Option<Py<PyAny>>,
    plan: Option<Py<PyPlan>>,
}

impl RunChoices {
    fn run(self, py: Python<'_>) -> PyResult<Run> {
        let resume = self.resume.as_ref().map(|r| r.bind(py).clone());
        let plan = self.plan.as_ref().map(|p| p.bind(py).clone());
        let mut run = run_args(
            py,
            self.concurrency,
            &self.on_error,
            self.state_dir,
            resume.as_ref(),
            self.progress,
            plan.as_ref(),
        )?;
        run.gate = gate::choose(
            py,
            self.storage_gate,
            self.storage_ready_command,
            self.storage_ready_file,
            self.storage_ready_timeout,
        )?;
        Ok(run)
    }
}

/// Plans `flow` to `target` (or resumes an interrupted run, or takes the given plan) and runs
/// it; the report whatever the verdict.
#[pyfunction]
pub(crate) fn _run_flow(
    py: Python<'_>,
    flow: &str,
    mapping: &Bound<'_, PyAny>,
    engines: Option<&Bound<'_, PyAny>>,
    target: &str,
    options: &Bound<'_, PyDict>,
    run: RunChoices,
) -> PyResult<PyReport> {
    let request = request(flow, options)?;
    let target = values::site(target)?;
    let ctx = context(mapping, engines)?;
    let run = run.run(py)?;
    execute(py, &ctx, target, &request, run)
}

/// The full drill to `target`: the legs this call runs, from the one the state store says
/// comes next (the move out with `resume=False`).
#[pyfunction]
pub(crate) fn _drill_full(
    py: Python<'_>,
    mapping: &Bound<'_, PyAny>,
    engines: Option<&Bound<'_, PyAny>>,
    target: &str,
    options: &Bound<'_, PyDict>,
    run: RunChoices,
) -> PyResult<Vec<PyReport>> {
    let full = chosen::<DrillFull>(options)?;
    let to = values::site(target)?;
    let ctx = context(mapping, engines)?;
    let store = open_store(run.state_dir.as_deref())?;
    let run = run.run(py)?;
    let mut leg = match run.resume {
        Resume::Never => FullDrillLeg::Out,
        _ => store.next_full_drill_leg(to),
    };
    let mut reports = Vec::new();
    loop {
        let (request, target) = full.leg(leg, to);
        let prepared = runtime::wait(py, request.prepare(&ctx, target, &store, &run.resume))?
            .map_err(Error::from)?;
        let report = execute_prepared(py, &ctx, &store, prepared, run.clone_ref(py))?;
        let ok = report.report.verdict == Verdict::Success;
        reports.push(report);
        if leg == FullDrillLeg::Out && ok && !full.stay {
            leg = FullDrillLeg::Home;
        } else {
            return Ok(reports);
        }
    }
}
