//! Small conversions between Python values and the core's: site names, JSON values, durations.

use std::time::Duration;

use olvm_dr_core::Site;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde::Serialize;
use serde_json::Value;

use crate::errors::{Error, Result};

/// The site named `name` (`primary` or `secondary`, any case).
pub(crate) fn site(name: &str) -> Result<Site> {
    name.parse()
        .map_err(|e: olvm_dr_core::site::UnknownSite| Error::config(e.to_string()))
}

/// A JSON value as the Python object `json.loads` would give.
pub(crate) fn json_to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => u.into_pyobject(py)?.into_any(),
            (None, Some(i)) => i.into_pyobject(py)?.into_any(),
            _ => n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any(),
        },
        Value::String(s) => s.into_pyobject(py)?.into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(json_to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, json_to_py(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

/// Any serializable value as Python dicts, lists and scalars.
pub(crate) fn to_py<'py, T: Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    let v = serde_json::to_value(value).map_err(|e| {
        pyo3::exceptions::PyRuntimeError::new_err(format!("cannot convert to Python: {e}"))
    })?;
    json_to_py(py, &v)
}

/// A number of seconds given by Python (int or float) as a duration; it must be finite and not
/// negative.
pub(crate) fn seconds(what: &str, value: f64) -> Result<Duration> {
    Duration::try_from_secs_f64(value).map_err(|_| {
        Error::config(format!(
            "{what} must be a number of seconds >= 0, not {value}"
        ))
    })
}

/// A value as Python's `repr()` shows it (`'text'`, `None`), for the `__repr__` of the
/// package's classes.
pub(crate) trait Repr {
    /// The Python form.
    fn repr(&self) -> String;
}

impl Repr for str {
    fn repr(&self) -> String {
        format!("'{}'", self.replace('\\', "\\\\").replace('\'', "\\'"))
    }
}

impl Repr for String {
    fn repr(&self) -> String {
        self.as_str().repr()
    }
}

impl<T: Repr> Repr for Option<T> {
    fn repr(&self) -> String {
        self.as_ref().map_or_else(|| "None".to_owned(), Repr::repr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites_and_seconds() {
        assert_eq!(site("Secondary").unwrap(), Site::Secondary);
        assert!(matches!(site("tertiary"), Err(Error::Config(_))));
        assert_eq!(seconds("t", 1.5).unwrap(), Duration::from_millis(1500));
        assert!(seconds("t", -1.0).is_err());
        assert!(seconds("t", f64::NAN).is_err());
        assert_eq!(Some("it's".to_owned()).repr(), "'it\\'s'");
        assert_eq!(None::<String>.repr(), "None");
    }
}
