//! An in-memory two-site oVirt world whose Engines follow the real Engine's rules.
//!
//! The fake is the ground truth of the project's tests, of the simulated Engine server and of
//! the benchmarks, and it is meant for users' own tests too. It is as strict as the Engine as
//! documented in the API reference and its sources: statuses and their transitions, the master
//! domain rules, OVF stores that are written periodically and read on attach, registration with
//! every mapping, MAC pools, sanlock leases that block a DR attach for the lease time, and the
//! Engine's own fault texts and HTTP statuses (one catalogue, in the private `messages`
//! module, each text cited to the Engine's message bundles).
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
//!
//! # Modelling decisions
//!
//! Where the Engine's behaviour is not observable from its API or documentation, the fake
//! decides as follows (each decision is also documented where it is implemented):
//!
//! * A call takes effect when the Engine accepts it; its answer comes after the operation's
//!   request latency. If the site dies meanwhile, the caller sees `Unavailable` (a connection cut off) although the
//!   change happened.
//! * Sanlock leases belong to a domain (its id is the same on both sides of a replication
//!   pair). The hosts of the site using it renew it; another site's attach or activation takes
//!   the record over after blocking for `lease_timeout`, whether those hosts are dead or alive
//!   (after a split, a live site's renewals reach only its own copy): a live one makes a split
//!   brain, which the world records ([`World::split_brains`]).
//! * A read-only replica cannot be attached or activated: sanlock cannot write its lease there,
//!   so the Engine reports VDSM's `[Cannot acquire host id]` (400).
//!   Importing it works (import only reads); a deactivation whose OVF update cannot be written
//!   returns the domain to `active` unless forced.
//! * The OVF_STORE disks' `description` carries the JSON the Engine writes into the volume
//!   metadata (`Last Updated`, …). The real REST API may show the database's `OVF_STORE` label
//!   there instead; see `fabric::ovf_store`.
//! * A vNIC mapping to the empty GUID does not unplug the NIC: the Engine looks the id up, finds
//!   nothing and falls back to the source names. [`VnicTarget::Unplugged`](crate::engine::VnicTarget)
//!   (empty target names) does unplug it.
//! * Authz-domain mappings are looked up by the user's login name, as the Engine's
//!   `DrMappingHelper.mapDbUsers` does; users that do not exist on the target are dropped.
//! * Importing a file domain from an export without a domain fails: the fake never creates or
//!   formats storage.
//! * VM leases are kept by VM id and shared by both copies of their domain, like the domains'
//!   leases; a start that meets a record another site's host wrote stays `wait_for_launch` for
//!   the lease time, then the VM comes up (`state::vm_leases`).
//! * The format upgrade of a domain attached to a data center of a newer level reaches its
//!   volume with the attach (VDSM upgrades it when the pool connects the domain).

mod builder;
mod clock;
pub mod control;
mod engine;
mod fabric;
mod faults;
mod guests;
mod iscsi_controls;
mod latency;
pub(crate) mod messages;
mod ops;
mod preset;
mod rng;
mod setup;
mod snapshot;
mod state;
mod world;

pub use builder::{
    ClusterFacts, DomainFacts, HostFacts, IscsiTargetFacts, LiveDetails, Location, LunFacts,
    MappingFacts, Named, ProfileFacts, STORAGE_TYPES, SiteFacts, SiteUrls, TemplateFacts, VmFacts,
    VnicPair, WorldBuilder, WorldFacts,
};
pub use control::{ControlError, FaultSpec, PairStatus, ReplicationChange, StopVmError};
pub use engine::{FakeEngine, Liveness, LivenessWatcher};
pub use fabric::lease::DEFAULT_LEASE_TIMEOUT;
pub use fabric::{PairId, ReplicationDirection};
pub use faults::{Hang, Outage, RandomFailures, Trigger};
pub use latency::{LatencyProfile, TransitionTimes};
pub use ops::{Operation, UnknownOperation};
pub use preset::{Latency, WorldSize};
pub use setup::{
    DiskSpec, LunDiskSpec, NicSpec, Setup, TargetRef, TemplateSpec, VmSpec, VolumeRef,
};
pub use snapshot::{
    DataCenterSummary, DomainSummary, OvfStoreSummary, SiteSnapshot, TemplateSummary, VmSummary,
};
pub use state::connections::FileConnection;
pub use state::guests::{CheckFailure, Guest, GuestInterface};
pub use state::site::{DEFAULT_CONCURRENCY_LIMIT, DEFAULT_OVF_UPDATE_INTERVAL};
pub use state::split_brain::SplitBrain;
pub use world::{ReplicationState, World};
