//! [`Action`]: what a step does, as data.

use serde::{Deserialize, Serialize};

use crate::engine::{Id, ImportStorageDomain, Initialization, IscsiLogin, StorageType};
use crate::recovery_plan::{Hook, HookPoint, Wait};

/// How a step finds a storage domain on its site: by id when it is known (block domains, whose id
/// is in the mapping, or domains the Engine already knows), otherwise by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainRef {
    /// Id, when known at planning time.
    pub id: Option<Id>,
    /// The name on the step's site.
    pub name: String,
    /// Storage type.
    pub storage_type: StorageType,
}

impl DomainRef {
    /// `'name'` or `'name' (id)`, for messages.
    pub fn describe(&self) -> String {
        match self.id {
            Some(id) => format!("'{}' ({id})", self.name),
            None => format!("'{}'", self.name),
        }
    }
}

/// A VM found in an OVF store, as the registration and start steps need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscoveredVm {
    /// Id.
    pub id: Id,
    /// Name.
    pub name: String,
    /// The domain it is registered from.
    pub domain: Id,
    /// Its status when the OVF store was written.
    pub was_up: bool,
    /// High availability.
    pub high_availability: bool,
    /// HA restart priority (higher first).
    pub ha_priority: i32,
    /// The template it is based on, when not blank.
    pub template: Option<Id>,
    /// The target data center it is registered into, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_dc: Option<String>,
    /// What its source recorded of it (the plan's source record): what the registered VM must
    /// have. `None` when the source gave no record (a disaster): the VM is then registered
    /// refusing partial imports, and its disks and NICs cannot be compared with its source.
    #[serde(default)]
    pub expect: Option<ExpectedVm>,
}

/// What a VM's source recorded of it (the plan's record of the source site), against which the
/// registered VM is checked.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ExpectedVm {
    /// Every disk any store records for it (images and direct LUNs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disks: Vec<ExpectedDisk>,
    /// Its NICs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nics: Vec<ExpectedNic>,
    /// The affinity groups it was in, by their source names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub affinity_groups: Vec<String>,
    /// Its affinity labels, by their source names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub affinity_labels: Vec<String>,
    /// It comes from a record the source made earlier, not from this plan's reading (see
    /// [`super::source_record::SourceRecord::remembered`]): reported against, not relied on.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub remembered: bool,
}

/// A NIC as the source recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpectedNic {
    /// NIC name.
    pub name: String,
    /// Its MAC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac: Option<String>,
    /// Its network and vNIC profile names; `None` when it was on no network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_profile: Option<(String, String)>,
}

/// A disk a registered VM must have, as its source recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpectedDisk {
    /// Disk id (kept by registration).
    pub id: Id,
    /// Alias.
    pub alias: String,
    /// The domains holding its image, by name (empty for a direct LUN).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<String>,
}

/// How VMs are stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopMode {
    /// Power off at once (the role's way; for a stale site whose guests cannot shut down).
    PowerOff,
    /// Guest shutdown only; a VM still up at the deadline is a failure (planned switchover:
    /// never pull the plug on a running guest).
    Graceful,
    /// Guest shutdown, then power-off at the deadline (the cleanup default).
    GracefulThenPowerOff,
}

