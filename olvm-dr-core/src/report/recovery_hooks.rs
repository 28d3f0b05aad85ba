//! The report's view of a recovery plan's hooks and manual steps: per step, in plan order, how
//! it ended, when and for how long it ran, and for a hook its command's exit status and the end
//! of what it printed (scrubbed of secrets before it was journaled).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{Report, StepOutcome};
use crate::plan::{Action, Step, StepId};

/// One hook or manual step of a run that followed a recovery plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HookOutcome {
    /// Its step.
    pub step: StepId,
    /// `hook` or `manual`.
    pub kind: String,
    /// Where in the plan: `before_run`, `before`, `before_start`, ...; `manual` for a manual
    /// step.
    pub point: String,
    /// Its group, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Its VM's name, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vm: Option<String>,
    /// The command (a hook) or the question (a manual step).
    pub what: String,
    /// How its step ended.
    pub outcome: StepOutcome,
    /// A hook's command succeeded (`false` when it failed and the run went on, or the operator
    /// confirmed to go on); `None` when it did not end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passed: Option<bool>,
    /// The command's exit status, when it exited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit: Option<i32>,
    /// From the run's start to the step's start, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_ms: Option<u64>,
    /// How long the step took, in milliseconds.
    pub duration_ms: u64,
    /// Why it failed or did not pass, or who confirmed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The end of what the command printed on stdout.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub stdout: String,
    /// The end of what the command printed on stderr.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub stderr: String,
}

/// Adds the hooks and manual steps of the steps' recovery plan (nothing when there are none).
pub fn add_recovery_hooks(
    report: &mut Report,
    steps: &[Step],
    outputs: &HashMap<StepId, serde_json::Value>,
) {
    let results: HashMap<&StepId, &super::StepResult> =
        report.steps.iter().map(|r| (&r.id, r)).collect();
    let mut hooks = Vec::new();
    for step in steps {
        let (kind, point, group, vm, what) = match &step.action {
            Action::RunHook {
                point,
                hook,
                group,
                vm,
            } => (
                "hook",
                point.as_str().to_owned(),
                group.clone(),
                vm.as_ref().map(|v| v.name.clone()),
                crate::execute::hooks::shown(&hook.command),
            ),
            Action::ManualStep { question, group } => (
                "manual",
                "manual".to_owned(),
                group.clone(),
                None,
                question.clone(),
            ),
            _ => continue,
        };
        let result = results.get(&step.id);
        let output = outputs.get(&step.id);
        let text = |key: &str| {
            output
                .and_then(|o| o.get(key))
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
        };
        let note = result
            .and_then(|r| r.error.clone())
            .or_else(|| text("why"))
            .or_else(|| text("confirmed"));
        hooks.push(HookOutcome {
            step: step.id.clone(),
            kind: kind.to_owned(),
            point,
            group,
            vm,
            what,
            outcome: result.map_or(StepOutcome::NotRun, |r| r.outcome),
            passed: output
                .and_then(|o| o.get("passed"))
                .and_then(serde_json::Value::as_bool),
            exit: output
                .and_then(|o| o.get("exit"))
                .and_then(serde_json::Value::as_i64)
                .and_then(|e| i32::try_from(e).ok()),
            started_ms: result.and_then(|r| r.started_ms),
            duration_ms: result.map_or(0, |r| r.duration_ms),
            note,
            stdout: text("stdout").unwrap_or_default(),
            stderr: text("stderr").unwrap_or_default(),
        });
    }
    report.recovery_hooks = hooks;
}

/// Appends one line per hook and manual step to a report summary.
pub(super) fn render_hooks(out: &mut String, hooks: &[HookOutcome]) {
    use std::fmt::Write;
    for h in hooks {
        let whose = match (&h.vm, &h.group) {
            (Some(vm), _) => format!(" of VM {vm}"),
            (None, Some(g)) => format!(" of group {g}"),
            (None, None) => String::new(),
        };
        let status = match (h.passed, h.exit) {
            (Some(true), _) => "passed".to_owned(),
            (Some(false), Some(code)) => format!("FAILED (exit {code}), went on"),
            (Some(false), None) => "FAILED, went on".to_owned(),
            (None, _) => super::words::outcome_word(h.outcome).to_owned(),
        };
        let label = if h.kind == "manual" {
            format!("manual step{whose}: {}", h.what)
        } else {
            format!("hook {}{whose}: `{}`", h.point, h.what)
        };
        let _ = write!(
            out,
            "  {label}: {status} in {}",
            super::words::secs(h.duration_ms)
        );
        if let Some(note) = &h.note {
            let _ = write!(out, " ({})", note.lines().next().unwrap_or_default());
        }
        out.push('\n');
    }
}
