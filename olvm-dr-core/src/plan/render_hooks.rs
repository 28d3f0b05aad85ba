//! The hooks and manual steps of a recovery plan in a printed plan, each where it runs.

use std::fmt::Write;

use crate::recovery_plan::{Hook, RecoveryPlan, VmHooks};

fn line(out: &mut String, indent: &str, what: &str, hook: Option<&Hook>) {
    if let Some(h) = hook {
        // Scrubbed like the hook's output: the command line may hold a secret's value.
        let shown = crate::execute::hooks::shown(&h.describe());
        let _ = writeln!(out, "{indent}{what}: {shown}");
    }
}

/// The plan's own hooks: `before_run` and its manual step (`before` true), or `after_run`.
pub(super) fn render_run_hooks(out: &mut String, recovery: &RecoveryPlan, before: bool) {
    let h = &recovery.hooks;
    if before {
        line(out, "   ", "hook before_run", h.before_run.as_ref());
        if let Some(q) = &h.manual {
            let _ = writeln!(out, "   manual step before the first group: {q}");
        }
    } else {
        line(out, "   ", "hook after_run", h.after_run.as_ref());
    }
}

/// Group `name`'s `before` hook and manual step (`before` true), or its `after` hook.
pub(super) fn render_group_hooks(
    out: &mut String,
    recovery: &RecoveryPlan,
    name: &str,
    before: bool,
) {
    let Some(g) = recovery.groups.iter().find(|g| g.name == name) else {
        return;
    };
    if before {
        line(out, "      ", "hook before", g.hooks.before.as_ref());
        if let Some(q) = &g.hooks.manual {
            let _ = writeln!(out, "      manual step before its starts: {q}");
        }
    } else {
        line(out, "      ", "hook after", g.hooks.after.as_ref());
    }
}

/// VM `vm`'s hooks.
pub(super) fn render_vm_hooks(out: &mut String, vm: &str, hooks: &VmHooks) {
    line(
        out,
        "   ",
        &format!("{vm}: hook before_start"),
        hooks.before_start.as_ref(),
    );
    line(
        out,
        "   ",
        &format!("{vm}: hook after_ready"),
        hooks.after_ready.as_ref(),
    );
}
