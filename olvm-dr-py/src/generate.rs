//! `generate`: the role's mapping file from the primary's Engine, pre-filled from the
//! secondary's.

use std::path::PathBuf;

use olvm_dr_core::Diagnostic;
use olvm_dr_core::generate::{GenerateOptions, generate as core_generate};
use pyo3::prelude::*;

use crate::engines::PyEngine;
use crate::errors::Error;
use crate::mapping::PyMapping;
use crate::runtime;

/// Reads the primary's Engine and writes the role-compatible mapping file to ``path``.
///
/// Args:
///     engine (Engine): The primary site's Engine. The file's site keys are the Engines' URL, user
///         and CA file.
///     path (str | os.PathLike[str]): Where the mapping file is written.
///     secondary (Engine | None, default None): The secondary's Engine: values found there under
///         the same names are filled in, the rest stay placeholders (``key: # primary's value``)
///         that ``validate`` lists.
///     force (bool, default False): Overwrite ``path`` when it exists.
///     skip_hosted_engine_disks (bool, default False): Leave out VM disks on the hosted-engine
///         storage domain instead of refusing them.
///
/// Returns:
///     Mapping: The written mapping; its ``diagnostics`` hold what generate found (domains left
///         out, facts the Engine did not report) and what loading the file found.
///
/// Raises:
///     FileError: ``path`` exists and ``force`` is false, or it cannot be written.
///     ValidationError: VM disks are on the hosted-engine storage domain (nothing written), unless
///         ``skip_hosted_engine_disks``.
///     EngineError: A site cannot be read.
#[pyfunction]
#[pyo3(signature = (engine, path, secondary = None, force = false, *, skip_hosted_engine_disks = false))]
pub(crate) fn generate(
    py: Python<'_>,
    engine: &Bound<'_, PyEngine>,
    path: PathBuf,
    secondary: Option<&Bound<'_, PyEngine>>,
    force: bool,
    skip_hosted_engine_disks: bool,
) -> PyResult<PyMapping> {
    if path.exists() && !force {
        return Err(Error::file(
            &path,
            std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "the file exists (pass force=True to overwrite it)",
            ),
        )
        .into());
    }
    let primary = engine.get();
    let secondary = secondary.map(Bound::get);
    let options = GenerateOptions {
        primary: primary.keys.clone(),
        secondary: secondary.map(|s| s.keys.clone()),
        skip_hosted_engine_disks,
    };
    let (p, s) = (primary.engine.clone(), secondary.map(|s| s.engine.clone()));
    let generated = runtime::wait(py, async move {
        core_generate(p.as_ref(), s.as_deref(), &options).await
    })?
    .map_err(|e| Error::Engine {
        site: Some(e.site),
        message: Some(format!("cannot read the {} site: {}", e.site, e.error)),
        error: Box::new(e.error.error),
    })?;
    if generated.has_errors() {
        return Err(Error::validation("no file written", generated.diagnostics).into());
    }
    let text = generated.to_yaml();
    olvm_dr_core::mapping::write_file(&path, &text).map_err(Error::from)?;
    let mut mapping = PyMapping::from_text(&text, Some(&path), None)?;
    let mut found: Vec<Diagnostic> = generated.diagnostics;
    found.append(&mut mapping.diagnostics);
    mapping.diagnostics = found;
    Ok(mapping)
}
