//! [`Findings`]: the diagnostics of one file, each placed at a line and column of it.

use std::path::{Path, PathBuf};

use crate::mapping::yaml::Pos;
use crate::{Diagnostic, Location, Severity};

/// Collects the diagnostics of one file.
#[derive(Debug, Clone, Default)]
pub struct Findings {
    file: Option<PathBuf>,
    list: Vec<Diagnostic>,
}

impl Findings {
    /// Findings about `file` (`None` for text that did not come from a file).
    pub fn new(file: Option<&Path>) -> Self {
        Self {
            file: file.map(Path::to_path_buf),
            list: Vec::new(),
        }
    }

    /// Adds a finding at `pos` (when known) about the key path `key` (when known), and returns
    /// it so that a hint can be added.
    pub fn add(
        &mut self,
        severity: Severity,
        code: &'static str,
        pos: Option<Pos>,
        key: Option<String>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let location = Location {
            file: self.file.clone(),
            line: pos.map(|p| p.line),
            column: pos.map(|p| p.column),
            key,
            ..Location::default()
        };
        self.list
            .push(Diagnostic::new(severity, code, message).at(location));
        let last = self.list.len() - 1;
        &mut self.list[last]
    }

    /// Adds an error.
    pub fn error(
        &mut self,
        code: &'static str,
        pos: Option<Pos>,
        key: impl Into<Option<String>>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.add(Severity::Error, code, pos, key.into(), message)
    }

    /// Adds a warning.
    pub fn warning(
        &mut self,
        code: &'static str,
        pos: Option<Pos>,
        key: impl Into<Option<String>>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.add(Severity::Warning, code, pos, key.into(), message)
    }

    /// Adds an informational note.
    pub fn info(
        &mut self,
        code: &'static str,
        pos: Option<Pos>,
        key: impl Into<Option<String>>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.add(Severity::Info, code, pos, key.into(), message)
    }

    /// The finding added last.
    pub fn last_mut(&mut self) -> Option<&mut Diagnostic> {
        self.list.last_mut()
    }

    /// The file the findings are about.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// `true` when an error was found.
    pub fn has_errors(&self) -> bool {
        self.list.iter().any(Diagnostic::is_error)
    }

    /// The findings so far.
    pub fn as_slice(&self) -> &[Diagnostic] {
        &self.list
    }

    /// The findings, sorted by position (findings without a line last), then by code.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        sort(&mut self.list);
        self.list
    }
}

/// Sorts diagnostics by file, line, column and code; those without a line come last.
pub fn sort(list: &mut [Diagnostic]) {
    list.sort_by(|a, b| {
        let key = |d: &Diagnostic| {
            (
                d.location.file.clone(),
                d.location.line.unwrap_or(u32::MAX),
                d.location.column.unwrap_or(0),
                d.code,
            )
        };
        key(a).cmp(&key(b))
    });
}
