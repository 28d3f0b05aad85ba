//! `ovf_freshness`: how old the OVF stores of a site's mapped domains are — the metadata
//! recovery point that `validate` warns about (DR0815) — as the `OvfFreshness` record of
//! `python/olvm_dr/_results.py` (the core's serde shape: `site`, `clock`, `domains`).

use olvm_dr_core::Site;
use olvm_dr_core::engine::Engine;
use olvm_dr_core::ovf::read_site;
use pyo3::prelude::*;

use crate::errors::Error;
use crate::flow_run::context;
use crate::{runtime, values};

/// The Engine of `site` among the flow's engines.
pub(crate) fn site_engine(
    ctx: &olvm_dr_core::flow::FlowContext,
    site: Site,
) -> Result<std::sync::Arc<dyn Engine>, Error> {
    ctx.engines.get(&site).cloned().ok_or_else(|| {
        Error::config(format!(
            "no Engine for the {site} site: give engines={{'{site}': ...}}"
        ))
    })
}

/// How old the OVF stores of the mapped storage domains on ``site`` are (one listing of disks per
/// domain, a few at a time; nothing is changed). What a VM or template became on ``site`` since
/// its domain's store was written is not on the replica: the metadata recovery point. Ages are
/// measured with the Engine's clock when it reports its time.
///
/// Args:
///     mapping (Mapping | str | os.PathLike[str]): The mapping, or the path of its file.
///     engines (Mapping[str, Engine | None] | None): The sites' Engines by site name; ``site``'s is
///         needed.
///     site (str, default 'primary'): The site whose stores are measured.
///
/// Returns:
///     OvfFreshness: Each mapped domain's store age; a domain whose disks cannot be read has an
///         unknown age.
///
/// Raises:
///     EngineError: The site's domains cannot be listed.
#[pyfunction]
#[pyo3(signature = (mapping, engines, *, site = "primary"))]
pub(crate) fn ovf_freshness<'py>(
    py: Python<'py>,
    mapping: &Bound<'_, PyAny>,
    engines: Option<&Bound<'_, PyAny>>,
    site: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let site = values::site(site)?;
    let ctx = context(mapping, engines)?;
    let engine = site_engine(&ctx, site)?;
    let mapping = &ctx.mapping;
    let ages = runtime::wait(py, read_site(engine.as_ref(), mapping, site))?.map_err(|error| {
        Error::Engine {
            site: Some(site),
            message: Some(format!(
                "cannot list the {site} site's storage domains: {error}"
            )),
            error: Box::new(error),
        }
    })?;
    values::record(py, "olvm_dr._results.OvfFreshness", &ages)
}
