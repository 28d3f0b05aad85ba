//! The small shared types: sites, severities, diagnostics.

/// One of the two sites of a DR pair.
pub type Site = olvm_dr_core::Site;

/// One of the two sites of a DR pair.
#[uniffi::remote(Enum)]
pub enum Site {
    /// The site that normally runs the workload.
    Primary,
    /// The DR site.
    Secondary,
}

/// How bad a finding is. Errors make a validation fail.
pub type Severity = olvm_dr_core::Severity;

/// How bad a finding is. Errors make a validation fail.
#[uniffi::remote(Enum)]
pub enum Severity {
    /// The operation cannot run correctly with this input.
    Error,
    /// Probably a mistake, or a risk to know about.
    Warning,
    /// For information only.
    Info,
}

/// One finding of a validation or of planning: what is wrong, where, and what to do.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Diagnostic {
    /// How bad it is.
    pub severity: Severity,
    /// The stable rule code, e.g. `DR0101` (see docs/diagnostics.md).
    pub code: String,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
    /// The file it is in.
    pub file: Option<String>,
    /// 1-based line.
    pub line: Option<u32>,
    /// 1-based column.
    pub column: Option<u32>,
    /// The key path in the file, e.g. `dr_import_storages[2].dr_secondary_name`.
    pub key: Option<String>,
    /// The site it is about.
    pub site: Option<Site>,
    /// The entity it is about, e.g. `cluster 'prod'`.
    pub entity: Option<String>,
    /// The whole finding as one text, as the command line prints it.
    pub text: String,
}

impl From<&olvm_dr_core::Diagnostic> for Diagnostic {
    fn from(d: &olvm_dr_core::Diagnostic) -> Self {
        let l = &d.location;
        Self {
            severity: d.severity,
            code: d.code.to_owned(),
            message: d.message.clone(),
            hint: d.hint.clone(),
            file: l.file.as_ref().map(|f| f.display().to_string()),
            line: l.line,
            column: l.column,
            key: l.key.clone(),
            site: l.site,
            entity: l.entity.clone(),
            text: d.to_string(),
        }
    }
}

/// The findings as records.
pub(crate) fn diagnostics(list: &[olvm_dr_core::Diagnostic]) -> Vec<Diagnostic> {
    list.iter().map(Diagnostic::from).collect()
}
