//! What leaves an Engine's database with a storage domain (detach, destroy), following the
//! stored procedure `Remove_Entities_From_storage_domain` (ovirt-engine `storages_sp.sql`):
//!
//! * disks whose images live only on the domain go;
//! * VMs with images on the domain go, unless they also have images on another domain or any
//!   direct-LUN disk (those stay, minus the disks that lived on the domain);
//! * templates with images only on the domain go, with their versions and the VMs based on them.
//!
//! The storage is not touched: the OVF store keeps the definitions, so the entities come back
//! as unregistered on the next attach.

use std::collections::HashSet;

use crate::engine::{DiskStorageType, Id};

use super::SiteState;

impl SiteState {
    /// Removes the domain's entities from the database; returns the removed VMs and templates.
    pub(crate) fn remove_entities_of_domain(&mut self, sd: Id) -> (Vec<Id>, Vec<Id>) {
        let only_here: HashSet<Id> = self
            .disks
            .values()
            .filter(|d| d.storage == DiskStorageType::Image && d.domains == [sd])
            .map(|d| d.id)
            .collect();
        let on_domain = |disks: &[Id]| {
            disks
                .iter()
                .any(|d| self.disks.get(d).is_some_and(|r| r.domains.contains(&sd)))
        };
        let elsewhere = |disks: &[Id]| {
            disks.iter().any(|d| {
                self.disks
                    .get(d)
                    .is_some_and(|r| r.domains.iter().any(|x| *x != sd))
            })
        };

        let mut templates: HashSet<Id> = self
            .templates
            .values()
            .filter(|t| t.disks.iter().any(|d| only_here.contains(d)) && !elsewhere(&t.disks))
            .map(|t| t.id)
            .collect();
        let versions: Vec<Id> = self
            .templates
            .values()
            .filter(|t| t.base != t.id && templates.contains(&t.base))
            .map(|t| t.id)
            .collect();
        templates.extend(versions);

        let vms: Vec<Id> = self
            .vms
            .values()
            .filter(|v| {
                let stays = (on_domain(&v.disks) && elsewhere(&v.disks)) || !v.luns.is_empty();
                (on_domain(&v.disks) && !stays) || templates.contains(&v.template)
            })
            .map(|v| v.id)
            .collect();

        for vm in &vms {
            self.delete_vm(*vm);
        }
        let templates: Vec<Id> = templates.into_iter().collect();
        for t in &templates {
            self.delete_template(*t);
        }
        // What remains loses the disks that lived on the domain.
        for id in &only_here {
            if let Some(d) = self.disks.remove(id) {
                self.detach_disk_from_vms(&d);
            }
        }
        for d in self.disks.values_mut() {
            d.domains.retain(|x| *x != sd);
        }
        (vms, templates)
    }
}

#[cfg(test)]
mod tests {
    use crate::Site;
    use crate::fake::WorldBuilder;

    #[test]
    fn a_domain_takes_its_templates_their_versions_and_the_vms_based_on_them() {
        // One domain per data center: the templates of a data center live only there.
        let world = WorldBuilder::small(2)
            .domains(crate::engine::StorageType::Fcp, 0)
            .build();
        let facts = world.facts().clone();
        let d = facts
            .domains
            .iter()
            .find(|d| d.storage_type.is_block())
            .unwrap();
        let mut w = world.state();
        let s = w.site_mut(Site::Primary);
        let templates_before: Vec<_> = s
            .templates
            .values()
            .filter(|t| t.disks.iter().any(|x| s.disks[x].domains == [d.id]))
            .map(|t| t.id)
            .collect();
        assert!(!templates_before.is_empty());
        let (vms, templates) = s.remove_entities_of_domain(d.id);
        assert_eq!(
            templates.len(),
            templates_before.len(),
            "bases and versions"
        );
        for t in &templates_before {
            assert!(!s.templates.contains_key(t));
        }
        for v in &facts.vms {
            let based = templates_before.contains(&v.template);
            let only_here = v.domains.iter().all(|x| *x == d.id) && !v.has_luns;
            assert_eq!(vms.contains(&v.id), based || only_here, "{}", v.name);
            assert_eq!(
                s.vms.contains_key(&v.id),
                !(based || only_here),
                "{}",
                v.name
            );
        }
        assert!(
            s.disks
                .values()
                .all(|disk| !disk.domains.contains(&d.id) || disk.domains.len() > 1)
        );
    }
}
