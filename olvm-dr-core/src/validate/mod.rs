//! Validation of a mapping file. Offline rules need nothing but the file (and the local CA
//! files); every finding is a [`Diagnostic`](crate::Diagnostic) with a stable code from
//! [`codes`].

pub mod codes;
pub mod findings;
mod offline;
pub mod suggest;

pub use offline::{OfflineOptions, validate_offline, validate_offline_file};
