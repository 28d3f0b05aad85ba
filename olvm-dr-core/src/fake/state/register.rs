//! Registering unregistered VMs (`POST /storagedomains/{sd}/vms/{id}/register`), applying every
//! mapping the way the Engine does.
//!
//! The validation order is the Engine's: `ImportVmFromConfigurationCommand.validate` (disks that
//! already exist, then the disks' domains in the target data center), `ImportVmCommandBase`
//! (cluster, MAC duplicates), `ImportVmCommand` (data center up, VM id, template, images on
//! storage, name, direct LUNs). Affinity groups and labels, users and roles that do not exist on
//! this site are dropped without failing (`DrMappingHelper`, `removeInvalid*`).

use std::collections::HashMap;

use tokio::time::Instant;

use crate::Site;
use crate::engine::{
    DataCenterStatus, DiskContentType, DiskStatus, DiskStorageType, EngineResult, EntityRef, Id,
    LogicalUnit, LunStorage, OvfDisk, Permission, Registration, StorageType, VmStatus,
};

use super::super::clock::Transition;
use super::super::messages::{self as msg, Action, Subject};
use super::super::ops::Operation;
use super::disks::DiskRec;
use super::inventory::ClusterRec;
use super::iscsi::chap_matches;
use super::macs::{Mac, parse_mac};
use super::vms::{NicRec, VmRec};
use super::vnic_mapping::map_vnic;
use super::{SiteState, WorldState};

/// The registration's name mappings as maps (`ExternalRegistrationConfigurationMapper`).
pub(crate) struct Maps<'a> {
    pub(crate) cluster: HashMap<&'a str, &'a str>,
    pub(crate) role: HashMap<&'a str, &'a str>,
    pub(crate) domain: HashMap<&'a str, &'a str>,
    pub(crate) group: HashMap<&'a str, &'a str>,
    pub(crate) label: HashMap<&'a str, &'a str>,
}

impl<'a> Maps<'a> {
    /// Builds the maps; a duplicate `from` fails like the Engine's `Collectors.toMap` (500).
    pub(crate) fn new(reg: &'a Registration, op: Operation) -> EngineResult<Self> {
        fn build<'a>(
            list: &'a [crate::engine::NameMapping],
            what: &str,
            op: Operation,
        ) -> EngineResult<HashMap<&'a str, &'a str>> {
            let mut m = HashMap::with_capacity(list.len());
            for n in list {
                if m.insert(n.from.as_str(), n.to.as_str()).is_some() {
                    return Err(msg::duplicate_mapping(op, what, &n.from));
                }
            }
            Ok(m)
        }
        let mut luns = std::collections::HashSet::new();
        for l in &reg.lun_mappings {
            if !luns.insert(l.source_lun_id.as_str()) {
                return Err(msg::duplicate_mapping(op, "LUN", &l.source_lun_id));
            }
        }
        Ok(Self {
            cluster: build(&reg.cluster_mappings, "cluster", op)?,
            role: build(&reg.role_mappings, "role", op)?,
            domain: build(&reg.domain_mappings, "domain", op)?,
            group: build(&reg.affinity_group_mappings, "affinity group", op)?,
            label: build(&reg.affinity_label_mappings, "affinity label", op)?,
        })
    }
}

/// How [`SiteState::usable_disks`] judges the disks of one registration.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DiskCheck {
    /// The target data center, when the cluster is known.
    pub(crate) dc: Option<Id>,
    pub(crate) allow_partial: bool,
    pub(crate) op: Operation,
    pub(crate) subject: Subject,
    pub(crate) now: Instant,
}

