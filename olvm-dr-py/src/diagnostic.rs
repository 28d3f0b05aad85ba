//! `Diagnostic`: one finding of loading, validating, generating or planning, as the record in
//! `python/olvm_dr/_results.py` (which documents each field).

use olvm_dr_core::Diagnostic;
use pyo3::prelude::*;

use crate::values;

/// Findings as a list of `Diagnostic` records: the core's fields with the location's flattened,
/// and its display form (`str()` of the record).
pub(crate) fn diagnostics<'py>(
    py: Python<'py>,
    list: &[Diagnostic],
) -> PyResult<Bound<'py, PyAny>> {
    let data: Vec<_> = list
        .iter()
        .map(|d| values::merged(d, &["location"], &[("_text", d.to_string().into())]))
        .collect();
    values::record(py, "olvm_dr._results.Diagnostic", &data)
}
