//! Setting up what the scheduler and the registration checks read of a cluster: its CPU
//! architecture and its memory overcommit.

use crate::Site;
use crate::engine::Id;

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
}
