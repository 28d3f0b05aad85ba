//! The human-readable summary of a report.

use std::fmt::Write;

use super::words::{secs, verdict_word};
use super::{Report, StepOutcome};

/// At most this many groups of failures are listed (the others are counted), so that the
/// summary of a large run fits a screen.
const SHOWN_GROUPS: usize = 8;

/// At most this many names of a group's entities are listed.
const SHOWN_NAMES: usize = 5;

/// One group of identical failures: the error once, the first few names, the hint.
fn render_group(out: &mut String, g: &super::FailureGroup) {
    if g.names.len() == 1 {
        let _ = writeln!(out, "  - {}: {}", g.first, g.error);
    } else {
        let mut names = g.names[..g.names.len().min(SHOWN_NAMES)].join(", ");
        if g.names.len() > SHOWN_NAMES {
            names.push_str(&format!(", and {} more", g.names.len() - SHOWN_NAMES));
        }
        let _ = writeln!(out, "  - {} {}: {}", g.names.len(), g.noun, g.error);
        let _ = writeln!(out, "      {names}");
    }
    if let Some(hint) = &g.hint {
        let _ = writeln!(out, "      hint: {hint}");
    }
}

impl Report {
    /// A summary for humans: verdict, counts, where the time went, and every failure with its
    /// reason.
    pub fn render_summary(&self) -> String {
        let mut out = String::new();
        let verdict = verdict_word(self.verdict);
        let _ = writeln!(
            out,
            "{}: {} (run {}, {})",
            self.kind.title(self.drill, self.target),
            verdict,
            self.run_id,
            secs(self.rto.total_ms)
        );
        for site in crate::Site::BOTH {
            let domains: Vec<_> = self
                .storage_domains
                .iter()
                .filter(|d| d.site == site)
                .collect();
            if !domains.is_empty() {
                let good = domains.iter().filter(|d| d.outcome.is_success()).count();
                let verb = if site == self.target && self.kind != crate::plan::PlanKind::Cleanup {
                    "ready"
                } else {
                    "released"
                };
                let _ = writeln!(
                    out,
                    "  storage domains on the {site} site: {good} of {} {verb}",
                    domains.len()
                );
            }
            let templates: Vec<_> = self.templates.iter().filter(|t| t.site == site).collect();
            if !templates.is_empty() {
                let good = templates.iter().filter(|t| t.outcome.is_success()).count();
                let _ = writeln!(
                    out,
                    "  templates on the {site} site: {good} of {} registered",
                    templates.len()
                );
            }
            let vms: Vec<_> = self.vms.iter().filter(|v| v.site == site).collect();
            if vms.is_empty() {
                continue;
            }
            let count = |f: &dyn Fn(&super::VmOutcome) -> Option<StepOutcome>| {
                let all = vms.iter().filter(|v| f(v).is_some()).count();
                let good = vms
                    .iter()
                    .filter(|v| f(v).is_some_and(StepOutcome::is_success))
                    .count();
                (good, all)
            };
            let mut parts = Vec::new();
            for (what, f) in [
                (
                    "stopped",
                    &(|v: &super::VmOutcome| v.stopped)
                        as &dyn Fn(&super::VmOutcome) -> Option<StepOutcome>,
                ),
                ("registered", &|v: &super::VmOutcome| v.registered),
                ("started", &|v: &super::VmOutcome| v.started),
                ("up", &|v: &super::VmOutcome| v.up),
            ] {
                let (good, all) = count(f);
                if all > 0 {
                    parts.push(format!("{good} of {all} {what}"));
                }
            }
            let _ = writeln!(out, "  VMs on the {site} site: {}", parts.join(", "));
        }
        let r = &self.rto;
        let _ = writeln!(
            out,
            "  time: total {} (lease wait {}, storage {}, registration {}, start {}, VMs up {})",
            secs(r.total_ms),
            secs(r.lease_wait_ms),
            secs(r.storage_ms),
            secs(r.registration_ms),
            secs(r.start_ms),
            secs(r.vms_up_ms)
        );
        super::recovery_groups::render_groups(&mut out, &self.recovery_groups);
        super::recovery_hooks::render_hooks(&mut out, &self.recovery_hooks);
        let c = &self.counts;
        let _ = writeln!(
            out,
            "  steps: {} done, {} already done, {} skipped, {} failed, {} blocked, {} not run",
            c.done, c.already_done, c.skipped, c.failed, c.blocked, c.not_run
        );
        let fact = |k: &str| self.facts.get(k).map_or("not recorded", String::as_str);
        if let Some(decision) = self.facts.get("split_brain.decision") {
            let _ = writeln!(
                out,
                "  split-brain guard: {decision}; what it saw: {}",
                fact("split_brain.evidence")
            );
            if decision == "proceed-forced" {
                let _ = writeln!(
                    out,
                    "  FORCED past the split-brain guard by {} at {}: {}",
                    fact("split_brain.forced_by"),
                    fact("split_brain.forced_at"),
                    fact("split_brain.force_reason"),
                );
            }
        }
        if let Some(replaced) = self.facts.get("engine_lock.replaced") {
            let _ = writeln!(
                out,
                "  run lock on the {} Engine taken over from {replaced}",
                self.target
            );
        }
        if let Some(error) = self.facts.get("engine_lock.release_error") {
            let _ = writeln!(out, "  {error}");
        }
        if let Some(v) = &self.verification {
            out.push_str(&format!("  {}", v.render()));
        }
        let moved: Vec<_> = self
            .vms
            .iter()
            .filter(|v| !v.macs_reassigned.is_empty())
            .collect();
        if !moved.is_empty() {
            let _ = writeln!(
                out,
                "
MACs reassigned by the Engine (out of the target pool's ranges, or taken there), {} VMs:",
                moved.len()
            );
            let more = moved.len().saturating_sub(SHOWN_NAMES);
            for v in moved.into_iter().take(SHOWN_NAMES) {
                let nics: Vec<String> = v
                    .macs_reassigned
                    .iter()
                    .map(|m| format!("{} {} -> {}", m.nic, m.from, m.to))
                    .collect();
                let _ = writeln!(out, "  - VM '{}': {}", v.name, nics.join(", "));
            }
            if more > 0 {
                let _ = writeln!(
                    out,
                    "  ... and {more} more VMs (olvm-dr report show {} --output json lists every one)",
                    self.run_id
                );
            }
        }
        let groups = super::group_failures(&self.steps);
        if !groups.is_empty() {
            let failed: usize = groups.iter().map(|g| g.names.len()).sum();
            let _ = writeln!(out, "\nfailed steps ({failed}):");
            for g in groups.iter().take(SHOWN_GROUPS) {
                render_group(&mut out, g);
            }
            if groups.len() > SHOWN_GROUPS {
                let _ = writeln!(
                    out,
                    "  ... and {} more kinds of failure (olvm-dr report show {} --output json lists every step)",
                    groups.len() - SHOWN_GROUPS,
                    self.run_id
                );
            }
        }
        let blocked = self
            .steps
            .iter()
            .filter(|s| matches!(s.outcome, StepOutcome::Blocked | StepOutcome::NotRun))
            .count();
        if blocked > 0 {
            let _ = writeln!(
                out,
                "\n{blocked} steps did not run (see the report's steps for why)."
            );
        }
        out
    }
}
