//! Setting up VM leases.

use crate::Site;
use crate::engine::{Id, VmStatus};

use super::Setup;

impl Setup<'_> {
    /// Gives VM `vm` of `site` a lease on storage domain `domain` (`None`: no lease), as if it
    /// had been configured long ago: the OVF stores of its domains are rewritten with it, and
    /// the host of a VM that is not down holds it. Panics on an unknown VM: the caller names
    /// one of the fixture's.
    pub fn set_vm_lease(&mut self, site: Site, vm: Id, domain: Option<Id>) {
        let now = self.now;
        let s = self.w.site_mut(site);
        let v = s
            .vms
            .get_mut(&vm)
            .expect("set_vm_lease needs a VM of the site");
        v.settings.lease = domain;
        let running = v.status(now) != VmStatus::Down;
        let (disks, dc) = (v.disks.clone(), v.dc);
        s.bump_generation(vm);
        for sd in s.store_domains(&disks, dc) {
            self.w.update_domain_ovf(site, sd, now);
        }
        if running && domain.is_some() {
            self.w.vm_leases.grant(vm, site);
        } else {
            self.w.vm_leases.forget(vm);
        }
    }
}
