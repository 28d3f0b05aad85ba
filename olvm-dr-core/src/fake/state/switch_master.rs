//! `POST /datacenters/{dc}/setmaster`: another active data domain of the data center takes
//! the master role (`SwitchMasterStorageDomainCommand`, Engine 4.5).

use tokio::time::Instant;

use crate::Site;
use crate::engine::{Id, StorageDomainStatus, StorageDomainType, Version};

use super::super::clock::Transition;
use super::super::messages as msg;
use super::super::ops::Operation;
use super::WorldState;
use crate::engine::EngineResult;

/// The first data-center compatibility version with the operation
/// (`FeatureSupported.isSwitchMasterStorageDomainOperationSupported`).
const SWITCH_MASTER_SINCE: Version = Version { major: 4, minor: 5 };

impl WorldState {
    /// Makes `sd` the master domain of `dc`. Refusals in `validate`'s order: no such data
    /// center, compatibility version below 4.5, `sd` already master, `sd` not in `dc`, `sd`
    /// neither active nor unknown, `sd` no data domain or a backup one, tasks running in the
    /// pool (the fake's OVF store updates). Both domains are locked while the SPM task runs and
    /// come back active with the roles swapped; the fake swaps the flags at once.
    pub(crate) fn switch_master(
        &mut self,
        site: Site,
        dc: Id,
        sd: Id,
        now: Instant,
    ) -> EngineResult<()> {
        let op = Operation::SwitchMasterStorageDomain;
        let s = self.site(site);
        let pool = s
            .inv
            .dcs
            .get(&dc)
            .ok_or_else(|| msg::switch_master_no_pool(op))?;
        if pool.version < SWITCH_MASTER_SINCE {
            return Err(msg::switch_master_not_supported(op));
        }
        let current = s.master_of(dc).map(|m| m.id);
        if current == Some(sd) {
            return Err(msg::switch_master_already(op));
        }
        let target = s
            .domains
            .get(&sd)
            .filter(|d| d.attached_to(dc))
            .ok_or_else(|| msg::switch_master_not_in_pool(op))?;
        if !matches!(
            target.status(now),
            StorageDomainStatus::Active | StorageDomainStatus::Unknown
        ) {
            return Err(msg::switch_master_not_active(op, &target.name));
        }
        if target.kind != StorageDomainType::Data || target.attrs.backup {
            return Err(msg::switch_master_not_data(op));
        }
        let pool_domains: Vec<Id> = s.domains_in(dc).map(|d| d.id).collect();
        if self.ovf_job_running(site, &pool_domains, now) {
            return Err(msg::switch_master_pool_tasks(op));
        }
        let election = self.site(site).latency.transitions().master_election;
        let locked = || {
            Transition::new(
                now,
                &[(StorageDomainStatus::Locked, election)],
                StorageDomainStatus::Active,
            )
        };
        let s = self.site_mut(site);
        s.mark_master(sd, now);
        for (id, master) in current.map(|c| (c, false)).into_iter().chain([(sd, true)]) {
            if let Some(a) = s.domains.get_mut(&id).and_then(|d| d.attachment.as_mut()) {
                a.master = master;
                a.status = locked();
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_operation_starts_at_4_5() {
        assert!(Version { major: 4, minor: 4 } < SWITCH_MASTER_SINCE);
        assert!(Version { major: 4, minor: 7 } >= SWITCH_MASTER_SINCE);
    }
}
