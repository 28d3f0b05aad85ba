//! Validation of a mapping file. Offline rules need nothing but the file (and the local CA
//! files); online rules check it against both sites' Engines. Every finding is a
//! [`Diagnostic`](crate::Diagnostic) with a stable code from [`codes`].

pub mod codes;
pub mod findings;
mod offline;
mod online;
pub mod suggest;

pub use offline::{OfflineOptions, validate_offline, validate_offline_file};
pub use online::{DEFAULT_MAX_OVF_AGE, OnlineOptions, validate_online};
