//! [`Report`]: what a run did, per storage domain, template and VM, with timings and a verdict.

mod build;
mod critical;
mod diff;
mod group;
mod hint;
mod html;
mod recovery_groups;
mod recovery_hooks;
mod render;
mod words;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use build::{RunMeta, add_step_outputs, build_report};
pub use diff::{PhaseDelta, ReportDiff, RunBrief, VmChange};
pub use group::{FailureGroup, group_failures, mask_names};
pub use hint::{FailureKind, continue_command, hint};
pub use recovery_groups::{AddressOutcome, GroupOutcome, add_recovery_groups};
pub use recovery_hooks::{HookOutcome, add_recovery_hooks};

use crate::Site;
use crate::plan::{Phase, PlanKind, StepId};

/// The version of the report's JSON layout. Bumped when a field changes meaning.
pub const REPORT_SCHEMA: u32 = 1;

/// How a step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepOutcome {
    /// It did its work.
    Done,
    /// Its effect was already in place.
    AlreadyDone,
    /// The plan said to skip it.
    Skipped,
    /// It failed.
    Failed,
    /// A step it depends on failed, so it did not run.
    Blocked,
    /// The run stopped (on error, or interrupted) before it ran.
    NotRun,
}

impl StepOutcome {
    /// Done or already done.
    pub fn is_success(self) -> bool {
        matches!(
            self,
            StepOutcome::Done | StepOutcome::AlreadyDone | StepOutcome::Skipped
        )
    }
}

/// The overall result of a run; decides the CLI's exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every step succeeded.
    Success,
    /// Some steps failed or did not run, others succeeded.
    Partial,
    /// Nothing useful was achieved: every step that had work to do failed or did not run.
    Failed,
}

/// One step's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepResult {
    /// The step.
    pub id: StepId,
    /// Its phase.
    pub phase: Phase,
    /// Its site.
    pub site: Site,
    /// What it did.
    pub summary: String,
    /// How it ended.
    pub outcome: StepOutcome,
    /// Why it failed, was blocked or did not run.
    pub error: Option<String>,
    /// The error kind when an Engine call failed (`lease_held`, `conflict`, ...).
    pub error_kind: Option<String>,
    /// Milliseconds since the run started when the step started.
    pub started_ms: Option<u64>,
    /// How long it took, in milliseconds.
    pub duration_ms: u64,
    /// How many attempts it needed.
    pub attempts: u32,
    /// Time spent in the calls that acquire a storage lease (attach, activate), in
    /// milliseconds: the Engine blocks in them while sanlock watches the other site's lease
    /// records, and they are retried while the lease cannot be taken.
    pub lease_wait_ms: u64,
    /// For a failed step: what the failure means in DR terms, what to do, and the command that
    /// continues the run ([`FailureKind::advice`], [`continue_command`]). Set when the report is
    /// built.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// The outcome for one entity (domain, template or VM) on one site, merged from its steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityOutcome {
    /// The site.
    pub site: Site,
    /// Name.
    pub name: String,
    /// Id, when known.
    pub id: Option<String>,
    /// Merged outcome: the worst of its steps.
    pub outcome: StepOutcome,
    /// What failed, if anything.
    pub error: Option<String>,
    /// Total time of its steps, in milliseconds.
    pub duration_ms: u64,
    /// Its steps, in plan order (the rows of the report's timeline).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<EntityStep>,
}

/// The outcome for one VM on one site: registration, start and whether it came up (target),
/// or its shutdown (a site being released).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VmOutcome {
    /// The site.
    pub site: Site,
    /// Name.
    pub name: String,
    /// Id.
    pub id: String,
    /// Registration, when the VM was to be registered.
    pub registered: Option<StepOutcome>,
    /// Start, when the VM was to be started.
    pub started: Option<StepOutcome>,
    /// Reached `up`, when it was waited for.
    pub up: Option<StepOutcome>,
    /// Shut down or powered off, when its site was released.
    pub stopped: Option<StepOutcome>,
    /// What failed, if anything.
    pub error: Option<String>,
    /// NICs the Engine gave a new MAC at registration (out of the target pool's ranges, or
    /// taken there).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub macs_reassigned: Vec<MacChange>,
    /// The cluster it was registered into: its name, or its id when the name could not be
    /// read; `None` when it was not registered by this run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    /// Its steps, in plan order (the rows of the report's timeline).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<EntityStep>,
}

