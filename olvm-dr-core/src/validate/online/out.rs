//! [`Out`]: the online findings, each placed at the mapping entry it is about (when it is about
//! one) and naming the site and the entity.

use std::path::{Path, PathBuf};

use crate::mapping::Pos;
use crate::validate::codes;
use crate::validate::findings::sort;
use crate::{Diagnostic, Location, Severity, Site};

/// Collects the online findings about one mapping file.
#[derive(Debug)]
pub(crate) struct Out {
    file: Option<PathBuf>,
    list: Vec<Diagnostic>,
}

/// At most this many names are listed in one message ("vm1, vm2, ... and 40 more"): enough to
/// find them, short enough to read when thousands of VMs are concerned.
pub(crate) const MAX_LISTED: usize = 5;

/// `a, b, c and 12 more`.
pub(crate) fn some_of<S: AsRef<str>>(names: &[S]) -> String {
    let shown: Vec<String> = names
        .iter()
        .take(MAX_LISTED)
        .map(|n| format!("'{}'", n.as_ref()))
        .collect();
    let mut text = shown.join(", ");
    if names.len() > MAX_LISTED {
        text.push_str(&format!(" and {} more", names.len() - MAX_LISTED));
    }
    text
}

impl Out {
    pub(crate) fn new(file: Option<&Path>) -> Self {
        Self {
            file: file.map(Path::to_path_buf),
            list: Vec::new(),
        }
    }

    /// Adds a finding about `site` and `entity`, at `pos` (a generated mapping's fields have no
    /// position: line 0) and the key path `key`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn push(
        &mut self,
        severity: Severity,
        code: &'static str,
        site: Option<Site>,
        entity: Option<String>,
        pos: Option<Pos>,
        key: Option<String>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let pos = pos.filter(|p| p.line > 0);
        let location = Location {
            file: self.file.clone(),
            line: pos.map(|p| p.line),
            column: pos.map(|p| p.column),
            key,
            site,
            entity,
        };
        self.list
            .push(Diagnostic::new(severity, code, message).at(location));
        let last = self.list.len() - 1;
        &mut self.list[last]
    }

    /// An error about `entity` on `site`, at a mapping entry.
    pub(crate) fn error(
        &mut self,
        code: &'static str,
        site: Site,
        entity: String,
        at: (Option<Pos>, String),
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.push(
            Severity::Error,
            code,
            Some(site),
            Some(entity),
            at.0,
            Some(at.1),
            message,
        )
    }

    /// A finding of any severity about `entity` on `site`, at a mapping entry.
    pub(crate) fn finding(
        &mut self,
        severity: Severity,
        code: &'static str,
        site: Site,
        entity: String,
        at: (Option<Pos>, String),
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.push(
            severity,
            code,
            Some(site),
            Some(entity),
            at.0,
            Some(at.1),
            message,
        )
    }

    /// A finding about `entity` on `site` that no mapping entry holds.
    pub(crate) fn about(
        &mut self,
        severity: Severity,
        code: &'static str,
        site: Site,
        entity: String,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.push(
            severity,
            code,
            Some(site),
            Some(entity),
            None,
            None,
            message,
        )
    }

    /// Notes that the rules needing `site` were skipped, and why.
    pub(crate) fn not_checked(&mut self, site: Site, why: &str) {
        self.push(
            Severity::Info,
            codes::SITE_NOT_CHECKED,
            Some(site),
            None,
            None,
            None,
            format!("the mapping was not checked against the {site} site: {why}"),
        );
    }

    /// The findings, sorted by position (those without a line last), then by code.
    pub(crate) fn into_sorted(mut self) -> Vec<Diagnostic> {
        sort(&mut self.list);
        self.list
    }
}
