//! Completing a generated mapping for a fake [`World`] (feature `fake`): the values that differ
//! between its sites — names the secondary spells otherwise, the replicas' addresses, targets
//! and LUNs, the secondary's data centers — taken from what the world's builder made, as an
//! administrator would fill them in from their own knowledge. For the lab, demos, tests and
//! benchmarks of the whole flow without an Engine.
//!
//! Only placeholders are filled. Name-mapping entries whose primary entity has no counterpart
//! on the secondary (a label that exists on the primary only) are removed, as an administrator
//! would remove them.

use std::collections::HashMap;

use super::fill::{list_mut, put, put_text};
use crate::config::SecretValue;
use crate::engine::{Id, NameMapping as Pair};
use crate::fake::{Location, World};
use crate::inventory::{Collections, Inventory, ReadError};
use crate::mapping::{Field, ImportStorage, Mapping, NameMapping, NameMappingKind};
use crate::{Site, mapping};

/// Fills the secondary placeholders of `m` from `world`'s facts; returns how many values were
/// filled. Reads the secondary's networks (for the profiles' data centers).
///
/// # Errors
/// The secondary's networks or data centers cannot be listed.
pub async fn complete_for_world(m: &mut Mapping, world: &World) -> Result<usize, ReadError> {
    let secondary = world.dyn_engine(Site::Secondary);
    let what = Collections {
        data_centers: true,
        networks: true,
        vnic_profiles: true,
        ..Collections::default()
    };
    let inv = Inventory::read(secondary.as_ref(), &what).await?;
    let idx = inv.index();
    let facts = world.facts();
    let mut n = 0;
    if let Some(list) = list_mut(&mut m.import_storages) {
        for st in list.iter_mut() {
            n += storage(st, facts);
        }
    }
    let pairs = |kind| -> &[Pair] {
        match kind {
            NameMappingKind::Cluster => &facts.mappings.clusters,
            NameMappingKind::AffinityGroup => &facts.mappings.affinity_groups,
            NameMappingKind::AffinityLabel => &facts.mappings.affinity_labels,
            NameMappingKind::Domain => &facts.mappings.authz_domains,
            NameMappingKind::Role => &facts.mappings.roles,
        }
    };
    for kind in [
        NameMappingKind::Cluster,
        NameMappingKind::AffinityGroup,
        NameMappingKind::AffinityLabel,
        NameMappingKind::Domain,
    ] {
        let field = match kind {
            NameMappingKind::Cluster => &mut m.cluster_mappings,
            NameMappingKind::AffinityGroup => &mut m.affinity_group_mappings,
            NameMappingKind::AffinityLabel => &mut m.affinity_label_mappings,
            _ => &mut m.domain_mappings,
        };
        if let Some(list) = list_mut(field) {
            n += names(list, pairs(kind));
        }
    }
    let profiles: HashMap<Id, (&str, &str, Id, Id)> = facts
        .mappings
        .vnic_profiles
        .iter()
        .map(|p| {
            (
                p.primary.id,
                (
                    p.secondary.name.as_str(),
                    p.secondary.network.as_str(),
                    p.secondary.id,
                    p.secondary.network_id,
                ),
            )
        })
        .collect();
    if let Some(list) = list_mut(&mut m.network_mappings) {
        for e in list.iter_mut() {
            let Some((name, network, id, network_id)) = e
                .sites
                .primary
                .profile_id
                .get()
                .and_then(|p| profiles.get(p))
            else {
                continue;
            };
            let s = &mut e.sites.secondary;
            n += usize::from(put_text(&mut s.profile_name, Some(name)));
            n += usize::from(put_text(&mut s.network_name, Some(network)));
            n += usize::from(put(&mut s.profile_id, Some(*id)));
            let dc = idx
                .network(*network_id)
                .and_then(|net| idx.data_center(net.data_center));
            if let Some(dc) = dc
                && !s.network_dc.is_set()
            {
                s.network_dc = Field::set(dc.name.clone(), mapping::Pos::default());
                n += 1;
            }
        }
    }
    if let Some(list) = list_mut(&mut m.lun_mappings) {
        for e in list.iter_mut() {
            let Some(lun) = e
                .alias
                .get()
                .and_then(|a| facts.luns.iter().find(|l| &l.alias == a))
            else {
                continue;
            };
            let Location::Lun { lun_id, target } = &lun.secondary else {
                continue;
            };
            let s = &mut e.sites.secondary;
            n += usize::from(put_text(&mut s.logical_unit_id, Some(lun_id)));
            n += usize::from(put(&mut s.storage_type, Some(lun.storage_type)));
            if let Some(t) = target {
                n += usize::from(put_text(&mut s.address, Some(&t.address)));
                n += usize::from(put(&mut s.port, Some(t.port)));
                n += usize::from(put_text(&mut s.portal, Some("1")));
                n += usize::from(put_text(&mut s.target, Some(&t.iqn)));
                if let (Some(user), Some(password)) = (&t.username, &t.password) {
                    s.username = Field::set(user.clone(), mapping::Pos::default());
                    s.password = Field::set(
                        SecretValue::Plain(password.clone()),
                        mapping::Pos::default(),
                    );
                    n += 2;
                }
            }
        }
    }
    Ok(n)
}

