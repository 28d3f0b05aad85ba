//! HTTPS for the simulated Engines: the lab's own CA ([`LabCa`]), the TLS side of the Engine's
//! port, and the Engine's `pki-resource` service that hands the CA out.
//!
//! A real Engine answers on HTTPS only (Apache with the certificate `engine-setup` issued from
//! the Engine's CA); so does a lab unless it is started with plain HTTP on purpose. The control
//! endpoint's own port (`/_sim`) is the lab's, not an Engine's: it stays plain HTTP on loopback.

mod ca;
mod listener;
pub(crate) mod pki;

pub use ca::{LabCa, TlsError};
pub(crate) use listener::TlsListener;
