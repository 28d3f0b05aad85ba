//! Which OVF stores are outdated: the Engine's configuration generations of VMs and templates
//! and the OVF data it last produced for each.
//!
//! Real Engine (`ProcessOvfUpdateForStoragePoolCommand`): every VM and template has a
//! `db_generation` that commands bump when they change its configuration (`UpdateVmCommand`,
//! NIC and disk commands, and also `RunVmCommand.runningSucceded` and `StopVmCommandBase`),
//! and `vm_ovf_generations` keeps the generation and OVF data last processed. An OVF update
//! first processes the entities whose `db_generation` is newer (`GetVmsIdsForOvfUpdate`,
//! `GetVmTemplatesIdsForOvfUpdate`) and the removed ones (`GetIdsForOvfDeletion`), marks the
//! domains whose stores hold them `OUTDATED` (`markDomainsWithOvfsForOvfUpdate`), and then
//! writes only the outdated domains' stores, from the processed OVF data. A domain whose
//! OVF_STORE disks were just registered by an attach is outdated
//! (`StorageHandlingCommandBase.addOvfStoreDiskToDomain`). A VM that shuts down from inside
//! the guest changes no generation: the stores keep the status of the last processing.
//!
//! The fake bumps the generation where the Engine's power commands do; every other change is
//! found by comparing the OVF an entity would have now with the one last processed (status
//! aside), which is what a generation bump of the changing command stands for.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use tokio::time::Instant;

use crate::Site;
use crate::engine::Id;

use super::super::fabric::{OvfTemplate, OvfVm};
use super::{SiteState, WorldState};

/// An entity's OVF as last processed, and the domains whose stores were to hold it then.
#[derive(Debug, Clone)]
struct Processed<T> {
    generation: u64,
    ovf: Arc<T>,
    domains: Vec<Id>,
}

/// One site's generations, processed OVF data and outdated domains.
#[derive(Debug, Clone, Default)]
pub(crate) struct OvfGenerations {
    /// `db_generation` bumps by entity id (0 when never bumped).
    bumps: HashMap<Id, u64>,
    vms: HashMap<Id, Processed<OvfVm>>,
    templates: HashMap<Id, Processed<OvfTemplate>>,
    /// Domains whose stores are `OUTDATED`.
    outdated: HashSet<Id>,
}

impl OvfGenerations {
    /// The OVF data of VM `id` as last processed.
    pub(crate) fn vm(&self, id: Id) -> Option<&Arc<OvfVm>> {
        self.vms.get(&id).map(|p| &p.ovf)
    }

    /// The OVF data of template `id` as last processed.
    pub(crate) fn template(&self, id: Id) -> Option<&Arc<OvfTemplate>> {
        self.templates.get(&id).map(|p| &p.ovf)
    }

    /// Domain `sd`'s store was written: it is current.
    pub(crate) fn written(&mut self, sd: Id) {
        self.outdated.remove(&sd);
    }

    /// `true` when domain `sd`'s store is outdated.
    pub(crate) fn is_outdated(&self, sd: Id) -> bool {
        self.outdated.contains(&sd)
    }
}

/// What an OVF update of one domain did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OvfWrite {
    /// The store was outdated and is written now.
    Written,
    /// Nothing the store holds changed: "OVFs update was ignored - nothing to update"
    /// (`UpdateOvfStoreForStorageDomainCommand`, audit log `OVF_STORES_UPDATE_IGNORED`).
    NothingToUpdate,
    /// The store could not be written (blank or read-only volume, domain not attached).
    Failed,
}

impl SiteState {
    /// A command changed entity `id` (`vmStaticDao.incrementDbGeneration`).
    pub(crate) fn bump_generation(&mut self, id: Id) {
        *self.ovf_gens.bumps.entry(id).or_default() += 1;
    }

    /// Marks domain `sd`'s store outdated.
    pub(crate) fn mark_ovf_outdated(&mut self, sd: Id) {
        self.ovf_gens.outdated.insert(sd);
    }

