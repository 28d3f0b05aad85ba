//! The mapping file of a lab: the role's var file filled in for both sites from the world's
//! facts, built as the core's [`Mapping`] model (and written with its own saver).

use std::collections::HashMap;

use olvm_dr_core::Site;
use olvm_dr_core::config::SecretValue;
use olvm_dr_core::engine::{
    Id, NameMapping as Names, StorageDomain, StorageDomainType, StorageType,
};
use olvm_dr_core::fake::{DomainFacts, Location, ProfileFacts, WorldFacts};
use olvm_dr_core::mapping::{
    FcpStorage, Field, FileSite, FileStorage, ImportStorage, IscsiSite, IscsiStorage, LunMapping,
    LunSite, Mapping, NameMapping, NameMappingKind, NetworkMapping, NetworkSite, PerSite, Pos,
    SiteKeys, StorageCommon, StorageSite,
};

/// The Engines' addresses and user, per site.
#[derive(Debug, Clone)]
pub(crate) struct SiteUrls {
    pub(crate) primary: String,
    pub(crate) secondary: String,
    pub(crate) username: String,
}

/// Network id → data center name, per site (for `{site}_network_dc`).
pub(crate) type NetworkDcs = PerSite<HashMap<Id, String>>;

/// The primary's domains by id (their attributes: wipe, backup, space thresholds, discard).
pub(crate) type Domains = HashMap<Id, StorageDomain>;

fn set<T>(value: T) -> Field<T> {
    Field::set(value, Pos::default())
}

/// The whole mapping for `facts`.
pub(crate) fn mapping(
    facts: &WorldFacts,
    urls: &SiteUrls,
    network_dcs: &NetworkDcs,
    domains: &Domains,
) -> Mapping {
    let site_keys = |url: &str| SiteKeys {
        url: set(url.to_owned()),
        username: set(urls.username.clone()),
        ..SiteKeys::default()
    };
    let masters = PerSite::from_fn(|site| masters(facts, site));
    let name_list = |list: &[Names]| {
        set(list
            .iter()
            .enumerate()
            .map(|(index, m)| NameMapping {
                index,
                names: PerSite {
                    primary: set(m.from.clone()),
                    secondary: set(m.to.clone()),
                },
                ..NameMapping::default()
            })
            .collect::<Vec<_>>())
    };
    let mut m = Mapping {
        sites: PerSite {
            primary: site_keys(&urls.primary),
            secondary: site_keys(&urls.secondary),
        },
        import_storages: set(facts
            .domains
            .iter()
            .enumerate()
            .map(|(i, d)| storage(i, d, &masters, domains.get(&d.id)))
            .collect()),
        network_mappings: set(facts
            .mappings
            .vnic_profiles
            .iter()
            .enumerate()
            .map(|(index, p)| NetworkMapping {
                index,
                sites: PerSite {
                    primary: network(&p.primary, &network_dcs.primary),
                    secondary: network(&p.secondary, &network_dcs.secondary),
                },
                ..NetworkMapping::default()
            })
            .collect()),
        lun_mappings: set(facts
            .luns
            .iter()
            .enumerate()
            .map(|(index, l)| LunMapping {
                index,
                alias: set(l.alias.clone()),
                sites: PerSite {
                    primary: lun(&l.primary, l.storage_type),
                    secondary: lun(&l.secondary, l.storage_type),
                },
                ..LunMapping::default()
            })
            .collect()),
        ..Mapping::default()
    };
    for kind in NameMappingKind::ALL {
        let list = match kind {
            NameMappingKind::Cluster => &facts.mappings.clusters,
            NameMappingKind::AffinityGroup => &facts.mappings.affinity_groups,
            NameMappingKind::AffinityLabel => &facts.mappings.affinity_labels,
            NameMappingKind::Domain => &facts.mappings.authz_domains,
            NameMappingKind::Role => &facts.mappings.roles,
        };
        let field = name_list(list);
        match kind {
            NameMappingKind::Cluster => m.cluster_mappings = field,
            NameMappingKind::AffinityGroup => m.affinity_group_mappings = field,
            NameMappingKind::AffinityLabel => m.affinity_label_mappings = field,
            NameMappingKind::Domain => m.domain_mappings = field,
            NameMappingKind::Role => m.role_mappings = field,
        }
    }
    m
}

