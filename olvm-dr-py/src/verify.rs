//! `verify`: does a site hold what the mapping and its last run say it should? The same check
//! as `olvm-dr verify`, and as a run's own check at its end.

use std::path::PathBuf;
use std::sync::Arc;

use olvm_dr_core::Site;
use olvm_dr_core::flow::RunExpectations;
use olvm_dr_core::verify::{Expectations, Verification, verify_site};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

use crate::errors::Error;
use crate::flow_run::{context, open_store};
use crate::values::Repr;
use crate::{runtime, values};

/// What `verify` found on a site: the mapped domains and registered VMs checked, every
/// difference, and the run whose expectations were checked (if any).
#[pyclass(name = "Verification", module = "olvm_dr", frozen)]
#[derive(Debug, Clone)]
pub(crate) struct PyVerification {
    verification: Arc<Verification>,
    /// The run checked, with what it expected.
    run: Option<RunExpectations>,
}

#[pymethods]
impl PyVerification {
    /// The site verified.
    #[getter]
    fn site(&self) -> &'static str {
        self.verification.site.as_str()
    }

    /// `True` when nothing differs.
    #[getter]
    fn clean(&self) -> bool {
        self.verification.is_clean()
    }

    /// The id of the run whose expectations were checked (`None`: the mapping only).
    #[getter]
    fn run_id(&self) -> Option<&str> {
        self.run.as_ref().map(|r| r.run_id.as_str())
    }

    /// That run's flow (`failover`, `failback`, `switchover`), or `None`.
    #[getter]
    fn run_kind(&self) -> Option<&'static str> {
        self.run.as_ref().map(|r| r.kind.as_str())
    }

    /// `True` when that run was a drill.
    #[getter]
    fn drill(&self) -> bool {
        self.run.as_ref().is_some_and(|r| r.drill)
    }

    /// Ids of the VMs that must be up (those the run started).
    #[getter]
    fn expected_up(&self) -> Vec<String> {
        self.run
            .as_ref()
            .map(|r| r.expect.running.iter().map(ToString::to_string).collect())
            .unwrap_or_default()
    }

    /// How many mapped domains were checked.
    #[getter]
    fn domains(&self) -> usize {
        self.verification.domains
    }

    /// How many registered VMs were checked.
    #[getter]
    fn vms(&self) -> usize {
        self.verification.vms
    }

    /// Every difference found.
    #[getter]
    fn differences<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        values::record(
            py,
            "olvm_dr._report.Difference",
            &self.verification.differences,
        )
    }

    /// For people: one line, then one line per difference (what `olvm-dr verify` prints).
    fn render(&self) -> String {
        self.verification.render()
    }

    /// As `olvm-dr verify --output json` prints it: `{"schema", "site", "run", "verification"}`.
    fn to_json(&self) -> String {
        self.verification.document(self.run_id()).to_json()
    }

    /// The same as dicts and lists.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        values::to_py(py, &self.verification.document(self.run_id()))
    }

    fn __str__(&self) -> String {
        self.render()
    }

    fn __repr__(&self) -> String {
        format!(
            "<Verification of {}: {} differences (run {})>",
            self.verification.site,
            self.verification.differences.len(),
            self.run_id().map(str::to_owned).repr()
        )
    }
}

/// `run=`: which run's expectations to check.
enum Which {
    /// The newest run that brought a workload to the site (none: the mapping only).
    Newest,
    /// This run.
    Run(String),
    /// The mapping only.
    MappingOnly,
}

fn which(run: Option<&Bound<'_, PyAny>>) -> PyResult<Which> {
    let Some(run) = run.filter(|r| !r.is_none()) else {
        return Ok(Which::Newest);
    };
    if let Ok(flag) = run.extract::<bool>() {
        return Ok(if flag {
            Which::Newest
        } else {
            Which::MappingOnly
        });
    }
    run.extract::<String>().map(Which::Run).map_err(|_| {
        PyTypeError::new_err(
            "run must be a run id, None (the newest run to the site) or False (the mapping only)",
        )
    })
}

/// The run to check and what it expects, as `olvm-dr verify` chooses it.
fn expectations(
    site: Site,
    state_dir: Option<PathBuf>,
    which: Which,
) -> PyResult<Option<RunExpectations>> {
    let id = match (which, &state_dir) {
        (Which::MappingOnly, _) | (Which::Newest, None) => return Ok(None),
        (Which::Run(_), None) => {
            return Err(Error::config(
                "run= names a run of a state directory: give state_dir= too",
            )
            .into());
        }
        (Which::Run(id), Some(_)) => Some(id),
        (Which::Newest, Some(_)) => None,
    };
    let store = open_store(state_dir.as_deref())?;
    let Some(id) = id.or_else(|| store.last_run_to(site)) else {
        return Ok(None);
    };
    let run = store.expectations(&id).map_err(Error::from)?;
    if run.target != site {
        return Err(Error::config(format!(
            "run {id} brought its workload to the {} site, not the {site} site: give site='{}'",
            run.target, run.target
        ))
        .into());
    }
    Ok(Some(run))
}

/// Verifies ``site`` against the mapping and a run's expectations: every mapped domain known,
/// attached to its mapped data center and active; nothing left unregistered in the domains' OVF
/// stores; every registered VM in a mapped cluster with its NICs on mapped profiles (or, after a
/// drill, exactly as its isolation says); and up when the run started it. Only ``site``'s Engine
/// is used.
///
/// Args:
///     mapping (Mapping | str | os.PathLike[str]): The mapping, or the path of its file.
///     engines (Mapping[str, Engine | None] | None): The sites' Engines by site name; ``site``'s is
///         needed.
///     site (str, default 'secondary'): The site to verify.
///     state_dir (str | os.PathLike[str] | None, default None): Where the runs are kept.
///     run (str | bool | None, default None): A run id of ``state_dir``; ``None`` the newest run in
///         ``state_dir`` that brought a workload to ``site`` (without ``state_dir``, or with no
///         such run: the mapping only); ``False`` the mapping only.
///
/// Returns:
///     Verification: What was found (``.clean`` is ``True`` when nothing differs).
///
/// Raises:
///     RunStateError: An unknown run.
///     ConfigurationError: A run to the other site.
///     EngineError: The site cannot be read.
#[pyfunction]
#[pyo3(signature = (mapping, engines, *, site = "secondary", state_dir = None, run = None))]
pub(crate) fn verify(
    py: Python<'_>,
    mapping: &Bound<'_, PyAny>,
    engines: Option<&Bound<'_, PyAny>>,
    site: &str,
    state_dir: Option<PathBuf>,
    run: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyVerification> {
    let site = values::site(site)?;
    let which = which(run)?;
    let ctx = context(mapping, engines)?;
    let Some(engine) = ctx.engines.get(&site).cloned() else {
        return Err(Error::config(format!(
            "no Engine for the {site} site: give engines={{'{site}': ...}}"
        ))
        .into());
    };
    let run = expectations(site, state_dir, which)?;
    let expect = run
        .as_ref()
        .map_or_else(Expectations::default, |r| r.expect.clone());
    let mapping = &ctx.mapping;
    let verification = runtime::wait(py, async move {
        verify_site(mapping, site, engine.as_ref(), &expect).await
    })?
    .map_err(|error| Error::Engine {
        site: Some(site),
        message: Some(format!("the {site} site cannot be read: {error}")),
        error: Box::new(error),
    })?;
    Ok(PyVerification {
        verification: Arc::new(verification),
        run,
    })
}
