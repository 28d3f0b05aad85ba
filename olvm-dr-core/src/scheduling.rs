//! Where the Engine's scheduler can run a VM: its resource filters as one computation, used by
//! `validate`'s capacity rule (will the VMs to start fit the target's UP hosts?) and by the fake
//! Engine's `start` (does this VM fit a host now?), so the two never disagree.
//!
//! The model follows ovirt-engine's scheduler:
//!
//! * a host's scheduling memory is its physical memory times the cluster's memory overcommit
//!   percentage minus the memory the VMs running on it hold (`VDS.getFreeVirtualMemory`,
//!   `calculateFreeSchedulingMemoryCache`; the REST API shows it as `max_scheduling_memory`);
//! * the `CPU` filter (`CPUPolicyUnit`) drops a host with fewer CPUs than the VM has vCPUs
//!   (threads counted as cores);
//! * the `Memory` filter (`MemoryPolicyUnit`, `SlaValidator.hasOvercommitMemoryToRunVM`) drops a
//!   host whose scheduling memory is below the VM's memory;
//! * among the hosts left, the one with the most scheduling memory is chosen (the memory weight
//!   of the `evenly_distributed` policy, `EvenDistributionMemoryWeightPolicyUnit`).
//!
//! Not modelled: the per-VM guest overhead QEMU adds (tens of MiB), huge pages, NUMA and CPU
//! pinning, and the host's reserved memory.

/// Memory the scheduler may still hand to VMs on a host with `physical` bytes of memory in a
/// cluster overcommitting memory by `overcommit_percent` (100: none, 150: the "server" policy,
/// 200: "desktop"), while its running VMs hold `committed` bytes; never negative
/// (`VDS.getFreeVirtualMemory`).
pub fn scheduling_memory(physical: u64, overcommit_percent: u32, committed: u64) -> u64 {
    let limit = u128::from(physical) * u128::from(overcommit_percent) / 100;
    u64::try_from(limit)
        .unwrap_or(u64::MAX)
        .saturating_sub(committed)
}

/// One host as the scheduler weighs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostRoom {
    /// Memory it may still hand to VMs, in bytes (`max_scheduling_memory`).
    pub scheduling_memory: u64,
    /// Its logical CPUs.
    pub cpu_threads: u32,
}

/// What one VM asks of a host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VmDemand {
    /// Memory in bytes.
    pub memory: u64,
    /// Virtual CPUs.
    pub vcpus: u32,
}

/// Why a filter dropped a host for a VM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The host has fewer CPUs than the VM has vCPUs (`CPUPolicyUnit`).
    Cpu,
    /// The host's scheduling memory, in bytes, is below the VM's memory (`MemoryPolicyUnit`).
    Memory {
        /// What the host could still schedule.
        available: u64,
    },
}

impl Refusal {
    /// The filter's name, as the Engine's messages show it (`CPU`, `Memory`).
    pub fn filter_name(self) -> &'static str {
        match self {
            Refusal::Cpu => "CPU",
            Refusal::Memory { .. } => "Memory",
        }
    }
}

/// Runs the filters for `vm` on `host`: `Ok` when the host can run it now.
pub fn filter(host: &HostRoom, vm: &VmDemand) -> Result<(), Refusal> {
    if host.cpu_threads < vm.vcpus {
        return Err(Refusal::Cpu);
    }
    if host.scheduling_memory < vm.memory {
        return Err(Refusal::Memory {
            available: host.scheduling_memory,
        });
    }
    Ok(())
}

/// The host the scheduler picks for `vm` among `hosts` (an index into it): of the hosts every
/// filter keeps, the one with the most scheduling memory, the first of equals. When no host is
/// kept: why each was dropped, in the order of `hosts` (empty when there is no host at all).
pub fn pick(hosts: &[HostRoom], vm: &VmDemand) -> Result<usize, Vec<Refusal>> {
    let mut best: Option<usize> = None;
    let mut refusals = Vec::new();
    for (i, h) in hosts.iter().enumerate() {
        match filter(h, vm) {
            Ok(()) => {
                if best.is_none_or(|b| hosts[b].scheduling_memory < h.scheduling_memory) {
                    best = Some(i);
                }
            }
            Err(r) => refusals.push(r),
        }
    }
    best.ok_or(refusals)
}

/// Starts `vms` one after the other as the scheduler would: each on the host [`pick`] chooses,
/// whose scheduling memory then shrinks by the VM's memory. Returns each VM's host index, `None`
/// for a VM no host could take at its turn.
pub fn place(hosts: &mut [HostRoom], vms: &[VmDemand]) -> Vec<Option<usize>> {
    vms.iter()
        .map(|vm| {
            let i = pick(hosts, vm).ok()?;
            hosts[i].scheduling_memory -= vm.memory;
            Some(i)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GIB: u64 = 1 << 30;

    fn host(gib: u64, threads: u32) -> HostRoom {
        HostRoom {
            scheduling_memory: gib * GIB,
            cpu_threads: threads,
        }
    }

    fn vm(gib: u64, vcpus: u32) -> VmDemand {
        VmDemand {
            memory: gib * GIB,
            vcpus,
        }
    }

    #[test]
    fn scheduling_memory_is_overcommitted_physical_memory_minus_committed() {
        assert_eq!(scheduling_memory(256 * GIB, 100, 16 * GIB), 240 * GIB);
        assert_eq!(scheduling_memory(256 * GIB, 150, 16 * GIB), 368 * GIB);
        assert_eq!(scheduling_memory(256 * GIB, 100, 300 * GIB), 0);
        assert_eq!(scheduling_memory(u64::MAX, 200, 0), u64::MAX);
    }

    #[test]
    fn filters_drop_hosts_short_of_cpus_first_then_of_memory() {
        assert_eq!(filter(&host(64, 4), &vm(8, 8)), Err(Refusal::Cpu));
        assert_eq!(
            filter(&host(4, 8), &vm(8, 8)),
            Err(Refusal::Memory { available: 4 * GIB })
        );
        assert_eq!(filter(&host(8, 8), &vm(8, 8)), Ok(()));
        assert_eq!(Refusal::Cpu.filter_name(), "CPU");
    }

    #[test]
    fn pick_prefers_the_most_free_memory_and_explains_a_refusal() {
        let hosts = [host(10, 8), host(30, 8), host(30, 8), host(100, 2)];
        assert_eq!(pick(&hosts, &vm(4, 4)), Ok(1));
        assert_eq!(pick(&hosts, &vm(4, 1)), Ok(3));
        let refused = pick(&hosts, &vm(64, 4)).unwrap_err();
        assert_eq!(refused.len(), 4);
        assert_eq!(refused[3], Refusal::Cpu);
        assert_eq!(pick(&[], &vm(1, 1)), Err(Vec::new()));
    }

    #[test]
    fn place_takes_each_vms_memory_from_its_host() {
        let mut hosts = [host(16, 8), host(12, 8)];
        let placed = place(&mut hosts, &[vm(8, 1), vm(8, 1), vm(8, 1), vm(8, 1)]);
        assert_eq!(placed, vec![Some(0), Some(1), Some(0), None]);
        assert_eq!(hosts[0].scheduling_memory, 0);
        assert_eq!(hosts[1].scheduling_memory, 4 * GIB);
    }
}