/// The master domain of each data center on `site`: the primary's master where a replicated
/// domain is one, else the first replicated domain of the data center (the one a failover
/// attaches first, which then becomes master).
fn masters(facts: &WorldFacts, site: Site) -> Vec<Id> {
    let dc = |d: &DomainFacts| match site {
        Site::Primary => d.primary_dc.id,
        Site::Secondary => d.secondary_dc.id,
    };
    let mut out: Vec<Id> = Vec::new();
    let mut done: Vec<Id> = Vec::new();
    for d in &facts.domains {
        if done.contains(&dc(d)) {
            continue;
        }
        let in_dc: Vec<&DomainFacts> = facts.domains.iter().filter(|x| dc(x) == dc(d)).collect();
        let master = in_dc.iter().find(|x| x.primary_master).unwrap_or(&in_dc[0]);
        out.push(master.id);
        done.push(dc(d));
    }
    out
}

fn storage(
    index: usize,
    d: &DomainFacts,
    masters: &PerSite<Vec<Id>>,
    attrs: Option<&StorageDomain>,
) -> ImportStorage {
    let attr = |f: fn(&StorageDomain) -> bool| attrs.map_or(Field::Missing, |a| set(f(a)));
    let number = |f: fn(&StorageDomain) -> u32| attrs.map_or(Field::Missing, |a| set(f(a)));
    let site_common = |site: Site| StorageSite {
        name: set(d.name.clone()),
        dc_name: set(match site {
            Site::Primary => d.primary_dc.name.clone(),
            Site::Secondary => d.secondary_dc.name.clone(),
        }),
        master_domain: set(masters.get(site).contains(&d.id)),
    };
    let common = StorageCommon {
        index,
        storage_domain_type: set(StorageDomainType::Data),
        wipe_after_delete: attr(|a| a.wipe_after_delete),
        backup: attr(|a| a.backup),
        critical_space_action_blocker: number(|a| a.critical_space_action_blocker),
        warning_low_space: number(|a| a.warning_low_space_indicator),
        sites: PerSite::from_fn(site_common),
        ..StorageCommon::default()
    };
    match d.storage_type {
        StorageType::Iscsi => ImportStorage::Iscsi(IscsiStorage {
            common,
            domain_id: set(d.id),
            discard_after_delete: attr(|a| a.discard_after_delete),
            sites: PerSite::from_fn(|site| iscsi_site(d.location(site))),
        }),
        StorageType::Fcp => ImportStorage::Fcp(FcpStorage {
            common,
            domain_id: set(d.id),
            discard_after_delete: attr(|a| a.discard_after_delete),
        }),
        t => {
            let file = FileStorage {
                common,
                sites: PerSite::from_fn(|site| file_site(d.location(site), t)),
            };
            match t {
                StorageType::Glusterfs => ImportStorage::Glusterfs(file),
                StorageType::Posixfs => ImportStorage::Posixfs(file),
                _ => ImportStorage::Nfs(file),
            }
        }
    }
}

fn file_site(location: &Location, t: StorageType) -> FileSite {
    match location {
        Location::Export {
            address,
            path,
            vfs_type,
        } => FileSite {
            address: set(address.clone()),
            path: set(path.clone()),
            vfs_type: match (t, vfs_type) {
                (StorageType::Posixfs, Some(v)) => set(v.clone()),
                _ => Field::Missing,
            },
            ..FileSite::default()
        },
        Location::Lun { .. } => FileSite::default(),
    }
}

fn iscsi_site(location: &Location) -> IscsiSite {
    match location {
        Location::Lun {
            target: Some(t), ..
        } => IscsiSite {
            address: set(t.address.clone()),
            port: set(t.port),
            targets: set(vec![t.iqn.clone()]),
            username: t.username.clone().map_or(Field::Missing, set),
            password: t
                .password
                .clone()
                .map_or(Field::Missing, |p| set(SecretValue::Plain(p))),
        },
        _ => IscsiSite::default(),
    }
}

fn network(p: &ProfileFacts, dcs: &HashMap<Id, String>) -> NetworkSite {
    NetworkSite {
        network_name: set(p.network.clone()),
        profile_name: set(p.name.clone()),
        profile_id: set(p.id),
        network_dc: dcs.get(&p.network_id).cloned().map_or(Field::Missing, set),
    }
}

fn lun(location: &Location, storage_type: StorageType) -> LunSite {
    let mut s = LunSite {
        storage_type: set(storage_type),
        ..LunSite::default()
    };
    if let Location::Lun { lun_id, target } = location {
        s.logical_unit_id = set(lun_id.clone());
        if let Some(t) = target {
            s.address = set(t.address.clone());
            s.port = set(t.port);
            s.target = set(t.iqn.clone());
            s.username = t.username.clone().map_or(Field::Missing, set);
            s.password = t
                .password
                .clone()
                .map_or(Field::Missing, |p| set(SecretValue::Plain(p)));
        }
    }
    s
}
