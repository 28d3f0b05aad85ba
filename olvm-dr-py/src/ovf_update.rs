//! `ovf_update`: the site's Engine writes the OVF stores of every mapped storage domain it holds
//! active, and the call waits for each job — `olvm-dr ovf-update`, with its result as the
//! `OvfUpdate` record of `python/olvm_dr/_results.py` (the core's `olvm-dr/ovf-update/v1`
//! document, and its JSON text for `to_json`).

use std::time::Duration;

use olvm_dr_core::ovf::{UpdateOptions, update_ovf_stores};
use pyo3::prelude::*;

use crate::errors::Error;
use crate::flow_run::context;
use crate::ovf_age::site_engine;
use crate::{runtime, values};

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
pub(crate) fn ovf_update<'py>(
    py: Python<'py>,
    mapping: &Bound<'_, PyAny>,
    engines: Option<&Bound<'_, PyAny>>,
    site: &str,
    job_timeout: f64,
    concurrency: usize,
) -> PyResult<Bound<'py, PyAny>> {
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
    let data = values::merged(&report, &[], &[("_json", report.to_json().into())]);
    values::record(py, "olvm_dr._results.OvfUpdate", &data)
}
