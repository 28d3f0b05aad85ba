//! The critical path of a run: the chain of steps that decided when it ended.

use std::collections::{HashMap, HashSet};

use super::StepResult;
use crate::plan::{Step, StepId};

/// When a step that ran ended, in milliseconds since the run started.
fn end(r: &StepResult) -> Option<u64> {
    r.started_ms.map(|s| s + r.duration_ms)
}

/// The chain, first step to last: it ends at the step that ended last, and each step before it
/// is the dependency (`depends_on` or `waits_for`) of the next that ended last; for a step that
/// declares none (one added while the run went on, by the step that discovered its work), the
/// step that ended last before it started. Steps that did not run take no part; empty when none
/// ran. `results` is parallel to `steps`.
pub(super) fn critical_path(steps: &[Step], results: &[StepResult]) -> Vec<StepId> {
    let ran: HashMap<&StepId, (usize, u64)> = results
        .iter()
        .enumerate()
        .filter_map(|(i, r)| end(r).map(|e| (&r.id, (i, e))))
        .collect();
    // The last to end; among equals, the later in plan order (the one that waited longest).
    let Some(mut current) = ran
        .values()
        .copied()
        .max_by_key(|(i, e)| (*e, *i))
        .map(|(i, _)| i)
    else {
        return Vec::new();
    };
    let mut seen = HashSet::new();
    let mut chain = Vec::new();
    while seen.insert(current) {
        chain.push(results[current].id.clone());
        let Some(step) = steps.get(current) else {
            break;
        };
        let declared = step
            .depends_on
            .iter()
            .chain(&step.waits_for)
            .filter_map(|d| ran.get(d).copied())
            .max_by_key(|(i, e)| (*e, *i));
        let previous = declared.or_else(|| {
            // No declared dependency: a step added while running (it waited for the step
            // that added it), or one that waited for a free slot. Either way: the step that
            // ended last before it started.
            let start = results[current].started_ms?;
            ran.values()
                .copied()
                .filter(|(i, e)| *i != current && *e <= start)
                .max_by_key(|(i, e)| (*e, *i))
        });
        match previous {
            Some((i, _)) => current = i,
            None => break,
        }
    }
    chain.reverse();
    chain
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Site;
    use crate::plan::{Action, Phase};
    use crate::report::StepOutcome;

    fn step(id: &str, deps: &[&str]) -> Step {
        let mut s = Step::new(
            id.into(),
            Site::Secondary,
            Phase::Storage,
            Action::Barrier,
            id,
        );
        s.depends_on = deps.iter().map(|d| (*d).into()).collect();
        s
    }

    fn ran(s: &Step, started: Option<u64>, dur: u64) -> StepResult {
        StepResult {
            id: s.id.clone(),
            phase: s.phase,
            site: s.site,
            summary: s.summary.clone(),
            outcome: StepOutcome::Done,
            error: None,
            error_kind: None,
            started_ms: started,
            duration_ms: dur,
            attempts: 1,
            lease_wait_ms: 0,
            hint: None,
        }
    }

    #[test]
    fn follows_the_dependency_that_ended_last_back_from_the_last_step() {
        let steps = vec![
            step("import", &[]),
            step("attach-fast", &["import"]),
            step("attach-slow", &["import"]),
            step("register", &["attach-fast", "attach-slow"]),
            step("start", &["register"]),
            step("other", &[]),
            step("never", &["start"]),
            step("added", &[]),
            step("after-added", &["added"]),
        ];
        let results = vec![
            ran(&steps[0], Some(0), 10),
            ran(&steps[1], Some(10), 5),
            ran(&steps[2], Some(10), 50),
            ran(&steps[3], Some(60), 20),
            ran(&steps[4], Some(80), 30),
            ran(&steps[5], Some(0), 40),
            ran(&steps[6], None, 0),
            ran(&steps[7], Some(110), 5),
            ran(&steps[8], Some(115), 5),
        ];
        let path = |n: usize| -> Vec<String> {
            critical_path(&steps[..n], &results[..n])
                .iter()
                .map(ToString::to_string)
                .collect()
        };
        assert_eq!(path(7), ["import", "attach-slow", "register", "start"]);
        // A step with no declared dependency follows the step that ended just before it.
        assert_eq!(
            path(9),
            [
                "import",
                "attach-slow",
                "register",
                "start",
                "added",
                "after-added"
            ]
        );
        assert!(critical_path(&steps[6..7], &results[6..7]).is_empty());
    }
}
