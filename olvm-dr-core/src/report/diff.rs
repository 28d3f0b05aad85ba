//! [`ReportDiff`]: two runs side by side (RTO per phase, VMs whose outcome changed).

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::{Deserialize, Serialize};

use super::words::{outcome_word, secs, signed_secs, verdict_word};
use super::{Report, Verdict, VmOutcome};
use crate::Site;
use crate::plan::PlanKind;

/// What a comparison says about each of its runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunBrief {
    /// Run id.
    pub run_id: String,
    /// The flow.
    pub kind: PlanKind,
    /// Target site.
    pub target: Site,
    /// A drill.
    pub drill: bool,
    /// The verdict.
    pub verdict: Verdict,
    /// When it started (RFC 3339, UTC).
    pub started_at: String,
    /// The plan's hash.
    pub plan_hash: String,
}

/// One part of the recovery time in both runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseDelta {
    /// The part, as named in the report's `rto` (`lease_wait_ms` without `_ms`, ...).
    pub phase: String,
    /// Its span in the first run, in milliseconds.
    pub before_ms: u64,
    /// Its span in the second run, in milliseconds.
    pub after_ms: u64,
    /// Second minus first, in milliseconds (negative: faster).
    pub delta_ms: i64,
}

/// A VM whose outcome differs between the two runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VmChange {
    /// The site.
    pub site: Site,
    /// Name.
    pub name: String,
    /// Its outcome in the first run ([`VmOutcome::state`]; `absent` when not in it).
    pub before: String,
    /// Its outcome in the second run.
    pub after: String,
    /// What failed in the second run, if anything.
    pub error: Option<String>,
}

/// The comparison of two runs' reports (`olvm-dr report diff RUN1 RUN2`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportDiff {
    /// The first run.
    pub before: RunBrief,
    /// The second run.
    pub after: RunBrief,
    /// Each part of the recovery time, in the order of the report's `rto`, the total last.
    pub rto: Vec<PhaseDelta>,
    /// VMs whose outcome changed, by site and name.
    pub vms_changed: Vec<VmChange>,
    /// VMs whose outcome is the same in both runs.
    pub vms_unchanged: usize,
}

/// A VM in the first run and in the second, where it is.
type BeforeAfter<'a> = (Option<&'a VmOutcome>, Option<&'a VmOutcome>);

/// The text of a VM outcome that is missing from one of the runs.
const ABSENT: &str = "absent";

impl VmOutcome {
    /// Where the VM got to, in a few words: the first stage (stop, registration, start, up)
    /// that did not succeed and how it ended (`start failed`, `up not_run`), else the last
    /// stage it reached (`up`, `started`, `registered`, `stopped`).
    pub fn state(&self) -> String {
        let stages = [
            ("stop", "stopped", self.stopped),
            ("registration", "registered", self.registered),
            ("start", "started", self.started),
            ("up", "up", self.up),
        ];
        let mut reached = "nothing to do";
        for (stage, done, outcome) in stages {
            match outcome {
                None => {}
                Some(o) if o.is_success() => reached = done,
                Some(o) => return format!("{stage} {}", outcome_word(o)),
            }
        }
        reached.to_owned()
    }
}

fn brief(r: &Report) -> RunBrief {
    RunBrief {
        run_id: r.run_id.clone(),
        kind: r.kind,
        target: r.target,
        drill: r.drill,
        verdict: r.verdict,
        started_at: r.started_at.clone(),
        plan_hash: r.inputs.plan_hash.clone(),
    }
}

impl ReportDiff {
    /// Compares `before` with `after`.
    pub fn new(before: &Report, after: &Report) -> Self {
        let (a, b) = (&before.rto, &after.rto);
        let rto = [
            ("lease_wait", a.lease_wait_ms, b.lease_wait_ms),
            ("storage", a.storage_ms, b.storage_ms),
            ("registration", a.registration_ms, b.registration_ms),
            ("start", a.start_ms, b.start_ms),
            ("vms_up", a.vms_up_ms, b.vms_up_ms),
            ("total", a.total_ms, b.total_ms),
        ]
        .into_iter()
        .map(|(phase, before_ms, after_ms)| PhaseDelta {
            phase: phase.to_owned(),
            before_ms,
            after_ms,
            delta_ms: i64::try_from(after_ms).unwrap_or(i64::MAX)
                - i64::try_from(before_ms).unwrap_or(i64::MAX),
        })
        .collect();

        let mut vms: BTreeMap<(Site, &str), BeforeAfter> = BTreeMap::new();
        for v in &before.vms {
            vms.entry((v.site, &v.name)).or_default().0 = Some(v);
        }
        for v in &after.vms {
            vms.entry((v.site, &v.name)).or_default().1 = Some(v);
        }
        let mut vms_changed = Vec::new();
        let mut vms_unchanged = 0;
        for ((site, name), (a, b)) in vms {
            let was = a.map_or_else(|| ABSENT.to_owned(), VmOutcome::state);
            let is = b.map_or_else(|| ABSENT.to_owned(), VmOutcome::state);
            if was == is {
                vms_unchanged += 1;
                continue;
            }
            vms_changed.push(VmChange {
                site,
                name: name.to_owned(),
                before: was,
                after: is,
                error: b.and_then(|v| v.error.clone()),
            });
        }
        Self {
            before: brief(before),
            after: brief(after),
            rto,
            vms_changed,
            vms_unchanged,
        }
    }

    /// Pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// For humans: both runs, the RTO table, then every VM whose outcome changed.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        for (label, r) in [("before", &self.before), ("after", &self.after)] {
            let _ = writeln!(
                out,
                "{label}: {} {} ({}, started {})",
                r.kind.title(r.drill, r.target),
                verdict_word(r.verdict),
                r.run_id,
                r.started_at
            );
        }
        let _ = writeln!(
            out,
            "\n{:<16} {:>9} {:>10} {:>10}",
            "recovery time", "before", "after", "change"
        );
        for p in &self.rto {
            let _ = writeln!(
                out,
                "  {:<14} {:>9} {:>10} {:>10}",
                p.phase.replace('_', " "),
                secs(p.before_ms),
                secs(p.after_ms),
                signed_secs(p.delta_ms)
            );
        }
        if self.vms_changed.is_empty() {
            let _ = writeln!(
                out,
                "\nno VM changed outcome ({} the same)",
                self.vms_unchanged
            );
        } else {
            let _ = writeln!(
                out,
                "\n{} VMs changed outcome ({} the same):",
                self.vms_changed.len(),
                self.vms_unchanged
            );
            for c in &self.vms_changed {
                let why = c
                    .error
                    .as_deref()
                    .map(|e| format!(": {e}"))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "  - {} on the {} site: {} -> {}{why}",
                    c.name, c.site, c.before, c.after
                );
            }
        }
        out
    }
}
