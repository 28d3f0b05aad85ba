//! olvm-dr-core: disaster recovery for oVirt and Oracle Linux Virtualization Manager (OLVM).
//!
//! The library models the two sites of a DR pair, the role-compatible mapping file between them,
//! its validation, and the failover, cleanup and failback flows as plans executed against the
//! [`Engine`](engine::Engine) trait.

mod civil;
pub mod config;
#[cfg(feature = "conformance")]
pub mod conformance;
pub mod diag;
pub mod engine;
pub mod execute;
#[cfg(feature = "fake")]
pub mod fake;
pub mod flow;
pub mod generate;
pub mod input;
pub mod inventory;
pub mod journal;
pub mod mapping;
pub mod ovf;
pub mod plan;
pub mod probe;
pub mod progress;
pub mod recovery_plan;
pub mod report;
pub mod scheduling;
mod secret;
pub mod site;
pub mod state;
pub mod validate;
pub mod verify;
#[cfg(feature = "xml")]
pub mod xml;

pub use diag::{Diagnostic, Location, Severity};
pub use engine::{Engine, EngineError, EngineResult, ErrorKind};
pub use secret::Secret;
pub use site::{Site, SiteConnection};
