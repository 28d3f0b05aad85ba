//! How a registration's mappings apply to what an OVF records, the way the Engine applies them
//! (`ExternalRegistrationConfigurationMapper`, `DrMappingHelper`, `ImportValidator`): the target
//! cluster, affinity groups and labels, users and roles (missing ones dropped, not fatal), and
//! which disks can come along.

use std::collections::{HashMap, HashSet};

use tokio::time::Instant;

use crate::engine::{EngineResult, EntityRef, Id, NameMapping, OvfDisk, Permission, Registration};

use super::super::messages::{self as msg, Action, Subject};
use super::super::ops::Operation;
use super::SiteState;
use super::inventory::ClusterRec;

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
            list: &'a [NameMapping],
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
        let mut luns = HashSet::new();
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

    /// The affinity groups (of `cluster`) and labels an OVF's names resolve to: the mapped name
    /// if that exists here, else the OVF's own; what exists under neither is dropped.
    pub(crate) fn map_affinity(
        &self,
        cluster: Id,
        groups: &[String],
        labels: &[String],
        maps: &Maps<'_>,
    ) -> (Vec<Id>, Vec<Id>) {
        let groups = groups
            .iter()
            .filter_map(|g| {
                maps.group
                    .get(g.as_str())
                    .and_then(|m| self.inv.group_in_cluster(cluster, m))
                    .or_else(|| self.inv.group_in_cluster(cluster, g))
            })
            .collect();
        let labels = labels
            .iter()
            .filter_map(|l| {
                maps.label
                    .get(l.as_str())
                    .and_then(|m| self.inv.label_by_name(m))
                    .or_else(|| self.inv.label_by_name(l))
            })
            .collect();
        (groups, labels)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Site;
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
