//! Checks of the scheduler a start runs and of the registration checks against the target
//! cluster's architecture.

use crate::Site;
use crate::engine::{ErrorKind, HostStatus, Id, Version, VmSettings};
use crate::fake::{DiskSpec, VmSpec};

use super::Context;
use super::support::{Failure, bring_in_all, ensure, err, err_text, lose_primary, ok};

const GIB: u64 = 1 << 30;

/// The first primary cluster and its UP hosts as the Engine lists them (id, name,
/// `max_scheduling_memory`, CPU threads).
async fn cluster_hosts(ctx: &Context) -> Result<(Id, Vec<(Id, String, u64, u32)>), Failure> {
    let cluster = ctx
        .facts()
        .primary
        .clusters
        .first()
        .ok_or_else(|| Failure::new("no cluster"))?
        .id;
    let hosts = ok("hosts", ctx.engine(Site::Primary).hosts().await)?
        .into_iter()
        .filter(|h| h.cluster == Some(cluster) && h.status == HostStatus::Up)
        .map(|h| (h.id, h.name, h.max_scheduling_memory, h.cpu_threads))
        .collect();
    Ok((cluster, hosts))
}

/// A start runs the scheduler's filters over the UP hosts of the VM's cluster: a VM larger
/// than every host's `max_scheduling_memory` is refused by the `Memory` filter
/// (`MemoryPolicyUnit`, `SlaValidator.hasOvercommitMemoryToRunVM`), one with more vCPUs than
/// any host has CPUs by the `CPU` filter (`CPUPolicyUnit`), each host named with the reason
/// (`SchedulingManager.runFilters`: `SCHEDULING_ALL_HOSTS_FILTERED_OUT`, then
/// `SCHEDULING_HOST_FILTERED_REASON_WITH_DETAIL` with `VAR__DETAIL__NOT_ENOUGH_MEMORY` /
/// `VAR__DETAIL__NOT_ENOUGH_CORES`, 409). A VM that fits starts and holds its memory: its
/// host's `max_scheduling_memory` shrinks by it (`VDS.calculateFreeSchedulingMemoryCache`).
pub async fn start_runs_the_scheduler_filters(ctx: &Context) -> Result<(), Failure> {
    let e = ctx.engine(Site::Primary);
    let (cluster, hosts) = cluster_hosts(ctx).await?;
    ensure!(!hosts.is_empty(), "the first cluster has no UP host");
    let most_memory = hosts.iter().map(|h| h.2).max().unwrap_or(0);
    let most_threads = hosts.iter().map(|h| h.3).max().unwrap_or(0);
    let (too_big, too_wide, fits) = ctx.world().setup(|s| {
        let mut add = |name: &str, memory: u64, vcpus: u32| {
            let mut spec = VmSpec::new(name, cluster);
            spec.memory = memory;
            spec.vcpus = vcpus;
            s.add_vm(Site::Primary, spec)
        };
        (
            add("sched-too-big", most_memory + GIB, 1),
            add("sched-too-wide", GIB, most_threads + 1),
            add("sched-fits", 4 * GIB, 1),
        )
    });
    let head = "[Cannot run VM. There is no host that satisfies current scheduling constraints. See below for details:";
    let refused = err(
        "start a VM no host has the memory for",
        e.start_vm(too_big).await,
        ErrorKind::InvalidState,
    )?;
    ensure!(
        refused.http_status == Some(409),
        "status {:?}",
        refused.http_status
    );
    let detail = refused.detail();
    ensure!(detail.starts_with(head), "detail {detail:?}");
    for (_, name, memory, _) in &hosts {
        let reason = format!(
            "The host {name} did not satisfy internal filter Memory because its available memory is too low ({} MB) to run the VM.",
            memory >> 20
        );
        ensure!(
            detail.contains(&reason),
            "{reason:?} missing from {detail:?}"
        );
    }
    let refused = err(
        "start a VM wider than every host",
        e.start_vm(too_wide).await,
        ErrorKind::InvalidState,
    )?;
    for (_, name, _, _) in &hosts {
        let reason = format!(
            "The host {name} did not satisfy internal filter CPU because it has an insufficient amount of CPU cores to run the VM."
        );
        ensure!(
            refused.detail().contains(&reason),
            "{reason:?} missing from {:?}",
            refused.detail()
        );
    }
    ok("start a VM that fits", e.start_vm(fits).await)?;
    let host = ok("vm", e.vm(fits).await)?
        .host
        .ok_or_else(|| Failure::new("the started VM has no host"))?;
    let (_, after) = cluster_hosts(ctx).await?;
    for ((id, name, before, _), (_, _, now, _)) in hosts.iter().zip(&after) {
        let expected = if *id == host {
            before - 4 * GIB
        } else {
            *before
        };
        ensure!(
            *now == expected,
            "host {name}: max_scheduling_memory {now}, expected {expected}"
        );
    }
    ensure!(
        hosts.iter().find(|h| h.0 == host).map(|h| h.2) == Some(most_memory),
        "the VM went to a host with less scheduling memory than another"
    );
    Ok(())
}

