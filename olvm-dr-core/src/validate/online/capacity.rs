//! Capacity of the target: do the VMs that would be started fit the UP hosts of the clusters
//! they go to?
//!
//! The model: the VMs to start are the source's VMs that run now (up or on their way up) and
//! have a disk on a replicated domain; a failover starts those the OVF stores record as up,
//! which is the same set when the OVF stores are recent. Each goes to the target cluster its
//! cluster maps to (or the cluster of the same name). For each target cluster:
//!
//! * every VM must pass the scheduler's filters on one host: its vCPUs within the host's CPU
//!   threads, its memory within the host's `max_scheduling_memory` (what the Engine's scheduler
//!   may still hand out: physical memory under the cluster's overcommit policy, minus what
//!   running VMs hold) — otherwise the scheduler never places it (error);
//! * memory: started one after the other (HA VMs first), each on the host the scheduler picks,
//!   every VM must find a host with its memory still free — otherwise some VMs will not start
//!   (error). This is [`crate::scheduling`], the computation the fake Engine's `start` runs too;
//! * vCPUs: more vCPUs than the UP hosts have threads is allowed by the Engine (CPU overcommit)
//!   but slows every VM down (warning).
//!
//! When the source cannot be read the VMs to start are not known and the rule does not run.

use std::collections::BTreeMap;

use super::Ctx;
use super::out::{Out, some_of};
use super::storage::mapped_ids;
use crate::Severity;
use crate::engine::{Cluster, Vm};
use crate::mapping::{NameMappingKind, Pos};
use crate::scheduling::{self, HostRoom, VmDemand};
use crate::validate::codes;

/// The VMs going to one target cluster, with the cluster and the mapping entry that sends them.
struct Bound<'a> {
    cluster: &'a Cluster,
    entry: Option<(Pos, usize)>,
    vms: Vec<&'a Vm>,
}

const GIB: f64 = (1u64 << 30) as f64;

fn gib(bytes: u64) -> String {
    format!("{:.1} GiB", bytes as f64 / GIB)
}