/// What a step does. Each variant is an *ensure* operation: it checks the live state first and
/// only acts when the effect is missing, so running a step twice never does the work twice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// A synchronization point; does nothing itself.
    Barrier,
    /// Log `host` in to one iSCSI target.
    IscsiLogin {
        /// The host.
        host: Id,
        /// Its name, for messages.
        host_name: String,
        /// Portal and target (the CHAP password is not stored in plans).
        login: IscsiLogin,
    },
    /// Make sure the domain is known to the Engine (import it when it is not).
    ImportDomain {
        /// The domain.
        domain: DomainRef,
        /// The import request (the host, the storage connection, the attributes).
        request: ImportStorageDomain,
    },
    /// Make sure the domain is attached to the data center and active.
    AttachDomain {
        /// The domain.
        domain: DomainRef,
        /// The data center.
        data_center: Id,
        /// Its name, for messages.
        data_center_name: String,
        /// The domain is the data center's master (attached first).
        master: bool,
    },
    /// List the VMs and templates in the domain's OVF store that are not registered yet.
    DiscoverEntities {
        /// The domain.
        domain: DomainRef,
        /// The target data center it is attached to (scopes the vNIC profile mappings of what
        /// it brings); `None` when not known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target_dc: Option<String>,
    },
    /// Turn what discovery found into registration and start steps (adds steps to the run).
    PlanRegistrations {
        /// Which VMs to start: by default those whose OVF status was `up`; with this, the VMs
        /// the named step recorded as running (failback and switchover, where the source shut
        /// its VMs down before the OVF stores were written).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        running_from: Option<super::StepId>,
    },
    /// Make sure the template is registered.
    RegisterTemplate {
        /// The domain it is registered from.
        domain: Id,
        /// Template id.
        template: Id,
        /// Template name.
        name: String,
        /// The target data center it is registered into, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target_dc: Option<String>,
    },
    /// Make sure the VM is registered.
    RegisterVm {
        /// The VM.
        vm: DiscoveredVm,
    },
    /// Make sure the VM is running (or starting).
    StartVm {
        /// VM id.
        vm: Id,
        /// VM name.
        name: String,
        /// Start wave: 1 = high-available VMs, 2 = the others.
        wave: u8,
        /// The recovery-plan group it starts in, when a recovery plan orders the starts.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        group: Option<String>,
        /// The addresses cloud-init gives its guest at this start (a recovery plan's re-IP).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        initialization: Option<Initialization>,
        /// The address changes that initialization makes, for the report.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        readdress: Vec<AddressChange>,
    },
    /// Wait until the VM is up.
    WaitVmUp {
        /// VM id.
        vm: Id,
        /// VM name.
        name: String,
    },
    /// Check that the source site is not still using the domains about to be imported, and
    /// record the evidence. Fails (refusing the run) when it is, unless forced.
    SplitBrainGuard {
        /// The domains, as named on the source site.
        domains: Vec<DomainRef>,
        /// Proceed even if the source still uses them; the reason is journaled.
        force_reason: Option<String>,
        /// A drill: the source is deliberately alive; only record the evidence.
        drill: bool,
    },
    /// Record which VMs of the domains are running, so they can be started on the other site.
    RecordRunningVms {
        /// The domains.
        domains: Vec<DomainRef>,
    },
    /// Make sure the VM is down: a guest shutdown with a deadline, then a power-off.
    ShutdownVm {
        /// VM id.
        vm: Id,
        /// VM name.
        name: String,
        /// How.
        mode: StopMode,
    },
    /// Write the domain's OVF store and wait for the Engine's job.
    UpdateOvfStore {
        /// The domain.
        domain: DomainRef,
        /// The data center it is attached to.
        data_center: Id,
    },
    /// Make sure the domain is in maintenance.
    DeactivateDomain {
        /// The domain.
        domain: DomainRef,
        /// The data center.
        data_center: Id,
        /// Its name, for messages.
        data_center_name: String,
        /// The master domain (deactivated last).
        master: bool,
        /// Go to maintenance even if the OVF store cannot be written (a stale site whose storage
        /// is now a read-only replica).
        force: bool,
        /// The domain may be removed from the Engine's database only: when the data center has
        /// no SPM at execution (see [`RemoveDomain`](Action::RemoveDomain)), the step leaves it
        /// as it is for that removal instead of failing.
        #[serde(default)]
        destroy_fallback: bool,
    },
    /// Make sure the domain is detached from the data center.
    DetachDomain {
        /// The domain.
        domain: DomainRef,
        /// The data center.
        data_center: Id,
        /// Its name, for messages.
        data_center_name: String,
        /// As for [`DeactivateDomain`](Action::DeactivateDomain): without an SPM at execution the
        /// domain is left attached for the database-only removal.
        #[serde(default)]
        destroy_fallback: bool,
    },
    /// Make sure the domain is no longer known to the Engine (never formatting it).
    RemoveDomain {
        /// The domain.
        domain: DomainRef,
        /// The data center whose UP hosts may do the removal (any UP host when `None`).
        data_center: Option<Id>,
        /// When a normal removal keeps failing, remove it from the Engine's database only.
        destroy_fallback: bool,
    },
    /// Remove a VM the removed domains left behind (down, no disks left).
    RemoveVm {
        /// VM id.
        vm: Id,
        /// VM name.
        name: String,
    },
    /// Remove a direct-LUN disk attached to no VM that belonged to the removed domains' VMs.
    RemoveDisk {
        /// Disk id.
        disk: Id,
        /// Disk alias.
        alias: String,
    },
    /// Wait until storage replication is reversed and the target side writable.
    StorageGate {
        /// What the gate waits for, for humans.
        description: String,
    },
    /// Wait until a started VM passes its recovery-plan group's wait (up, an address reported,
    /// or a check command). Past the timeout it fails, unless the group goes on regardless
    /// (`on_timeout: continue`): it then ends saying the VM did not pass.
    WaitVmReady {
        /// VM id.
        vm: Id,
        /// VM name.
        name: String,
        /// Its group.
        group: String,
        /// What it waits for.
        wait: Wait,
    },
    /// The end of a recovery-plan group: every VM passed its wait, or the group's `on_timeout`
    /// decides (go on, stop, or ask at the gate); then the group's delay. The next group's
    /// starts depend on it.
    FinishGroup {
        /// The group.
        group: String,
        /// Its started VMs: (id, name).
        vms: Vec<(Id, String)>,
        /// Its wait.
        wait: Wait,
        /// The pause after it, in milliseconds.
        delay_after_ms: u64,
    },
    /// Run a recovery plan's hook ([`crate::recovery_plan::hooks`]): its command by `sh -c`
    /// with the run's facts in its environment, within its timeout; a failure goes on, stops
    /// the run (resumable: the hook runs again) or asks, as its `on_failure` says.
    RunHook {
        /// Where in the plan it runs.
        point: HookPoint,
        /// The command, timeout and failure policy.
        hook: Hook,
        /// The group it belongs to (a group's hooks, and a VM's).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        group: Option<String>,
        /// The VM it is run for (a VM's hooks).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        vm: Option<HookVm>,
    },
    /// Wait until the operator confirms a recovery plan's manual step (at the terminal, by a
    /// file that appears, or by a command that succeeds, as at a storage gate).
    ManualStep {
        /// What the operator must do or confirm.
        question: String,
        /// The group whose starts it gates; `None` for the plan's own manual step.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        group: Option<String>,
    },
}

