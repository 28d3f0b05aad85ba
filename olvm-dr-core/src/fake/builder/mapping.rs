//! The role-format mapping file that fits a built world, filled in for both sites — what an
//! administrator has after `generate` and completing the secondary. Tests, the lab and the demo
//! all use it.

use std::collections::HashMap;

use super::facts::{DomainFacts, Location, ProfileFacts, WorldFacts};
use crate::Site;
use crate::config::SecretValue;
use crate::engine::{Engine, EngineError, Id, StorageDomain, StorageDomainType, StorageType};
use crate::fake::World;
use crate::mapping::{
    FcpStorage, Field, FileSite, FileStorage, ImportStorage, IscsiSite, IscsiStorage, LunMapping,
    LunSite, Mapping, NameMapping, NameMappingKind, NetworkMapping, NetworkSite, PerSite, Pos,
    SiteKeys, StorageCommon, StorageSite,
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
    /// Write `dr_sites_{site}_insecure: true` (a lab with a throw-away certificate).
    pub insecure: bool,
}

/// What the Engines know beyond the builder's facts, for a more complete mapping.
#[derive(Debug, Clone, Default)]
pub struct LiveDetails {
    /// Network id → data center name, per site (`{site}_network_dc`).
    pub network_dcs: PerSite<HashMap<Id, String>>,
    /// The primary's domains by id (their attributes: wipe, backup, space thresholds, discard).
    pub domains: HashMap<Id, StorageDomain>,
}

impl LiveDetails {
    /// Reads them from `world`'s Engines: every network's data center on both sites, and the
    /// primary's storage domains. With them, [`WorldFacts::mapping_with`] gives the mapping an
    /// administrator has (profile names that repeat across data centers are told apart by
    /// `{site}_network_dc`, so the file passes offline validation).
    ///
    /// # Errors
    /// A site's Engine does not answer (read before a disaster).
    pub async fn read(world: &World) -> Result<Self, EngineError> {
        let mut network_dcs: PerSite<HashMap<Id, String>> = PerSite::default();
        for site in Site::BOTH {
            let engine = world.engine(site);
            let dcs: HashMap<Id, String> = engine
                .data_centers()
                .await?
                .into_iter()
                .map(|d| (d.id, d.name))
                .collect();
            let out = network_dcs.get_mut(site);
            for n in engine.networks().await? {
                if let Some(name) = dcs.get(&n.data_center) {
                    out.insert(n.id, name.clone());
                }
            }
        }
        let domains = world
            .engine(Site::Primary)
            .storage_domains()
            .await?
            .into_iter()
            .map(|d| (d.id, d))
            .collect();
        Ok(Self {
            network_dcs,
            domains,
        })
    }
}

impl WorldFacts {
    /// The mapping file for this world, with the domain attributes the builder gives every
    /// domain.
    pub fn mapping(&self, urls: &SiteUrls) -> Mapping {
        self.mapping_with(urls, &LiveDetails::default())
    }