    /// The attached data domains whose stores hold an entity with image disks `disks` in data
    /// center `dc` (every attached data domain of `dc` for an entity without image disks).
    pub(crate) fn store_domains(&self, disks: &[Id], dc: Id) -> Vec<Id> {
        let holds = |sd: &Id| {
            self.domains
                .get(sd)
                .is_some_and(|d| d.is_data() && d.attachment.is_some())
        };
        if disks.is_empty() {
            self.domains
                .values()
                .filter(|d| d.is_data() && d.attachment.as_ref().is_some_and(|a| a.dc == dc))
                .map(|d| d.id)
                .collect()
        } else {
            self.image_domains(disks)
                .filter(holds)
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect()
        }
    }

    /// The processing step of an OVF update at `t`: entities changed since their last
    /// processing get new OVF data, removed ones lose theirs, and the domains whose stores
    /// held or are to hold them become outdated.
    pub(crate) fn process_ovf_generations(&mut self, t: Instant) {
        let gens = &self.ovf_gens;
        let mut vms = Vec::new();
        for v in self.vms.values() {
            let generation = gens.bumps.get(&v.id).copied().unwrap_or(0);
            // The status the commanded change leads to (a start that succeeds bumps at `up`).
            let fresh = self.ovf_vm(v, v.power.ends_at().max(t));
            let changed = match gens.vms.get(&v.id) {
                None => true,
                Some(p) if p.generation != generation => true,
                Some(p) => {
                    let mut same_status = fresh.clone();
                    same_status.vm.status = p.ovf.vm.status;
                    same_status != *p.ovf
                }
            };
            if changed {
                vms.push((v.id, generation, fresh, self.store_domains(&v.disks, v.dc)));
            }
        }
        let mut templates = Vec::new();
        for tpl in self.templates.values() {
            let fresh = self.ovf_template(tpl);
            if gens.templates.get(&tpl.id).is_none_or(|p| *p.ovf != fresh) {
                templates.push((tpl.id, fresh, self.store_domains(&tpl.disks, tpl.dc)));
            }
        }
        let gone_vms: Vec<Id> = gens
            .vms
            .keys()
            .filter(|id| !self.vms.contains_key(id))
            .copied()
            .collect();
        let gone_templates: Vec<Id> = gens
            .templates
            .keys()
            .filter(|id| !self.templates.contains_key(id))
            .copied()
            .collect();
        let gens = &mut self.ovf_gens;
        for (id, generation, ovf, domains) in vms {
            gens.outdated.extend(domains.iter().copied());
            let processed = Processed {
                generation,
                ovf: Arc::new(ovf),
                domains,
            };
            if let Some(old) = gens.vms.insert(id, processed) {
                gens.outdated.extend(old.domains);
            }
        }
        for (id, ovf, domains) in templates {
            gens.outdated.extend(domains.iter().copied());
            let processed = Processed {
                generation: 0,
                ovf: Arc::new(ovf),
                domains,
            };
            if let Some(old) = gens.templates.insert(id, processed) {
                gens.outdated.extend(old.domains);
            }
        }
        for id in gone_vms {
            if let Some(old) = gens.vms.remove(&id) {
                gens.outdated.extend(old.domains);
            }
        }
        for id in gone_templates {
            if let Some(old) = gens.templates.remove(&id) {
                gens.outdated.extend(old.domains);
            }
        }
    }
}

impl WorldState {
    /// An OVF update of `site`'s domain `sd` at `t` (`UpdateOvfStoreForStorageDomainCommand`):
    /// process the generations, then write the store if it is outdated.
    pub(crate) fn update_domain_ovf(&mut self, site: Site, sd: Id, t: Instant) -> OvfWrite {
        self.site_mut(site).process_ovf_generations(t);
        if !self.site(site).ovf_gens.is_outdated(sd) {
            return OvfWrite::NothingToUpdate;
        }
        if self.write_ovf_store(site, sd, t) {
            self.site_mut(site).ovf_gens.written(sd);
            OvfWrite::Written
        } else {
            OvfWrite::Failed
        }
    }
}
