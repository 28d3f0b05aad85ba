//! [`Operation`]: the Engine trait's methods by name, for latency settings and fault injection.

use std::fmt;
use std::str::FromStr;

macro_rules! operations {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal ),+ $(,)?) => {
        /// One [`Engine`](crate::engine::Engine) method. Its [`as_str`](Self::as_str) is the
        /// method's name, the same text an [`EngineError`](crate::engine::EngineError) carries in
        /// `operation`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Operation {
            $( $(#[$doc])* $variant, )+
        }

        impl Operation {
            /// Every operation, in trait order.
            pub const ALL: &'static [Operation] = &[$(Operation::$variant),+];

            /// The trait method's name, e.g. `attach_storage_domain`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( Operation::$variant => $name, )+
                }
            }
        }

        impl FromStr for Operation {
            type Err = UnknownOperation;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $( $name => Ok(Operation::$variant), )+
                    _ => Err(UnknownOperation(s.to_owned())),
                }
            }
        }
    };
}

operations! {
    /// `api_info`.
    ApiInfo = "api_info",
    /// `close`.
    Close = "close",
    /// `data_centers`.
    DataCenters = "data_centers",
    /// `clusters`.
    Clusters = "clusters",
    /// `hosts`.
    Hosts = "hosts",
    /// `host_luns`.
    HostLuns = "host_luns",
    /// `networks`.
    Networks = "networks",
    /// `vnic_profiles`.
    VnicProfiles = "vnic_profiles",
    /// `cluster_networks`.
    ClusterNetworks = "cluster_networks",
    /// `affinity_groups`.
    AffinityGroups = "affinity_groups",
    /// `affinity_labels`.
    AffinityLabels = "affinity_labels",
    /// `authz_domains`.
    AuthzDomains = "authz_domains",
    /// `roles`.
    Roles = "roles",
    /// `storage_domains`.
    StorageDomains = "storage_domains",
    /// `storage_domain`.
    StorageDomain = "storage_domain",
    /// `attached_storage_domains`.
    AttachedStorageDomains = "attached_storage_domains",
    /// `attached_storage_domain`.
    AttachedStorageDomain = "attached_storage_domain",
    /// `storage_domain_disks`.
    StorageDomainDisks = "storage_domain_disks",
    /// `import_storage_domain`.
    ImportStorageDomain = "import_storage_domain",
    /// `attach_storage_domain`.
    AttachStorageDomain = "attach_storage_domain",
    /// `activate_storage_domain`.
    ActivateStorageDomain = "activate_storage_domain",
    /// `deactivate_storage_domain`.
    DeactivateStorageDomain = "deactivate_storage_domain",
    /// `detach_storage_domain`.
    DetachStorageDomain = "detach_storage_domain",
    /// `remove_storage_domain`.
    RemoveStorageDomain = "remove_storage_domain",
    /// `update_ovf_store`.
    UpdateOvfStore = "update_ovf_store",
    /// `job`.
    Job = "job",
    /// `iscsi_discover`.
    IscsiDiscover = "iscsi_discover",
    /// `iscsi_login`.
    IscsiLogin = "iscsi_login",
    /// `disks`.
    Disks = "disks",
    /// `remove_disk`.
    RemoveDisk = "remove_disk",
    /// `vms`.
    Vms = "vms",
    /// `vm`.
    Vm = "vm",
    /// `vm_disk_attachments`.
    VmDiskAttachments = "vm_disk_attachments",
    /// `set_nic_plugged`.
    SetNicPlugged = "set_nic_plugged",
    /// `templates`.
    Templates = "templates",
    /// `template`.
    Template = "template",
    /// `unregistered_vms`.
    UnregisteredVms = "unregistered_vms",
    /// `unregistered_templates`.
    UnregisteredTemplates = "unregistered_templates",
    /// `unregistered_disks`.
    UnregisteredDisks = "unregistered_disks",
    /// `register_vm`.
    RegisterVm = "register_vm",
    /// `register_template`.
    RegisterTemplate = "register_template",
    /// `start_vm`.
    StartVm = "start_vm",
    /// `shutdown_vm`.
    ShutdownVm = "shutdown_vm",
    /// `stop_vm`.
    StopVm = "stop_vm",
    /// `remove_vm`.
    RemoveVm = "remove_vm",
    /// `tags`.
    Tags = "tags",
    /// `add_tag`.
    AddTag = "add_tag",
    /// `remove_tag`.
    RemoveTag = "remove_tag",
    /// `vm_tags`.
    VmTags = "vm_tags",
    /// `assign_tag`.
    AssignTag = "assign_tag",
    /// `switch_master_storage_domain`.
    SwitchMasterStorageDomain = "switch_master_storage_domain",
    /// `start_vm_with_initialization`.
    StartVmWithInitialization = "start_vm_with_initialization",
    /// `vm_reported_devices`.
    VmReportedDevices = "vm_reported_devices",
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text names no [`Engine`](crate::engine::Engine) method.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not an Engine operation")]
pub struct UnknownOperation(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for op in Operation::ALL {
            assert_eq!(op.as_str().parse::<Operation>().unwrap(), *op);
        }
        assert!("attach".parse::<Operation>().is_err());
        assert_eq!(Operation::ALL.len(), 53);
    }
}
