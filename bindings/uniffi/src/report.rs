//! [`Report`]: what a run did, as a record (with the core's JSON alongside). Its entries are in
//! `report_entries.rs`; its enums are the core's own, declared to uniffi as remote types.

use std::collections::HashMap;

use olvm_dr_core::report as core;

use crate::convert::convert;
use crate::report_entries::{
    EntityOutcome, GroupOutcome, HookOutcome, Rto, StepCounts, StepResult, VmOutcome,
};
use crate::types::Site;

/// Which flow.
pub type FlowKind = olvm_dr_core::plan::PlanKind;

/// Which flow.
#[uniffi::remote(Enum)]
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

/// The overall result of a run.
pub type Verdict = core::Verdict;

/// The overall result of a run.
#[uniffi::remote(Enum)]
pub enum Verdict {
    /// Every step succeeded and the check of the target found no difference.
    Success,
    /// Some steps failed or did not run (or the check found differences), others succeeded.
    Partial,
    /// Nothing useful was achieved.
    Failed,
}

/// How a step (or an entity, the worst of its steps) ended.
pub type StepOutcome = core::StepOutcome;

/// How a step (or an entity, the worst of its steps) ended.
#[uniffi::remote(Enum)]
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
    /// The recovery plan's groups, in order (empty when no recovery plan ordered the starts).
    pub recovery_groups: Vec<GroupOutcome>,
    /// The recovery plan's hooks and manual steps, in plan order.
    pub recovery_hooks: Vec<HookOutcome>,
    /// The summary the command line prints: verdict, counts, time, every failure.
    pub summary: String,
    /// The core's JSON report (the same as `olvm-dr report show --output json`).
    pub json: String,
}

impl From<&core::Report> for Report {
    fn from(r: &core::Report) -> Self {
        Self {
            run_id: r.run_id.clone(),
            kind: r.kind,
            target: r.target,
            source: r.source,
            drill: r.drill,
            verdict: r.verdict,
            started_at: r.started_at.clone(),
            finished_at: r.finished_at.clone(),
            mapping_sha256: r.inputs.mapping_sha256.clone(),
            plan_hash: r.inputs.plan_hash.clone(),
            rto: r.rto,
            counts: convert(&r.counts),
            storage_domains: convert(&r.storage_domains),
            templates: convert(&r.templates),
            vms: convert(&r.vms),
            steps: convert(&r.steps),
            facts: r.facts.clone().into_iter().collect(),
            verification: r.verification.as_ref().map(|v| Verification {
                site: v.site,
                domains: v.domains as u64,
                vms: v.vms as u64,
                differences: v
                    .differences
                    .iter()
                    .map(|d| format!("{}: {}", d.entity, d.problem))
                    .collect(),
            }),
            recovery_groups: convert(&r.recovery_groups),
            recovery_hooks: convert(&r.recovery_hooks),
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