fn storage(st: &mut ImportStorage, facts: &crate::fake::WorldFacts) -> usize {
    let Some(d) = st
        .name(Site::Primary)
        .get()
        .and_then(|name| facts.domain(name))
    else {
        return 0;
    };
    let mut n = 0;
    let common = match st {
        ImportStorage::Nfs(f) | ImportStorage::Glusterfs(f) | ImportStorage::Posixfs(f) => {
            &mut f.common
        }
        ImportStorage::Iscsi(i) => &mut i.common,
        ImportStorage::Fcp(f) => &mut f.common,
    };
    let s = &mut common.sites.secondary;
    n += usize::from(put_text(&mut s.name, Some(&d.name)));
    n += usize::from(put_text(&mut s.dc_name, Some(&d.secondary_dc.name)));
    n += usize::from(put(&mut s.master_domain, Some(d.primary_master)));
    match (st, &d.secondary) {
        (
            ImportStorage::Nfs(f) | ImportStorage::Glusterfs(f) | ImportStorage::Posixfs(f),
            Location::Export {
                address,
                path,
                vfs_type,
            },
        ) => {
            let s = &mut f.sites.secondary;
            n += usize::from(put_text(&mut s.address, Some(address)));
            n += usize::from(put_text(&mut s.path, Some(path)));
            n += usize::from(put_text(&mut s.vfs_type, vfs_type.as_deref()));
        }
        (
            ImportStorage::Iscsi(i),
            Location::Lun {
                target: Some(t), ..
            },
        ) => {
            let s = &mut i.sites.secondary;
            n += usize::from(put_text(&mut s.address, Some(&t.address)));
            n += usize::from(put(&mut s.port, Some(t.port)));
            n += usize::from(put(&mut s.targets, Some(vec![t.iqn.clone()])));
            if let (Some(user), Some(password)) = (&t.username, &t.password) {
                s.username = Field::set(user.clone(), mapping::Pos::default());
                s.password = Field::set(
                    SecretValue::Plain(password.clone()),
                    mapping::Pos::default(),
                );
                n += 2;
            }
        }
        _ => {}
    }
    n
}

/// Fills the secondary names from the world's pairs; removes the entries whose primary name
/// has no pair (the entity exists on the primary only).
fn names(list: &mut Vec<NameMapping>, pairs: &[Pair]) -> usize {
    let mut n = 0;
    list.retain_mut(|e| {
        let Some(primary) = e.names.primary.get() else {
            return true;
        };
        match pairs.iter().find(|p| &p.from == primary) {
            Some(p) => {
                n += usize::from(put_text(&mut e.names.secondary, Some(&p.to)));
                true
            }
            None => !e.names.secondary.is_not_filled(),
        }
    });
    for (i, e) in list.iter_mut().enumerate() {
        e.index = i;
    }
    n
}
