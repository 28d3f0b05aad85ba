//! [`Setup`]: direct construction of a world's contents, bypassing the Engine API.
//!
//! The [`WorldBuilder`](super::WorldBuilder) builds every preset with it, and tests reach it
//! through [`World::setup`](super::World::setup) when they need a situation the presets do not
//! have (a VM with a conflicting MAC, a target with CHAP, an extra domain). It creates things as
//! if an administrator had made them long ago: no latency, no validation beyond consistency.

use tokio::time::Instant;

use crate::Site;
use crate::engine::Id;

use super::state::WorldState;

mod inventory;
mod scheduling;
mod specs;
mod storage;
mod storage_format;
mod vm_leases;
mod workload;

pub(crate) use inventory::HOST_MEMORY;
pub use specs::{DiskSpec, LunDiskSpec, NicSpec, TargetRef, TemplateSpec, VmSpec, VolumeRef};

/// Direct access to a world's state for building it.
pub struct Setup<'a> {
    pub(crate) w: &'a mut WorldState,
    pub(crate) now: Instant,
}

impl std::fmt::Debug for Setup<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Setup").finish_non_exhaustive()
    }
}

impl Setup<'_> {
    /// A fresh id from `site`'s deterministic generator.
    pub fn new_id(&mut self, site: Site) -> Id {
        self.w.site_mut(site).ids.id()
    }
}