/// The VM a recovery plan's hook runs for, and its addresses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HookVm {
    /// Its id on the target site.
    pub id: Id,
    /// Its name.
    pub name: String,
    /// The addresses its guest reported on the source.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<std::net::IpAddr>,
    /// The addresses it has on the target: those of `addresses` a re-IP changes, changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub new_addresses: Vec<std::net::IpAddr>,
}

/// One address a recovery plan's re-IP changes at a VM's start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressChange {
    /// The guest's interface, e.g. `eth0`.
    pub interface: String,
    /// The network of the NIC on the source site.
    pub network: String,
    /// The address the guest reported on the source.
    pub old: std::net::IpAddr,
    /// The address it gets.
    pub new: std::net::IpAddr,
}

impl Action {
    /// The scheduling priority of this kind of work; lower runs first among ready steps.
    pub fn priority(&self) -> u32 {
        match self {
            Action::Barrier => 0,
            Action::IscsiLogin { .. } => 10,
            Action::ImportDomain { .. } => 20,
            Action::AttachDomain { master: true, .. } => 30,
            Action::AttachDomain { master: false, .. } => 31,
            Action::DiscoverEntities { .. } | Action::PlanRegistrations { .. } => 40,
            Action::RegisterTemplate { .. } => 50,
            Action::StartVm { wave, .. } => 60 + u32::from(*wave) * 10,
            Action::RegisterVm { vm } => match (vm.was_up, vm.high_availability) {
                (true, true) => 65,
                (true, false) => 75,
                (false, _) => 90,
            },
            Action::WaitVmUp { .. } | Action::WaitVmReady { .. } => 85,
            Action::FinishGroup { .. } => 86,
            Action::RunHook { .. } => 60,
            Action::SplitBrainGuard { .. }
            | Action::RecordRunningVms { .. }
            | Action::StorageGate { .. }
            | Action::ManualStep { .. } => 1,
            Action::ShutdownVm { .. } => 3,
            Action::UpdateOvfStore { .. } => 4,
            Action::DeactivateDomain { master: false, .. } => 5,
            Action::DeactivateDomain { master: true, .. } => 6,
            Action::DetachDomain { .. } => 7,
            Action::RemoveDomain { .. } => 8,
            Action::RemoveVm { .. } | Action::RemoveDisk { .. } => 9,
        }
    }
}
