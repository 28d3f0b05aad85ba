//! One conversion from a core value to the binding's record of the same shape, through their
//! serde forms. A record lists the fields the bindings show, with uniffi's types (`u64` for a
//! `usize`, `String` for a step id, a phase or an address); the core's serde names match them
//! up, and fields the record leaves out are ignored.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// `value` as the record (or list of records) `R` that mirrors it.
///
/// # Panics
/// When `R` does not mirror `T` (a field missing or of another type): a bug of this crate,
/// which its tests catch.
pub(crate) fn convert<T: Serialize + ?Sized, R: DeserializeOwned>(value: &T) -> R {
    serde_json::to_value(value)
        .and_then(serde_json::from_value)
        .unwrap_or_else(|e| {
            let record = std::any::type_name::<R>();
            panic!("{record} does not mirror the core's value: {e}")
        })
}
