//! [`Diagnostic`]: one finding of a validation, with where it is and what to do about it.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use crate::Site;

/// How bad a finding is. Errors make a validation fail; warnings and notes do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The operation cannot run correctly with this input.
    Error,
    /// Probably a mistake, or a risk the operator should know about.
    Warning,
    /// For information only.
    Info,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        })
    }
}

/// Where a finding is: a position in a file, an entity on a site, or both.
///
/// Every field is optional because findings come from different places: a YAML syntax error has
/// a file position only; an online check has a site and an entity and usually the position of the
/// mapping entry that refers to it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The file the finding is in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<PathBuf>,
    /// 1-based line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column (in characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// The key path inside the file, e.g. `dr_import_storages[2].dr_secondary_name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The site the finding is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<Site>,
    /// The entity the finding is about, e.g. `cluster 'prod'`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
}

impl fmt::Display for Location {
    /// `file:line:column` when known, then `[site] entity` and the key path.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        if let Some(file) = &self.file {
            let mut p = file.display().to_string();
            if let Some(line) = self.line {
                p.push_str(&format!(":{line}"));
                if let Some(col) = self.column {
                    p.push_str(&format!(":{col}"));
                }
            }
            parts.push(p);
        } else if let Some(line) = self.line {
            parts.push(match self.column {
                Some(col) => format!("line {line}, column {col}"),
                None => format!("line {line}"),
            });
        }
        if let Some(site) = self.site {
            parts.push(format!("[{site}]"));
        }
        if let Some(entity) = &self.entity {
            parts.push(entity.clone());
        }
        if let Some(key) = &self.key {
            parts.push(format!("({key})"));
        }
        f.write_str(&parts.join(" "))
    }
}

/// One finding.
///
/// `code` is stable across releases (scripts may match on it); `message` says what is wrong and
/// `hint` what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// How bad it is.
    pub severity: Severity,
    /// Stable identifier of the rule, e.g. `DR0101`.
    pub code: &'static str,
    /// Where it is.
    pub location: Location,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A new finding with no location and no hint.
    pub fn new(severity: Severity, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            severity,
            code,
            location: Location::default(),
            message: message.into(),
            hint: None,
        }
    }

    /// An error finding.
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message)
    }

    /// A warning finding.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message)
    }

    /// An informational finding.
    pub fn info(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Info, code, message)
    }

    /// Sets the location.
    #[must_use]
    pub fn at(mut self, location: Location) -> Self {
        self.location = location;
        self
    }

    /// Sets the hint.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// `true` for [`Severity::Error`].
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let loc = self.location.to_string();
        if !loc.is_empty() {
            write!(f, "{loc}: ")?;
        }
        write!(f, "{}[{}]: {}", self.severity, self.code, self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_position_then_rule_then_hint() {
        let d = Diagnostic::error("DR0001", "value is not filled in")
            .at(Location {
                file: Some("vars.yml".into()),
                line: Some(12),
                column: Some(5),
                key: Some("dr_import_storages[0].dr_secondary_name".into()),
                ..Location::default()
            })
            .with_hint("replace the placeholder with the secondary's domain name");
        assert_eq!(
            d.to_string(),
            "vars.yml:12:5 (dr_import_storages[0].dr_secondary_name): error[DR0001]: value is not filled in\n  hint: replace the placeholder with the secondary's domain name"
        );
    }
}
