//! Registering unregistered VMs (`POST /storagedomains/{sd}/vms/{id}/register`), applying every
//! mapping the way the Engine does.
//!
//! The validation order is the Engine's: `ImportVmFromConfigurationCommand.validate` (disks that
//! already exist, then the disks' domains in the target data center), `ImportVmCommandBase`
//! (cluster, BIOS type, MAC duplicates), `ImportVmCommand` (data center up, VM id, template,
//! images on storage, name, direct LUNs, architecture; see `register_checks`). Affinity groups and labels, users and roles that do not exist on
//! this site are dropped without failing (`DrMappingHelper`, `removeInvalid*`).

use tokio::time::Instant;

use crate::Site;
use crate::engine::{
    DataCenterStatus, EngineResult, Id, LogicalUnit, LunStorage, OvfDisk, Registration,
    StorageType, VmStatus,
};

use super::super::clock::Transition;
use super::super::messages::{self as msg, Action, Subject};
use super::super::ops::Operation;
use super::WorldState;
use super::disks::DiskRec;
use super::iscsi::chap_matches;
use super::macs::{Mac, parse_mac};
use super::mappings::{DiskCheck, Maps};
use super::register_checks::{check_architecture, check_bios_type};
use super::vms::{NicRec, VmRec};
use super::vnic_mapping::map_vnic;

impl WorldState {
    /// `true` when domain `sd`'s volume holds image `disk`.
    pub(crate) fn image_on_storage(&self, site: Site, sd: Id, disk: Id) -> bool {
        self.site(site)
            .domains
            .get(&sd)
            .and_then(|r| self.fabric.volumes[r.volume].content.as_ref())
            .is_some_and(|c| c.images.contains(&disk))
    }

