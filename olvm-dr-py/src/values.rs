//! Small conversions between Python values and the core's: site names, JSON values, durations.

use std::time::Duration;

use olvm_dr_core::Site;
use pyo3::prelude::*;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::errors::{Error, Result};

/// The site named `name` (`primary` or `secondary`, any case).
pub(crate) fn site(name: &str) -> Result<Site> {
    name.parse()
        .map_err(|e: olvm_dr_core::site::UnknownSite| Error::config(e.to_string()))
}

/// Any serializable value as Python dicts, lists and scalars (what `json.loads` of its JSON
/// would give, with tuples for Rust tuples).
pub(crate) fn to_py<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    Ok(pythonize::pythonize(py, value)?)
}

/// A core value as a record of the Python package: `class` is the record's dotted path (e.g.
/// `olvm_dr._report.VmOutcome`); a list of values gives a list of records.
pub(crate) fn record<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    class: &str,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    let (module, name) = class.rsplit_once('.').unwrap_or(("olvm_dr", class));
    py.import(module)?
        .getattr(name)?
        .call_method1("_from_data", (to_py(py, value)?,))
}

/// `value`'s serde object with the objects under `nested` merged into it, and `extra` added:
/// the data of a record whose fields are flat where the core nests them (a field of the outer
/// object wins over a nested one of the same name).
pub(crate) fn merged<T: Serialize + ?Sized>(
    value: &T,
    nested: &[&str],
    extra: &[(&str, Value)],
) -> Value {
    let Ok(Value::Object(mut outer)) = serde_json::to_value(value) else {
        return Value::Null;
    };
    let mut out = Map::new();
    for key in nested {
        if let Some(Value::Object(inner)) = outer.remove(*key) {
            out.extend(inner);
        }
    }
    out.extend(outer);
    out.extend(extra.iter().map(|(k, v)| ((*k).to_owned(), v.clone())));
    Value::Object(out)
}

/// A number of seconds given by Python (int or float) as a duration; it must be finite and not
/// negative.
pub(crate) fn seconds(what: &str, value: f64) -> Result<Duration> {
    Ok(olvm_dr_core::fake::control::seconds(what, value)?)
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