impl SiteState {
    /// The cluster a registration targets: the one named in the call (a name that does not
    /// exist is a 404 before anything runs; an id is passed through unchecked), else the OVF's
    /// cluster after the cluster mapping (`DrMappingHelper.getMappedCluster`: the mapped cluster
    /// if it exists, else the OVF's own name).
    pub(crate) fn target_cluster(
        &self,
        reg: &Registration,
        maps: &Maps<'_>,
        ovf_cluster: Option<&str>,
        op: Operation,
    ) -> EngineResult<Option<&ClusterRec>> {
        match &reg.cluster {
            Some(EntityRef::Name(n)) => self
                .inv
                .cluster_by_name(n)
                .map(Some)
                .ok_or_else(|| msg::entity_not_found(op, &format!("Cluster: name={n}"))),
            Some(EntityRef::Id(id)) => Ok(self.inv.clusters.get(id)),
            None => Ok(ovf_cluster.and_then(|name| {
                maps.cluster
                    .get(name)
                    .and_then(|to| self.inv.cluster_by_name(to))
                    .or_else(|| self.inv.cluster_by_name(name))
            })),
        }
    }

    /// The permissions that survive on this site: the user mapped through the domain mapping
    /// (keyed by the user's login name, as `DrMappingHelper.mapDbUsers` looks it up) and the
    /// role through the role mapping; users and roles that do not exist here are dropped.
    pub(crate) fn map_permissions(&self, perms: &[Permission], maps: &Maps<'_>) -> Vec<Permission> {
        perms
            .iter()
            .filter_map(|p| {
                let (login, authz) = p.principal.rsplit_once('@')?;
                let authz = maps
                    .domain
                    .get(login)
                    .copied()
                    .filter(|d| {
                        self.inv
                            .users
                            .contains(&(login.to_owned(), (*d).to_owned()))
                    })
                    .unwrap_or(authz);
                if !self
                    .inv
                    .users
                    .contains(&(login.to_owned(), authz.to_owned()))
                {
                    return None;
                }
                let role = maps
                    .role
                    .get(p.role.as_str())
                    .copied()
                    .filter(|r| self.inv.role_exists(r))
                    .unwrap_or(p.role.as_str());
                self.inv.role_exists(role).then(|| Permission {
                    role: role.to_owned(),
                    principal: format!("{login}@{authz}"),
                })
            })
            .collect()
    }

