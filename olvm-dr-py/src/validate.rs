//! `validate`: the offline rules, and the online rules against both sites' Engines.

use std::path::PathBuf;
use std::sync::Arc;

use olvm_dr_core::mapping::{Mapping, PerSite};
use olvm_dr_core::validate::findings::sort;
use olvm_dr_core::validate::{OfflineOptions, OnlineOptions, validate_offline, validate_online};
use olvm_dr_core::{Diagnostic, Site};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

use crate::diagnostic::diagnostics;
use crate::engines::engines_from;
use crate::errors::Error;
use crate::mapping::PyMapping;
use crate::{runtime, values};

/// What to validate: the mapping (`None` when the file is not a YAML mapping at all), its
/// file, and what loading found. A path is read now, and its loading problems become
/// diagnostics instead of an exception.
type Input = (Option<Arc<Mapping>>, Option<PathBuf>, Vec<Diagnostic>);

fn input(value: &Bound<'_, PyAny>) -> PyResult<Input> {
    if let Ok(m) = value.cast::<PyMapping>() {
        let m = m.get();
        return Ok((
            Some(m.mapping.clone()),
            m.path.clone(),
            m.diagnostics.clone(),
        ));
    }
    let path: PathBuf = value.extract().map_err(|_| {
        PyTypeError::new_err("mapping must be an olvm_dr.Mapping or the path of a mapping file")
    })?;
    let loaded = Mapping::load(&path).map_err(|e| Error::file(&path, e.source))?;
    Ok((loaded.mapping.map(Arc::new), Some(path), loaded.diagnostics))
}

/// Checks a mapping and returns every finding, sorted by position: what loading found, the
/// offline rules, and with ``offline=False`` the online rules against ``engines``.
///
/// Args:
///     mapping (Mapping | str | os.PathLike[str]): The mapping, or the path of its file.
///     offline (bool, default True): Only the offline rules; ``False`` adds the online rules
///         against ``engines``.
///     engines (Mapping[str, Engine | None] | None, default None): The sites' Engines by site name,
///         for the online rules; a missing site is not checked and the findings say so.
///     target (str, default 'secondary'): The site recovered to (``secondary`` for a failover,
///         ``primary`` before a failback).
///     source_may_be_down (bool, default False): An unreachable source is a warning, not an error
///         (a real disaster).
///     check_ca_files (bool, default True): Check that the CA files exist; ``False`` when
///         validating on another machine than the one that runs the failover.
///     max_ovf_age_minutes (int, default 60): The oldest a source domain's OVF store may be before
///         it is a warning (DR0815; the Engine's default OVF update interval). At least 1.
///
/// Returns:
///     list[Diagnostic]: Every finding (``is_error`` tells errors apart).
#[pyfunction]
#[pyo3(signature = (
    mapping,
    offline = true,
    engines = None,
    *,
    target = "secondary",
    source_may_be_down = false,
    check_ca_files = true,
    max_ovf_age_minutes = 60,
))]
#[allow(
    clippy::too_many_arguments,
    reason = "one keyword argument per option of the command"
)]
pub(crate) fn validate<'py>(
    py: Python<'py>,
    mapping: &Bound<'_, PyAny>,
    offline: bool,
    engines: Option<&Bound<'_, PyAny>>,
    target: &str,
    source_may_be_down: bool,
    check_ca_files: bool,
    max_ovf_age_minutes: u64,
) -> PyResult<Bound<'py, PyAny>> {
    if max_ovf_age_minutes == 0 {
        return Err(pyo3::exceptions::PyValueError::new_err(
            "max_ovf_age_minutes must be at least 1",
        ));
    }
    let target = values::site(target)?;
    let engines = engines_from(engines)?;
    if !offline && engines.is_empty() {
        return Err(Error::config(
            "online validation needs engines={'primary': ..., 'secondary': ...} (e.g. mapping.connect(passwords=...)), or offline=True",
        )
        .into());
    }
    let (m, file, mut all) = input(mapping)?;
    let Some(m) = m else {
        return diagnostics(py, &all);
    };
    let options = OfflineOptions {
        check_ca_files,
        base_dir: None,
    };
    let file_ref = file.as_deref();
    all.extend(py.detach(|| validate_offline(&m, file_ref, &options)));
    if !offline {
        let options = OnlineOptions {
            target,
            source_required: !source_may_be_down,
            max_ovf_age: std::time::Duration::from_secs(max_ovf_age_minutes * 60),
        };
        let found = runtime::wait(py, async {
            let refs = PerSite::from_fn(|site: Site| engines.get(&site).map(|e| &**e));
            validate_online(&m, file_ref, refs, &options).await
        })?;
        all.extend(found);
    }
    sort(&mut all);
    diagnostics(py, &all)
}
