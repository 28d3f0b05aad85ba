//! The page's view of a recovery plan: its groups (per group its time to up, the VMs that did
//! not pass their wait, the changed addresses) and its hooks and manual steps (how each ended,
//! the exit status, when and how long, the end of what the command printed, which was scrubbed
//! of secrets before it was journaled).

use std::fmt::Write;

use super::esc;
use crate::report::words::{outcome_word, secs};
use crate::report::{GroupOutcome, HookOutcome};

/// The lines of a hook's output the page shows, from its end: the journal keeps more.
const OUTPUT_LINES: usize = 40;

/// The groups' section, or nothing when the run followed no recovery plan.
pub(super) fn groups(list: &[GroupOutcome]) -> String {
    if list.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "<section id=\"recovery-groups\">\n<h2>Recovery groups</h2>\n<table>\n<thead><tr>\
         <th>group</th><th>VMs started</th><th>first start</th><th>time to up</th>\
         <th>outcome</th><th>did not pass their wait</th></tr></thead>\n<tbody>\n",
    );
    for g in list {
        let bad = !g.outcome.is_success() || !g.not_passed.is_empty();
        let _ = writeln!(
            out,
            "<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            if bad { "bad" } else { "" },
            esc(&g.name),
            g.started,
            g.first_start_ms
                .map_or_else(|| "-".to_owned(), |ms| format!("+{}", secs(ms))),
            g.time_to_up_ms.map_or_else(|| "no VM up".to_owned(), secs),
            outcome_word(g.outcome),
            esc(&g.not_passed.join(", "))
        );
    }
    out += "</tbody>\n</table>\n";
    let addresses: Vec<_> = list.iter().flat_map(|g| &g.addresses).collect();
    if !addresses.is_empty() {
        out += "<h3>Changed addresses</h3>\n<table>\n<thead><tr><th>VM</th><th>interface</th>\
                <th>on the source</th><th>given</th><th>reported by the guest</th></tr></thead>\n<tbody>\n";
        for a in addresses {
            let applied = match a.applied {
                Some(true) => "yes",
                Some(false) => "NO (no cloud-init? a hook must change it)",
                None => "not read back",
            };
            let _ = writeln!(
                out,
                "<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{applied}</td></tr>",
                if a.applied == Some(false) { "bad" } else { "" },
                esc(&a.vm),
                esc(&a.interface),
                a.old,
                a.new
            );
        }
        out += "</tbody>\n</table>\n";
    }
    out += "</section>\n";
    out
}

/// The hooks' and manual steps' section, or nothing when the run had none.
pub(super) fn hooks(list: &[HookOutcome]) -> String {
    if list.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "<section id=\"recovery-hooks\">\n<h2>Hooks and manual steps</h2>\n<table>\n<thead><tr>\
         <th>step</th><th>what</th><th>ended</th><th>exit</th><th>started</th><th>time</th>\
         <th>note</th></tr></thead>\n<tbody>\n",
    );
    for h in list {
        let whose = match (&h.vm, &h.group) {
            (Some(vm), _) => format!(" of VM {vm}"),
            (None, Some(g)) => format!(" of group {g}"),
            (None, None) => String::new(),
        };
        let label = if h.kind == "manual" {
            format!("manual step{whose}")
        } else {
            format!("hook {}{whose}", h.point)
        };
        let (ended, bad) = match h.passed {
            Some(true) => ("passed".to_owned(), false),
            Some(false) => ("FAILED, went on".to_owned(), true),
            None => (outcome_word(h.outcome).to_owned(), !h.outcome.is_success()),
        };
        let _ = writeln!(
            out,
            "<tr class=\"{}\" id=\"{}\"><td>{}</td><td><code>{}</code></td><td>{ended}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            if bad { "bad" } else { "" },
            esc(&format!("step-{}", h.step.as_str())),
            esc(&label),
            esc(&h.what),
            h.exit.map_or_else(String::new, |c| c.to_string()),
            h.started_ms
                .map_or_else(|| "-".to_owned(), |ms| format!("+{}", secs(ms))),
            secs(h.duration_ms),
            esc(h.note.as_deref().unwrap_or(""))
        );
        for (stream, text) in [("stdout", &h.stdout), ("stderr", &h.stderr)] {
            if text.trim().is_empty() {
                continue;
            }
            let _ = writeln!(
                out,
                "<tr class=\"output\"><td colspan=\"7\"><details><summary>end of {stream}</summary>\
                 <pre>{}</pre></details></td></tr>",
                esc(&last_lines(text, OUTPUT_LINES))
            );
        }
    }
    out += "</tbody>\n</table>\n</section>\n";
    out
}

/// The last `n` lines of `text`, with a line saying how many were left out.
fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.trim_end().lines().collect();
    if lines.len() <= n {
        return lines.join("\n");
    }
    format!(
        "[... {} lines before, in the journal ...]\n{}",
        lines.len() - n,
        lines[lines.len() - n..].join("\n")
    )
}
