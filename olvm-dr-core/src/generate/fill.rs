//! Pre-filling the secondary values of a mapping from the secondary site's inventory: every
//! value whose entity exists there under the same name (by id for block domains), so that only
//! the true differences are left to fill in by hand.
//!
//! Only placeholders are filled; a value already set is never changed, so this can run on a
//! file that was partly completed by hand.

use std::collections::HashSet;

use serde::Serialize;

use super::placeholder::{password, portal_tag, set};
use crate::Site;
use crate::engine::{Disk, NfsVersion, StorageDomain, StorageType};
use crate::inventory::Index;
use crate::mapping::{Field, ImportStorage, Mapping, NameMappingKind, SaveComments, StorageCommon};

/// What was filled in from the secondary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Matched {
    /// Storage domains the secondary already knows (by id for block domains, by name for file
    /// domains): name, data center and connection filled from there.
    pub storage_domains: usize,
    /// Data center names of storage entries (from the known domain, or a data center of the
    /// same name).
    pub data_centers: usize,
    /// Master flags copied from the primary where the data center was filled.
    pub master_flags: usize,
    /// Cluster names.
    pub clusters: usize,
    /// Affinity group names.
    pub affinity_groups: usize,
    /// Affinity label names.
    pub affinity_labels: usize,
    /// Authz domain names.
    pub authz_domains: usize,
    /// vNIC profiles (by profile and network name, and data center name where those repeat),
    /// with their id.
    pub vnic_profiles: usize,
    /// Direct LUNs (a direct-LUN disk with the same alias).
    pub luns: usize,
}

impl Matched {
    /// `3 storage domains, 2 data centers, ...` (the non-zero counts), or `nothing matched`.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = [
            (self.storage_domains, "storage domain", "storage domains"),
            (self.data_centers, "data center", "data centers"),
            (self.master_flags, "master flag", "master flags"),
            (self.clusters, "cluster", "clusters"),
            (self.affinity_groups, "affinity group", "affinity groups"),
            (self.affinity_labels, "affinity label", "affinity labels"),
            (self.authz_domains, "authz domain", "authz domains"),
            (self.vnic_profiles, "vNIC profile", "vNIC profiles"),
            (self.luns, "direct LUN", "direct LUNs"),
        ]
        .into_iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
        .collect();
        if parts.is_empty() {
            "nothing matched".into()
        } else {
            parts.join(", ")
        }
    }
}

/// The entries of a list field that has some.
pub(super) fn list_mut<T>(field: &mut Field<Vec<T>>) -> Option<&mut Vec<T>> {
    match field {
        Field::Set { value, .. } => Some(value),
        _ => None,
    }
}

/// Sets `field` when it is a placeholder and `value` is a non-empty text.
pub(super) fn put_text(field: &mut Field<String>, value: Option<&str>) -> bool {
    match value.map(str::trim) {
        Some(v) if !v.is_empty() && field.is_not_filled() => {
            *field = set(v.to_owned());
            true
        }
        _ => false,
    }
}

/// Sets `field` when it is a placeholder.
pub(super) fn put<T>(field: &mut Field<T>, value: Option<T>) -> bool {
    match value {
        Some(v) if field.is_not_filled() => {
            *field = set(v);
            true
        }
        _ => false,
    }
}

/// Fills the secondary placeholders of `mapping` from the secondary's inventory `idx`, and
/// drops the comments that stood for values now filled. Returns what was filled.
pub fn fill_from(mapping: &mut Mapping, comments: &mut SaveComments, idx: &Index<'_>) -> Matched {
    let mut m = Matched::default();
    if let Some(list) = list_mut(&mut mapping.import_storages) {
        for st in list.iter_mut() {
            storage(st, idx, &mut m);
        }
    }
    names(mapping, idx, &mut m);
    networks(mapping, comments, idx, &mut m);
    luns(mapping, idx, &mut m);
    m
}

fn common_mut(st: &mut ImportStorage) -> &mut StorageCommon {
    match st {
        ImportStorage::Nfs(f) | ImportStorage::Glusterfs(f) | ImportStorage::Posixfs(f) => {
            &mut f.common
        }
        ImportStorage::Iscsi(i) => &mut i.common,
        ImportStorage::Fcp(f) => &mut f.common,
    }
}

