//! `verify`: does a site hold what the mapping and its last run say it should? The same check
//! as `olvm-dr verify`, and as a run's own check at its end.

use std::path::PathBuf;

use olvm_dr_core::flow::{CheckAgainst, SiteCheckError, check_site};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

use crate::errors::Error;
use crate::flow_run::{context, open_store};
use crate::ovf_age::site_engine;
use crate::{runtime, values};

/// What `run=` asks for: a run id, `None` (the newest run to the site) or `False` (the
/// mapping only).
fn which(run: Option<&Bound<'_, PyAny>>) -> PyResult<CheckAgainst> {
    let Some(run) = run.filter(|r| !r.is_none()) else {
        return Ok(CheckAgainst::NewestRun);
    };
    if let Ok(flag) = run.extract::<bool>() {
        return Ok(if flag {
            CheckAgainst::NewestRun
        } else {
            CheckAgainst::MappingOnly
        });
    }
    run.extract::<String>().map(CheckAgainst::Run).map_err(|_| {
        PyTypeError::new_err(
            "run must be a run id, None (the newest run to the site) or False (the mapping only)",
        )
    })
}

/// A refused check as the package's error: the site's Engine with its site, a run of the other
/// site as a configuration error.
fn check_error(e: SiteCheckError) -> Error {
    match e {
        SiteCheckError::Read { site, ref error } => Error::Engine {
            site: Some(site),
            message: Some(e.to_string()),
            error: Box::new(error.clone()),
        },
        SiteCheckError::WrongSite { target, .. } => {
            Error::config(format!("{e}: give site='{target}'"))
        }
        SiteCheckError::Run(e) => e.into(),
    }
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
    let against = which(run)?;
    if matches!(against, CheckAgainst::Run(_)) && state_dir.is_none() {
        return Err(
            Error::config("run= names a run of a state directory: give state_dir= too").into(),
        );
    }
    let ctx = context(mapping, engines)?;
    site_engine(&ctx, site)?;
    let store = open_store(state_dir.as_deref())?;
    let check =
        runtime::wait(py, check_site(&ctx, &store, site, &against))?.map_err(check_error)?;
    // The record keeps the texts as its hidden `_text` and `_json`.
    let texts = [
        ("_text", check.text.clone().into()),
        ("_json", check.json.clone().into()),
    ];
    let data = values::merged(&check, &[], &texts);
    values::record(py, "olvm_dr._results.Verification", &data)
}
