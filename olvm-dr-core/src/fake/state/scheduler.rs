//! The scheduler of one site's Engine: the memory each host's VMs hold and the host a VM starts
//! on, through the core's one computation ([`crate::scheduling`]) that `validate`'s capacity
//! rule uses too.

use std::collections::HashMap;

use tokio::time::Instant;

use crate::engine::{EngineResult, HostStatus, Id, VmStatus};
use crate::scheduling::{HostRoom, VmDemand, filter, pick, scheduling_memory};

use super::super::messages::{self as msg, HostFiltered};
use super::super::ops::Operation;
use super::SiteState;
use super::inventory::HostRec;
use super::vms::VmRec;

/// `true` while a VM holds memory on its host: from `wait_for_launch` until it is down again
/// (the host's `mem_commited` counts the VMs it runs, paused or migrating ones included).
fn holds_memory(s: VmStatus) -> bool {
    !matches!(
        s,
        VmStatus::Down | VmStatus::Suspended | VmStatus::ImageLocked | VmStatus::Unassigned
    )
}

impl SiteState {
    /// The memory the VMs on each host hold now, in bytes.
    pub(crate) fn committed_memory(&self, now: Instant) -> HashMap<Id, u64> {
        let mut held: HashMap<Id, u64> = HashMap::new();
        for v in self.vms.values() {
            if let Some(h) = v.host.filter(|_| holds_memory(v.status(now))) {
                *held.entry(h).or_default() += v.memory;
            }
        }
        held
    }

    /// Host `h`'s `max_scheduling_memory` given what its VMs hold (`committed`).
    pub(crate) fn host_scheduling_memory(&self, h: &HostRec, committed: &HashMap<Id, u64>) -> u64 {
        let overcommit = self
            .inv
            .clusters
            .get(&h.cluster)
            .map_or(100, |c| c.memory_overcommit);
        scheduling_memory(
            h.memory,
            overcommit,
            committed.get(&h.id).copied().unwrap_or(0),
        )
    }

    /// The host VM `v` starts on: the UP hosts of its cluster but those in `tried` (a rerun
    /// skips the hosts the VM already failed on, `RunVmCommandBase.getRunVdssList`) through the
    /// scheduler's filters (the resource filters of [`crate::scheduling`], then the `Network`
    /// filter: every network of its plugged vNICs on the host), the one with the most
    /// scheduling memory. No UP host, or every host filtered out, is the Engine's refusal
    /// (`SchedulingManager.runFilters`).
    pub(crate) fn schedule(
        &self,
        v: &VmRec,
        tried: &[Id],
        now: Instant,
        op: Operation,
    ) -> EngineResult<Id> {
        let demand = VmDemand {
            memory: v.memory,
            vcpus: v.vcpus,
        };
        let networks: Vec<Id> = v
            .nics
            .iter()
            .filter(|n| n.plugged)
            .filter_map(|n| self.inv.profiles.get(&n.profile?))
            .map(|p| p.network)
            .collect();
        match self.pick_host(v.cluster, &demand, &networks, tried, now) {
            Ok(host) => Ok(host),
            Err(refused) if refused.is_empty() => Err(msg::no_host_to_run(op)),
            Err(refused) => Err(msg::all_hosts_filtered_out(op, &refused)),
        }
    }

    /// The UP host of `cluster`, `tried` aside, the scheduler picks for `demand` and a VM on
    /// `networks`, or why each UP host was dropped, by host name (empty: the cluster has no UP
    /// host left).
    pub(crate) fn pick_host(
        &self,
        cluster: Id,
        demand: &VmDemand,
        networks: &[Id],
        tried: &[Id],
        now: Instant,
    ) -> Result<Id, Vec<(String, HostFiltered)>> {
        let up: Vec<&HostRec> = self
            .inv
            .hosts
            .values()
            .filter(|h| h.status == HostStatus::Up && h.cluster == cluster)
            .filter(|h| !tried.contains(&h.id))
            .collect();
        let committed = self.committed_memory(now);
        let mut dropped = Vec::new();
        let mut kept: Vec<&HostRec> = Vec::new();
        let mut rooms: Vec<HostRoom> = Vec::new();
        for h in up {
            let room = HostRoom {
                scheduling_memory: self.host_scheduling_memory(h, &committed),
                cpu_threads: h.cpu_threads,
            };
            let missing: Vec<String> = networks
                .iter()
                .filter(|n| h.missing_networks.contains(n))
                .filter_map(|n| self.inv.networks.get(n).map(|n| n.name.clone()))
                .collect();
            if let Err(r) = filter(&room, demand) {
                dropped.push((h.name.clone(), HostFiltered::Resources(r)));
            } else if !missing.is_empty() {
                dropped.push((h.name.clone(), HostFiltered::Network(missing)));
            } else {
                kept.push(h);
                rooms.push(room);
            }
        }
        pick(&rooms, demand)
            .map(|i| kept[i].id)
            .map_err(|_| dropped)
    }
}
