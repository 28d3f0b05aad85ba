//! The timeline of a report: a Gantt chart with one row per storage domain, template and VM,
//! one bar per step (the lease wait of an attach drawn apart), the critical path marked.

use std::collections::{HashMap, HashSet};
use std::fmt::Write;

use super::esc;
use crate::plan::StepId;
use crate::report::words::{outcome_word, secs};
use crate::report::{EntityStep, Report, StepResult};

/// What a row of the timeline is.
#[derive(Clone, Copy)]
enum RowKind {
    Domain,
    Template,
    Vm,
}

impl RowKind {
    fn class(self) -> &'static str {
        match self {
            RowKind::Domain => "tl-domain",
            RowKind::Template => "tl-template",
            RowKind::Vm => "tl-vm",
        }
    }
}

/// Every kind of bar, in legend order: the lease wait first, then the kinds of step.
const LEGEND: [(&str, &str); 11] = [
    ("lease", "lease wait"),
    ("import", "import"),
    ("attach", "attach"),
    ("register", "registration"),
    ("start", "start"),
    ("up", "up"),
    ("shutdown", "shutdown"),
    ("ovf_update", "OVF update"),
    ("deactivate", "maintenance"),
    ("detach", "detach"),
    ("remove", "remove"),
];

/// The timeline section of `report`.
pub(super) fn timeline(report: &Report) -> String {
    let results: HashMap<&StepId, &StepResult> = report.steps.iter().map(|r| (&r.id, r)).collect();
    let critical: HashSet<&StepId> = report.critical_path.iter().collect();
    let end = report
        .steps
        .iter()
        .filter_map(|r| r.started_ms.map(|s| s + r.duration_ms))
        .max()
        .unwrap_or(0)
        .max(report.rto.total_ms)
        .max(1);
    let chart = Chart {
        results: &results,
        critical: &critical,
        end,
    };

    let mut rows = String::new();
    let mut kinds: HashSet<&str> = HashSet::new();
    for d in &report.storage_domains {
        rows += &chart.row(RowKind::Domain, &d.name, d.site, &d.steps, &mut kinds);
    }
    for t in &report.templates {
        rows += &chart.row(RowKind::Template, &t.name, t.site, &t.steps, &mut kinds);
    }
    for v in &report.vms {
        rows += &chart.row(RowKind::Vm, &v.name, v.site, &v.steps, &mut kinds);
    }
    let on_entities: HashSet<&StepId> = report
        .storage_domains
        .iter()
        .chain(&report.templates)
        .flat_map(|e| &e.steps)
        .chain(report.vms.iter().flat_map(|v| &v.steps))
        .map(|s| &s.id)
        .collect();
    rows += &chart.other_row(report, &on_entities);

    let mut out = String::from("<section id=\"timeline\">\n<h2>Timeline</h2>\n");
    out += "<p class=\"note\">One row per storage domain, template and VM; one bar per step \
            (hover for details). Bars outlined in red are on the critical path: the chain of \
            steps that decided when the run ended.</p>\n<div class=\"legend\">";
    for (class, label) in LEGEND.iter().filter(|(c, _)| kinds.contains(c)) {
        let _ = write!(
            out,
            "<span><i class=\"bar k-{class}\"></i>{}</span>",
            esc(label)
        );
    }
    out += "<span><i class=\"bar crit\"></i>critical path</span></div>\n";
    out += &axis(end);
    out += "<div class=\"tl-rows\">\n";
    out += &rows;
    out += "</div>\n</section>\n";
    out
}

struct Chart<'a> {
    results: &'a HashMap<&'a StepId, &'a StepResult>,
    critical: &'a HashSet<&'a StepId>,
    end: u64,
}

