//! How many hosts each cluster gets: enough that the VMs running on the primary fit the
//! matching cluster of either site, so that every preset and any VM count validates (the
//! capacity rule, DR1000) and fails over and back without a start refused by the scheduler.
//!
//! The VMs are dealt to the clusters in a fixed order (see `workload`), so each cluster's VM
//! count is known before any is drawn; whether a VM runs and its memory are drawn at random. The
//! memory the running VMs of a cluster need is bounded by its mean plus five standard deviations
//! (for 1 250 VMs in a cluster that is 5 625 GiB + 980 GiB). Each host must also keep one
//! largest VM's memory spare: then no start order can leave a VM with no host that has its
//! memory free (`scheduling::place` fails only when every host has less than the VM left). The
//! hosted-engine VM holds its memory on the first cluster of each site and is counted in every
//! cluster alike, as is a host in maintenance.

use super::super::setup::HOST_MEMORY;
use super::WorldBuilder;
use super::workload::{HOSTED_ENGINE_MEMORY, VM_MEMORY};

/// The hosts every cluster of both sites gets: the preset's count, or more when the workload
/// needs them.
pub(super) fn hosts_per_cluster(b: &WorldBuilder) -> usize {
    let domains: usize = b.domains_per_type.iter().sum();
    let dcs_with_domains = b.data_centers.min(domains);
    let clusters = dcs_with_domains * b.clusters_per_dc.max(1);
    if clusters == 0 || b.vms == 0 {
        return b.hosts_per_cluster;
    }
    let vms_per_cluster = b.vms.div_ceil(clusters) as f64;
    let gib = |bytes: u64| bytes as f64 / (1u64 << 30) as f64;
    let sizes: Vec<f64> = VM_MEMORY.iter().map(|m| gib(*m)).collect();
    let largest = sizes.iter().copied().fold(0.0, f64::max);
    let n = sizes.len() as f64;
    let mean_size = sizes.iter().sum::<f64>() / n;
    let mean_square = sizes.iter().map(|s| s * s).sum::<f64>() / n;
    let p = b.running_fraction;
    // One VM's memory if it runs, 0 if not: mean p·E[m], variance p·E[m²] − (p·E[m])².
    let mean = p * mean_size;
    let variance = (p * mean_square - mean * mean).max(0.0);
    let need = vms_per_cluster * mean + 5.0 * (vms_per_cluster * variance).sqrt();
    let need = need + gib(HOSTED_ENGINE_MEMORY);
    // A host hands out its memory (no overcommit in the builder's clusters) minus one largest
    // VM kept spare.
    let per_host = gib(HOST_MEMORY) - largest;
    let hosts = (need / per_host).ceil() as usize + usize::from(b.host_in_maintenance);
    hosts.max(b.hosts_per_cluster)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_keep_their_hosts_until_the_workload_needs_more() {
        assert_eq!(hosts_per_cluster(&WorldBuilder::small(1)), 2);
        assert!(hosts_per_cluster(&WorldBuilder::small(1).vms(400)) > 2);
        let large = hosts_per_cluster(&WorldBuilder::large(1));
        let huge = hosts_per_cluster(&WorldBuilder::large(1).vms(10_000));
        assert!(large >= 4 && huge > large, "{large} {huge}");
        assert_eq!(
            hosts_per_cluster(&WorldBuilder::small(1).running_fraction(0.0)),
            2
        );
    }
}