    /// Disks of an OVF to register: drops (with `allow_partial`) or refuses disks that already
    /// exist in the Engine, then disks whose domain is not active in the target data center,
    /// then disks whose image is missing from the domain's volume (`image_present`).
    pub(crate) fn usable_disks<'o>(
        &self,
        disks: &'o [OvfDisk],
        check: &DiskCheck,
        image_present: impl Fn(Id, Id) -> bool,
    ) -> EngineResult<Vec<&'o OvfDisk>> {
        let DiskCheck {
            dc,
            allow_partial,
            op,
            subject: t,
            now,
        } = *check;
        let mut keep: Vec<&OvfDisk> = Vec::with_capacity(disks.len());
        for d in disks {
            if self.disks.get(&d.id).is_some_and(|e| !e.shareable) {
                if !allow_partial {
                    return Err(msg::import_disks_exist(op, t, &d.alias));
                }
                continue;
            }
            keep.push(d);
        }
        if let Some(dc) = dc {
            let mut checked = Vec::with_capacity(keep.len());
            for d in keep {
                let sd = d.storage_domains.first().copied().unwrap_or(Id::NIL);
                let rec = self.domains.get(&sd).filter(|r| r.attached_to(dc));
                let problem = match rec {
                    None => Some(msg::sd_not_exist(op, Action::Import, t, false)),
                    Some(r) if !r.active_in(Some(dc), now) => Some(msg::vm_disk_domain(
                        op,
                        Action::Import,
                        t,
                        Some(r.status(now)),
                    )),
                    Some(_) => None,
                };
                match problem {
                    Some(e) if !allow_partial => return Err(e),
                    Some(_) => {}
                    None => checked.push(d),
                }
            }
            keep = checked;
        }
        // Images missing from storage: dropped here; without allow_partial the caller refuses
        // the registration at the point the Engine checks them (`checkImagesGUIDsLegal`).
        Ok(keep
            .into_iter()
            .filter(|d| image_present(d.storage_domains.first().copied().unwrap_or(Id::NIL), d.id))
            .collect())
    }
}

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
        let cluster = s.target_cluster(reg, &maps, ovf.vm.cluster_name.as_deref(), op)?;

        // ImportVmFromConfigurationCommand.isValidDisks, with the image check of
        // ImportVmCommand.checkImagesGUIDsLegal folded in (both drop disks under allow_partial).
        let all_present = ovf.vm.disks.iter().all(|d| {
            let sd = d.storage_domains.first().copied().unwrap_or(Id::NIL);
            self.image_on_storage(site, sd, d.id)
        });
        let check = DiskCheck {
            dc: cluster.map(|c| c.dc),
            allow_partial: reg.allow_partial_import,
            op,
            subject: Subject::Vm,
            now,
        };
        let disks = s.usable_disks(&ovf.vm.disks, &check, |sd, disk| {
            self.image_on_storage(site, sd, disk)
        })?;

        // ImportVmCommandBase.validate.
        let cluster = cluster.ok_or_else(|| msg::import_cluster_missing(op, Subject::Vm))?;
        let pool = &s.macs[&cluster.mac_pool];
        let should_reassign = |mac: Option<Mac>| match mac {
            None => true,
            Some(m) => reg.reassign_bad_macs && pool.is_bad(m),
        };
        let macs: Vec<Option<Mac>> = ovf
            .vm
            .nics
            .iter()
            .map(|n| n.mac.as_deref().and_then(parse_mac))
            .collect();
        let conflicting: Vec<String> = ovf
            .vm
            .nics
            .iter()
            .zip(&macs)
            .filter(|(_, m)| {
                !pool.allow_duplicates && !should_reassign(**m) && m.is_some_and(|m| pool.in_use(m))
            })
            .map(|(n, _)| n.name.clone())
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

        // Execute.
        let s = self.site(site);
        let cluster = cluster.clone();
        let nics_profiles: Vec<Option<Id>> = ovf
            .vm
            .nics
            .iter()
            .map(|n| map_vnic(&s.inv, &cluster, n, &reg.vnic_profile_mappings))
            .collect();
        let groups: Vec<Id> = ovf
            .vm
            .affinity_groups
            .iter()
            .filter_map(|g| {
                let mapped = maps.group.get(g.as_str()).copied();
                mapped
                    .and_then(|m| s.inv.group_in_cluster(cluster.id, m))
                    .or_else(|| s.inv.group_in_cluster(cluster.id, g))
            })
            .collect();
        let labels: Vec<Id> = ovf
            .vm
            .affinity_labels
            .iter()
            .filter_map(|l| {
                maps.label
                    .get(l.as_str())
                    .and_then(|m| s.inv.label_by_name(m))
                    .or_else(|| s.inv.label_by_name(l))
            })
            .collect();
        let permissions = s.map_permissions(&ovf.vm.permissions, &maps);
        let disks: Vec<OvfDisk> = disks.into_iter().cloned().collect();
        let latency = self.request_latency(site, op, vm);

        let s = self.site_mut(site);
        let pool = s.macs.get_mut(&cluster.mac_pool).expect("cluster's pool");
        let mut nics = Vec::with_capacity(ovf.vm.nics.len());
        for (i, (n, mac)) in ovf.vm.nics.iter().zip(&macs).enumerate() {
            let reassign = match mac {
                None => true,
                Some(m) => reg.reassign_bad_macs && pool.is_bad(*m),
            };
            let mac = if reassign {
                match pool.allocate() {
                    Ok(m) => m,
                    Err(_) => {
                        for done in &nics {
                            let done: &NicRec = done;
                            if let Some(m) = done.mac {
                                pool.free(m);
                            }
                        }
                        return Err(msg::not_enough_macs(op));
                    }
                }
            } else {
                mac.expect("kept MACs exist")
            };
            nics.push(NicRec {
                id: s.ids.id(),
                name: n.name.clone(),
                mac: Some(mac),
                profile: nics_profiles[i],
            });
        }
        for d in &disks {
            let rec = DiskRec::image(d.id, &d.alias, d.storage_domains.clone(), Some(vm));
            s.disks.insert(d.id, rec);
        }
        let mut lun_disks = Vec::with_capacity(luns.len());
        for (disk_id, alias, storage_type, lu) in luns {
            lun_disks.push(disk_id);
            if let Some(existing) = s.disks.get_mut(&disk_id) {
                existing.vms.push(vm);
                continue;
            }
            s.lun_disks.insert(lu.id.clone(), disk_id);
            s.disks.insert(
                disk_id,
                DiskRec {
                    id: disk_id,
                    alias,
                    content: DiskContentType::Data,
                    storage: DiskStorageType::Lun,
                    shareable: false,
                    wipe_after_delete: false,
                    domains: Vec::new(),
                    lun: Some(LunStorage {
                        storage_type,
                        logical_units: vec![lu],
                    }),
                    vms: vec![vm],
                    status: DiskStatus::Ok,
                },
            );
        }
        s.vm_names.insert((dc, ovf.vm.name.clone()), vm);
        let rec = VmRec {
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
        };
        s.vms.insert(vm, rec);
        if let Some(rows) = s.unregistered.get_mut(&sd) {
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
    ) -> EngineResult<Vec<(Id, String, StorageType, LogicalUnit)>> {
        let s = self.site(site);
        let mut out = Vec::new();
        for (lun, conn) in ovf.vm.luns.iter().zip(&ovf.lun_connections) {
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
            out.push((lun.disk_id, lun.alias.clone(), storage_type, facts));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::NameMapping;
    use crate::fake::WorldBuilder;

    fn perm(role: &str, principal: &str) -> Permission {
        Permission {
            role: role.into(),
            principal: principal.into(),
        }
    }

    #[test]
    fn permissions_follow_role_and_domain_mappings_and_drop_what_is_missing() {
        let world = WorldBuilder::small(1).build();
        let w = world.state();
        let s = w.site(Site::Secondary);
        let reg = Registration {
            role_mappings: vec![NameMapping::new("OpsCustom", "PowerUserRole")],
            // The Engine looks the domain mapping up by the user's login name
            // (`DrMappingHelper.mapDbUsers`): only the entry keyed "carol" applies.
            domain_mappings: vec![
                NameMapping::new("carol", "dr.example"),
                NameMapping::new("corp.example", "dr.example"),
            ],
            ..Registration::default()
        };
        let maps = Maps::new(&reg, Operation::RegisterVm).unwrap();
        let out = s.map_permissions(
            &[
                perm("UserVmManager", "alice@internal-authz"),
                perm("OpsCustom", "bob@internal-authz"),
                perm("PowerUserRole", "carol@corp.example"),
                perm("PowerUserRole", "dave@corp.example"),
                perm("NoSuchRole", "alice@internal-authz"),
            ],
            &maps,
        );
        assert_eq!(
            out,
            [
                perm("UserVmManager", "alice@internal-authz"),
                perm("PowerUserRole", "bob@internal-authz"),
                perm("PowerUserRole", "carol@dr.example"),
            ]
        );
    }

    #[test]
    fn a_duplicate_mapping_source_is_an_internal_error() {
        let reg = Registration {
            cluster_mappings: vec![NameMapping::new("a", "b"), NameMapping::new("a", "c")],
            ..Registration::default()
        };
        let e = Maps::new(&reg, Operation::RegisterVm).err().unwrap();
        assert_eq!(
            (e.kind, e.http_status),
            (crate::ErrorKind::Internal, Some(500))
        );
    }
}
