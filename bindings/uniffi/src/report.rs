//! [`Report`]: what a run did, as a record (with the core's JSON alongside).

use std::collections::HashMap;

use olvm_dr_core::plan::PlanKind;
use olvm_dr_core::report as core;

use crate::callbacks::phase_name;
use crate::types::Site;

/// Which flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum FlowKind {
    /// Bring the replicated domains, templates and VMs up on the target after a disaster.
    Failover,
    /// Release the mapped domains of a site.
    Cleanup,
    /// Return to the site that failed: clean it, then fail over to it.
    Failback,
    /// Planned move with both sites up and no data loss.
    Switchover,
}

impl From<PlanKind> for FlowKind {
    fn from(k: PlanKind) -> Self {
        match k {
            PlanKind::Failover => Self::Failover,
            PlanKind::Cleanup => Self::Cleanup,
            PlanKind::Failback => Self::Failback,
            PlanKind::Switchover => Self::Switchover,
        }
    }
}

/// The overall result of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Verdict {
    /// Every step succeeded and the check of the target found no difference.
    Success,
    /// Some steps failed or did not run (or the check found differences), others succeeded.
    Partial,
    /// Nothing useful was achieved.
    Failed,
}

impl From<core::Verdict> for Verdict {
    fn from(v: core::Verdict) -> Self {
        match v {
            core::Verdict::Success => Self::Success,
            core::Verdict::Partial => Self::Partial,
            core::Verdict::Failed => Self::Failed,
        }
    }
}

/// How a step (or an entity, the worst of its steps) ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum StepOutcome {
    /// It did its work.
    Done,
    /// Its effect was already in place.
    AlreadyDone,
    /// The plan said to skip it.
    Skipped,
    /// It failed.
    Failed,
    /// A step it depends on failed.
    Blocked,
    /// The run stopped before it ran.
    NotRun,
}

impl From<core::StepOutcome> for StepOutcome {
    fn from(o: core::StepOutcome) -> Self {
        match o {
            core::StepOutcome::Done => Self::Done,
            core::StepOutcome::AlreadyDone => Self::AlreadyDone,
            core::StepOutcome::Skipped => Self::Skipped,
            core::StepOutcome::Failed => Self::Failed,
            core::StepOutcome::Blocked => Self::Blocked,
            core::StepOutcome::NotRun => Self::NotRun,
        }
    }
}

/// Steps by outcome.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
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
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
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
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
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
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
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
    pub macs_reassigned: Vec<MacChange>,
}

/// A NIC whose MAC the Engine changed at registration (out of the target pool's ranges, or
/// taken there).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MacChange {
    /// NIC name.
    pub nic: String,
    /// The MAC the source had.
    pub from: String,
    /// The MAC it has now.
    pub to: String,
}

/// One step's result.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
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

/// What the check of the target after the run found.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Verification {
    /// The site checked.
    pub site: Site,
    /// Mapped domains checked.
    pub domains: u64,
    /// Registered VMs checked.
    pub vms: u64,
    /// Each difference as `entity: problem` (empty when clean).
    pub differences: Vec<String>,
}

/// What one run did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Report {
    /// Run id (`in-memory` without a state directory).
    pub run_id: String,
    /// The flow.
    pub kind: FlowKind,
    /// Target site.
    pub target: Site,
    /// Source site.
    pub source: Site,
    /// A drill.
    pub drill: bool,
    /// The verdict.
    pub verdict: Verdict,
    /// Start (RFC 3339, UTC).
    pub started_at: String,
    /// End (RFC 3339, UTC).
    pub finished_at: String,
    /// SHA-256 of the mapping file.
    pub mapping_sha256: String,
    /// The plan's hash.
    pub plan_hash: String,
    /// Where the time went.
    pub rto: Rto,
    /// Steps by outcome.
    pub counts: StepCounts,
    /// Storage domains.
    pub storage_domains: Vec<EntityOutcome>,
    /// Templates.
    pub templates: Vec<EntityOutcome>,
    /// VMs.
    pub vms: Vec<VmOutcome>,
    /// Every step.
    pub steps: Vec<StepResult>,
    /// Extra facts recorded by the run (split-brain evidence, journal errors, ...).
    pub facts: HashMap<String, String>,
    /// The check of the target after the run (failover, failback, switchover).
    pub verification: Option<Verification>,
    /// The summary the command line prints: verdict, counts, time, every failure.
    pub summary: String,
    /// The core's JSON report (the same as `olvm-dr report show --output json`).
    pub json: String,
}

