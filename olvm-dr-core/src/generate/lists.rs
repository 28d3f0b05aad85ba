//! The name mappings, the vNIC profile mappings and the direct-LUN mappings of a generated file.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::placeholder::{blank, hint, hint_of, password, portal_tag, set};
use crate::engine::{Disk, Engine, LogicalUnit, StorageType};
use crate::inventory::{Inventory, ReadError, up_host_luns};
use crate::mapping::{
    Field, LunMapping, LunSite, NameMapping, NameMappingKind, NetworkMapping, NetworkSite, PerSite,
};
use crate::validate::codes;
use crate::{Diagnostic, Location, Site};

/// One `{primary_name, secondary_name}` entry: the primary's name, the secondary's a
/// placeholder.
fn name_entry(index: usize, name: &str) -> NameMapping {
    NameMapping {
        index,
        names: PerSite {
            primary: set(name.to_owned()),
            secondary: hint(crate::mapping::yaml::emit::string(name)),
        },
        ..NameMapping::default()
    }
}

/// The entries of `names`, sorted, each name once (affinity group names repeat across
/// clusters; the role writes them twice and its validator then rejects the duplicates).
fn name_entries<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<NameMapping> {
    names
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .enumerate()
        .map(|(i, n)| name_entry(i, n))
        .collect()
}

/// The entries of one kind of name mapping.
pub(super) fn names(inv: &Inventory, kind: NameMappingKind) -> Vec<NameMapping> {
    match kind {
        NameMappingKind::Cluster => name_entries(inv.clusters.iter().map(|c| c.name.as_str())),
        NameMappingKind::AffinityGroup => {
            name_entries(inv.affinity_groups.iter().map(|g| g.name.as_str()))
        }
        NameMappingKind::AffinityLabel => {
            name_entries(inv.affinity_labels.iter().map(|l| l.name.as_str()))
        }
        NameMappingKind::Domain => name_entries(inv.authz_domains.iter().map(|d| d.name.as_str())),
        // The role writes one blank entry, to be filled with roles that differ between sites.
        NameMappingKind::Role => vec![NameMapping {
            index: 0,
            names: PerSite {
                primary: blank(),
                secondary: blank(),
            },
            ..NameMapping::default()
        }],
    }
}

/// One entry per vNIC profile, in data center, network and profile name order. The data
/// center is written for the primary (profile and network names repeat across data centers);
/// the secondary's is a commented-out line until it is known.
pub(super) fn networks(inv: &Inventory, diagnostics: &mut Vec<Diagnostic>) -> Vec<NetworkMapping> {
    let idx = inv.index();
    let mut rows = Vec::new();
    for p in &inv.vnic_profiles {
        let Some(net) = idx.network(p.network) else {
            diagnostics.push(
                Diagnostic::warning(
                    codes::GENERATE_FACTS_UNKNOWN,
                    format!(
                        "vNIC profile '{}' ({}) is on network {}, which the Engine does not list: left out",
                        p.name, p.id, p.network
                    ),
                )
                .at(Location {
                    site: Some(Site::Primary),
                    entity: Some(format!("vNIC profile '{}'", p.name)),
                    key: Some("dr_network_mappings".into()),
                    ..Location::default()
                }),
            );
            continue;
        };
        let dc = idx
            .data_center(net.data_center)
            .map(|d| d.name.clone())
            .unwrap_or_default();
        rows.push((dc, net.name.clone(), p.name.clone(), p.id));
    }
    rows.sort();
    rows.into_iter()
        .enumerate()
        .map(|(index, (dc, network, profile, id))| {
            let primary = NetworkSite {
                network_name: set(network),
                profile_name: set(profile),
                profile_id: set(id),
                network_dc: if dc.is_empty() {
                    Field::Missing
                } else {
                    set(dc)
                },
            };
            let secondary = NetworkSite {
                network_name: hint_of(&primary.network_name),
                profile_name: hint_of(&primary.profile_name),
                profile_id: hint_of(&primary.profile_id),
                network_dc: Field::Missing,
            };
            NetworkMapping {
                index,
                sites: PerSite { primary, secondary },
                ..NetworkMapping::default()
            }
        })
        .collect()
}

/// The connection facts the Engine reports on a direct-LUN disk are complete when it names the
/// LUN and, for iSCSI, its portal and target.
fn complete(disk: &Disk) -> bool {
    let Some(lun) = &disk.lun_storage else {
        return false;
    };
    let Some(lu) = lun.logical_units.first() else {
        return false;
    };
    lun.storage_type != StorageType::Iscsi || (lu.address.is_some() && lu.target.is_some())
}