impl Chart<'_> {
    fn pct(&self, ms: u64) -> f64 {
        ms as f64 * 100.0 / self.end as f64
    }

    /// One bar from `from` to `to` (ms since the run started).
    fn bar(&self, class: &str, from: u64, to: u64, critical: bool, title: &str) -> String {
        let crit = if critical { " crit" } else { "" };
        format!(
            "<span class=\"bar {class}{crit}\" style=\"left:{:.3}%;width:{:.3}%\" title=\"{}\"></span>",
            self.pct(from),
            self.pct(to.saturating_sub(from)),
            esc(title)
        )
    }

    /// The bars of one step: its lease wait apart (attach), then the rest.
    fn step_bars<'k>(
        &self,
        r: &StepResult,
        kind: &'k str,
        kinds: &mut HashSet<&'k str>,
    ) -> Option<(String, bool)> {
        let start = r.started_ms?;
        let end = start + r.duration_ms;
        let critical = self.critical.contains(&r.id);
        let mut out = String::new();
        let lease = r.lease_wait_ms.min(r.duration_ms);
        if lease > 0 {
            kinds.insert("lease");
            let title = format!("{}: lease wait {}", r.summary, secs(lease));
            out += &self.bar("k-lease", start, start + lease, critical, &title);
        }
        kinds.insert(kind);
        let failed = if r.outcome.is_success() { "" } else { " bad" };
        let title = format!(
            "{}: {} at {} after {} ({} attempt(s)){}",
            r.summary,
            outcome_word(r.outcome),
            secs(end),
            secs(r.duration_ms),
            r.attempts,
            r.error
                .as_deref()
                .map(|e| format!(": {e}"))
                .unwrap_or_default()
        );
        out += &self.bar(
            &format!("k-{kind}{failed}"),
            start + lease,
            end,
            critical,
            &title,
        );
        Some((out, critical))
    }

    fn row(
        &self,
        kind: RowKind,
        name: &str,
        site: crate::Site,
        steps: &[EntityStep],
        kinds: &mut HashSet<&'static str>,
    ) -> String {
        let mut bars = String::new();
        let mut critical = false;
        for s in steps {
            let Some(r) = self.results.get(&s.id) else {
                continue;
            };
            if let Some((b, c)) = self.step_bars(r, s.kind.as_str(), kinds) {
                bars += &b;
                critical |= c;
            }
        }
        let crit = if critical { " crit" } else { "" };
        format!(
            "<div class=\"tl-row {}{crit}\" data-name=\"{n}\" data-site=\"{site}\">\
             <span class=\"tl-label\" title=\"{n} ({site})\">{n}</span>\
             <span class=\"tl-track\">{bars}</span></div>\n",
            kind.class(),
            n = esc(name),
        )
    }

    /// The steps of the critical path that act on no one entity (the guard, logins,
    /// discovery, gates), in one row; nothing when there are none.
    fn other_row(&self, report: &Report, on_entities: &HashSet<&StepId>) -> String {
        let mut bars = String::new();
        let mut unused = HashSet::new();
        for id in report
            .critical_path
            .iter()
            .filter(|i| !on_entities.contains(i))
        {
            if let Some(r) = self.results.get(id)
                && let Some((b, _)) = self.step_bars(r, "other", &mut unused)
            {
                bars += &b;
            }
        }
        if bars.is_empty() {
            return String::new();
        }
        format!(
            "<div class=\"tl-row tl-other crit\"><span class=\"tl-label\">other steps \
             (critical path)</span><span class=\"tl-track\">{bars}</span></div>\n"
        )
    }
}

/// The time axis: ticks at a round interval, about eight across.
fn axis(end: u64) -> String {
    const STEPS_S: [u64; 14] = [
        1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200,
    ];
    let step_ms = STEPS_S
        .iter()
        .map(|s| s * 1000)
        .find(|s| end / s <= 8)
        .unwrap_or(3_600_000 * ((end / 8 / 3_600_000) + 1));
    let mut out = String::from(
        "<div class=\"tl-row tl-axis\"><span class=\"tl-label\">seconds since start</span><span class=\"tl-track\">",
    );
    let mut t = 0;
    while t <= end {
        let _ = write!(
            out,
            "<span class=\"tick\" style=\"left:{:.3}%\">{}</span>",
            t as f64 * 100.0 / end as f64,
            t / 1000
        );
        t += step_ms;
    }
    out += "</span></div>\n";
    out
}