    /// `POST /storagedomains/{sd}/vms/{vm}/register`.
    pub(crate) fn register_vm(
        &mut self,
        site: Site,
        sd: Id,
        vm: Id,
        reg: &Registration,
        now: Instant,
    ) -> EngineResult<()> {
        let op = Operation::RegisterVm;
        let s = self.site(site);
        if !s.domains.contains_key(&sd) {
            return Err(msg::not_found(op, format!("storage domain {sd}")));
        }
        let ovf = s
            .unregistered
            .get(&sd)
            .and_then(|u| u.vms.get(&vm))
            .cloned()
            .ok_or_else(|| {
                msg::not_found(op, format!("unregistered vm {vm} on storage domain {sd}"))
            })?;
        let maps = Maps::new(reg, op)?;
        let cluster = s.target_cluster(reg, &maps, ovf.cluster_name.as_deref(), op)?;

        // ImportVmFromConfigurationCommand.isValidDisks, with the image check of
        // ImportVmCommand.checkImagesGUIDsLegal folded in (both drop disks under allow_partial).
        let on_storage = |sd: Id, disk: Id| self.image_on_storage(site, sd, disk);
        let all_present = ovf
            .disks
            .iter()
            .all(|d| on_storage(d.storage_domains.first().copied().unwrap_or(Id::NIL), d.id));
        let check = DiskCheck {
            dc: cluster.map(|c| c.dc),
            allow_partial: reg.allow_partial_import,
            op,
            subject: Subject::Vm,
            now,
        };
        let disks: Vec<OvfDisk> = s
            .usable_disks(&ovf.disks, &check, on_storage)?
            .into_iter()
            .cloned()
            .collect();

        // ImportVmCommandBase.validate.
        let cluster = cluster
            .ok_or_else(|| msg::import_cluster_missing(op, Subject::Vm))?
            .clone();
        check_bios_type(&ovf.settings, &cluster, op)?;
        let macs: Vec<Option<Mac>> = ovf
            .nics
            .iter()
            .map(|n| n.mac.as_deref().and_then(parse_mac))
            .collect();
        let conflicting: Vec<String> = s.macs[&cluster.mac_pool]
            .conflicts(&macs, reg.reassign_bad_macs)
            .into_iter()
            .map(|i| ovf.nics[i].name.clone())
            .collect();
        if !conflicting.is_empty() {
            return Err(msg::import_mac_duplicates(op, &conflicting));
        }

        // ImportVmCommand.validateBeforeCloneVm / validateAfterCloneVm.
        let dc = cluster.dc;
        if s.dc_status(dc, now) != DataCenterStatus::Up {
            return Err(msg::pool_status_illegal(op, Action::Import, Subject::Vm));
        }
        if let Some(existing) = s.vms.get(&vm) {
            return Err(msg::import_vm_id_exists(op, &existing.name));
        }
        let template = ovf.vm.template.unwrap_or(Id::NIL);
        if !template.is_nil() && !s.templates.contains_key(&template) {
            return Err(msg::import_template_missing(op));
        }
        if !all_present && !reg.allow_partial_import {
            return Err(msg::import_image_missing(op, Subject::Vm));
        }
        if s.vm_names.contains_key(&(dc, ovf.vm.name.clone())) {
            return Err(msg::import_vm_name_exists(op));
        }
        let luns = self.resolve_luns(site, &ovf, reg, op)?;
        check_architecture(&ovf.settings, &cluster, op)?;
        // ImportVmCommand.validate: VmNicMacsUtils.validateThereIsEnoughOfFreeMacs.
        if !s.macs[&cluster.mac_pool].has_room_for(&macs, reg.reassign_bad_macs) {
            return Err(msg::not_enough_macs(op));
        }

        // The command runs: everything from here on is applied.
        let imported_lease = ovf.settings.lease;
        let lease = self.lease_domain_at_import(
            site,
            dc,
            imported_lease,
            ovf.vm.high_availability.enabled,
            now,
        );
        self.add_vm_lease(vm, lease, imported_lease);
        let s = self.site(site);
        let profiles: Vec<Option<Id>> = ovf
            .nics
            .iter()
            .map(|n| map_vnic(&s.inv, &cluster, n, &reg.vnic_profile_mappings))
            .collect();
        let (groups, labels) = s.map_affinity(
            cluster.id,
            &ovf.affinity_groups,
            &ovf.affinity_labels,
            &maps,
        );
        let permissions = s.map_permissions(&ovf.permissions, &maps);
        let latency = self.request_latency(site, op, vm);

        let s = self.site_mut(site);
        let macs = s
            .macs
            .get_mut(&cluster.mac_pool)
            .expect("checked above")
            .assign(&macs, reg.reassign_bad_macs)
            .map_err(|_| msg::not_enough_macs(op))?;
        let nics = ovf
            .nics
            .iter()
            .zip(macs)
            .zip(profiles)
            .map(|((n, mac), profile)| NicRec {
                id: s.ids.id(),
                name: n.name.clone(),
                mac: Some(mac),
                profile,
                plugged: n.plugged,
            })
            .collect();
        for d in &disks {
            let rec = DiskRec::image_from_ovf(d, vm);
            s.disks.insert(d.id, rec);
        }
        let mut lun_disks = Vec::with_capacity(luns.len());
        for (disk_id, alias, lun) in luns {
            lun_disks.push(disk_id);
            if let Some(shared) = s.disks.get_mut(&disk_id) {
                shared.vms.push(vm);
                continue;
            }
            for lu in &lun.logical_units {
                s.lun_disks.insert(lu.id.clone(), disk_id);
            }
            s.disks
                .insert(disk_id, DiskRec::lun(disk_id, &alias, lun, false, vec![vm]));
        }
        s.insert_vm(VmRec {
            id: vm,
            name: ovf.vm.name.clone(),
            cluster: cluster.id,
            dc,
            template,
            ha: ovf.vm.high_availability,
            delete_protected: ovf.vm.delete_protected,
            snapshot_in_preview: false,
            memory: ovf.vm.memory,
            vcpus: ovf.vm.vcpus,
            origin: "ovirt".to_owned(),
            nics,
            disks: disks.iter().map(|d| d.id).collect(),
            luns: lun_disks,
            power: Transition::new(now, &[(VmStatus::ImageLocked, latency)], VmStatus::Down),
            host: None,
            removing: false,
            affinity_groups: groups,
            labels,
            permissions,
            settings: crate::engine::VmSettings {
                lease,
                ..ovf.settings.clone()
            },
        });
        // The Engine drops the entity's OVF rows of every domain, not only of `sd`
        // (`unregisteredOVFDataDao.removeEntity(id, null)` in the import-from-configuration
        // commands): an entity with disks on several domains is no longer listed anywhere.
        for rows in s.unregistered.values_mut() {
            rows.vms.remove(&vm);
        }
        Ok(())
    }

