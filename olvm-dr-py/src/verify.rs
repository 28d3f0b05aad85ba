//! `verify`: does a site hold what the mapping and its last run say it should? The same check
//! as `olvm-dr verify`, and as a run's own check at its end.

use std::path::PathBuf;

use olvm_dr_core::Site;
use olvm_dr_core::flow::RunExpectations;
use olvm_dr_core::verify::{Expectations, Verification, verify_site};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use serde_json::json;

use crate::errors::Error;
use crate::flow_run::{context, open_store};
use crate::ovf_age::site_engine;
use crate::{runtime, values};

/// What `verify` found, as a `Verification` record with the core's texts (`render`, `to_json`).
fn record<'py>(
    py: Python<'py>,
    verification: &Verification,
    run: Option<&RunExpectations>,
) -> PyResult<Bound<'py, PyAny>> {
    let run_id = run.map(|r| r.run_id.as_str());
    let data = json!({
        "site": verification.site,
        "clean": verification.is_clean(),
        "run_id": run_id,
        "run_kind": run.map(|r| r.kind.as_str()),
        "drill": run.is_some_and(|r| r.drill),
        "expected_up": run.map(|r| r.expect.running.iter().map(ToString::to_string).collect::<Vec<_>>()),
        "domains": verification.domains,
        "vms": verification.vms,
        "differences": verification.differences,
        "_text": verification.render(),
        "_json": verification.document(run_id).to_json(),
    });
    values::record(py, "olvm_dr._results.Verification", &data)
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
pub(crate) fn verify<'py>(
    py: Python<'py>,
    mapping: &Bound<'_, PyAny>,
    engines: Option<&Bound<'_, PyAny>>,
    site: &str,
    state_dir: Option<PathBuf>,
    run: Option<&Bound<'_, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let site = values::site(site)?;
    let which = which(run)?;
    let ctx = context(mapping, engines)?;
    let engine = site_engine(&ctx, site)?;
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
    record(py, &verification, run.as_ref())
}
