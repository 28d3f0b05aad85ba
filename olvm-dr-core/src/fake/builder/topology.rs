//! The inventory of both sites: data centers, clusters, hosts, networks and profiles, MAC pools,
//! users, roles, affinity groups and labels, and the name mappings between them.

use std::collections::HashMap;

use crate::Site;
use crate::engine::{HostStatus, Id, NameMapping, Version};

use super::super::setup::Setup;
use super::WorldBuilder;
use super::facts::{ClusterFacts, HostFacts, Named, ProfileFacts, VnicPair, WorldFacts};

/// The compatibility level of every data center and cluster.
const LEVEL: Version = Version::new(4, 7);

/// The logical networks of a data center (name, VLAN) and their name on the secondary.
const NETWORKS: [(&str, Option<u32>, &str); 4] = [
    ("ovirtmgmt", None, "ovirtmgmt"),
    ("prod-net", Some(100), "prod-net"),
    ("db-net", Some(200), "db-net-dr"),
    ("backup-net", Some(300), "backup-net"),
];

/// Extra profiles (network index, primary name, secondary name) besides one per network named
/// after it.
const EXTRA_PROFILES: [(usize, &str, &str); 1] = [(1, "gold", "gold-dr")];

/// Authz domains: (primary name, secondary name, users).
const AUTHZ: [(&str, &str, &[&str]); 2] = [
    (
        "internal-authz",
        "internal-authz",
        &["admin", "alice", "bob"],
    ),
    ("corp.example", "dr.example", &["carol", "dave"]),
];

/// Roles on both sites; `OpsCustom` exists on the primary only (its permissions are dropped on
/// failover).
const ROLES: [(&str, bool); 4] = [
    ("SuperUser", true),
    ("UserVmManager", false),
    ("PowerUserRole", false),
    ("TemplateOwner", false),
];
pub(super) const CUSTOM_ROLE: &str = "OpsCustom";

/// Affinity labels: (primary name, secondary name if it exists there).
const LABELS: [(&str, Option<&str>); 3] = [
    ("tier-1", Some("tier-1")),
    ("tier-2", Some("tier-2-dr")),
    ("pci", None),
];

/// One site's inventory, indexed the same way on both sites.
#[derive(Debug)]
pub(super) struct SiteTopo {
    pub(super) dcs: Vec<Id>,
    /// Per data center.
    pub(super) clusters: Vec<Vec<Id>>,
    /// Per data center: the profiles, one per network then the extras.
    pub(super) profiles: Vec<Vec<ProfileFacts>>,
    /// Per cluster: the affinity groups (spread, pair).
    pub(super) groups: HashMap<Id, [Id; 2]>,
    /// The labels that exist on the site, by primary label index.
    pub(super) labels: Vec<Option<Id>>,
    pub(super) mac_pool: Id,
}

/// Both sites' inventories.
#[derive(Debug)]
pub(super) struct Topology {
    pub(super) primary: SiteTopo,
    pub(super) secondary: SiteTopo,
}

impl Topology {
    pub(super) fn site(&self, site: Site) -> &SiteTopo {
        match site {
            Site::Primary => &self.primary,
            Site::Secondary => &self.secondary,
        }
    }
}

fn cluster_name(site: Site, dc: usize, c: usize) -> String {
    let base = format!("prod-dc{}-c{}", dc + 1, c + 1);
    if site == Site::Secondary && (dc + c) % 2 == 1 {
        format!("{base}-dr")
    } else {
        base
    }
}

