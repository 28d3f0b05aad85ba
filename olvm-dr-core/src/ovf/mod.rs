//! The OVF stores of the replicated domains: how old they are, and forcing an update.
//!
//! A failover registers the VMs and templates that the domains' OVF_STORE disks describe. The
//! Engine writes those disks every `OvfUpdateIntervalInMinutes` (60 by default), and then only
//! for domains where something changed, and when a domain goes to maintenance. What changed on
//! the source since its last write is not on the replica: the metadata's recovery point. This
//! module measures it ([`freshness`], [`read_site`]) and shortens it on demand
//! ([`update_ovf_stores`]). The results serialize to the documents every front end prints
//! (`olvm-dr/ovf-update/v1`, see `docs/json-output.md`).
//!
//! ```
//! use olvm_dr_core::Site;
//! use olvm_dr_core::fake::WorldBuilder;
//! use olvm_dr_core::ovf::{Clock, ClockSource, read_domains};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let world = WorldBuilder::small(1).build();
//! let engine = world.dyn_engine(Site::Primary);
//! let clock = Clock::read(engine.as_ref()).await.unwrap();
//! assert_eq!(clock.source, ClockSource::Engine);
//! let ids: Vec<_> = world.facts().domains.iter().map(|d| d.id).collect();
//! for d in read_domains(engine.as_ref(), &ids, &clock).await {
//!     assert!(d.freshness.age().is_some(), "written when the world was built");
//! }
//! # }
//! ```

mod domains;
pub mod freshness;
pub mod java_date;
mod json;
mod site_freshness;
mod update;

pub use domains::{MappedDomain, find_domain, mapped_domains};
pub use freshness::{
    Clock, ClockSource, DomainFreshness, Freshness, OVF_STORE_LABEL, Unknown, domain_freshness,
    format_age, parse_description, read_domain, read_domains,
};
pub use java_date::{JavaDateError, parse_java_date};
pub use json::{OVF_UPDATE_SCHEMA, utc_timestamp};
pub use site_freshness::{MappedFreshness, SiteFreshness, read_site};
pub use update::{
    DomainOvfUpdate, OvfUpdateReport, UNCHANGED_REASON, UpdateError, UpdateOptions, UpdateOutcome,
    update_ovf_stores,
};
