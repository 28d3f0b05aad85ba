//! Inventory entities: what an Engine manages besides storage and VMs.

use std::fmt;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use super::{DataCenterStatus, HostStatus, Id, JobStatus, SpmStatus};

/// A compatibility level, `major.minor` (data centers and clusters), e.g. 4.7.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Version {
    /// Major number.
    pub major: u32,
    /// Minor number.
    pub minor: u32,
}

impl Version {
    /// `major.minor`.
    pub const fn new(major: u32, minor: u32) -> Self {
        Self { major, minor }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// The Engine product and its version (`GET /ovirt-engine/api`, `product_info`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiInfo {
    /// e.g. `oVirt Engine` or `Oracle Linux Virtualization Manager`.
    pub product_name: String,
    /// e.g. `ovirt.org`.
    pub vendor: String,
    /// The product version.
    pub version: ProductVersion,
    /// The Engine's clock when it answered (`<time>` of the API root: "the date and time when
    /// this information was generated", ovirt-engine-api-model `types/Api.java`); `None` when
    /// the answer had none.
    #[serde(default)]
    pub time: Option<EngineTime>,
}

/// A moment as the Engine's clock gave it: the instant, and the UTC offset of the Engine's time
/// zone it was written in (the zone the Engine also uses for the dates it writes as text, such
/// as an OVF_STORE disk's `Last Updated`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineTime {
    /// The instant.
    pub at: SystemTime,
    /// Seconds east of UTC (`+01:00` is 3600).
    pub utc_offset: i32,
}

/// A product version: `major.minor.build.revision` plus the package's full version string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductVersion {
    /// Major number.
    pub major: u32,
    /// Minor number.
    pub minor: u32,
    /// Build number.
    pub build: u32,
    /// Revision number.
    pub revision: u32,
    /// e.g. `4.5.6-1.el9`.
    pub full_version: String,
}

impl ProductVersion {
    /// The `major.minor` part, for feature gates and comparisons between sites.
    pub fn level(&self) -> Version {
        Version::new(self.major, self.minor)
    }
}

impl fmt::Display for ProductVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.full_version.is_empty() {
            write!(
                f,
                "{}.{}.{}.{}",
                self.major, self.minor, self.build, self.revision
            )
        } else {
            f.write_str(&self.full_version)
        }
    }
}

/// A data center (storage pool).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataCenter {
    /// Id.
    pub id: Id,
    /// Name, unique in the Engine.
    pub name: String,
    /// Status; `uninitialized` until its first data domain is attached.
    pub status: DataCenterStatus,
    /// Compatibility level.
    pub version: Version,
    /// `true` for a local-storage data center.
    pub local: bool,
}

/// A cluster of hosts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cluster {
    /// Id.
    pub id: Id,
    /// Name, unique in the Engine.
    pub name: String,
    /// The data center it belongs to.
    pub data_center: Option<Id>,
    /// Compatibility level.
    pub version: Version,
    /// The MAC pool its VMs take addresses from.
    pub mac_pool: Option<Id>,
    /// CPU architecture, e.g. `x86_64`.
    pub cpu_architecture: Option<String>,
}

/// A hypervisor host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Host {
    /// Id.
    pub id: Id,
    /// Name.
    pub name: String,
    /// Address the Engine reaches it at.
    pub address: String,
    /// Status.
    pub status: HostStatus,
    /// Its cluster.
    pub cluster: Option<Id>,
    /// SPM role.
    pub spm: SpmStatus,
    /// Physical memory in bytes.
    pub memory: u64,
    /// Memory the scheduler may still hand to VMs, in bytes (`max_scheduling_memory`).
    pub max_scheduling_memory: u64,
    /// Logical CPUs (sockets x cores x threads).
    pub cpu_threads: u32,
    /// The host's iSCSI initiator name.
    pub iscsi_initiator: Option<String>,
}

/// A LUN as one host sees it (`GET /hosts/{id}/storage`, `host_storage`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostLun {
    /// The LUN id (e.g. `36001405aa11...`); not a UUID.
    pub id: String,
    /// `iscsi` or `fcp`.
    pub storage_type: super::StorageType,
    /// The LUN's connection facts.
    pub logical_unit: super::LogicalUnit,
    /// The host that sees it (`<host>` of the `host_storage`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<Id>,
}

/// A logical network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Network {
    /// Id.
    pub id: Id,
    /// Name, unique within its data center.
    pub name: String,
    /// Its data center.
    pub data_center: Id,
    /// VLAN tag.
    pub vlan: Option<u32>,
}

/// A vNIC profile: the thing a VM's NIC is plugged into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VnicProfile {
    /// Id.
    pub id: Id,
    /// Name, unique within its network.
    pub name: String,
    /// Its network.
    pub network: Id,
}

/// An affinity group of a cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AffinityGroup {
    /// Id.
    pub id: Id,
    /// Name, unique within its cluster.
    pub name: String,
    /// Its cluster.
    pub cluster: Id,
    /// Member VMs.
    pub vms: Vec<Id>,
    /// Member hosts.
    pub hosts: Vec<Id>,
    /// `true` = keep together, `false` = keep apart (the VM rule).
    pub positive: bool,
    /// `true` = hard rule.
    pub enforcing: bool,
}

/// An affinity label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AffinityLabel {
    /// Id.
    pub id: Id,
    /// Name, unique in the Engine.
    pub name: String,
    /// Labelled VMs.
    pub vms: Vec<Id>,
    /// Labelled hosts.
    pub hosts: Vec<Id>,
}

/// An authorization (AAA) domain, e.g. `internal-authz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthzDomain {
    /// The upper-case hex encoding of the name (the Engine's id for domains); not a UUID.
    pub id: String,
    /// Name.
    pub name: String,
}

impl AuthzDomain {
    /// The id the Engine gives a domain of this name: the upper-case hex of its bytes.
    pub fn id_for(name: &str) -> String {
        name.bytes().map(|b| format!("{b:02X}")).collect()
    }
}

/// A role (a set of permits), e.g. `UserVmManager`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    /// Id.
    pub id: Id,
    /// Name.
    pub name: String,
    /// Administrative (system) role.
    pub administrative: bool,
    /// User-defined (editable) role.
    pub mutable: bool,
}

/// A permission: a role granted to a user or group on an object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Permission {
    /// The role's name.
    pub role: String,
    /// The user or group, as `name@authz-domain`.
    pub principal: String,
}

/// An Engine job (`GET /jobs/{id}`): the long tail of an action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    /// Id.
    pub id: Id,
    /// What it does.
    pub description: String,
    /// Status.
    pub status: JobStatus,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authz_domain_id_is_upper_hex_of_name() {
        assert_eq!(
            AuthzDomain::id_for("internal-authz"),
            "696E7465726E616C2D617574687A"
        );
    }
}
