//! What a data domain's OVF_STORE disks hold: the VM and template definitions as of the last OVF
//! write, and how the Engine describes those disks.

use std::sync::Arc;
use std::time::SystemTime;

use crate::engine::{
    HighAvailability, Id, LogicalUnit, OvfDisk, OvfLun, OvfNic, Permission, UnregisteredTemplate,
    UnregisteredVm, VmSettings,
};

use super::super::clock::java_date_utc;

/// One VM's OVF as the store records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OvfVm {
    /// Everything `GET …/vms?unregistered=true` shows, `status` being the status at write time.
    pub(crate) vm: UnregisteredVm,
    /// The name of its cluster (registration maps it through the cluster mappings).
    pub(crate) cluster_name: Option<String>,
    /// Its NICs (the OVF's, which registration uses; the Engine does not list them).
    pub(crate) nics: Vec<OvfNic>,
    /// Its disk images and the domains holding them.
    pub(crate) disks: Vec<OvfDisk>,
    /// Its direct LUNs.
    pub(crate) luns: Vec<OvfLun>,
    /// Names of the affinity groups it belongs to.
    pub(crate) affinity_groups: Vec<String>,
    /// Names of its affinity labels.
    pub(crate) affinity_labels: Vec<String>,
    /// Permissions on it.
    pub(crate) permissions: Vec<Permission>,
    /// For each of `luns`: the LUN's connection as the OVF records it (never CHAP secrets).
    pub(crate) lun_connections: Vec<LogicalUnit>,
    /// Its `VmBase` settings (the OVF's `Section` of the virtual hardware and the rest).
    pub(crate) settings: VmSettings,
}

/// One template's OVF as the store records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OvfTemplate {
    /// Everything `GET …/templates?unregistered=true` shows.
    pub(crate) template: UnregisteredTemplate,
    /// The name of its cluster.
    pub(crate) cluster_name: Option<String>,
    /// Its NICs.
    pub(crate) nics: Vec<OvfNic>,
    /// Its disk images and the domains holding them.
    pub(crate) disks: Vec<OvfDisk>,
    /// Permissions on it.
    pub(crate) permissions: Vec<Permission>,
    /// Version number in its base template's chain (1 for a base template).
    pub(crate) version_number: u32,
    /// Memory in bytes.
    pub(crate) memory: u64,
    /// High availability.
    pub(crate) high_availability: HighAvailability,
    /// Its `VmBase` settings.
    pub(crate) settings: VmSettings,
}

/// The content of a domain's OVF store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct OvfStore {
    /// When it was last written (wall clock), `None` if never.
    pub(crate) last_update: Option<SystemTime>,
    /// The VMs.
    pub(crate) vms: Vec<Arc<OvfVm>>,
    /// The templates.
    pub(crate) templates: Vec<Arc<OvfTemplate>>,
}

/// Size of a tar record block: GNU tar pads archives to multiples of 10240 bytes.
const TAR_RECORD: u64 = 10_240;
/// Our estimate of one entity's OVF XML: a few kilobytes.
const OVF_FILE_BYTES: u64 = 8_192;

impl OvfStore {
    /// Number of entities.
    pub(crate) fn len(&self) -> usize {
        self.vms.len() + self.templates.len()
    }

    /// The size of the tar the Engine uploads: `info.json`, `metadata.json` and one `.ovf` per
    /// entity, each with a 512-byte header and padded to 512 bytes, padded to a tar record.
    /// The OVF sizes are an estimate; the structure is the Engine's (`buildOvfInfoFileByteArray`).
    pub(crate) fn tar_size(&self) -> u64 {
        let per_file = |bytes: u64| 512 + bytes.div_ceil(512) * 512;
        let total =
            per_file(128) + per_file(64) + self.len() as u64 * per_file(OVF_FILE_BYTES) + 1024;
        total.div_ceil(TAR_RECORD) * TAR_RECORD
    }
}

/// The description the Engine gives an OVF_STORE disk: the JSON text
/// `ProcessOvfUpdateForStorageDomainCommand` writes after a successful update, keys in the order
/// a Java `HashMap` iterates them (`OvfInfoFileConstants`: `Updated`, `Size`, `Last Updated`,
/// `Storage Domains`, `Disk Description`), the date as `java.util.Date.toString()`. A store never
/// written carries the plain label `OVF_STORE` (`CreateOvfVolumeForStorageDomainCommand`).
///
/// Note: this is the description VDSM keeps in the volume's metadata. The Engine's REST API maps
/// a disk's `description` from its database column, which the Engine sets to `OVF_STORE` when it
/// registers OVF_STORE disks (`registerAllOvfDisks`); a client that needs the last update time
/// from a real Engine should verify where it can read it.
pub(crate) fn ovf_disk_description(domain: Id, store: &OvfStore) -> String {
    match store.last_update {
        None => "OVF_STORE".to_owned(),
        Some(t) => format!(
            "{{\"Updated\":true,\"Size\":{},\"Last Updated\":\"{}\",\"Storage Domains\":[{{\"uuid\":\"{}\"}}],\"Disk Description\":\"OVF_STORE\"}}",
            store.tar_size(),
            java_date_utc(t),
            domain
        ),
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    #[test]
    fn description_matches_the_engine_format() {
        let id: Id = "91d59062-f823-40b4-a27c-f58142b6423a".parse().unwrap();
        let mut store = OvfStore::default();
        assert_eq!(ovf_disk_description(id, &store), "OVF_STORE");
        store.last_update = Some(UNIX_EPOCH + Duration::from_secs(1_551_182_161));
        let d = ovf_disk_description(id, &store);
        assert_eq!(
            d,
            "{\"Updated\":true,\"Size\":10240,\"Last Updated\":\"Tue Feb 26 11:56:01 UTC 2019\",\"Storage Domains\":[{\"uuid\":\"91d59062-f823-40b4-a27c-f58142b6423a\"}],\"Disk Description\":\"OVF_STORE\"}"
        );
        let v: serde_json::Value = serde_json::from_str(&d).unwrap();
        assert_eq!(v["Last Updated"], "Tue Feb 26 11:56:01 UTC 2019");
    }
}
