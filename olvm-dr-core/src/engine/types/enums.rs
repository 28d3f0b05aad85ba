//! The Engine's enumerations, with the exact lower-case snake_case names of the REST API.

/// The text is not a value of the enumeration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{value}' is not a valid {kind}")]
pub struct UnknownValue {
    /// The enumeration, e.g. `VmStatus`.
    pub kind: &'static str,
    /// The text that did not match.
    pub value: String,
}

/// Declares an enumeration whose values travel as fixed lower-case strings: `as_str`,
/// `FromStr`, `Display`, and serde as that string.
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name the REST API uses.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $text, )+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownValue;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $( $text => Ok($name::$variant), )+
                    _ => Err(UnknownValue { kind: stringify!($name), value: s.to_owned() }),
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

wire_enum! {
    /// `DataCenterStatus`. The Engine's internal `NonResponsive` pool state shows as `problematic`.
    DataCenterStatus {
        /// No storage attached yet (no pool).
        Uninitialized = "uninitialized",
        /// Running.
        Up = "up",
        /// All domains in maintenance.
        Maintenance = "maintenance",
        /// Not operational.
        NotOperational = "not_operational",
        /// Lost contact with the SPM or the master domain.
        Problematic = "problematic",
        /// SPM election in progress.
        Contend = "contend",
    }
}

wire_enum! {
    /// `HostStatus`.
    HostStatus {
        /// Connecting.
        Connecting = "connecting",
        /// Down.
        Down = "down",
        /// Error.
        Error = "error",
        /// Initializing.
        Initializing = "initializing",
        /// Installation failed.
        InstallFailed = "install_failed",
        /// Installing.
        Installing = "installing",
        /// Installing the OS.
        InstallingOs = "installing_os",
        /// Dumping a kernel crash.
        Kdumping = "kdumping",
        /// In maintenance.
        Maintenance = "maintenance",
        /// Not operational.
        NonOperational = "non_operational",
        /// Not responding.
        NonResponsive = "non_responsive",
        /// Waiting for approval.
        PendingApproval = "pending_approval",
        /// Preparing for maintenance.
        PreparingForMaintenance = "preparing_for_maintenance",
        /// Rebooting.
        Reboot = "reboot",
        /// Not yet known.
        Unassigned = "unassigned",
        /// Up.
        Up = "up",
    }
}

wire_enum! {
    /// `SpmStatus`: the host's storage-pool-manager role.
    SpmStatus {
        /// The host is the SPM.
        Spm = "spm",
        /// The host is contending for SPM.
        Contending = "contending",
        /// Not SPM.
        None = "none",
    }
}

wire_enum! {
    /// `StorageDomainStatus`. The top-level `/storagedomains` view only ever shows `unattached`
    /// (or no status at all); the real status lives on the data-center-scoped view.
    StorageDomainStatus {
        /// Being activated.
        Activating = "activating",
        /// Active.
        Active = "active",
        /// Being detached.
        Detaching = "detaching",
        /// Inactive (storage unreachable).
        Inactive = "inactive",
        /// Locked by an operation in progress.
        Locked = "locked",
        /// In maintenance.
        Maintenance = "maintenance",
        /// Mixed states across data centers.
        Mixed = "mixed",
        /// Moving to maintenance.
        PreparingForMaintenance = "preparing_for_maintenance",
        /// Known to the Engine but not attached to a data center.
        Unattached = "unattached",
        /// Unknown.
        Unknown = "unknown",
    }
}

wire_enum! {
    /// `StorageType`: how a domain's storage is reached.
    StorageType {
        /// NFS export.
        Nfs = "nfs",
        /// iSCSI LUNs.
        Iscsi = "iscsi",
        /// Fibre Channel LUNs.
        Fcp = "fcp",
        /// GlusterFS volume.
        Glusterfs = "glusterfs",
        /// POSIX-compliant file system (CephFS, ...).
        Posixfs = "posixfs",
        /// Host-local storage.
        Localfs = "localfs",
        /// Managed block storage.
        ManagedBlockStorage = "managed_block_storage",
        /// OpenStack Cinder.
        Cinder = "cinder",
        /// OpenStack Glance.
        Glance = "glance",
    }
}

impl StorageType {
    /// `true` for LUN-based types (iSCSI, FC), whose domains are imported by id.
    pub fn is_block(self) -> bool {
        matches!(self, StorageType::Iscsi | StorageType::Fcp)
    }

    /// `true` for file types (NFS, GlusterFS, POSIX), whose domains are imported by address and path.
    pub fn is_file(self) -> bool {
        matches!(
            self,
            StorageType::Nfs | StorageType::Glusterfs | StorageType::Posixfs
        )
    }
}

wire_enum! {
    /// `StorageDomainType`: the domain's function.
    StorageDomainType {
        /// VM disks.
        Data = "data",
        /// ISO images.
        Iso = "iso",
        /// Export domain (legacy).
        Export = "export",
        /// Image provider.
        Image = "image",
        /// Volume provider.
        Volume = "volume",
        /// Managed block storage.
        ManagedBlockStorage = "managed_block_storage",
    }
}

