//! Findings for programs: the stable JSON document described in docs/json-output.md.

use olvm_dr_core::{Diagnostic, Severity, Site};
use serde::Serialize;

/// The schema identifier; a breaking change gets a new one.
const SCHEMA: &str = "olvm-dr/validate/v1";

#[derive(Serialize)]
struct Report<'a> {
    schema: &'static str,
    valid: bool,
    mode: &'a str,
    files: &'a [String],
    summary: Summary,
    diagnostics: Vec<Item<'a>>,
}

#[derive(Serialize)]
struct Summary {
    errors: usize,
    warnings: usize,
    infos: usize,
}

#[derive(Serialize)]
struct Item<'a> {
    severity: Severity,
    code: &'a str,
    file: Option<String>,
    line: Option<u32>,
    column: Option<u32>,
    key: Option<&'a str>,
    site: Option<Site>,
    entity: Option<&'a str>,
    message: &'a str,
    hint: Option<&'a str>,
}

/// The validation result as one JSON document (with a trailing newline).
pub(crate) fn print_json(diagnostics: &[Diagnostic], mode: &str, files: &[String]) -> String {
    let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
    let report = Report {
        schema: SCHEMA,
        valid: count(Severity::Error) == 0,
        mode,
        files,
        summary: Summary {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
        },
        diagnostics: diagnostics
            .iter()
            .map(|d| Item {
                severity: d.severity,
                code: d.code,
                file: d.location.file.as_ref().map(|f| f.display().to_string()),
                line: d.location.line,
                column: d.location.column,
                key: d.location.key.as_deref(),
                site: d.location.site,
                entity: d.location.entity.as_deref(),
                message: &d.message,
                hint: d.hint.as_deref(),
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_else(|_| "{}".to_owned());
    text.push('\n');
    text
}
