//! The sub-collections the API model defines below a VM, template, host, cluster, storage
//! domain and data center that the fake holds nothing for. Each answers `GET` with an empty
//! listing under the root tag the Engine writes for it (the tag the SDK's readers dispatch
//! on), once the owning entity is known to exist; its members are unknown ids (404).
//!
//! The services and their paths are those of the API model's `VmService`, `TemplateService`,
//! `HostService`, `ClusterService`, `StorageDomainService` and `DataCenterService`
//! (`ovirt-engine-api-model`, `services/*.java`); the sub-collections the fake does model are
//! routed by their collection's module before this table is consulted.

use axum::response::Response;
use olvm_dr_core::xml::writer::XmlWriter;

use crate::respond::ok;

/// An owner type's unmodelled sub-collections: (path segment, root tag of the listing).
pub(crate) type Table = &'static [(&'static str, &'static str)];

/// Below `/vms/{id}` (served elsewhere: `nics`, `diskattachments`, `snapshots`,
/// `affinitylabels`, `reporteddevices`, `tags`).
pub(crate) const VM: Table = &[
    ("applications", "applications"),
    ("backups", "backups"),
    ("cdroms", "cdroms"),
    ("checkpoints", "checkpoints"),
    ("graphicsconsoles", "graphics_consoles"),
    ("hostdevices", "host_devices"),
    ("katelloerrata", "katello_errata"),
    ("mediateddevices", "vm_mediated_devices"),
    ("numanodes", "vm_numa_nodes"),
    ("permissions", "permissions"),
    ("sessions", "sessions"),
    ("statistics", "statistics"),
    ("watchdogs", "watchdogs"),
];

/// Below `/templates/{id}`.
pub(crate) const TEMPLATE: Table = &[
    ("cdroms", "cdroms"),
    ("diskattachments", "disk_attachments"),
    ("graphicsconsoles", "graphics_consoles"),
    ("mediateddevices", "vm_mediated_devices"),
    ("nics", "nics"),
    ("permissions", "permissions"),
    ("tags", "tags"),
    ("watchdogs", "watchdogs"),
];

/// Below `/hosts/{id}` (served elsewhere: `storage`, `affinitylabels`,
/// `storageconnectionextensions`).
pub(crate) const HOST: Table = &[
    ("cpuunits", "host_cpu_units"),
    ("devices", "host_devices"),
    (
        "externalnetworkproviderconfigurations",
        "external_network_provider_configurations",
    ),
    ("fenceagents", "agents"),
    ("hooks", "hooks"),
    ("katelloerrata", "katello_errata"),
    ("networkattachments", "network_attachments"),
    ("nics", "host_nics"),
    ("numanodes", "host_numa_nodes"),
    ("permissions", "permissions"),
    ("statistics", "statistics"),
    ("tags", "tags"),
    ("unmanagednetworks", "unmanaged_networks"),
];

/// Below `/clusters/{id}` (served elsewhere: `affinitygroups`, `networks`).
pub(crate) const CLUSTER: Table = &[
    ("cpuprofiles", "cpu_profiles"),
    ("enabledfeatures", "cluster_features"),
    ("externalnetworkproviders", "external_providers"),
    ("glusterhooks", "gluster_hooks"),
    ("glustervolumes", "gluster_volumes"),
    ("networkfilters", "network_filters"),
    ("permissions", "permissions"),
];

/// Below `/storagedomains/{id}` (served elsewhere: `disks`, `vms`, `templates`,
/// `storageconnections`).
pub(crate) const STORAGE_DOMAIN: Table = &[
    ("diskprofiles", "disk_profiles"),
    ("disksnapshots", "disk_snapshots"),
    ("files", "files"),
    ("images", "images"),
    ("permissions", "permissions"),
];

/// Below `/datacenters/{id}` (served elsewhere: `storagedomains`, `clusters`, `networks`).
pub(crate) const DATA_CENTER: Table = &[
    ("iscsibonds", "iscsi_bonds"),
    ("permissions", "permissions"),
    ("qoss", "qoss"),
    ("quotas", "quotas"),
];

/// The root tag of `segment`'s listing, when the table has it.
pub(crate) fn tag(table: Table, segment: &str) -> Option<&'static str> {
    table
        .iter()
        .find(|(s, _)| *s == segment)
        .map(|(_, tag)| *tag)
}

/// `200` with an empty listing `<tag/>`.
pub(crate) fn empty_listing(tag: &str) -> Response {
    let mut w = XmlWriter::document();
    w.empty(tag, &[]);
    ok(w.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_have_unique_segments_and_snake_case_tags() {
        for table in [VM, TEMPLATE, HOST, CLUSTER, STORAGE_DOMAIN, DATA_CENTER] {
            let mut segs: Vec<&str> = table.iter().map(|(s, _)| *s).collect();
            segs.sort_unstable();
            let n = segs.len();
            segs.dedup();
            assert_eq!(segs.len(), n, "duplicate segment in {table:?}");
            for (seg, tag) in table {
                assert!(seg.chars().all(|c| c.is_ascii_lowercase()), "{seg}");
                assert!(
                    tag.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                    "{tag}"
                );
            }
        }
        assert_eq!(tag(VM, "numanodes"), Some("vm_numa_nodes"));
        assert_eq!(tag(HOST, "numanodes"), Some("host_numa_nodes"));
        assert_eq!(tag(VM, "bogus"), None);
    }

    #[tokio::test]
    async fn an_empty_listing_is_the_bare_root_tag() {
        let r = empty_listing("vm_numa_nodes");
        assert_eq!(r.status(), 200);
        let body = axum::body::to_bytes(r.into_body(), usize::MAX)
            .await
            .unwrap();
        let text = String::from_utf8(body.to_vec()).unwrap();
        assert!(text.ends_with("<vm_numa_nodes/>"), "{text}");
    }
}
