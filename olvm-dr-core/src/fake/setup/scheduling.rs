//! Setting up what the scheduler and the registration checks read of a cluster and its hosts:
//! the cluster's CPU architecture and memory overcommit, the networks a host carries, a host's
//! status.

use crate::Site;
use crate::engine::{HostStatus, Id};

use super::Setup;

impl Setup<'_> {
    /// Sets the CPU architecture of `cluster` (`x86_64`, `ppc64`, `ppc64le`, `s390x`), as a
    /// cluster of POWER or mainframe hosts has. Returns `false` when there is no such cluster.
    pub fn set_cluster_cpu_architecture(&mut self, site: Site, cluster: Id, arch: &str) -> bool {
        let Some(c) = self.w.site_mut(site).inv.clusters.get_mut(&cluster) else {
            return false;
        };
        c.cpu_architecture = arch.to_owned();
        true
    }

    /// Sets the memory overcommit of `cluster` in percent (the cluster's memory optimization:
    /// 100 none, 150 for server load, 200 for desktop load). Returns `false` when there is no
    /// such cluster.
    pub fn set_memory_overcommit(&mut self, site: Site, cluster: Id, percent: u32) -> bool {
        let Some(c) = self.w.site_mut(site).inv.clusters.get_mut(&cluster) else {
            return false;
        };
        c.memory_overcommit = percent;
        true
    }

    /// Takes `network` (of the host's cluster) off every interface of `host`, as a host whose
    /// network setup misses it: the scheduler no longer starts a VM with a plugged vNIC on it
    /// there. Returns `false` when there is no such host.
    pub fn detach_host_network(&mut self, site: Site, host: Id, network: Id) -> bool {
        let Some(h) = self.w.site_mut(site).inv.hosts.get_mut(&host) else {
            return false;
        };
        h.missing_networks.insert(network);
        true
    }

    /// Sets the status of `host` (e.g. `maintenance`, as an administrator who moved it there
    /// long ago): only `up` hosts run VMs, monitor storage and can be the SPM. Returns `false`
    /// when there is no such host.
    pub fn set_host_status(&mut self, site: Site, host: Id, status: HostStatus) -> bool {
        let Some(h) = self.w.site_mut(site).inv.hosts.get_mut(&host) else {
            return false;
        };
        h.status = status;
        true
    }
}
