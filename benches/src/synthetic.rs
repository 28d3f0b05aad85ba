//! A synthetic, realistic, fully filled mapping file of any size: every storage type, clusters,
//! affinity groups and labels, authz domains, roles, vNIC profiles and direct LUNs, spread over
//! data centers of ten domains each with one master per data center.

use std::fmt::Write as _;

/// How many entries of each list, for `total` entries overall: 20 % storage domains, 20 %
/// clusters, 10 % affinity groups, 10 % labels, 5 % authz domains, 5 % roles, 20 % vNIC
/// profiles, 10 % LUNs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// `dr_import_storages` entries.
    pub storages: usize,
    /// `dr_cluster_mappings` entries.
    pub clusters: usize,
    /// `dr_affinity_group_mappings` entries.
    pub groups: usize,
    /// `dr_affinity_label_mappings` entries.
    pub labels: usize,
    /// `dr_domain_mappings` entries.
    pub domains: usize,
    /// `dr_role_mappings` entries.
    pub roles: usize,
    /// `dr_network_mappings` entries.
    pub networks: usize,
    /// `dr_lun_mappings` entries.
    pub luns: usize,
}

impl Shape {
    /// The split of `total` entries.
    pub fn of(total: usize) -> Self {
        let pct = |p: usize| (total * p / 100).max(1);
        Self {
            storages: pct(20),
            clusters: pct(20),
            groups: pct(10),
            labels: pct(10),
            domains: pct(5),
            roles: pct(5),
            networks: pct(20),
            luns: pct(10),
        }
    }

    /// Entries overall.
    pub fn total(&self) -> usize {
        self.storages
            + self.clusters
            + self.groups
            + self.labels
            + self.domains
            + self.roles
            + self.networks
            + self.luns
    }
}

fn uuid(kind: u32, i: usize) -> String {
    format!("{kind:08x}-0000-4000-8000-{i:012x}")
}

/// The mapping text; `ca_file` is written for both sites.
pub fn mapping(shape: Shape, ca_file: &str) -> String {
    let mut s = String::with_capacity(shape.total() * 400);
    for (site, host) in [("primary", "engine1"), ("secondary", "engine2")] {
        let _ = writeln!(
            s,
            "dr_sites_{site}_url: https://{host}.example.com/ovirt-engine/api"
        );
        let _ = writeln!(s, "dr_sites_{site}_username: admin@internal");
        let _ = writeln!(s, "dr_sites_{site}_ca_file: {ca_file}");
    }
    s.push_str("dr_import_storages:\n");
    for i in 0..shape.storages {
        let kind = ["nfs", "glusterfs", "posixfs", "iscsi", "fcp"][i % 5];
        let master = i % 10 == 0;
        let _ = write!(
            s,
            "- dr_domain_type: {kind}\n  dr_wipe_after_delete: false\n  dr_backup: false\n  \
             dr_critical_space_action_blocker: 5\n  dr_storage_domain_type: data\n  dr_warning_low_space: 10\n"
        );
        if kind == "iscsi" || kind == "fcp" {
            let _ = write!(
                s,
                "  dr_discard_after_delete: true\n  dr_domain_id: {}\n",
                uuid(1, i)
            );
        }
        for (site, net) in [("primary", 0), ("secondary", 1)] {
            let _ = write!(
                s,
                "  dr_{site}_name: sd_{i}\n  dr_{site}_master_domain: {master}\n  dr_{site}_dc_name: dc{site}_{}\n",
                i / 10
            );
            match kind {
                "nfs" | "glusterfs" | "posixfs" => {
                    let _ = write!(
                        s,
                        "  dr_{site}_address: 10.{net}.{}.{}\n  dr_{site}_path: /exports/sd_{i}\n",
                        i / 250,
                        i % 250
                    );
                    if kind == "posixfs" {
                        let _ = writeln!(s, "  dr_{site}_vfs_type: ceph");
                    }
                }
                "iscsi" => {
                    let _ = write!(
                        s,
                        "  dr_{site}_address: 10.{net}.200.{}\n  dr_{site}_port: 3260\n  dr_{site}_target: [\"iqn.2003-01.com.example:{site}.{i}.a\", \"iqn.2003-01.com.example:{site}.{i}.b\"]\n",
                        i % 250
                    );
                }
                _ => {}
            }
        }
    }
    for (key, n, prefix) in [
        ("dr_cluster_mappings", shape.clusters, "cluster"),
        ("dr_affinity_group_mappings", shape.groups, "group"),
        ("dr_affinity_label_mappings", shape.labels, "label"),
        ("dr_domain_mappings", shape.domains, "authz"),
        ("dr_role_mappings", shape.roles, "role"),
    ] {
        let _ = writeln!(s, "{key}:");
        for i in 0..n {
            let _ = write!(
                s,
                "- primary_name: {prefix}_{i}\n  secondary_name: {prefix}_{i}_dr\n"
            );
        }
    }
    s.push_str("dr_network_mappings:\n");
    for i in 0..shape.networks {
        for (site, kind) in [("primary", 2), ("secondary", 3)] {
            let _ = write!(
                s,
                "{}{site}_network_name: net_{i}\n  {site}_profile_name: prof_{i}\n  {site}_profile_id: {}\n",
                if site == "primary" { "- " } else { "  " },
                uuid(kind, i)
            );
        }
    }
    s.push_str("dr_lun_mappings:\n");
    for i in 0..shape.luns {
        let _ = write!(
            s,
            "- logical_unit_alias: lun_{i}\n  wipe_after_delete: false\n  shareable: false\n"
        );
        for (site, net) in [("primary", 0), ("secondary", 1)] {
            if i % 2 == 0 {
                let _ = write!(
                    s,
                    "  {site}_storage_type: iscsi\n  {site}_logical_unit_id: 3600140{net}{i:025x}\n  {site}_logical_unit_address: 10.{net}.201.{}\n  {site}_logical_unit_port: 3260\n  {site}_logical_unit_portal: \"1\"\n  {site}_logical_unit_target: iqn.2003-01.com.example:{site}.lun{i}\n",
                    i % 250
                );
            } else {
                let _ = write!(
                    s,
                    "  {site}_storage_type: fcp\n  {site}_logical_unit_id: 3600140{net}{i:025x}\n"
                );
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use olvm_dr_core::mapping::Mapping;
    use olvm_dr_core::validate::{OfflineOptions, validate_offline};

    use super::*;

    #[test]
    fn the_synthetic_mapping_is_valid_and_has_every_entry() {
        let shape = Shape::of(2_000);
        assert_eq!(shape.total(), 2_000);
        let loaded = Mapping::from_str(&mapping(shape, "ca.pem"), None);
        assert!(
            loaded.diagnostics.is_empty(),
            "{:#?}",
            &loaded.diagnostics[..3.min(loaded.diagnostics.len())]
        );
        let m = loaded.mapping.unwrap();
        assert_eq!(m.storages().len(), shape.storages);
        assert_eq!(m.luns().len(), shape.luns);
        let options = OfflineOptions {
            check_ca_files: false,
            base_dir: None,
        };
        let found = validate_offline(&m, None, &options);
        assert!(found.is_empty(), "{:#?}", &found[..3.min(found.len())]);
    }
}