    /// The mapping file for this world, with what the Engines report in `live`.
    pub fn mapping_with(&self, urls: &SiteUrls, live: &LiveDetails) -> Mapping {
        let site_keys = |url: &str| SiteKeys {
            url: set(url.to_owned()),
            username: set(urls.username.clone()),
            insecure: if urls.insecure {
                set(true)
            } else {
                Field::Missing
            },
            ..SiteKeys::default()
        };
        let masters = PerSite::from_fn(|site| masters(self, site));
        let mut m = Mapping {
            sites: PerSite {
                primary: site_keys(&urls.primary),
                secondary: site_keys(&urls.secondary),
            },
            import_storages: set(self
                .domains
                .iter()
                .enumerate()
                .map(|(i, d)| storage(i, d, &masters, live.domains.get(&d.id)))
                .collect()),
            network_mappings: set(self
                .mappings
                .vnic_profiles
                .iter()
                .enumerate()
                .map(|(index, p)| NetworkMapping {
                    index,
                    sites: PerSite {
                        primary: network(&p.primary, &live.network_dcs.primary),
                        secondary: network(&p.secondary, &live.network_dcs.secondary),
                    },
                    ..NetworkMapping::default()
                })
                .collect()),
            lun_mappings: set(self
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
                NameMappingKind::Cluster => &self.mappings.clusters,
                NameMappingKind::AffinityGroup => &self.mappings.affinity_groups,
                NameMappingKind::AffinityLabel => &self.mappings.affinity_labels,
                NameMappingKind::Domain => &self.mappings.authz_domains,
                NameMappingKind::Role => &self.mappings.roles,
            };
            let field = set(list
                .iter()
                .enumerate()
                .map(|(index, n)| NameMapping {
                    index,
                    names: PerSite {
                        primary: set(n.from.clone()),
                        secondary: set(n.to.clone()),
                    },
                    ..NameMapping::default()
                })
                .collect::<Vec<_>>());
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

/// The attributes the world builder gives every domain (when the Engine's are not known).
const DEFAULT_CRITICAL_SPACE_GIB: u32 = 5;
const DEFAULT_WARNING_LOW_SPACE_PERCENT: u32 = 10;

fn storage(
    index: usize,
    d: &DomainFacts,
    masters: &PerSite<Vec<Id>>,
    attrs: Option<&StorageDomain>,
) -> ImportStorage {
    let flag = |f: fn(&StorageDomain) -> bool| set(attrs.is_some_and(f));
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
        wipe_after_delete: flag(|a| a.wipe_after_delete),
        backup: flag(|a| a.backup),
        critical_space_action_blocker: set(attrs.map_or(DEFAULT_CRITICAL_SPACE_GIB, |a| {
            a.critical_space_action_blocker
        })),
        warning_low_space: set(attrs.map_or(DEFAULT_WARNING_LOW_SPACE_PERCENT, |a| {
            a.warning_low_space_indicator
        })),
        sites: PerSite::from_fn(site_common),
        ..StorageCommon::default()
    };
    match d.storage_type {
        StorageType::Iscsi => ImportStorage::Iscsi(IscsiStorage {
            common,
            domain_id: set(d.id),
            discard_after_delete: flag(|a| a.discard_after_delete),
            sites: PerSite::from_fn(|site| iscsi_site(d.location(site))),
        }),
        StorageType::Fcp => ImportStorage::Fcp(FcpStorage {
            common,
            domain_id: set(d.id),
            discard_after_delete: flag(|a| a.discard_after_delete),
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
            username: opt(t.username.clone()),
            password: opt(t.password.clone().map(SecretValue::Plain)),
        },
        _ => IscsiSite::default(),
    }
}

fn network(p: &ProfileFacts, dcs: &HashMap<Id, String>) -> NetworkSite {
    NetworkSite {
        network_name: set(p.network.clone()),
        profile_name: set(p.name.clone()),
        profile_id: set(p.id),
        network_dc: opt(dcs.get(&p.network_id).cloned()),
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
            s.portal = set("1".to_owned());
            s.target = set(t.iqn.clone());
            s.username = opt(t.username.clone());
            s.password = opt(t.password.clone().map(SecretValue::Plain));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::WorldBuilder;
    use crate::validate::{OfflineOptions, validate_offline};

    #[tokio::test]
    async fn the_mapping_with_live_details_passes_offline_validation() {
        let world = WorldBuilder::small(4).build();
        let live = LiveDetails::read(&world).await.unwrap();
        assert!(!live.network_dcs.primary.is_empty() && !live.network_dcs.secondary.is_empty());
        let urls = SiteUrls {
            primary: "http://p.invalid/ovirt-engine/api".into(),
            secondary: "http://s.invalid/ovirt-engine/api".into(),
            username: "admin@internal".into(),
            insecure: false,
        };
        let text = world.facts().mapping_with(&urls, &live).to_yaml();
        let loaded = Mapping::from_str(&text, None);
        assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
        let found = validate_offline(&loaded.mapping.unwrap(), None, &OfflineOptions::default());
        let errors: Vec<_> = found.iter().filter(|d| d.is_error()).collect();
        assert!(errors.is_empty(), "{errors:?}");

        world.disaster(Site::Primary);
        assert!(LiveDetails::read(&world).await.is_err());
    }
}
