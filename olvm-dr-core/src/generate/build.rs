//! Putting a generated mapping together: the sites' keys, the lists, the comments that guide
//! the person completing it, and the pre-fill from the secondary.

use std::collections::{BTreeSet, HashMap};

use super::hosted::{self, HostedEngineDisk};
use super::placeholder::{hint, set};
use super::{ConnectionKeys, GenerateOptions, Generated, fill, lists, storages, summary};
use crate::engine::LogicalUnit;
use crate::inventory::Inventory;
use crate::mapping::yaml::emit;
use crate::mapping::{Field, Mapping, NameMappingKind, PerSite, SaveComments, SiteKeys};

fn site_keys(keys: &ConnectionKeys) -> SiteKeys {
    SiteKeys {
        url: set(keys.url.clone()),
        username: set(keys.username.clone()),
        ca_file: keys.ca_file.clone().map_or(Field::Missing, set),
        insecure: if keys.insecure {
            set(true)
        } else {
            Field::Missing
        },
        password: Field::Missing,
    }
}

/// The secondary's keys as placeholders showing the primary's.
fn site_placeholders(keys: &ConnectionKeys) -> SiteKeys {
    SiteKeys {
        url: hint(emit::string(&keys.url)),
        username: hint(emit::string(&keys.username)),
        ca_file: keys
            .ca_file
            .as_ref()
            .map_or(Field::Missing, |c| hint(emit::string(c))),
        insecure: if keys.insecure {
            hint(true)
        } else {
            Field::Missing
        },
        password: Field::Missing,
    }
}

/// The comment before each list: what its entries are and what to fill in.
const LIST_NOTES: [(&str, &str); 7] = [
    (
        "dr_import_storages",
        "Storage domains attached to the primary's data centers, replicated to the secondary site.",
    ),
    (
        "dr_cluster_mappings",
        "Clusters: secondary_name is the cluster that takes the VMs of the primary's cluster.",
    ),
    (
        "dr_affinity_group_mappings",
        "Affinity groups: secondary_name is the group on the secondary site.",
    ),
    (
        "dr_affinity_label_mappings",
        "Affinity labels: secondary_name is the label on the secondary site.",
    ),
    (
        "dr_domain_mappings",
        "Authorization (AAA) domains: secondary_name is the domain of the same users on the secondary site.",
    ),
    (
        "dr_network_mappings",
        "vNIC profiles: the secondary's profile (name, network, id) that takes the primary's NICs; secondary_network_dc is needed when profile and network names repeat across data centers.",
    ),
    (
        "dr_lun_mappings",
        "Direct-LUN disks: the replicated LUN on the secondary site and how to reach it.",
    ),
];

pub(super) fn build(
    inv: &Inventory,
    host_luns: &HashMap<String, LogicalUnit>,
    he_disks: &[HostedEngineDisk],
    secondary: Option<&Inventory>,
    options: &GenerateOptions,
) -> Generated {
    let mut diagnostics = hosted::findings(he_disks, options.skip_hosted_engine_disks);
    let storages = storages::build(inv);
    diagnostics.extend(storages.diagnostics);
    let networks = lists::networks(inv, &mut diagnostics);
    let luns = lists::luns(inv, host_luns, &mut diagnostics);
    let names = |kind| set(lists::names(inv, kind));
    let mut mapping = Mapping {
        sites: PerSite {
            primary: site_keys(&options.primary),
            secondary: match &options.secondary {
                Some(k) => site_keys(k),
                None => site_placeholders(&options.primary),
            },
        },
        import_storages: set(storages.entries),
        cluster_mappings: names(NameMappingKind::Cluster),
        affinity_group_mappings: names(NameMappingKind::AffinityGroup),
        affinity_label_mappings: names(NameMappingKind::AffinityLabel),
        domain_mappings: names(NameMappingKind::Domain),
        role_mappings: names(NameMappingKind::Role),
        network_mappings: set(networks),
        lun_mappings: set(luns),
        extra: Vec::new(),
    };

    let mut comments = SaveComments::default();
    for (key, note) in LIST_NOTES {
        comments.add_before(key, [note.to_owned()]);
    }
    comments.add_before(
        "dr_role_mappings",
        ["Roles that have another name on the secondary site, one entry each (the blank entry is ignored).".to_owned()],
    );
    comments.add_list_end("dr_import_storages", storages.left_out);
    for n in mapping.networks() {
        if let Some(dc) = n.site(crate::Site::Primary).network_dc.get() {
            comments.add_before(
                format!("dr_network_mappings[{}].secondary_network_dc", n.index),
                [format!(
                    "secondary_network_dc: {}",
                    crate::mapping::yaml::emit::string(dc)
                )],
            );
        }
    }

    let matched = secondary.map(|s| {
        let idx = s.index();
        let m = fill::fill_from(&mut mapping, &mut comments, &idx);
        let theirs: BTreeSet<&str> = s.roles.iter().map(|r| r.name.as_str()).collect();
        let missing: Vec<&str> = inv
            .roles
            .iter()
            .map(|r| r.name.as_str())
            .filter(|r| !theirs.contains(r))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if !missing.is_empty() {
            comments.add_before(
                "dr_role_mappings",
                [format!(
                    "Roles of the primary that the secondary site does not have: {}.",
                    missing.join(", ")
                )],
            );
        }
        m
    });

    let summary = summary::Summary::of(&mapping, storages.left_out_count, he_disks.len(), matched);
    comments.header = summary::header(
        options,
        &summary,
        he_disks,
        options.skip_hosted_engine_disks,
    );
    Generated {
        mapping,
        comments,
        summary,
        diagnostics,
    }
}
