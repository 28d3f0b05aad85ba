//! Writing OVF stores: what a site's Engine puts on a data domain's OVF_STORE disks, and when.
//!
//! The content follows `ProcessOvfUpdateForStorageDomainCommand.updateOvfStoreContent`: every VM
//! and template with an image on the domain, every VM and template of the data center without
//! image disks, and the domain's still-unregistered entities (kept as they were). A VM's status
//! is recorded as it is at write time (`metadata.json`, "VM Status"). The Engine rewrites the
//! stores of its active data domains every `OvfUpdateIntervalInMinutes`, on `updateovfstore` and
//! when it deactivates a domain.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::time::Instant;

use crate::Site;
use crate::engine::{
    Id, OvfDisk, OvfLun, OvfNic, StorageDomainStatus, UnregisteredTemplate, UnregisteredVm,
};

use super::super::fabric::{OvfStore, OvfTemplate, OvfVm};
use super::disks::DiskRec;
use super::macs::format_mac;
use super::vms::{NicRec, TemplateRec, VmRec};
use super::{SiteState, WorldState};

impl SiteState {
    fn ovf_nics(&self, nics: &[NicRec]) -> Vec<OvfNic> {
        nics.iter()
            .map(|n| {
                let names = n.profile.and_then(|p| self.inv.profile_names(p));
                OvfNic {
                    name: n.name.clone(),
                    mac: n.mac.map(format_mac),
                    profile_name: names.map(|(p, _)| p.to_owned()),
                    network_name: names.map(|(_, net)| net.to_owned()),
                    plugged: n.plugged,
                }
            })
            .collect()
    }

    fn ovf_disks(&self, disks: &[Id]) -> Vec<OvfDisk> {
        disks
            .iter()
            .filter_map(|d| self.disks.get(d))
            .map(DiskRec::to_ovf)
            .collect()
    }

    fn cluster_name(&self, cluster: Id) -> Option<String> {
        self.inv.clusters.get(&cluster).map(|c| c.name.clone())
    }

    /// A VM's OVF as written at `t`.
    pub(crate) fn ovf_vm(&self, v: &VmRec, t: Instant) -> OvfVm {
        let mut luns = Vec::new();
        let mut lun_connections = Vec::new();
        for d in v.luns.iter().filter_map(|d| self.disks.get(d)) {
            let Some(lun) = &d.lun else { continue };
            if let Some(lu) = lun.logical_units.first() {
                luns.push(OvfLun {
                    disk_id: d.id,
                    alias: d.alias.clone(),
                    lun_id: lu.id.clone(),
                    storage_type: lun.storage_type,
                });
                // The OVF keeps the connection but never the CHAP credentials.
                let mut lu = lu.clone();
                lu.username = None;
                lun_connections.push(lu);
            }
        }
        OvfVm {
            vm: UnregisteredVm {
                id: v.id,
                name: v.name.clone(),
                status: v.status(t),
                high_availability: v.ha,
                cluster: Some(v.cluster),
                template: Some(v.template),
                memory: v.memory,
                vcpus: v.vcpus,
                delete_protected: v.delete_protected,
            },
            cluster_name: self.cluster_name(v.cluster),
            nics: self.ovf_nics(&v.nics),
            disks: self.ovf_disks(&v.disks),
            luns,
            affinity_groups: v
                .affinity_groups
                .iter()
                .filter_map(|g| self.inv.affinity_groups.get(g).map(|g| g.name.clone()))
                .collect(),
            affinity_labels: v
                .labels
                .iter()
                .filter_map(|l| self.inv.labels.get(l).map(|l| l.name.clone()))
                .collect(),
            permissions: v.permissions.clone(),
            lun_connections,
            settings: v.settings.clone(),
        }
    }

    /// A template's OVF.
    pub(crate) fn ovf_template(&self, t: &TemplateRec) -> OvfTemplate {
        OvfTemplate {
            template: UnregisteredTemplate {
                id: t.id,
                name: t.name.clone(),
                cluster: Some(t.cluster),
                base_template: (t.base != t.id).then_some(t.base),
            },
            cluster_name: self.cluster_name(t.cluster),
            nics: self.ovf_nics(&t.nics),
            disks: self.ovf_disks(&t.disks),
            permissions: t.permissions.clone(),
            version_number: t.version_number,
            memory: t.memory,
            high_availability: t.ha,
            settings: t.settings.clone(),
        }
    }

