//! `Diagnostic`: one finding of loading, validating, generating or planning.

use olvm_dr_core::Diagnostic;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// One finding: how bad, which rule, where (file, line, column, key path, site, entity), what
/// is wrong and what to do about it.
#[pyclass(name = "Diagnostic", module = "olvm_dr", frozen)]
#[derive(Debug, Clone)]
pub(crate) struct PyDiagnostic {
    /// `error`, `warning` or `info`.
    #[pyo3(get)]
    severity: String,
    /// The rule's stable code, e.g. `DR0101` (see docs/diagnostics.md).
    #[pyo3(get)]
    code: String,
    /// The file, when the finding is about one.
    #[pyo3(get)]
    file: Option<String>,
    /// 1-based line.
    #[pyo3(get)]
    line: Option<u32>,
    /// 1-based column.
    #[pyo3(get)]
    column: Option<u32>,
    /// Key path in the file, e.g. `dr_import_storages[2].dr_secondary_name`.
    #[pyo3(get)]
    key: Option<String>,
    /// `primary` or `secondary`, when the finding is about a site.
    #[pyo3(get)]
    site: Option<String>,
    /// The entity, e.g. `cluster 'prod'`.
    #[pyo3(get)]
    entity: Option<String>,
    /// What is wrong.
    #[pyo3(get)]
    message: String,
    /// What to do about it.
    #[pyo3(get)]
    hint: Option<String>,
    /// The core's display form (position, rule, message, hint).
    text: String,
}

impl From<Diagnostic> for PyDiagnostic {
    fn from(d: Diagnostic) -> Self {
        let text = d.to_string();
        let l = d.location;
        Self {
            severity: d.severity.to_string(),
            code: d.code.to_owned(),
            file: l.file.map(|f| f.display().to_string()),
            line: l.line,
            column: l.column,
            key: l.key,
            site: l.site.map(|s| s.as_str().to_owned()),
            entity: l.entity,
            message: d.message,
            hint: d.hint,
            text,
        }
    }
}

#[pymethods]
impl PyDiagnostic {
    /// `True` for an error (errors make a validation fail; warnings and notes do not).
    #[getter]
    fn is_error(&self) -> bool {
        self.severity == "error"
    }

    /// The fields as a dict (the JSON output's shape, without empty fields).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("severity", &self.severity)?;
        d.set_item("code", &self.code)?;
        let optional = [
            ("file", self.file.clone()),
            ("key", self.key.clone()),
            ("site", self.site.clone()),
            ("entity", self.entity.clone()),
            ("hint", self.hint.clone()),
        ];
        for (k, v) in optional {
            if let Some(v) = v {
                d.set_item(k, v)?;
            }
        }
        if let Some(line) = self.line {
            d.set_item("line", line)?;
        }
        if let Some(column) = self.column {
            d.set_item("column", column)?;
        }
        d.set_item("message", &self.message)?;
        Ok(d)
    }

    fn __str__(&self) -> &str {
        &self.text
    }

    fn __repr__(&self) -> String {
        let at = match (&self.file, self.line) {
            (Some(f), Some(l)) => format!(" at {f}:{l}"),
            (None, Some(l)) => format!(" at line {l}"),
            _ => String::new(),
        };
        format!(
            "<Diagnostic {} {}{at}: {}>",
            self.severity, self.code, self.message
        )
    }
}