    /// The direct LUNs a VM gets: each OVF LUN mapped through `lun_mappings`, checked like
    /// `ImportVmCommand.validateLunDisk` (in use by another disk: 409; not visible from this
    /// site: 400; both dropped under `allow_partial_import`).
    fn resolve_luns(
        &self,
        site: Site,
        ovf: &super::super::fabric::OvfVm,
        reg: &Registration,
        op: Operation,
    ) -> EngineResult<Vec<(Id, String, LunStorage)>> {
        let s = self.site(site);
        let mut out = Vec::new();
        for (lun, conn) in ovf.luns.iter().zip(&ovf.lun_connections) {
            let mapping = reg
                .lun_mappings
                .iter()
                .find(|m| m.source_lun_id == lun.lun_id);
            let (lu, storage_type, creds) = match mapping {
                Some(m) => (
                    LogicalUnit {
                        id: m.target.lun_id.clone(),
                        address: m.target.address.clone(),
                        port: m.target.port,
                        portal: m.target.portal.clone(),
                        target: m.target.target.clone(),
                        username: m.target.username.clone(),
                        ..LogicalUnit::default()
                    },
                    m.target.storage_type.unwrap_or(lun.storage_type),
                    (m.target.username.clone(), m.target.password.clone()),
                ),
                None => (conn.clone(), lun.storage_type, (None, None)),
            };
            let in_use = s.lun_disks.get(&lu.id).is_some_and(|d| *d != lun.disk_id);
            if in_use {
                if reg.allow_partial_import {
                    continue;
                }
                return Err(msg::import_lun_in_use(op));
            }
            if !self.lun_reachable(site, &lu, storage_type, creds) {
                if reg.allow_partial_import {
                    continue;
                }
                return Err(msg::import_lun_invalid(op));
            }
            let volume = self.fabric.find_lun(site, &lu.id).expect("reachable");
            let mut facts = self.logical_unit(site, volume).unwrap_or_default();
            facts.username = lu.username.clone();
            let storage = LunStorage {
                storage_type,
                logical_units: vec![facts],
            };
            out.push((lun.disk_id, lun.alias.clone(), storage));
        }
        Ok(out)
    }

    /// Whether this site's hosts can reach LUN `lu` over the given connection: an FC LUN of the
    /// site's SAN, or an iSCSI LUN behind the named target with acceptable credentials.
    fn lun_reachable(
        &self,
        site: Site,
        lu: &LogicalUnit,
        storage_type: StorageType,
        creds: (Option<String>, Option<crate::Secret>),
    ) -> bool {
        let Some(v) = self.fabric.find_lun(site, &lu.id) else {
            return false;
        };
        let super::super::fabric::Locator::Lun {
            storage_type: actual,
            target,
            ..
        } = &self.fabric.volumes[v].locator
        else {
            return false;
        };
        if *actual != storage_type {
            return false;
        }
        match (storage_type, target) {
            (StorageType::Fcp, _) => true,
            (StorageType::Iscsi, Some(t)) => {
                let t = &self.fabric.targets[*t];
                let login = crate::engine::IscsiLogin {
                    address: lu.address.clone().unwrap_or_default(),
                    port: lu.port.unwrap_or(3260),
                    target: lu.target.clone().unwrap_or_default(),
                    portal: None,
                    username: creds.0,
                    password: creds.1,
                };
                login.address == t.address
                    && login.port == t.port
                    && login.target == t.iqn
                    && chap_matches(t.chap.as_ref(), &login)
            }
            _ => false,
        }
    }
}