/// A host's `max_scheduling_memory` is its physical memory times the cluster's memory
/// overcommit percentage minus what its VMs hold (`VDS.getFreeVirtualMemory`; the cluster's
/// `max_memory_over_commit`).
pub async fn scheduling_memory_follows_the_cluster_overcommit(
    ctx: &Context,
) -> Result<(), Failure> {
    let (cluster, before) = cluster_hosts(ctx).await?;
    let physical: Vec<u64> = ok("hosts", ctx.engine(Site::Primary).hosts().await)?
        .into_iter()
        .filter(|h| before.iter().any(|b| b.0 == h.id))
        .map(|h| h.memory)
        .collect();
    ctx.world()
        .setup(|s| s.set_memory_overcommit(Site::Primary, cluster, 150));
    let (_, after) = cluster_hosts(ctx).await?;
    for (((_, name, was, _), (_, _, now, _)), memory) in before.iter().zip(&after).zip(physical) {
        let committed = memory.saturating_sub(*was);
        let expected = (memory / 2 * 3).saturating_sub(committed);
        ensure!(
            *now == expected,
            "host {name} of {memory} bytes at 150%: max_scheduling_memory {now}, expected {expected}"
        );
    }
    Ok(())
}

/// Registration checks the VM against the target cluster's architecture: a BIOS type other
/// than i440fx SeaBIOS needs an x86 cluster (`ImportVmCommandBase.validate`,
/// `VmValidator.isBiosTypeSupported`: `NON_DEFAULT_BIOS_TYPE_FOR_X86_ONLY`, 409), and the VM's
/// architecture, which its guest OS gives (`OvfOvirtReader`), must be the cluster's
/// (`ImportVmCommandBase.validateVdsCluster`:
/// `ACTION_TYPE_FAILED_VM_CANNOT_IMPORT_VM_ARCHITECTURE_NOT_SUPPORTED_BY_CLUSTER`, 400).
pub async fn registration_checks_the_cluster_architecture(ctx: &Context) -> Result<(), Failure> {
    let f = ctx.facts();
    let Some(d) = f
        .domains
        .iter()
        .find(|d| f.vms.iter().any(|v| v.domains.first() == Some(&d.id)))
    else {
        return Ok(());
    };
    let Some(vm) = f.vms.iter().find(|v| v.domains.first() == Some(&d.id)) else {
        return Ok(());
    };
    let cluster = f
        .primary
        .clusters
        .iter()
        .find(|c| c.name == vm.cluster)
        .ok_or_else(|| Failure::new("the VM's cluster"))?
        .id;
    let seabios = ctx.world().setup(|s| {
        let mut spec = VmSpec::new("arch-seabios", cluster);
        let mut settings = VmSettings::for_memory(spec.memory, spec.vcpus);
        settings.bios_type = "i440fx_sea_bios".to_owned();
        settings.os_type = "rhel_9x64".to_owned();
        spec.settings = Some(settings);
        spec.disks = vec![DiskSpec {
            alias: "arch-seabios-disk1".into(),
            domains: vec![d.id],
        }];
        let id = s.add_vm(Site::Primary, spec);
        s.write_ovf_stores(Site::Primary);
        id
    });
    lose_primary(ctx);
    bring_in_all(ctx).await?;
    let set_arch = |arch: &str| {
        ctx.world().setup(|s| {
            for c in &f.secondary.clusters {
                s.set_cluster_cpu_architecture(Site::Secondary, c.id, arch);
            }
        });
    };
    set_arch("ppc64");
    let e = ctx.engine(Site::Secondary);
    let reg = f.registration(Site::Secondary);
    err_text(
        "register a Q35 VM into a POWER cluster",
        e.register_vm(d.id, vm.id, &reg).await,
        ErrorKind::Conflict,
        "[Q35 chipset is allowed for x86 architecture only.]",
    )?;
    err_text(
        "register an x86 VM into a POWER cluster",
        e.register_vm(d.id, seabios, &reg).await,
        ErrorKind::BadRequest,
        "[Cannot import VM. The selected cluster doesn't support VM architecture]",
    )?;
    set_arch("x86_64");
    ok(
        "register into an x86 cluster",
        e.register_vm(d.id, seabios, &reg).await,
    )?;
    Ok(())
}

