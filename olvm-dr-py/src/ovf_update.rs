//! `ovf_update`: the site's Engine writes the OVF stores of every mapped storage domain it holds
//! active, and the call waits for each job — `olvm-dr ovf-update`, with its result as a class.

use std::time::Duration;

use olvm_dr_core::ovf::{DomainOvfUpdate, OvfUpdateReport, UpdateOptions, update_ovf_stores};
use pyo3::prelude::*;

use crate::errors::Error;
use crate::flow_run::context;
use crate::ovf_age::{PyOvfAge, site_engine};
use crate::values::Repr;
use crate::{runtime, values};

/// What happened to one storage entry's domain: `outcome` is `updated`, `skipped` (not
/// attempted: not on the site, not attached, not active, not a data domain) or `failed`, with
/// the store's age before and after (`None` when not attempted).
#[pyclass(name = "OvfDomainUpdate", module = "olvm_dr", frozen, get_all)]
#[derive(Debug, Clone)]
pub(crate) struct PyOvfDomainUpdate {
    /// Its index in `dr_import_storages`.
    index: usize,
    /// Its name on the site (or its id).
    name: String,
    /// The domain's id, `None` when the site does not have it.
    domain: Option<String>,
    /// `updated`, `skipped` or `failed`.
    outcome: String,
    /// Why it was skipped or failed.
    reason: Option<String>,
    /// The Engine's job, when it returned one.
    job: Option<String>,
    /// From the request to the end of the job, in seconds (updated domains).
    took_seconds: Option<f64>,
    /// The store's age before.
    before: Option<PyOvfAge>,
    /// The store's age after.
    after: Option<PyOvfAge>,
}

impl From<&DomainOvfUpdate> for PyOvfDomainUpdate {
    fn from(d: &DomainOvfUpdate) -> Self {
        let (job, took) = match d.outcome.job_and_took() {
            Some((job, took)) => (job.map(|j| j.to_string()), Some(took.as_secs_f64())),
            None => (None, None),
        };
        Self {
            index: d.index,
            name: d.name.clone(),
            domain: d.domain.map(|i| i.to_string()),
            outcome: d.outcome.as_str().to_owned(),
            reason: d.outcome.reason().map(str::to_owned),
            job,
            took_seconds: took,
            before: d.before.as_ref().map(Into::into),
            after: d.after.as_ref().map(Into::into),
        }
    }
}

#[pymethods]
impl PyOvfDomainUpdate {
    /// `True` when the store was written.
    #[getter]
    fn updated(&self) -> bool {
        self.outcome == "updated"
    }

    fn __repr__(&self) -> String {
        format!(
            "<OvfDomainUpdate {}: {} {}>",
            self.name,
            self.outcome,
            self.reason.repr()
        )
    }
}

/// The result of `ovf_update`: every storage entry of the mapping, in its order.
#[pyclass(name = "OvfUpdate", module = "olvm_dr", frozen)]
#[derive(Debug, Clone)]
pub(crate) struct PyOvfUpdate {
    report: OvfUpdateReport,
}

#[pymethods]
impl PyOvfUpdate {
    /// The site whose Engine wrote the stores.
    #[getter]
    fn site(&self) -> &'static str {
        self.report.site.as_str()
    }

    /// Whose clock the ages are measured against: `engine` or `local`.
    #[getter]
    fn clock(&self) -> &'static str {
        self.report.clock.as_str()
    }

    /// `True` when every domain's update ran to the end (written, or the Engine had nothing to
    /// update), nothing skipped, nothing failed, at least one.
    #[getter]
    fn all_updated(&self) -> bool {
        self.report.all_updated()
    }

    /// Every storage entry, before and after.
    #[getter]
    fn domains(&self) -> Vec<PyOvfDomainUpdate> {
        self.report.domains.iter().map(Into::into).collect()
    }

    /// As `olvm-dr ovf-update --output json` prints it (`olvm-dr/ovf-update/v1`).
    fn to_json(&self) -> String {
        self.report.to_json()
    }

    /// The same as dicts and lists.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        values::to_py(py, &self.report)
    }

    fn __repr__(&self) -> String {
        let updated = self.report.domains.iter().filter(|d| d.updated()).count();
        format!(
            "<OvfUpdate on {}: {updated} of {} updated>",
            self.report.site,
            self.report.domains.len()
        )
    }
}

/// Has ``site``'s Engine write the OVF stores of every mapped storage domain it holds active
/// (what the OLVM DR guide has administrators do by hand before a planned failover or a drill),
/// and waits for each job.
///
/// Args:
///     mapping (Mapping | str | os.PathLike[str]): The mapping, or the path of its file.
///     engines (Mapping[str, Engine | None] | None): The sites' Engines by site name; ``site``'s is
///         needed.
///     site (str, default 'primary'): The site whose stores are written.
///     job_timeout (float, default 600.0): Seconds each domain's job may take.
///     concurrency (int, default 4): Domains updated at a time.
///
/// Returns:
///     OvfUpdate: The result whatever happened to each domain (check ``.all_updated``).
///
/// Raises:
///     EngineError: The site cannot be read at all (then nothing was changed).
#[pyfunction]
#[pyo3(signature = (mapping, engines, *, site = "primary", job_timeout = 600.0, concurrency = 4))]
pub(crate) fn ovf_update(
    py: Python<'_>,
    mapping: &Bound<'_, PyAny>,
    engines: Option<&Bound<'_, PyAny>>,
    site: &str,
    job_timeout: f64,
    concurrency: usize,
) -> PyResult<PyOvfUpdate> {
    let site = values::site(site)?;
    let job_timeout: Duration = values::seconds("job_timeout", job_timeout)?;
    if job_timeout.is_zero() || concurrency == 0 {
        return Err(Error::config("job_timeout and concurrency must be greater than zero").into());
    }
    let ctx = context(mapping, engines)?;
    let engine = site_engine(&ctx, site)?;
    let options = UpdateOptions {
        concurrency,
        job_timeout,
        ..UpdateOptions::default()
    };
    let mapping = ctx.mapping;
    let report = runtime::wait_on_thread(py, move || async move {
        update_ovf_stores(engine.as_ref(), &mapping, site, &options).await
    })?
    .map_err(|e| Error::Engine {
        site: Some(e.site),
        message: Some(format!("{e}; nothing was changed")),
        error: Box::new(e.error),
    })?;
    Ok(PyOvfUpdate { report })
}
