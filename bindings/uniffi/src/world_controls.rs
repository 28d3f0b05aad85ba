//! The finer controls of a [`FakeWorld`] that drills, verification and OVF tests need: one
//! replication pair at a time (a drill on dedicated test domains), the age of an OVF store,
//! a VM stopped by hand, and a site's whole state for before/after comparisons.

use olvm_dr_core::fake::ReplicationChange;

use crate::error::DrError;
use crate::runtime::block_on;
use crate::types::Site;
use crate::world::FakeWorld;

#[uniffi::export]
impl FakeWorld {
    /// The names of the replicated storage domains, in the mapping's order.
    pub fn domain_names(&self) -> Vec<String> {
        self.world
            .facts()
            .domains
            .iter()
            .map(|d| d.name.clone())
            .collect()
    }

    /// Splits the replica of the domain or direct LUN `name` off as a writable copy for a
    /// drill (see `isolate_all_replication`).
    ///
    /// # Errors
    /// `Config` when the world has no such domain or LUN.
    pub fn isolate_replication(&self, name: String) -> Result<(), DrError> {
        Ok((self.world).change_replication(ReplicationChange::Split, Some(&name))?)
    }

    /// Stops the replication of `name`: its replica becomes writable.
    ///
    /// # Errors
    /// As `isolate_replication`.
    pub fn stop_replication(&self, name: String) -> Result<(), DrError> {
        Ok((self.world).change_replication(ReplicationChange::Stop, Some(&name))?)
    }

    /// Reverses the replication of `name` (the old replica becomes the source), resynchronised
    /// and running.
    ///
    /// # Errors
    /// As `isolate_replication`.
    pub fn reverse_replication(&self, name: String) -> Result<(), DrError> {
        Ok((self.world).change_replication(ReplicationChange::Reverse, Some(&name))?)
    }

    /// Restarts the replication of `name` in its direction after a full copy from its source.
    ///
    /// # Errors
    /// As `isolate_replication`.
    pub fn resync_replication(&self, name: String) -> Result<(), DrError> {
        Ok((self.world).change_replication(ReplicationChange::Resync, Some(&name))?)
    }

    /// `true` while the replication of `name` runs.
    ///
    /// # Errors
    /// As `isolate_replication`.
    pub fn replication_running(&self, name: String) -> Result<bool, DrError> {
        Ok(self
            .world
            .replication(self.world.pair_named(&name)?)
            .running)
    }

    /// Makes the OVF store of the replicated domain `domain` (by name) on `site` look
    /// `seconds` older, as if its Engine had not written it for that long; `false` when nothing
    /// changed (the store was never written there, or that volume is a read-only replica).
    ///
    /// # Errors
    /// `Config` when the world has no such domain.
    pub fn age_ovf_store(&self, site: Site, domain: String, seconds: u64) -> Result<bool, DrError> {
        Ok((self.world).age_ovf_store_named(site, &domain, seconds as f64)?)
    }

    /// Powers off the VM named `vm` on `site` through its Engine, as an administrator would by
    /// hand (e.g. for `verify` to find a VM that should run); `false` when it was down already.
    ///
    /// # Errors
    /// `Config` when `site` has no such VM; the Engine error kind's variant when the Engine
    /// refuses.
    pub fn stop_vm(&self, site: Site, vm: String) -> Result<bool, DrError> {
        Ok(block_on(self.world.stop_vm_named(site, &vm))??)
    }

    /// Everything `site` holds (data centers, domains, VMs with their NICs, ...) as JSON: equal
    /// texts mean nothing changed there.
    pub fn snapshot_json(&self, site: Site) -> String {
        serde_json::to_string_pretty(&self.world.snapshot(site)).unwrap_or_default()
    }
}
