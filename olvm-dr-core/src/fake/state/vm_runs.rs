//! Where a VM start ends up: `RunVmCommand` runs the VM on the host the scheduler picks, and
//! when the run fails there it reruns it on the next host the scheduler picks without the hosts
//! already tried (`RunVmCommandBase.rerun`, `getRunVdssList`), until `MaxRerunVmOnVdsCount`
//! hosts were tried or none is left; the VM then stays down ("Failed to run VM",
//! `USER_FAILED_RUN_VM`). The start request itself succeeds: the runs happen after it.
//!
//! No scheduling filter looks at storage (`scheduling/policyunits` has none): a host that
//! cannot see one of the VM's LUNs is picked like any other, `connectLunDisks` only logs the
//! failed connection (`ConnectStorageServerVDSCommand`), and the run fails on the host when
//! VDSM cannot prepare the disk.

use std::time::Duration;

use tokio::time::Instant;

use crate::Site;
use crate::engine::{EngineResult, Id, VmStatus};

use super::super::ops::Operation;
use super::WorldState;
use super::vms::VmRec;

/// `MaxRerunVmOnVdsCount` (3, `0000_config.sql`): the hosts one start tries at most.
pub(crate) const MAX_RERUN_VM_ON_VDS_COUNT: usize = 3;

/// The outcome of a start's runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Placement {
    /// The host it runs on, or the last one tried when it runs nowhere.
    pub(crate) host: Id,
    /// Runs that failed before (each one a launch on a host that could not prepare a disk).
    pub(crate) failed_runs: u32,
    /// `false` when every run failed: the VM goes back down.
    pub(crate) runs: bool,
}

impl Placement {
    /// A paused VM resuming on its host.
    pub(crate) fn resumed(host: Id) -> Self {
        Self {
            host,
            failed_runs: 0,
            runs: true,
        }
    }

    /// The way up of a VM placed here: each failed run spends a launch (`launch`) in
    /// `wait_for_launch` before the next host is tried.
    pub(crate) fn way_up(
        &self,
        steps: &[(VmStatus, Duration)],
        launch: Duration,
    ) -> Vec<(VmStatus, Duration)> {
        let mut steps = steps.to_vec();
        if let Some(first) = steps.first_mut() {
            first.1 += launch * self.failed_runs;
        }
        steps
    }
}

impl WorldState {
    /// Where starting `v` on `site` at `now` ends up. The first scheduling's refusal is the
    /// start's own error; a rerun that finds no host ends the runs.
    pub(crate) fn place_vm(
        &self,
        site: Site,
        v: &VmRec,
        now: Instant,
        op: Operation,
    ) -> EngineResult<Placement> {
        let s = self.site(site);
        let needs = self.vm_lun_volumes(site, &v.disks, &v.luns);
        let sees = |h: Id| needs.iter().all(|vol| self.host_reaches(site, h, *vol));
        let mut host = s.schedule(v, &[], now, op)?;
        let mut tried: Vec<Id> = Vec::new();
        loop {
            if sees(host) {
                break;
            }
            tried.push(host);
            if tried.len() >= MAX_RERUN_VM_ON_VDS_COUNT {
                break;
            }
            match s.schedule(v, &tried, now, op) {
                Ok(next) => host = next,
                Err(_) => break,
            }
        }
        let runs = !tried.contains(&host);
        let failed_runs = u32::try_from(tried.len()).unwrap_or(u32::MAX);
        Ok(Placement {
            host,
            failed_runs,
            runs,
        })
    }
}
