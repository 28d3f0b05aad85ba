//! [`WorldFacts::mapping`]: the role-format mapping file that fits a built world, filled in for
//! both sites — what an administrator would have after `generate` and filling in the secondary.

use super::facts::{DomainFacts, Location, WorldFacts};
use crate::Site;
use crate::config::SecretValue;
use crate::engine::{StorageDomainType, StorageType};
use crate::mapping::{
    FcpStorage, Field, FileSite, FileStorage, ImportStorage, IscsiSite, IscsiStorage, LunMapping,
    LunSite, Mapping, NameMapping, NetworkMapping, NetworkSite, PerSite, Pos, SiteKeys,
    StorageCommon, StorageSite,
};

fn set<T>(value: T) -> Field<T> {
    Field::set(value, Pos::default())
}

fn opt<T>(value: Option<T>) -> Field<T> {
    value.map_or(Field::Missing, set)
}

/// Where the Engines of a world are reached, for the mapping's site keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteUrls {
    /// The primary's API URL.
    pub primary: String,
    /// The secondary's API URL.
    pub secondary: String,
    /// The user on both sites.
    pub username: String,
    /// Write `dr_sites_{site}_insecure: true` (a lab on plain HTTP or with a throw-away
    /// certificate).
    pub insecure: bool,
}

impl WorldFacts {
    /// The mapping file for this world: every replicated domain with both sites' names, data
    /// centers, master flags and storage connections; every name, vNIC-profile and LUN mapping.
    pub fn mapping(&self, urls: &SiteUrls) -> Mapping {
        let site_keys = |url: &str| SiteKeys {
            url: set(url.to_owned()),
            username: set(urls.username.clone()),
            ca_file: Field::Missing,
            insecure: if urls.insecure {
                set(true)
            } else {
                Field::Missing
            },
            password: Field::Missing,
        };
        let names = |list: &[crate::engine::NameMapping]| -> Field<Vec<NameMapping>> {
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
                .collect())
        };
        let networks = self
            .mappings
            .vnic_profiles
            .iter()
            .enumerate()
            .map(|(index, p)| {
                let side = |f: &super::facts::ProfileFacts| NetworkSite {
                    network_name: set(f.network.clone()),
                    profile_name: set(f.name.clone()),
                    profile_id: set(f.id),
                    network_dc: Field::Missing,
                };
                NetworkMapping {
                    index,
                    sites: PerSite {
                        primary: side(&p.primary),
                        secondary: side(&p.secondary),
                    },
                    ..NetworkMapping::default()
                }
            })
            .collect();
        let luns = self
            .luns
            .iter()
            .enumerate()
            .map(|(index, l)| LunMapping {
                index,
                alias: set(l.alias.clone()),
                sites: PerSite {
                    primary: lun_site(&l.primary, l.storage_type),
                    secondary: lun_site(&l.secondary, l.storage_type),
                },
                ..LunMapping::default()
            })
            .collect();
        Mapping {
            sites: PerSite {
                primary: site_keys(&urls.primary),
                secondary: site_keys(&urls.secondary),
            },
            import_storages: set(self
                .domains
                .iter()
                .enumerate()
                .map(|(i, d)| import_storage(i, d))
                .collect()),
            cluster_mappings: names(&self.mappings.clusters),
            affinity_group_mappings: names(&self.mappings.affinity_groups),
            affinity_label_mappings: names(&self.mappings.affinity_labels),
            domain_mappings: names(&self.mappings.authz_domains),
            role_mappings: names(&self.mappings.roles),
            network_mappings: set(networks),
            lun_mappings: set(luns),
            extra: Vec::new(),
        }
    }
}

fn lun_site(location: &Location, storage_type: StorageType) -> LunSite {
    let Location::Lun { lun_id, target } = location else {
        return LunSite::default();
    };
    let t = target.as_ref();
    LunSite {
        logical_unit_id: set(lun_id.clone()),
        storage_type: set(storage_type),
        address: opt(t.map(|t| t.address.clone())),
        port: opt(t.map(|t| t.port)),
        portal: opt(t.map(|_| "1".to_owned())),
        target: opt(t.map(|t| t.iqn.clone())),
        username: opt(t.and_then(|t| t.username.clone())),
        password: opt(t.and_then(|t| t.password.clone()).map(SecretValue::Plain)),
    }
}

fn import_storage(index: usize, d: &DomainFacts) -> ImportStorage {
    let site = |s: Site| {
        let dc = match s {
            Site::Primary => &d.primary_dc,
            Site::Secondary => &d.secondary_dc,
        };
        StorageSite {
            name: set(d.name.clone()),
            dc_name: set(dc.name.clone()),
            master_domain: set(d.primary_master),
        }
    };
    let common = StorageCommon {
        index,
        storage_domain_type: set(StorageDomainType::Data),
        wipe_after_delete: set(false),
        backup: set(false),
        critical_space_action_blocker: set(5),
        warning_low_space: set(10),
        sites: PerSite::from_fn(site),
        ..StorageCommon::default()
    };
    match d.storage_type {
        StorageType::Iscsi => ImportStorage::Iscsi(IscsiStorage {
            common,
            discard_after_delete: set(false),
            domain_id: set(d.id),
            sites: PerSite::from_fn(|s| iscsi_site(d.location(s))),
        }),
        StorageType::Fcp => ImportStorage::Fcp(FcpStorage {
            common,
            discard_after_delete: set(false),
            domain_id: set(d.id),
        }),
        t => {
            let file = FileStorage {
                common,
                sites: PerSite::from_fn(|s| file_site(d.location(s), t)),
            };
            match t {
                StorageType::Glusterfs => ImportStorage::Glusterfs(file),
                StorageType::Posixfs => ImportStorage::Posixfs(file),
                _ => ImportStorage::Nfs(file),
            }
        }
    }
}

fn file_site(location: &Location, storage_type: StorageType) -> FileSite {
    let Location::Export {
        address,
        path,
        vfs_type,
    } = location
    else {
        return FileSite::default();
    };
    FileSite {
        address: set(address.clone()),
        path: set(path.clone()),
        vfs_type: if storage_type == StorageType::Posixfs {
            opt(vfs_type.clone())
        } else {
            Field::Missing
        },
        ..FileSite::default()
    }
}

fn iscsi_site(location: &Location) -> IscsiSite {
    let Location::Lun {
        target: Some(t), ..
    } = location
    else {
        return IscsiSite::default();
    };
    IscsiSite {
        address: set(t.address.clone()),
        port: set(t.port),
        targets: set(vec![t.iqn.clone()]),
        username: opt(t.username.clone()),
        password: opt(t.password.clone().map(SecretValue::Plain)),
    }
}