/// The domain the secondary knows: by id for block domains (the id lives in the replicated
/// metadata), by name and storage type for file domains.
fn known<'a>(st: &ImportStorage, idx: &Index<'a>) -> Option<&'a StorageDomain> {
    if let Some(field) = st.domain_id() {
        return field.get().and_then(|id| idx.domain(*id));
    }
    let name = st.name(Site::Primary).get()?;
    let same: Vec<&StorageDomain> = idx
        .domains_named(name)
        .iter()
        .copied()
        .filter(|d| d.storage.storage_type == Some(st.storage_type()))
        .collect();
    (same.len() == 1).then(|| same[0])
}

fn storage(st: &mut ImportStorage, idx: &Index<'_>, m: &mut Matched) {
    let found = known(st, idx);
    let primary = st.common().sites.primary.clone();
    if let Some(d) = found {
        m.storage_domains += 1;
        let dc = d
            .data_centers
            .first()
            .and_then(|id| idx.data_center(*id))
            .map(|dc| dc.name.as_str());
        let sec = &mut common_mut(st).sites.secondary;
        put_text(&mut sec.name, Some(&d.name));
        if put_text(&mut sec.dc_name, dc) {
            m.data_centers += 1;
        }
        connection(st, d);
    }
    let sec = &mut common_mut(st).sites.secondary;
    if sec.dc_name.is_not_filled()
        && let Some(dc) = primary.dc_name.get()
        && idx.data_center_named(dc).is_some()
    {
        sec.dc_name = set(dc.clone());
        m.data_centers += 1;
    }
    if sec.dc_name.is_set() && put(&mut sec.master_domain, primary.master_domain.get().copied()) {
        m.master_flags += 1;
    }
}

/// The connection keys of a domain the secondary knows.
fn connection(st: &mut ImportStorage, d: &StorageDomain) {
    let c = &d.storage;
    match st {
        ImportStorage::Nfs(f) | ImportStorage::Glusterfs(f) | ImportStorage::Posixfs(f) => {
            let s = &mut f.sites.secondary;
            put_text(&mut s.address, c.address.as_deref());
            put_text(&mut s.path, c.path.as_deref());
            put_text(&mut s.vfs_type, c.vfs_type.as_deref());
            put_text(&mut s.mount_options, c.mount_options.as_deref());
            put(
                &mut s.version,
                c.nfs_version.filter(|v| *v != NfsVersion::Auto),
            );
        }
        ImportStorage::Iscsi(i) => {
            let s = &mut i.sites.secondary;
            let first = c.logical_units.iter().find(|l| l.address.is_some());
            put_text(&mut s.address, first.and_then(|l| l.address.as_deref()));
            put(&mut s.port, first.and_then(|l| l.port));
            let mut targets: Vec<String> = Vec::new();
            for t in c.logical_units.iter().filter_map(|l| l.target.clone()) {
                if !targets.contains(&t) {
                    targets.push(t);
                }
            }
            targets.sort();
            put(&mut s.targets, (!targets.is_empty()).then_some(targets));
            if put_text(&mut s.username, first.and_then(|l| l.username.as_deref()))
                && s.password.is_missing()
            {
                s.password = password();
            }
        }
        ImportStorage::Fcp(_) => {}
    }
}