/// One step of a domain, template or VM: which step, and what kind of work it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityStep {
    /// The step (its result is in [`Report::steps`]).
    pub id: StepId,
    /// What it does to the entity.
    pub kind: StepKind,
}

/// What a step does to its domain, template or VM: the bars of the report's timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// Import of a storage domain.
    Import,
    /// Attach and activation of a storage domain (its lease wait included).
    Attach,
    /// Writing a domain's OVF store.
    OvfUpdate,
    /// Moving a domain to maintenance.
    Deactivate,
    /// Detaching a domain.
    Detach,
    /// Removing a domain from the Engine.
    Remove,
    /// Registration of a template or VM.
    Register,
    /// Start of a VM.
    Start,
    /// Waiting for a VM to be up.
    Up,
    /// Shutdown of a VM.
    Shutdown,
}

impl StepKind {
    /// Lower-case name, as in the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::Import => "import",
            StepKind::Attach => "attach",
            StepKind::OvfUpdate => "ovf_update",
            StepKind::Deactivate => "deactivate",
            StepKind::Detach => "detach",
            StepKind::Remove => "remove",
            StepKind::Register => "register",
            StepKind::Start => "start",
            StepKind::Up => "up",
            StepKind::Shutdown => "shutdown",
        }
    }
}

/// A NIC whose MAC changed at registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MacChange {
    /// NIC name.
    pub nic: String,
    /// The MAC the source had.
    pub from: String,
    /// The MAC it has now.
    pub to: String,
}

/// Where the recovery time went: the wall-clock span of each part of the run, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RtoBreakdown {
    /// Longest time one step spent in the calls that acquire a storage lease (attach,
    /// activate), which block while sanlock watches the other site's lease records.
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

/// What the run was given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportInputs {
    /// SHA-256 of the mapping file.
    pub mapping_sha256: String,
    /// The plan's hash.
    pub plan_hash: String,
    /// olvm-dr version.
    pub tool_version: String,
}

/// Counts of steps by outcome.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StepCounts {
    /// Steps that did their work.
    pub done: usize,
    /// Steps whose effect was already in place.
    pub already_done: usize,
    /// Steps the plan skipped.
    pub skipped: usize,
    /// Steps that failed.
    pub failed: usize,
    /// Steps blocked by a failed dependency.
    pub blocked: usize,
    /// Steps that did not run.
    pub not_run: usize,
}

/// What happened in one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// JSON layout version ([`REPORT_SCHEMA`]).
    pub schema: u32,
    /// Run id.
    pub run_id: String,
    /// The flow.
    pub kind: PlanKind,
    /// Target site.
    pub target: Site,
    /// Source site.
    pub source: Site,
    /// `true` for drills (rehearsals).
    pub drill: bool,
    /// The verdict.
    pub verdict: Verdict,
    /// When the run started (RFC 3339, UTC).
    pub started_at: String,
    /// When the run ended (RFC 3339, UTC).
    pub finished_at: String,
    /// Inputs.
    pub inputs: ReportInputs,
    /// Where the time went.
    pub rto: RtoBreakdown,
    /// Step counts.
    pub counts: StepCounts,
    /// Storage domains.
    pub storage_domains: Vec<EntityOutcome>,
    /// Templates.
    pub templates: Vec<EntityOutcome>,
    /// VMs.
    pub vms: Vec<VmOutcome>,
    /// Every step.
    pub steps: Vec<StepResult>,
    /// Extra facts recorded by the flow (e.g. split-brain evidence), by name.
    pub facts: BTreeMap<String, String>,
    /// What a check of the target after the run found (failover, failback, switchover, drills).
    pub verification: Option<crate::verify::Verification>,
    /// The chain of steps that decided when the run ended, first to last: from the step that
    /// ended last, back through the dependency of each that ended last.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub critical_path: Vec<StepId>,
    /// The recovery plan's groups, in order, when a recovery plan ordered the starts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recovery_groups: Vec<GroupOutcome>,
    /// The recovery plan's hooks and manual steps, in plan order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recovery_hooks: Vec<HookOutcome>,
}

impl Report {
    /// Adds the verification of the target; differences turn a success into a partial result.
    pub fn attach_verification(&mut self, verification: crate::verify::Verification) {
        if !verification.is_clean() && self.verdict == Verdict::Success {
            self.verdict = Verdict::Partial;
        }
        self.verification = Some(verification);
    }

    /// The report as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}
