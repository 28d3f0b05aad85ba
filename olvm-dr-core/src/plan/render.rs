//! The human-readable form of a plan.

use std::fmt::Write;

use super::{NoteLevel, Phase, Plan, Planned};

/// How much of a plan to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderOptions {
    /// Print at most this many steps per phase, then a count of the rest. `None` = all.
    pub max_steps_per_phase: Option<usize>,
}

impl Default for RenderOptions {
    /// At most 25 steps per phase: enough to read, short enough for a 10 000-VM plan.
    fn default() -> Self {
        Self {
            max_steps_per_phase: Some(25),
        }
    }
}

impl Plan {
    /// The plan as an indented text tree, grouped by phase in execution order.
    pub fn render(&self, options: RenderOptions) -> String {
        let mut out = String::new();
        let done = self
            .steps
            .iter()
            .filter(|s| matches!(s.planned, Planned::AlreadyDone { .. }))
            .count();
        let skipped = self
            .steps
            .iter()
            .filter(|s| matches!(s.planned, Planned::Skipped { .. }))
            .count();
        let from = match self.kind {
            super::PlanKind::Cleanup => String::new(),
            _ => format!(" (from {})", self.source),
        };
        let _ = writeln!(
            out,
            "{}{from} - plan {} - {} steps ({} to do, {} already done, {} skipped)",
            self.kind.title(self.drill, self.target),
            self.short_hash(),
            self.steps.len(),
            self.steps.len() - done - skipped,
            done,
            skipped
        );
        if !self.notes.is_empty() {
            out.push('\n');
            for n in &self.notes {
                let tag = match n.level {
                    NoteLevel::Info => "note",
                    NoteLevel::Warning => "WARNING",
                };
                let _ = writeln!(out, "  {tag}: {}", n.text);
            }
        }
        let mut phases: Vec<Phase> = Vec::new();
        for s in &self.steps {
            if !phases.contains(&s.phase) {
                phases.push(s.phase);
            }
        }
        for (n, phase) in phases.iter().enumerate() {
            let steps: Vec<_> = self.steps.iter().filter(|s| s.phase == *phase).collect();
            let sites: Vec<_> = {
                let mut v: Vec<_> = steps.iter().map(|s| s.site).collect();
                v.dedup();
                v
            };
            let site_text = sites
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            let _ = writeln!(out, "\n{}. {} [{}]", n + 1, phase.title(), site_text);
            let limit = options.max_steps_per_phase.unwrap_or(usize::MAX);
            for s in steps.iter().take(limit) {
                match &s.planned {
                    Planned::ToDo => {
                        let _ = writeln!(out, "   - {}", s.summary);
                    }
                    Planned::AlreadyDone { reason } => {
                        let _ = writeln!(out, "   = {}  (already done: {reason})", s.summary);
                    }
                    Planned::Skipped { reason } => {
                        let _ = writeln!(out, "   x {}  (skipped: {reason})", s.summary);
                    }
                }
            }
            if steps.len() > limit {
                let _ = writeln!(out, "   ... and {} more", steps.len() - limit);
            }
        }
        if let Some(recovery) = &self.recovery {
            super::render_recovery::render_recovery(&mut out, self, recovery);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Action, PlanKind, Step};
    use super::*;
    use crate::Site;

    #[test]
    fn groups_steps_by_phase_and_marks_their_state() {
        let mut plan = Plan::new(PlanKind::Failover, Site::Secondary, "m");
        plan.steps = vec![
            Step::new(
                "a".into(),
                Site::Secondary,
                Phase::Storage,
                Action::Barrier,
                "import 'data1'",
            )
            .already_done("known to the Engine"),
            Step::new(
                "b".into(),
                Site::Secondary,
                Phase::Storage,
                Action::Barrier,
                "attach 'data1'",
            ),
            Step::new(
                "c".into(),
                Site::Secondary,
                Phase::Start,
                Action::Barrier,
                "start 'web1'",
            ),
        ];
        plan.note(NoteLevel::Warning, "NIC 'nic1' of 'web1' will be unplugged");
        plan.seal().unwrap();
        let text = plan.render(RenderOptions {
            max_steps_per_phase: Some(1),
        });
        assert!(
            text.starts_with("failover to secondary (from primary) - plan "),
            "{text}"
        );
        assert!(text.contains("3 steps (2 to do, 1 already done, 0 skipped)"));
        assert!(text.contains("WARNING: NIC 'nic1' of 'web1' will be unplugged"));
        assert!(text.contains("1. import and attach storage domains [secondary]"));
        assert!(text.contains("   = import 'data1'  (already done: known to the Engine)"));
        assert!(text.contains("   ... and 1 more"));
        assert!(text.contains("2. start VMs [secondary]\n   - start 'web1'"));
    }
}