    /// The OVF stores of `domains` (data domains of this site): which entities each holds is
    /// decided now, their OVF data is that of their last processing
    /// ([`process_ovf_generations`](SiteState::process_ovf_generations)).
    fn build_stores(&self, domains: &[Id]) -> HashMap<Id, OvfStore> {
        let mut stores: HashMap<Id, OvfStore> =
            domains.iter().map(|d| (*d, OvfStore::default())).collect();
        let dc_of: HashMap<Id, Id> = domains
            .iter()
            .filter_map(|d| Some((*d, self.domains.get(d)?.attachment.as_ref()?.dc)))
            .collect();
        let mut targets: Vec<Id> = Vec::new();
        let collect = |disks: &[Id], dc: Id, targets: &mut Vec<Id>| {
            targets.clear();
            if disks.is_empty() {
                targets.extend(dc_of.iter().filter(|(_, d)| **d == dc).map(|(sd, _)| *sd));
            } else {
                for sd in self.image_domains(disks) {
                    if stores.contains_key(&sd) && !targets.contains(&sd) {
                        targets.push(sd);
                    }
                }
            }
        };
        let mut vm_entries: Vec<(Id, Arc<OvfVm>)> = Vec::new();
        for v in self.vms.values() {
            // The OVF data of the last processing (`vm_ovf_generations`), not the VM as it is.
            let Some(entry) = self.ovf_gens.vm(v.id) else {
                continue;
            };
            collect(&v.disks, v.dc, &mut targets);
            vm_entries.extend(targets.iter().map(|sd| (*sd, Arc::clone(entry))));
        }
        let mut tpl_entries: Vec<(Id, Arc<OvfTemplate>)> = Vec::new();
        for tpl in self.templates.values() {
            let Some(entry) = self.ovf_gens.template(tpl.id) else {
                continue;
            };
            collect(&tpl.disks, tpl.dc, &mut targets);
            tpl_entries.extend(targets.iter().map(|sd| (*sd, Arc::clone(entry))));
        }
        for (sd, e) in vm_entries {
            stores.get_mut(&sd).expect("target").vms.push(e);
        }
        for (sd, e) in tpl_entries {
            stores.get_mut(&sd).expect("target").templates.push(e);
        }
        for (sd, store) in &mut stores {
            if let Some(rows) = self.unregistered.get(sd) {
                store.vms.extend(rows.vms.values().cloned());
                store.templates.extend(rows.templates.values().cloned());
            }
        }
        stores
    }
}

impl WorldState {
    /// Writes the OVF store of `site`'s attached data domain `sd` as of `t`. Returns `false`
    /// when nothing was written (unknown or unattached domain, blank or read-only volume).
    pub(crate) fn write_ovf_store(&mut self, site: Site, sd: Id, t: Instant) -> bool {
        let s = self.site(site);
        let Some(rec) = s
            .domains
            .get(&sd)
            .filter(|d| d.is_data() && d.attachment.is_some())
        else {
            return false;
        };
        let volume = rec.volume;
        let mut stores = s.build_stores(&[sd]);
        let store = stores.remove(&sd).unwrap_or_default();
        self.put_store(volume, sd, store, t)
    }

    fn put_store(&mut self, volume: usize, sd: Id, mut store: OvfStore, t: Instant) -> bool {
        let holds_domain = self.fabric.volumes[volume]
            .content
            .as_ref()
            .is_some_and(|c| c.meta.id == sd);
        if !holds_domain {
            return false;
        }
        store.last_update = Some(self.clock.wall(t));
        self.fabric
            .write(volume, |c| c.ovf = Arc::new(store))
            .is_ok()
    }

    /// Moves the last update of the OVF store of `site`'s domain `sd` back by `by`, as if the
    /// Engine had last written it that much earlier (the content stays). A write like any
    /// other: it reaches the replica while replication runs. `false` when there is nothing to
    /// age: the domain is not on the site, its store was never written, or its volume is a
    /// read-only replica.
    pub(crate) fn age_ovf_store(&mut self, site: Site, sd: Id, by: std::time::Duration) -> bool {
        let Some(volume) = self.site(site).domains.get(&sd).map(|d| d.volume) else {
            return false;
        };
        let written = self.fabric.volumes[volume]
            .content
            .as_ref()
            .is_some_and(|c| c.meta.id == sd && c.ovf.last_update.is_some());
        if !written {
            return false;
        }
        self.fabric
            .write(volume, |c| {
                let store = Arc::make_mut(&mut c.ovf);
                store.last_update = store.last_update.and_then(|t| t.checked_sub(by));
            })
            .is_ok()
    }

    /// The periodic OVF update of `site` at `t` (`OvfDataUpdater`): the generations are
    /// processed, then the stores of the outdated active data domains are written.
    pub(crate) fn periodic_ovf_write(&mut self, site: Site, t: Instant) {
        if !self.site(site).engine_up {
            return;
        }
        self.site_mut(site).process_ovf_generations(t);
        let s = self.site(site);
        let domains: Vec<(Id, usize)> = s
            .domains
            .values()
            .filter(|d| {
                d.is_data()
                    && d.status(t) == StorageDomainStatus::Active
                    && s.ovf_gens.is_outdated(d.id)
            })
            .map(|d| (d.id, d.volume))
            .collect();
        if domains.is_empty() {
            return;
        }
        let ids: Vec<Id> = domains.iter().map(|(d, _)| *d).collect();
        let mut stores = s.build_stores(&ids);
        for (sd, volume) in domains {
            let store = stores.remove(&sd).unwrap_or_default();
            if self.put_store(volume, sd, store, t) {
                self.site_mut(site).ovf_gens.written(sd);
            }
        }
    }
}
