//! The entries of a [`crate::Report`]: storage domains, templates, VMs, steps, and the groups
//! and hooks of a recovery plan. Each record mirrors the core's type of the same name and is
//! filled from its serde form ([`crate::convert::convert`]); `Rto` and `MacChange` are the
//! core's own types, declared to uniffi as remote records.

use olvm_dr_core::report as core;
use serde::Deserialize;

use crate::report::StepOutcome;
use crate::types::Site;

/// Steps by outcome.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, uniffi::Record)]
pub struct StepCounts {
    /// Did their work.
    pub done: u64,
    /// Already in place.
    pub already_done: u64,
    /// Skipped by the plan.
    pub skipped: u64,
    /// Failed.
    pub failed: u64,
    /// Blocked by a failed dependency.
    pub blocked: u64,
    /// Did not run.
    pub not_run: u64,
}

/// Where the recovery time went (wall-clock spans, milliseconds).
pub type Rto = core::RtoBreakdown;

/// Where the recovery time went (wall-clock spans, milliseconds).
#[uniffi::remote(Record)]
pub struct Rto {
    /// Longest wait for a storage lease held by the other site.
    pub lease_wait_ms: u64,
    /// iSCSI logins, imports, attaches and activations.
    pub storage_ms: u64,
    /// Discovery and registration of templates and VMs.
    pub registration_ms: u64,
    /// Start requests.
    pub start_ms: u64,
    /// Waiting for started VMs to be up.
    pub vms_up_ms: u64,
    /// The whole run.
    pub total_ms: u64,
}

/// A storage domain or template on one site.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, uniffi::Record)]
pub struct EntityOutcome {
    /// The site.
    pub site: Site,
    /// Name.
    pub name: String,
    /// Id, when known.
    pub id: Option<String>,
    /// The worst outcome of its steps.
    pub outcome: StepOutcome,
    /// What failed.
    pub error: Option<String>,
    /// Total time of its steps.
    pub duration_ms: u64,
}

/// A VM on one site: registered, started, up (target) or stopped (a site being released).
/// `None` when that was not to be done.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, uniffi::Record)]
pub struct VmOutcome {
    /// The site.
    pub site: Site,
    /// Name.
    pub name: String,
    /// Id.
    pub id: String,
    /// Registration.
    pub registered: Option<StepOutcome>,
    /// Start.
    pub started: Option<StepOutcome>,
    /// Reached `up`.
    pub up: Option<StepOutcome>,
    /// Shut down or powered off.
    pub stopped: Option<StepOutcome>,
    /// What failed.
    pub error: Option<String>,
    /// NICs whose MAC the Engine changed at registration.
    #[serde(default)]
    pub macs_reassigned: Vec<MacChange>,
}

/// A NIC whose MAC the Engine changed at registration.
pub type MacChange = core::MacChange;

/// A NIC whose MAC the Engine changed at registration (out of the target pool's ranges, or
/// taken there).
#[uniffi::remote(Record)]
pub struct MacChange {
    /// NIC name.
    pub nic: String,
    /// The MAC the source had.
    pub from: String,
    /// The MAC it has now.
    pub to: String,
}

/// One step's result.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, uniffi::Record)]
pub struct StepResult {
    /// Step id, e.g. `secondary/register-vm/<id>`.
    pub id: String,
    /// Its phase's name.
    pub phase: String,
    /// Its site.
    pub site: Site,
    /// What it did.
    pub summary: String,
    /// How it ended.
    pub outcome: StepOutcome,
    /// Why it failed, was blocked or did not run.
    pub error: Option<String>,
    /// The Engine error kind when an Engine call failed (`lease_held`, `conflict`, ...).
    pub error_kind: Option<String>,
    /// When it started, since the run started.
    pub started_ms: Option<u64>,
    /// How long it took.
    pub duration_ms: u64,
    /// Attempts it needed.
    pub attempts: u32,
    /// Time spent waiting for the other site's storage lease.
    pub lease_wait_ms: u64,
    /// For a failed step: what the failure means, what to do, and the command that continues
    /// the run.
    pub hint: Option<String>,
}

/// One group of a run that followed a recovery plan.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, uniffi::Record)]
pub struct GroupOutcome {
    /// The group's name.
    pub name: String,
    /// How many of its VMs were started.
    pub started: u64,
    /// From the run's start to the group's first start, in milliseconds.
    pub first_start_ms: Option<u64>,
    /// From its first start to the end of its last wait: the group's time to up.
    pub time_to_up_ms: Option<u64>,
    /// How the group ended.
    pub outcome: StepOutcome,
    /// Its VMs that did not pass their wait.
    #[serde(default)]
    pub not_passed: Vec<String>,
    /// The address changes of its VMs.
    #[serde(default)]
    pub addresses: Vec<AddressOutcome>,
}

/// One address a recovery plan changed at a VM's start.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, uniffi::Record)]
pub struct AddressOutcome {
    /// The VM.
    pub vm: String,
    /// The guest's interface.
    pub interface: String,
    /// Its address on the source.
    pub old: String,
    /// The address cloud-init was given.
    pub new: String,
    /// `true` when the guest reported the new address after its start, `false` when it
    /// reported others (a guest without cloud-init keeps its own configuration: a hook must
    /// change it), `None` when its wait did not read them.
    pub applied: Option<bool>,
}

/// One hook or manual step of a run that followed a recovery plan.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, uniffi::Record)]
pub struct HookOutcome {
    /// Its step id.
    pub step: String,
    /// `hook` or `manual`.
    pub kind: String,
    /// Where in the plan: `before_run`, `before`, `before_start`, ...; `manual` for a manual
    /// step.
    pub point: String,
    /// Its group, if any.
    pub group: Option<String>,
    /// Its VM's name, if any.
    pub vm: Option<String>,
    /// The command (a hook) or the question (a manual step).
    pub what: String,
    /// How its step ended.
    pub outcome: StepOutcome,
    /// A hook's command succeeded (`false` when it failed and the run went on, or the operator
    /// confirmed to go on); `None` when it did not end.
    pub passed: Option<bool>,
    /// The command's exit status, when it exited.
    pub exit: Option<i32>,
    /// From the run's start to the step's start, in milliseconds.
    pub started_ms: Option<u64>,
    /// How long the step took, in milliseconds.
    pub duration_ms: u64,
    /// Why it failed or did not pass, or who confirmed it.
    pub note: Option<String>,
    /// The end of what the command printed on stdout.
    #[serde(default)]
    pub stdout: String,
    /// The end of what the command printed on stderr.
    #[serde(default)]
    pub stderr: String,
}