/// A start needs every network of the VM's plugged vNICs on the host: a host that does not
/// carry one is dropped by the `Network` filter (`NetworkPolicyUnit.validateRequiredNetworksAvailable`,
/// `VAR__DETAIL__NETWORK_MISSING`); an unplugged vNIC needs nothing (`networkRequiredOnVds`).
pub async fn start_needs_the_networks_of_the_plugged_nics(ctx: &Context) -> Result<(), Failure> {
    let f = ctx.facts();
    let e = ctx.engine(Site::Primary);
    for facts in f.vms.iter().filter(|v| !v.running) {
        let vm = ok("vm", e.vm(facts.id).await)?;
        let Some(profile) = vm.nics.iter().filter(|n| n.plugged).find_map(|n| {
            f.primary
                .profiles
                .iter()
                .find(|p| Some(p.id) == n.vnic_profile)
        }) else {
            continue;
        };
        let cluster = vm
            .cluster
            .ok_or_else(|| Failure::new("a VM without cluster"))?;
        let hosts: Vec<_> = f
            .primary
            .hosts
            .iter()
            .filter(|h| h.cluster == cluster && h.up)
            .collect();
        ctx.world().setup(|s| {
            for h in &hosts {
                s.detach_host_network(Site::Primary, h.id, profile.network_id);
            }
        });
        let refused = err(
            "start without the network on any host",
            e.start_vm(vm.id).await,
            ErrorKind::InvalidState,
        )?;
        for h in &hosts {
            let reason = format!(
                "The host {} did not satisfy internal filter Network because network(s) {}",
                h.name, profile.network
            );
            ensure!(
                refused.detail().contains(&reason),
                "{reason:?} missing from {:?}",
                refused.detail()
            );
        }
        for n in vm.nics.iter().filter(|n| {
            f.primary
                .profiles
                .iter()
                .any(|p| Some(p.id) == n.vnic_profile && p.network_id == profile.network_id)
        }) {
            ok(
                "unplug the vNIC",
                e.set_nic_plugged(vm.id, n.id, false).await,
            )?;
        }
        ok(
            "start with that network's vNICs unplugged",
            e.start_vm(vm.id).await,
        )?;
        return Ok(());
    }
    Ok(())
}

/// A cluster without an UP host runs no filter: the scheduler answers `SCHEDULING_NO_HOSTS`
/// alone (`SchedulingManager.runFilters`; the message has no error type, so 400).
pub async fn start_in_a_cluster_without_up_hosts_is_refused(ctx: &Context) -> Result<(), Failure> {
    let dc = ctx
        .facts()
        .primary
        .data_centers
        .first()
        .ok_or_else(|| Failure::new("no data center"))?
        .id;
    let vm = ctx.world().setup(|s| {
        let pool = s.add_mac_pool(
            Site::Primary,
            &[("56:6f:3c:00:00:00", "56:6f:3c:00:00:ff")],
            false,
        );
        let cluster = s.add_cluster(
            Site::Primary,
            "sched-no-hosts",
            dc,
            pool,
            Version::new(4, 7),
        );
        s.add_vm(Site::Primary, VmSpec::new("sched-no-hosts-vm", cluster))
    });
    err_text(
        "start in a cluster without UP hosts",
        ctx.engine(Site::Primary).start_vm(vm).await,
        ErrorKind::BadRequest,
        "[There are no hosts to use. Check that the cluster contains at least one host in Up state.]",
    )?;
    Ok(())
}
