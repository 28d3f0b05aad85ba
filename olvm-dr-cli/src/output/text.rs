//! Findings for people: grouped by file, in position order, coloured on a terminal.

use std::fmt::Write as _;

use olvm_dr_core::{Diagnostic, Severity};

const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const BLUE: &str = "\x1b[1;34m";
const DIM: &str = "\x1b[2m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// The findings as text: a header line per file, then `line:col  severity  CODE  message`
/// and the hint, then a summary line.
pub(crate) fn print_text(diagnostics: &[Diagnostic], color: bool) -> String {
    let paint = |style: &str, text: &str| {
        if color {
            format!("{style}{text}{RESET}")
        } else {
            text.to_owned()
        }
    };
    let mut out = String::new();
    let mut current: Option<String> = None;
    for d in diagnostics {
        let file = d
            .location
            .file
            .as_ref()
            .map_or_else(|| "(no file)".to_owned(), |f| f.display().to_string());
        if current.as_deref() != Some(file.as_str()) {
            if current.is_some() {
                out.push('\n');
            }
            let _ = writeln!(out, "{}", paint(BOLD, &file));
            current = Some(file);
        }
        let pos = match (d.location.line, d.location.column) {
            (Some(l), Some(c)) => format!("{l}:{c}"),
            (Some(l), None) => l.to_string(),
            _ => "-".to_owned(),
        };
        let (style, word) = match d.severity {
            Severity::Error => (RED, "error"),
            Severity::Warning => (YELLOW, "warning"),
            Severity::Info => (BLUE, "info"),
        };
        let _ = writeln!(
            out,
            "  {pos:>7}  {}  {}  {}",
            paint(style, &format!("{word:<7}")),
            d.code,
            d.message
        );
        let mut at: Vec<String> = Vec::new();
        if let Some(site) = d.location.site {
            at.push(format!("[{site}]"));
        }
        if let Some(entity) = &d.location.entity {
            at.push(entity.clone());
        }
        if let Some(key) = &d.location.key {
            at.push(format!("at {key}"));
        }
        if !at.is_empty() {
            let _ = writeln!(out, "  {:>7}  {}", "", paint(DIM, &at.join(" ")));
        }
        if let Some(hint) = &d.hint {
            let _ = writeln!(out, "  {:>7}  {}", "", paint(DIM, &format!("hint: {hint}")));
        }
    }
    let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
    let (e, w) = (count(Severity::Error), count(Severity::Warning));
    if !diagnostics.is_empty() {
        out.push('\n');
    }
    let verdict = if e > 0 {
        paint(RED, "invalid")
    } else {
        paint(BOLD, "valid")
    };
    let _ = writeln!(
        out,
        "{verdict}: {e} error{}, {w} warning{}",
        if e == 1 { "" } else { "s" },
        if w == 1 { "" } else { "s" }
    );
    out
}