/// The target cluster name for a source cluster name, and the mapping entry that says so.
pub(super) fn target_cluster(ctx: &Ctx<'_>, source_name: &str) -> (String, Option<(Pos, usize)>) {
    for e in ctx.m.names(NameMappingKind::Cluster) {
        if e.name(ctx.source).get().map(String::as_str) == Some(source_name)
            && let Some(t) = e.name(ctx.target).get()
        {
            return (t.clone(), Some((e.pos, e.index)));
        }
    }
    (source_name.to_owned(), None)
}

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Out) {
    let (Some(src), Some(tgt)) = (ctx.view(ctx.source), ctx.view(ctx.target)) else {
        return;
    };
    let mapped = mapped_ids(ctx, ctx.source);
    let mut by_cluster: BTreeMap<String, Bound<'_>> = BTreeMap::new();
    for vm in &src.idx.inventory().vms {
        if vm.is_hosted_engine()
            || !vm.status.is_running_or_starting()
            || !vm.storage_domains.iter().any(|d| mapped.contains(d))
        {
            continue;
        }
        let Some(cluster) = vm.cluster.and_then(|c| src.idx.cluster(c)) else {
            continue;
        };
        let (name, entry) = target_cluster(ctx, &cluster.name);
        let Some(tc) = tgt.idx.cluster_named(&name) else {
            continue;
        };
        by_cluster
            .entry(name)
            .or_insert_with(|| Bound {
                cluster: tc,
                entry,
                vms: Vec::new(),
            })
            .vms
            .push(vm);
    }
    let site = ctx.target;
    for (
        name,
        Bound {
            cluster,
            entry,
            mut vms,
        },
    ) in by_cluster
    {
        vms.sort_by(|a, b| a.name.cmp(&b.name));
        let at = entry.map(|(pos, i)| (Some(pos), format!("dr_cluster_mappings[{i}]")));
        let entity = format!("cluster '{name}'");
        let mut push = |severity, code, message: String, hint: &str| {
            let d = match &at {
                Some(at) => out.finding(severity, code, site, entity.clone(), at.clone(), message),
                None => out.about(severity, code, site, entity.clone(), message),
            };
            d.hint = Some(hint.to_owned());
        };
        let hosts = tgt.idx.up_hosts_in_cluster(cluster.id);
        if hosts.is_empty() {
            push(
                Severity::Error,
                codes::TARGET_CLUSTER_NO_UP_HOST,
                format!(
                    "cluster '{name}' of the {site} site (the target) has no UP host to run the {} VM(s) that run on the source",
                    vms.len()
                ),
                "activate hosts in that cluster, or map the source cluster to another one",
            );
            continue;
        }
        let need_mem: u64 = vms.iter().map(|v| v.memory).sum();
        let have_mem: u64 = hosts.iter().map(|h| h.max_scheduling_memory).sum();
        let need_cpu: u64 = vms.iter().map(|v| u64::from(v.vcpus)).sum();
        let have_cpu: u64 = hosts.iter().map(|h| u64::from(h.cpu_threads)).sum();
        let max_mem = hosts
            .iter()
            .map(|h| h.max_scheduling_memory)
            .max()
            .unwrap_or(0);
        let max_cpu = hosts.iter().map(|h| h.cpu_threads).max().unwrap_or(0);
        let rooms: Vec<HostRoom> = hosts
            .iter()
            .map(|h| HostRoom {
                scheduling_memory: h.max_scheduling_memory,
                cpu_threads: h.cpu_threads,
            })
            .collect();
        let demand = |v: &Vm| VmDemand {
            memory: v.memory,
            vcpus: v.vcpus,
        };
        // The scheduler's own filters: a VM no host takes even now is too large; the others
        // are started one after the other (HA VMs first, as the flows do) and take their
        // memory from the host chosen for them.
        let (too_large, fitting): (Vec<&Vm>, Vec<&Vm>) = vms
            .iter()
            .partition(|v| scheduling::pick(&rooms, &demand(v)).is_err());
        let mut fitting = fitting;
        fitting.sort_by_key(|v| !v.high_availability.enabled);
        let demands: Vec<VmDemand> = fitting.iter().map(|v| demand(v)).collect();
        let mut left = rooms.clone();
        let unplaced: Vec<&str> = scheduling::place(&mut left, &demands)
            .iter()
            .zip(&fitting)
            .filter(|(host, _)| host.is_none())
            .map(|(_, v)| v.name.as_str())
            .collect();
        if !unplaced.is_empty() {
            push(
                Severity::Error,
                codes::CAPACITY_MEMORY,
                format!(
                    "{} of the {} VM(s) to start in cluster '{name}' find no host with the memory left: together they need {} of memory; its {} UP host(s) can schedule {} (not started: {})",
                    unplaced.len(),
                    vms.len(),
                    gib(need_mem),
                    hosts.len(),
                    gib(have_mem),
                    some_of(&unplaced)
                ),
                "add or activate hosts in that cluster, map part of the VMs to another cluster, or plan which VMs not to start",
            );
        }
        let too_large: Vec<&str> = too_large.iter().map(|v| v.name.as_str()).collect();
        if !too_large.is_empty() {
            push(
                Severity::Error,
                codes::VM_TOO_LARGE,
                format!(
                    "{} VM(s) to start in cluster '{name}' do not fit any of its UP hosts (at most {} and {max_cpu} CPU threads): {}",
                    too_large.len(),
                    gib(max_mem),
                    some_of(&too_large)
                ),
                "give the target cluster a larger host, or shrink those VMs",
            );
        }
        if need_cpu > have_cpu {
            push(
                Severity::Warning,
                codes::VCPU_OVERCOMMIT,
                format!(
                    "the {} VM(s) to start in cluster '{name}' have {need_cpu} vCPUs; its {} UP host(s) have {have_cpu} CPU threads: the VMs will start but share CPUs",
                    vms.len(),
                    hosts.len()
                ),
                "add hosts to that cluster if the VMs need their full CPU",
            );
        }
    }
}
