//! The human-readable summary of a report.

use std::fmt::Write;

use super::{Report, StepOutcome, Verdict};

fn secs(ms: u64) -> String {
    format!("{:.1} s", ms as f64 / 1000.0)
}

impl Report {
    /// A summary for humans: verdict, counts, where the time went, and every failure with its
    /// reason.
    pub fn render_summary(&self) -> String {
        let mut out = String::new();
        let verdict = match self.verdict {
            Verdict::Success => "SUCCESS",
            Verdict::Partial => "PARTIAL",
            Verdict::Failed => "FAILED",
        };
        let drill = if self.drill { " (drill)" } else { "" };
        let _ = writeln!(
            out,
            "{}{} to {}: {} (run {}, {})",
            self.kind,
            drill,
            self.target,
            verdict,
            self.run_id,
            secs(self.rto.total_ms)
        );
        let ok = |o: StepOutcome| o.is_success();
        if !self.storage_domains.is_empty() {
            let good = self
                .storage_domains
                .iter()
                .filter(|d| ok(d.outcome))
                .count();
            let _ = writeln!(
                out,
                "  storage domains: {good} of {} ready",
                self.storage_domains.len()
            );
        }
        if !self.templates.is_empty() {
            let good = self.templates.iter().filter(|t| ok(t.outcome)).count();
            let _ = writeln!(
                out,
                "  templates: {good} of {} registered",
                self.templates.len()
            );
        }
        if !self.vms.is_empty() {
            let registered = self.vms.iter().filter(|v| ok(v.registered)).count();
            let to_start = self.vms.iter().filter(|v| v.started.is_some()).count();
            let started = self
                .vms
                .iter()
                .filter(|v| v.started.is_some_and(ok))
                .count();
            let waited = self.vms.iter().filter(|v| v.up.is_some()).count();
            let up = self.vms.iter().filter(|v| v.up.is_some_and(ok)).count();
            let _ = write!(
                out,
                "  VMs: {registered} of {} registered, {started} of {to_start} started",
                self.vms.len()
            );
            if waited > 0 {
                let _ = write!(out, ", {up} of {waited} up");
            }
            out.push('\n');
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
        let c = &self.counts;
        let _ = writeln!(
            out,
            "  steps: {} done, {} already done, {} skipped, {} failed, {} blocked, {} not run",
            c.done, c.already_done, c.skipped, c.failed, c.blocked, c.not_run
        );
        let failed: Vec<_> = self
            .steps
            .iter()
            .filter(|s| s.outcome == StepOutcome::Failed)
            .collect();
        if !failed.is_empty() {
            let _ = writeln!(out, "\nfailed steps:");
            for s in failed {
                let _ = writeln!(
                    out,
                    "  - {}: {}",
                    s.summary,
                    s.error.as_deref().unwrap_or("no reason recorded")
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
