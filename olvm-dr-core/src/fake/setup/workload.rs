//! Setting up the workload: templates and VMs with their NICs, disks and direct LUNs, and the
//! OVF stores that record them.

use std::sync::Arc;

use crate::Site;
use crate::engine::{Id, LunStorage, TemplateStatus, VmSettings, VmStatus};
use crate::scheduling::VmDemand;

use super::super::clock::Transition;
use super::super::fabric::Locator;
use super::super::state::disks::DiskRec;
use super::super::state::macs::parse_mac;
use super::super::state::vms::{NicRec, TemplateRec, VmRec};
use super::{DiskSpec, NicSpec, Setup, TemplateSpec, VmSpec};

impl Setup<'_> {
    fn put_images(&mut self, disks: &[DiskSpec], ids: &[Id], site: Site) {
        for (spec, id) in disks.iter().zip(ids) {
            for sd in &spec.domains {
                if let Some(v) = self.w.site(site).domains.get(sd).map(|d| d.volume) {
                    let _ = self.w.fabric.write(v, |c| {
                        Arc::make_mut(&mut c.images).insert(*id);
                    });
                }
            }
        }
    }

    fn nics(&mut self, site: Site, nics: &[NicSpec]) -> Vec<NicRec> {
        nics.iter()
            .map(|n| NicRec {
                id: self.new_id(site),
                name: n.name.clone(),
                mac: n.mac.as_deref().and_then(parse_mac),
                profile: n.profile,
                plugged: true,
            })
            .collect()
    }

    /// Adds a template with its disks.
    pub fn add_template(&mut self, site: Site, spec: TemplateSpec) -> Id {
        let id = self.new_id(site);
        let disk_ids: Vec<Id> = spec.disks.iter().map(|_| self.new_id(site)).collect();
        let nics = self
            .nics(site, &spec.nics)
            .into_iter()
            .map(|n| NicRec { mac: None, ..n })
            .collect();
        self.put_images(&spec.disks, &disk_ids, site);
        let now = self.now;
        let s = self.w.site_mut(site);
        let dc = s
            .dc_of_cluster(spec.cluster)
            .expect("template in a known cluster");
        for (i, (d, did)) in spec.disks.iter().zip(&disk_ids).enumerate() {
            s.disks.insert(*did, new_image_disk(*did, d, id, i == 0));
        }
        s.insert_template(TemplateRec {
            id,
            name: spec.name,
            cluster: spec.cluster,
            dc,
            version_number: spec.version,
            base: spec.base.unwrap_or(id),
            disks: disk_ids,
            nics,
            status: Transition::settled(TemplateStatus::Ok, now),
            permissions: spec.permissions,
            memory: spec.memory,
            ha: spec.high_availability,
            settings: spec
                .settings
                .unwrap_or_else(|| VmSettings::for_memory(spec.memory, 1)),
        });
        id
    }

    /// Adds a VM with its disks; NICs without a MAC get the next free one of the cluster's pool.
    pub fn add_vm(&mut self, site: Site, spec: VmSpec) -> Id {
        let id = self.new_id(site);
        let disk_ids: Vec<Id> = spec.disks.iter().map(|_| self.new_id(site)).collect();
        // A LUN that already backs a disk is shared: the VM gets that disk.
        let lun_ids: Vec<Id> = spec
            .luns
            .iter()
            .map(|l| {
                let existing = match &self.w.fabric.volumes[l.lun.0].locator {
                    Locator::Lun { lun_id, .. } => self.w.site(site).lun_disks.get(lun_id).copied(),
                    Locator::File { .. } => None,
                };
                existing.unwrap_or_else(|| self.new_id(site))
            })
            .collect();
        let mut nics = self.nics(site, &spec.nics);
        self.put_images(&spec.disks, &disk_ids, site);
        let luns: Vec<_> = spec
            .luns
            .iter()
            .map(|l| {
                let v = l.lun.0;
                let storage_type = self.w.fabric.volumes[v].locator.storage_type();
                (
                    self.w.logical_unit(site, v).unwrap_or_default(),
                    storage_type,
                )
            })
            .collect();
        let now = self.now;
        let s = self.w.site_mut(site);
        let dc = s
            .dc_of_cluster(spec.cluster)
            .expect("VM in a known cluster");
        let pool_id = s.inv.clusters[&spec.cluster].mac_pool;
        let pool = s
            .macs
            .get_mut(&pool_id)
            .expect("the cluster's MAC pool exists");
        let wanted: Vec<_> = nics.iter().map(|n| n.mac).collect();
        let macs = pool
            .assign(&wanted, false)
            .expect("the MAC pool has room for the VM's NICs");
        for (n, m) in nics.iter_mut().zip(macs) {
            n.mac = Some(m);
        }
        for (i, (d, did)) in spec.disks.iter().zip(&disk_ids).enumerate() {
            s.disks.insert(*did, new_image_disk(*did, d, id, i == 0));
        }
        for ((l, did), (mut lu, storage_type)) in spec.luns.iter().zip(&lun_ids).zip(luns) {
            if let Some(shared) = s.disks.get_mut(did) {
                shared.vms.push(id);
                continue;
            }
            lu.status = None;
            s.lun_disks.insert(lu.id.clone(), *did);
            let lun = LunStorage {
                storage_type,
                logical_units: vec![lu],
            };
            s.disks.insert(
                *did,
                DiskRec::lun(*did, &l.alias, lun, l.shareable, vec![id]),
            );
        }
        // A running VM sits where the scheduler would have started it (the first UP host of
        // its cluster when none has the room: the setup says it runs).
        let demand = VmDemand {
            memory: spec.memory,
            vcpus: spec.vcpus,
        };
        let first_up = s
            .inv
            .up_hosts_in_dc(dc)
            .find(|h| h.cluster == spec.cluster)
            .map(|h| h.id);
        let host = if spec.running {
            s.pick_host(spec.cluster, &demand, &[], &[], now)
                .ok()
                .or(first_up)
        } else {
            None
        };
        let running = host.is_some();
        s.insert_vm(VmRec {
            id,
            name: spec.name,
            cluster: spec.cluster,
            dc,
            template: spec.template,
            ha: spec.high_availability,
            delete_protected: spec.delete_protected,
            snapshot_in_preview: spec.snapshot_in_preview,
            memory: spec.memory,
            vcpus: spec.vcpus,
            origin: spec.origin,
            nics,
            disks: disk_ids,
            luns: lun_ids,
            power: Transition::settled(
                if running {
                    VmStatus::Up
                } else {
                    VmStatus::Down
                },
                now,
            ),
            host,
            removing: false,
            affinity_groups: spec.affinity_groups,
            labels: spec.affinity_labels,
            permissions: spec.permissions,
            settings: spec
                .settings
                .unwrap_or_else(|| VmSettings::for_memory(spec.memory, spec.vcpus)),
        });
        id
    }

    /// Puts NIC `nic` (by name) of registered VM `vm` on `profile` (`None`: unplugged from any
    /// network), as an administrator's later edit would. Returns `false` when there is no such
    /// VM or NIC on `site`.
    pub fn set_nic_profile(&mut self, site: Site, vm: Id, nic: &str, profile: Option<Id>) -> bool {
        let Some(rec) = self.w.site_mut(site).vms.get_mut(&vm) else {
            return false;
        };
        match rec.nics.iter_mut().find(|n| n.name == nic) {
            Some(n) => {
                n.profile = profile;
                true
            }
            None => false,
        }
    }

    /// Shuts VM `vm` of `site` down from inside its guest: it goes `down` at once and, as no
    /// Engine command ran, its configuration generation stays, so the OVF stores keep the
    /// status they had. Returns `false` when there is no such VM or it does not run.
    pub fn shut_down_in_guest(&mut self, site: Site, vm: Id) -> bool {
        let now = self.now;
        let Some(rec) = self.w.site_mut(site).vms.get_mut(&vm) else {
            return false;
        };
        if rec.status(now) == VmStatus::Down {
            return false;
        }
        rec.power = Transition::settled(VmStatus::Down, now);
        true
    }

    /// Writes the OVF stores of every active data domain of `site`, as the periodic update would.
    pub fn write_ovf_stores(&mut self, site: Site) {
        let now = self.now;
        self.w.periodic_ovf_write(site, now);
    }
}

/// An image disk of a new VM or template: the first disk is the boot disk; the virtual size is
/// 8 to 64 GiB, derived from the disk's id so that a seeded world is the same every time.
fn new_image_disk(did: Id, d: &DiskSpec, owner: Id, first: bool) -> DiskRec {
    const GIB: u64 = 1 << 30;
    let mut rec = DiskRec::image(did, &d.alias, d.domains.clone(), Some(owner));
    rec.provisioned_size = (1 + (did.as_uuid().as_u128() % 8) as u64) * 8 * GIB;
    rec.attachment.bootable = first;
    rec
}
