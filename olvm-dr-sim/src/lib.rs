//! olvm-dr-sim: a simulated oVirt / OLVM Engine.
//!
//! The server speaks the Engine's REST API v4 (XML, SSO bearer tokens, `search=`, actions,
//! faults with the Engine's status codes and texts) and serves one site of a fake two-site
//! [`World`](olvm_dr_core::fake::World): every request becomes calls of the
//! [`Engine`](olvm_dr_core::Engine) trait on that site's `FakeEngine`, so the fake's rules are
//! the server's rules. A control endpoint outside the Engine's paths (`/_sim`, see
//! [`control`]) declares disasters, changes replication, injects faults and switches latency
//! profiles.
//!
//! - [`SimServer`]: one site on one port (in-process, for tests and tools).
//! - [`Lab`]: both sites of one world on two loopback ports, plus a ready mapping file,
//!   passwords file and `dr.conf` for them.
//! - [`ControlClient`]: talks to a running server's control endpoint.
//! - The `olvm-dr-sim` binary runs either standalone.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use olvm_dr_sim::{Lab, LabOptions};
//!
//! let lab = Lab::start(LabOptions::new("/tmp/lab")).await?;
//! println!("primary: {}", lab.api_url(olvm_dr_core::Site::Primary));
//! println!("mapping: {}", lab.files().mapping.display());
//! lab.shutdown().await;
//! # Ok(()) }
//! ```

mod auth;
mod client;
pub mod control;
mod control_guests;
mod dark;
mod entities_view;
mod events;
mod jobs;
pub mod lab;
mod params;
mod request_context;
mod respond;
mod routes;
mod search;
mod server;
pub mod tls;

pub use auth::{Credentials, DEFAULT_TOKEN_TTL};
pub use client::{ControlClient, ControlError};
pub use lab::{Lab, LabError, LabFiles, LabOptions, LabState, Latency, WorldSize};
pub use server::{ServerOptions, SimServer};
pub use tls::{LabCa, TlsError};

/// The user every simulated Engine accepts, as the Engine's default administrator.
pub const DEFAULT_USERNAME: &str = "admin@internal";