fn n(v: usize) -> u64 {
    v as u64
}

fn outcome(o: Option<core::StepOutcome>) -> Option<StepOutcome> {
    o.map(StepOutcome::from)
}

fn entity(e: &core::EntityOutcome) -> EntityOutcome {
    EntityOutcome {
        site: e.site.into(),
        name: e.name.clone(),
        id: e.id.clone(),
        outcome: e.outcome.into(),
        error: e.error.clone(),
        duration_ms: e.duration_ms,
    }
}

impl From<&core::Report> for Report {
    fn from(r: &core::Report) -> Self {
        Self {
            run_id: r.run_id.clone(),
            kind: r.kind.into(),
            target: r.target.into(),
            source: r.source.into(),
            drill: r.drill,
            verdict: r.verdict.into(),
            started_at: r.started_at.clone(),
            finished_at: r.finished_at.clone(),
            mapping_sha256: r.inputs.mapping_sha256.clone(),
            plan_hash: r.inputs.plan_hash.clone(),
            rto: Rto {
                lease_wait_ms: r.rto.lease_wait_ms,
                storage_ms: r.rto.storage_ms,
                registration_ms: r.rto.registration_ms,
                start_ms: r.rto.start_ms,
                vms_up_ms: r.rto.vms_up_ms,
                total_ms: r.rto.total_ms,
            },
            counts: StepCounts {
                done: n(r.counts.done),
                already_done: n(r.counts.already_done),
                skipped: n(r.counts.skipped),
                failed: n(r.counts.failed),
                blocked: n(r.counts.blocked),
                not_run: n(r.counts.not_run),
            },
            storage_domains: r.storage_domains.iter().map(entity).collect(),
            templates: r.templates.iter().map(entity).collect(),
            vms: r
                .vms
                .iter()
                .map(|v| VmOutcome {
                    site: v.site.into(),
                    name: v.name.clone(),
                    id: v.id.clone(),
                    registered: outcome(v.registered),
                    started: outcome(v.started),
                    up: outcome(v.up),
                    stopped: outcome(v.stopped),
                    error: v.error.clone(),
                    macs_reassigned: v
                        .macs_reassigned
                        .iter()
                        .map(|m| MacChange {
                            nic: m.nic.clone(),
                            from: m.from.clone(),
                            to: m.to.clone(),
                        })
                        .collect(),
                })
                .collect(),
            steps: r
                .steps
                .iter()
                .map(|s| StepResult {
                    id: s.id.0.clone(),
                    phase: phase_name(s.phase),
                    site: s.site.into(),
                    summary: s.summary.clone(),
                    outcome: s.outcome.into(),
                    error: s.error.clone(),
                    error_kind: s.error_kind.clone(),
                    started_ms: s.started_ms,
                    duration_ms: s.duration_ms,
                    attempts: s.attempts,
                    lease_wait_ms: s.lease_wait_ms,
                    hint: s.hint.clone(),
                })
                .collect(),
            facts: r
                .facts
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            verification: r.verification.as_ref().map(|v| Verification {
                site: v.site.into(),
                domains: n(v.domains),
                vms: n(v.vms),
                differences: v
                    .differences
                    .iter()
                    .map(|d| format!("{}: {}", d.entity, d.problem))
                    .collect(),
            }),
            summary: r.render_summary(),
            json: r.to_json(),
        }
    }
}

/// The report whose JSON is `json` (a [`Report`]'s `json`, or a stored `report.json`) as one
/// self-contained HTML page: the `report.html` every run writes next to its `report.json`.
///
/// # Errors
/// [`crate::DrError::Config`] when `json` is not a report.
#[uniffi::export]
pub fn report_html(json: String) -> Result<String, crate::DrError> {
    serde_json::from_str::<core::Report>(&json)
        .map(|r| r.render_html())
        .map_err(|e| crate::DrError::Config {
            reason: format!("not a report: {e}"),
        })
}
