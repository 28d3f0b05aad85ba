//! An in-memory two-site oVirt world whose Engines follow the real Engine's rules.
//!
//! The fake is the ground truth of the project's tests, of the simulated Engine server and of
//! the benchmarks, and it is meant for users' own tests too. It is as strict as the Engine as
//! documented in the API reference and its sources: statuses and their transitions, the master
//! domain rules, OVF stores that are written periodically and read on attach, registration with
//! every mapping, MAC pools, sanlock leases that block a DR attach until they expire, and the
//! Engine's own fault texts and HTTP statuses (see [`messages`](self) for the catalogue).
//!
//! ```
//! use olvm_dr_core::Site;
//! use olvm_dr_core::engine::Engine;
//! use olvm_dr_core::fake::WorldBuilder;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let world = WorldBuilder::small(7).build();
//! let secondary = world.engine(Site::Secondary);
//! // Nothing replicated is attached on the secondary yet.
//! let domains = secondary.storage_domains().await.unwrap();
//! assert!(domains.iter().all(|d| d.data_centers.is_empty()));
//!
//! world.disaster(Site::Primary);
//! let primary = world.engine(Site::Primary);
//! assert!(primary.api_info().await.is_err());
//! # }
//! ```
//!
//! Time is tokio's clock throughout ([`tokio::time::Instant`]): tests can pause it and let
//! hours of Engine time pass instantly. Nothing runs in the background; state that changes with
//! time is computed when read, and scheduled work (OVF writes, completions) happens when a later
//! call looks.

mod builder;
mod clock;
mod engine;
mod fabric;
mod faults;
mod latency;
pub(crate) mod messages;
mod ops;
mod rng;
mod setup;
mod snapshot;
mod state;
mod world;

pub use builder::{
    ClusterFacts, DomainFacts, HostFacts, IscsiTargetFacts, Location, LunFacts, MappingFacts,
    Named, ProfileFacts, STORAGE_TYPES, SiteFacts, TemplateFacts, VmFacts, VnicPair, WorldBuilder,
    WorldFacts,
};
pub use engine::FakeEngine;
pub use fabric::lease::DEFAULT_LEASE_TIMEOUT;
pub use fabric::{PairId, ReplicationDirection};
pub use faults::{Hang, Outage, RandomFailures, Trigger};
pub use latency::{LatencyProfile, TransitionTimes};
pub use ops::{Operation, UnknownOperation};
pub use setup::{
    DiskSpec, LunDiskSpec, NicSpec, Setup, TargetRef, TemplateSpec, VmSpec, VolumeRef,
};
pub use snapshot::{
    DataCenterSummary, DomainSummary, OvfStoreSummary, SiteSnapshot, TemplateSummary, VmSummary,
};
pub use state::site::{DEFAULT_CONCURRENCY_LIMIT, DEFAULT_OVF_UPDATE_INTERVAL};
pub use world::{ReplicationState, World};