fn names(mapping: &mut Mapping, idx: &Index<'_>, m: &mut Matched) {
    let inv = idx.inventory();
    let labels: HashSet<&str> = inv
        .affinity_labels
        .iter()
        .map(|l| l.name.as_str())
        .collect();
    let authz: HashSet<&str> = inv.authz_domains.iter().map(|d| d.name.as_str()).collect();
    for kind in [
        NameMappingKind::Cluster,
        NameMappingKind::AffinityGroup,
        NameMappingKind::AffinityLabel,
        NameMappingKind::Domain,
    ] {
        let Some(list) = list_mut(match kind {
            NameMappingKind::Cluster => &mut mapping.cluster_mappings,
            NameMappingKind::AffinityGroup => &mut mapping.affinity_group_mappings,
            NameMappingKind::AffinityLabel => &mut mapping.affinity_label_mappings,
            NameMappingKind::Domain => &mut mapping.domain_mappings,
            NameMappingKind::Role => &mut mapping.role_mappings,
        }) else {
            continue;
        };
        for e in list.iter_mut() {
            let Some(name) = e.names.primary.get().cloned() else {
                continue;
            };
            let exists = match kind {
                NameMappingKind::Cluster => idx.cluster_named(&name).is_some(),
                NameMappingKind::AffinityGroup => !idx.affinity_groups_named(&name).is_empty(),
                NameMappingKind::AffinityLabel => labels.contains(name.as_str()),
                _ => authz.contains(name.as_str()),
            };
            if exists && put(&mut e.names.secondary, Some(name)) {
                match kind {
                    NameMappingKind::Cluster => m.clusters += 1,
                    NameMappingKind::AffinityGroup => m.affinity_groups += 1,
                    NameMappingKind::AffinityLabel => m.affinity_labels += 1,
                    _ => m.authz_domains += 1,
                }
            }
        }
    }
}

/// A profile is matched by profile and network name when that pair is unique on the
/// secondary; where it repeats across data centers, by the data center of the same name as the
/// primary's.
fn networks(mapping: &mut Mapping, comments: &mut SaveComments, idx: &Index<'_>, m: &mut Matched) {
    let Some(list) = list_mut(&mut mapping.network_mappings) else {
        return;
    };
    for e in list.iter_mut() {
        let p = &e.sites.primary;
        let (Some(net), Some(prof)) = (p.network_name.get(), p.profile_name.get()) else {
            continue;
        };
        if !e.sites.secondary.profile_name.is_not_filled() {
            continue;
        }
        let candidates = idx.profiles_named(prof, net);
        let chosen = match candidates {
            [one] => Some(*one),
            [] => None,
            many => {
                let dc = p.network_dc.get();
                let same_dc: Vec<_> = many
                    .iter()
                    .filter(|c| idx.profile_dc(c).map(|d| &d.name) == dc)
                    .collect();
                (same_dc.len() == 1).then(|| *same_dc[0])
            }
        };
        let Some(c) = chosen else {
            continue;
        };
        let (net, prof) = (net.clone(), prof.clone());
        let s = &mut e.sites.secondary;
        put(&mut s.network_name, Some(net));
        put(&mut s.profile_name, Some(prof));
        put(&mut s.profile_id, Some(c.id));
        if let Some(dc) = idx.profile_dc(c)
            && (s.network_dc.is_missing() || s.network_dc.is_not_filled())
        {
            s.network_dc = set(dc.name.clone());
            comments.before.remove(&format!(
                "dr_network_mappings[{}].secondary_network_dc",
                e.index
            ));
        }
        m.vnic_profiles += 1;
    }
}

/// A direct LUN is matched by a direct-LUN disk of the same alias on the secondary (left there
/// by an earlier failover); LUN ids differ between the sites of a replication pair.
fn luns(mapping: &mut Mapping, idx: &Index<'_>, m: &mut Matched) {
    let Some(list) = list_mut(&mut mapping.lun_mappings) else {
        return;
    };
    let disks = &idx.inventory().lun_disks;
    for e in list.iter_mut() {
        let Some(alias) = e.alias.get() else {
            continue;
        };
        let same: Vec<&Disk> = disks.iter().filter(|d| &d.alias == alias).collect();
        let [disk] = same.as_slice() else {
            continue;
        };
        let Some(lun) = &disk.lun_storage else {
            continue;
        };
        let Some(lu) = lun.logical_units.first() else {
            continue;
        };
        let s = &mut e.sites.secondary;
        if !put_text(&mut s.logical_unit_id, Some(&lu.id)) {
            continue;
        }
        put(&mut s.storage_type, Some(lun.storage_type));
        if lun.storage_type == StorageType::Iscsi {
            put_text(&mut s.address, lu.address.as_deref());
            put(&mut s.port, lu.port);
            put(&mut s.portal, lu.portal.as_deref().and_then(portal_tag));
            put_text(&mut s.target, lu.target.as_deref());
            if put_text(&mut s.username, lu.username.as_deref()) && !s.password.is_set() {
                s.password = password();
            }
        }
        m.luns += 1;
    }
}