fn build_site(
    b: &WorldBuilder,
    setup: &mut Setup<'_>,
    site: Site,
    facts: &mut WorldFacts,
) -> SiteTopo {
    let (prefix, range) = match site {
        Site::Primary => ("prod", ("56:6f:1a:00:00:00", "56:6f:1a:ff:ff:ff")),
        Site::Secondary => ("dr", ("56:6f:2b:00:00:00", "56:6f:2b:ff:ff:ff")),
    };
    let mut topo = SiteTopo {
        dcs: Vec::new(),
        clusters: Vec::new(),
        profiles: Vec::new(),
        groups: HashMap::new(),
        labels: Vec::new(),
        mac_pool: setup.add_mac_pool(site, &[range], false),
    };
    let hosts_per_cluster = super::sizing::hosts_per_cluster(b);
    let mut host_no = 0;
    let mut sf = std::mem::take(match site {
        Site::Primary => &mut facts.primary,
        Site::Secondary => &mut facts.secondary,
    });
    for dc_ix in 0..b.data_centers {
        let dc_name = format!("{prefix}-dc{}", dc_ix + 1);
        let dc = setup.add_data_center(site, &dc_name, LEVEL);
        sf.data_centers.push(Named {
            name: dc_name,
            id: dc,
        });
        topo.dcs.push(dc);
        let mut clusters = Vec::new();
        for c_ix in 0..b.clusters_per_dc {
            let name = cluster_name(site, dc_ix, c_ix);
            let cluster = setup.add_cluster(site, &name, dc, topo.mac_pool, LEVEL);
            sf.clusters.push(ClusterFacts {
                name: name.clone(),
                id: cluster,
                data_center: dc,
            });
            for _ in 0..hosts_per_cluster {
                host_no += 1;
                let host_name = format!("{prefix}-h{host_no:02}");
                let id = setup.add_host(site, &host_name, cluster, HostStatus::Up);
                sf.hosts.push(HostFacts {
                    name: host_name,
                    id,
                    cluster,
                    data_center: dc,
                    up: true,
                });
            }
            let spread = setup.add_affinity_group(site, cluster, &format!("{name}-spread"), false);
            let pair = setup.add_affinity_group(site, cluster, &format!("{name}-pair"), true);
            sf.affinity_groups.push(Named {
                name: format!("{name}-spread"),
                id: spread,
            });
            sf.affinity_groups.push(Named {
                name: format!("{name}-pair"),
                id: pair,
            });
            topo.groups.insert(cluster, [spread, pair]);
            clusters.push(cluster);
        }
        let mut profiles = Vec::new();
        let mut nets = Vec::new();
        for (p_name, vlan, s_name) in NETWORKS {
            let name = if site == Site::Primary {
                p_name
            } else {
                s_name
            };
            let net = setup.add_network(site, dc, name, vlan, &clusters);
            let id = setup.add_vnic_profile(site, net, name);
            profiles.push(ProfileFacts {
                name: name.into(),
                id,
                network: name.into(),
                network_id: net,
            });
            nets.push((name, net));
        }
        for (net_ix, p_name, s_name) in EXTRA_PROFILES {
            let name = if site == Site::Primary {
                p_name
            } else {
                s_name
            };
            let (net_name, net) = nets[net_ix];
            let id = setup.add_vnic_profile(site, net, name);
            profiles.push(ProfileFacts {
                name: name.into(),
                id,
                network: net_name.into(),
                network_id: net,
            });
        }
        sf.profiles.extend(profiles.iter().cloned());
        topo.profiles.push(profiles);
        topo.clusters.push(clusters);
    }
    if b.host_in_maintenance
        && let Some(last) = sf.hosts.last_mut()
    {
        last.up = false;
        let id = last.id;
        setup
            .w
            .site_mut(site)
            .inv
            .hosts
            .get_mut(&id)
            .expect("just added")
            .status = HostStatus::Maintenance;
    }
    for (p_authz, s_authz, users) in AUTHZ {
        let authz = if site == Site::Primary {
            p_authz
        } else {
            s_authz
        };
        for user in users {
            setup.add_user(site, user, authz);
            sf.users.push(format!("{user}@{authz}"));
        }
    }
    for (role, admin) in ROLES {
        let id = setup.add_role(site, role, admin);
        sf.roles.push(Named {
            name: role.into(),
            id,
        });
    }
    if site == Site::Primary {
        let id = setup.add_role(site, CUSTOM_ROLE, false);
        sf.roles.push(Named {
            name: CUSTOM_ROLE.into(),
            id,
        });
    }
    for (p_name, s_name) in LABELS {
        let name = if site == Site::Primary {
            Some(p_name)
        } else {
            s_name
        };
        let id = name.map(|n| {
            let id = setup.add_affinity_label(site, n);
            sf.affinity_labels.push(Named { name: n.into(), id });
            id
        });
        topo.labels.push(id);
    }
    match site {
        Site::Primary => facts.primary = sf,
        Site::Secondary => facts.secondary = sf,
    }
    topo
}

/// Builds both sites' inventories and records the mappings between them.
pub(super) fn build(b: &WorldBuilder, setup: &mut Setup<'_>, facts: &mut WorldFacts) -> Topology {
    let primary = build_site(b, setup, Site::Primary, facts);
    let secondary = build_site(b, setup, Site::Secondary, facts);
    let m = &mut facts.mappings;
    for (p, s) in facts.primary.clusters.iter().zip(&facts.secondary.clusters) {
        m.clusters.push(NameMapping::new(&p.name, &s.name));
    }
    for (p, s) in facts
        .primary
        .affinity_groups
        .iter()
        .zip(&facts.secondary.affinity_groups)
    {
        m.affinity_groups.push(NameMapping::new(&p.name, &s.name));
    }
    for (p, s) in LABELS {
        if let Some(s) = s {
            m.affinity_labels.push(NameMapping::new(p, s));
        }
    }
    for (p, s, _) in AUTHZ {
        m.authz_domains.push(NameMapping::new(p, s));
    }
    for (role, _) in ROLES {
        m.roles.push(NameMapping::new(role, role));
    }
    for (p, s) in primary
        .profiles
        .iter()
        .flatten()
        .zip(secondary.profiles.iter().flatten())
    {
        m.vnic_profiles.push(VnicPair {
            primary: p.clone(),
            secondary: s.clone(),
        });
    }
    Topology { primary, secondary }
}