wire_enum! {
    /// `NfsVersion`.
    NfsVersion {
        /// Negotiate.
        Auto = "auto",
        /// NFSv3.
        V3 = "v3",
        /// NFSv4.
        V4 = "v4",
        /// NFSv4.0.
        V4_0 = "v4_0",
        /// NFSv4.1.
        V4_1 = "v4_1",
        /// NFSv4.2.
        V4_2 = "v4_2",
    }
}

wire_enum! {
    /// `VmStatus`.
    VmStatus {
        /// Powered off.
        Down = "down",
        /// Disks locked by an operation.
        ImageLocked = "image_locked",
        /// Migrating.
        Migrating = "migrating",
        /// Host not responding.
        NotResponding = "not_responding",
        /// Paused.
        Paused = "paused",
        /// Shutting down.
        PoweringDown = "powering_down",
        /// Booting.
        PoweringUp = "powering_up",
        /// Rebooting.
        RebootInProgress = "reboot_in_progress",
        /// Resuming from suspension.
        RestoringState = "restoring_state",
        /// Suspending.
        SavingState = "saving_state",
        /// Suspended.
        Suspended = "suspended",
        /// Not yet known.
        Unassigned = "unassigned",
        /// Unknown.
        Unknown = "unknown",
        /// Running.
        Up = "up",
        /// Start accepted, waiting for a host.
        WaitForLaunch = "wait_for_launch",
    }
}

impl VmStatus {
    /// `true` when the VM is running or on its way up: starting it again is pointless. These are
    /// the states in which the Ansible module skips a start.
    pub fn is_running_or_starting(self) -> bool {
        matches!(
            self,
            VmStatus::Up
                | VmStatus::PoweringUp
                | VmStatus::WaitForLaunch
                | VmStatus::Migrating
                | VmStatus::RebootInProgress
                | VmStatus::RestoringState
        )
    }
}

wire_enum! {
    /// `TemplateStatus` (also `DiskStatus`).
    TemplateStatus {
        /// Usable.
        Ok = "ok",
        /// Locked by an operation.
        Locked = "locked",
        /// Broken.
        Illegal = "illegal",
    }
}

/// `DiskStatus` has the same values as [`TemplateStatus`].
pub type DiskStatus = TemplateStatus;

wire_enum! {
    /// `DiskStorageType`: what backs a disk.
    DiskStorageType {
        /// A volume on a storage domain.
        Image = "image",
        /// A direct LUN.
        Lun = "lun",
        /// OpenStack Cinder.
        Cinder = "cinder",
        /// Managed block storage.
        ManagedBlockStorage = "managed_block_storage",
    }
}

wire_enum! {
    /// `DiskContentType`: what a disk holds.
    DiskContentType {
        /// Ordinary data.
        Data = "data",
        /// The domain's OVF store (VM and template metadata).
        OvfStore = "ovf_store",
        /// Memory dump of a snapshot.
        MemoryDumpVolume = "memory_dump_volume",
        /// Memory metadata of a snapshot.
        MemoryMetadataVolume = "memory_metadata_volume",
        /// An uploaded ISO.
        Iso = "iso",
        /// Hosted-engine VM disk.
        HostedEngine = "hosted_engine",
        /// Hosted-engine sanlock disk.
        HostedEngineSanlock = "hosted_engine_sanlock",
        /// Hosted-engine metadata disk.
        HostedEngineMetadata = "hosted_engine_metadata",
        /// Hosted-engine configuration disk.
        HostedEngineConfiguration = "hosted_engine_configuration",
        /// Scratch disk of a backup.
        BackupScratch = "backup_scratch",
    }
}

wire_enum! {
    /// `LunStatus` as a host sees a LUN.
    LunStatus {
        /// Not used by any domain.
        Free = "free",
        /// Used by a domain.
        Used = "used",
        /// Cannot be used.
        Unusable = "unusable",
    }
}

wire_enum! {
    /// `JobStatus`.
    JobStatus {
        /// Running.
        Started = "started",
        /// Done.
        Finished = "finished",
        /// Failed.
        Failed = "failed",
        /// Aborted.
        Aborted = "aborted",
        /// Unknown.
        Unknown = "unknown",
    }
}

wire_enum! {
    /// `DiskInterface`: how a disk is presented to the guest (`DiskAttachment.interface`).
    DiskInterface {
        /// Virtio block device.
        Virtio = "virtio",
        /// Virtio SCSI.
        VirtioScsi = "virtio_scsi",
        /// IDE.
        Ide = "ide",
        /// SATA.
        Sata = "sata",
        /// PowerPC sPAPR VSCSI.
        SpaprVscsi = "spapr_vscsi",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip() {
        for s in StorageDomainStatus::ALL {
            assert_eq!(s.as_str().parse::<StorageDomainStatus>().unwrap(), *s);
        }
        assert_eq!(
            serde_json::to_string(&VmStatus::WaitForLaunch).unwrap(),
            "\"wait_for_launch\""
        );
        let e = "Up".parse::<VmStatus>().unwrap_err();
        assert_eq!(e.to_string(), "'Up' is not a valid VmStatus");
        assert!(StorageType::Fcp.is_block() && StorageType::Posixfs.is_file());
    }
}