/// The LUN facts of UP hosts for the direct-LUN disks whose own facts are incomplete: no host is
/// asked when every disk's facts are complete.
pub(super) async fn lun_facts(
    engine: &dyn Engine,
    inv: &Inventory,
) -> Result<HashMap<String, LogicalUnit>, ReadError> {
    let wanted: HashSet<String> = inv
        .lun_disks
        .iter()
        .filter(|d| !complete(d))
        .filter_map(|d| d.lun_storage.as_ref()?.logical_units.first())
        .map(|lu| lu.id.clone())
        .collect();
    if wanted.is_empty() {
        return Ok(HashMap::new());
    }
    let hosts = engine.hosts().await.map_err(|error| ReadError {
        collection: "hosts",
        error,
    })?;
    let found = up_host_luns(engine, &hosts, &wanted).await;
    for (host, e) in &found.failures {
        tracing::warn!(host = %host, error = %e, "cannot list the LUNs a host sees");
    }
    Ok(found
        .found
        .into_iter()
        .map(|(id, (_, lun))| (id, lun.logical_unit))
        .collect())
}

/// One entry per direct-LUN disk, in alias order.
pub(super) fn luns(
    inv: &Inventory,
    host_facts: &HashMap<String, LogicalUnit>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<LunMapping> {
    let mut disks: Vec<&Disk> = inv.lun_disks.iter().collect();
    disks.sort_by(|a, b| a.alias.cmp(&b.alias).then(a.id.cmp(&b.id)));
    let mut out = Vec::new();
    for d in disks {
        let Some(lun) = &d.lun_storage else {
            continue;
        };
        let Some(first) = lun.logical_units.first() else {
            continue;
        };
        let lu = if complete(d) {
            first
        } else {
            host_facts.get(&first.id).unwrap_or(first)
        };
        let iscsi = lun.storage_type == StorageType::Iscsi;
        if iscsi && (lu.address.is_none() || lu.target.is_none()) {
            diagnostics.push(
                Diagnostic::warning(
                    codes::GENERATE_FACTS_UNKNOWN,
                    format!(
                        "no UP host reports the iSCSI portal and target of LUN {} (disk '{}')",
                        first.id, d.alias
                    ),
                )
                .at(Location {
                    site: Some(Site::Primary),
                    entity: Some(format!("disk '{}'", d.alias)),
                    key: Some("dr_lun_mappings".into()),
                    ..Location::default()
                })
                .with_hint("fill in primary_logical_unit_address and _target by hand"),
            );
        }
        let primary = lun_site(lu, lun.storage_type);
        let secondary = LunSite {
            logical_unit_id: hint_of(&primary.logical_unit_id),
            storage_type: hint_of(&primary.storage_type),
            address: present(&primary.address, iscsi),
            port: present(&primary.port, iscsi),
            portal: present(&primary.portal, iscsi),
            target: present(&primary.target, iscsi),
            username: present(&primary.username, primary.username.is_set()),
            password: if primary.username.is_set() {
                password()
            } else {
                Field::Missing
            },
        };
        let index = out.len();
        out.push(LunMapping {
            index,
            alias: set(d.alias.clone()),
            description: d
                .description
                .clone()
                .filter(|t| !t.is_empty())
                .map_or(Field::Missing, set),
            wipe_after_delete: set(d.wipe_after_delete),
            shareable: set(d.shareable),
            sites: PerSite { primary, secondary },
            ..LunMapping::default()
        });
    }
    out
}

/// The secondary's placeholder for an iSCSI key: a hint when the primary has a value, an empty
/// placeholder when it does not, nothing for other storage types.
fn present<T: super::placeholder::HintText>(field: &Field<T>, wanted: bool) -> Field<T> {
    if wanted {
        hint_of(field)
    } else {
        Field::Missing
    }
}

fn lun_site(lu: &LogicalUnit, storage_type: StorageType) -> LunSite {
    let text = |v: &Option<String>| match v.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() => set(t.to_owned()),
        _ => blank(),
    };
    let mut s = LunSite {
        logical_unit_id: set(lu.id.clone()),
        storage_type: set(storage_type),
        ..LunSite::default()
    };
    if storage_type == StorageType::Iscsi {
        s.address = text(&lu.address);
        s.port = lu.port.map_or(Field::Missing, set);
        s.portal = lu
            .portal
            .as_deref()
            .and_then(portal_tag)
            .map_or(Field::Missing, set);
        s.target = text(&lu.target);
        if let Some(user) = lu.username.clone().filter(|u| !u.trim().is_empty()) {
            s.username = set(user);
            s.password = password();
        }
    }
    s
}
