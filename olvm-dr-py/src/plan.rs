//! `Plan`: what a flow will do, step by step, before it does it; its steps are `PlanStep`
//! records (`python/olvm_dr/_results.py`).

use std::sync::Arc;

use olvm_dr_core::plan::{NoteLevel, Plan, RenderOptions};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

use crate::errors::{Error, Result};
use crate::values;

/// A plan: the ordered steps of a flow with their dependencies, made from the mapping and the
/// live state of the sites. Nothing has been changed when you hold one.
#[pyclass(name = "Plan", module = "olvm_dr", frozen)]
#[derive(Debug, Clone)]
pub(crate) struct PyPlan {
    pub(crate) plan: Arc<Plan>,
}

#[pymethods]
impl PyPlan {
    /// The flow: `failover`, `cleanup`, `failback` or `switchover`.
    #[getter]
    fn kind(&self) -> &'static str {
        self.plan.kind.as_str()
    }

    /// The site the flow brings the workload to (the site cleaned, for cleanup).
    #[getter]
    fn target(&self) -> &'static str {
        self.plan.target.as_str()
    }

    /// The other site.
    #[getter]
    fn source(&self) -> &'static str {
        self.plan.source.as_str()
    }

    /// SHA-256 of the plan's content (hex); a resumed run checks it.
    #[getter]
    fn hash(&self) -> &str {
        &self.plan.hash
    }

    /// The first 12 characters of the hash, as printed.
    #[getter]
    fn short_hash(&self) -> &str {
        self.plan.short_hash()
    }

    /// SHA-256 of the mapping file the plan was made from.
    #[getter]
    fn mapping_sha256(&self) -> &str {
        &self.plan.mapping_sha256
    }

    /// `True` for a drill.
    #[getter]
    fn drill(&self) -> bool {
        self.plan.drill
    }

    /// The steps in a valid execution order.
    #[getter]
    fn steps<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        // A step's action and what the planner found are nested in the core's shape.
        let steps: Vec<_> = (self.plan.steps.iter())
            .map(|step| values::merged(step, &["action", "planned"], &[]))
            .collect();
        values::record(py, "olvm_dr._results.PlanStep", &steps)
    }

    /// Notes for the operator, as `(level, text)` with level `info` or `warning`.
    #[getter]
    fn notes(&self) -> Vec<(&'static str, String)> {
        self.plan
            .notes
            .iter()
            .map(|n| {
                let level = match n.level {
                    NoteLevel::Info => "info",
                    NoteLevel::Warning => "warning",
                };
                (level, n.text.clone())
            })
            .collect()
    }

    /// The plan as an indented text tree by phase, as `olvm-dr plan` prints it.
    ///
    /// Args:
    ///     all_steps (bool, default False): Show every step; by default at most 25 steps per
    ///         phase are shown.
    ///
    /// Returns:
    ///     str: The text, one line per phase, step and note.
    #[pyo3(signature = (all_steps = false))]
    fn render(&self, all_steps: bool) -> String {
        self.plan.render(RenderOptions {
            max_steps_per_phase: if all_steps { None } else { Some(25) },
        })
    }

    /// The plan as pretty JSON (the `olvm-dr plan --output json` layout).
    fn to_json(&self) -> String {
        serde_json::to_string_pretty(&*self.plan).unwrap_or_default()
    }

    /// The plan as dicts and lists.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        values::to_py(py, &*self.plan)
    }

    /// A plan from its JSON (e.g. a stored `plan.json`); its hash must match its content.
    ///
    /// Args:
    ///     text (str): The JSON `to_json()` wrote.
    ///
    /// Returns:
    ///     Plan: The plan.
    ///
    /// Raises:
    ///     ConfigurationError: `text` is not a plan's JSON, or the plan's hash does not match
    ///         its content (it was edited).
    #[staticmethod]
    fn from_json(text: &str) -> Result<Self> {
        let plan: Plan =
            serde_json::from_str(text).map_err(|e| Error::config(format!("not a plan: {e}")))?;
        if plan.compute_hash() != plan.hash {
            return Err(Error::config(
                "the plan's hash does not match its content (edited?)",
            ));
        }
        Ok(Self {
            plan: Arc::new(plan),
        })
    }

    fn __len__(&self) -> usize {
        self.plan.steps.len()
    }

    fn __str__(&self) -> String {
        self.render(false)
    }

    fn __repr__(&self) -> String {
        format!(
            "<Plan {} to {} {} ({} steps)>",
            self.plan.kind,
            self.plan.target,
            self.plan.short_hash(),
            self.plan.steps.len()
        )
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let from_json = py.get_type::<Self>().getattr("from_json")?;
        Ok((from_json, (self.to_json(),)))
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<Self>()
            .is_ok_and(|o| o.get().plan.hash == self.plan.hash)
    }

    fn __hash__(&self) -> PyResult<isize> {
        let prefix = self.plan.hash.get(..15).unwrap_or("0");
        isize::from_str_radix(prefix, 16)
            .map_err(|_| PyTypeError::new_err("a plan without a hash cannot be hashed"))
    }
}
