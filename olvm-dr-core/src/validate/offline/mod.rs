//! The offline rules: everything that can be checked from the file alone.

mod lengths;
mod lists;
mod sites;
mod storage;

use std::path::{Path, PathBuf};

use super::findings::{Findings, sort};
use crate::Diagnostic;
use crate::mapping::{Field, Mapping, Pos, ReadError};

/// Options of the offline validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfflineOptions {
    /// Check that the CA files exist (default `true`). Turn off to validate a file on a machine
    /// other than the one that will run the failover.
    pub check_ca_files: bool,
    /// The directory relative CA file paths are resolved against. Default: the mapping file's
    /// directory (so the result does not depend on the current directory).
    pub base_dir: Option<PathBuf>,
}

impl Default for OfflineOptions {
    fn default() -> Self {
        Self {
            check_ca_files: true,
            base_dir: None,
        }
    }
}

/// Checks a loaded mapping. `file` names it in the diagnostics. The result holds only the
/// rules' findings (not those of loading), sorted by position.
pub fn validate_offline(
    mapping: &Mapping,
    file: Option<&Path>,
    options: &OfflineOptions,
) -> Vec<Diagnostic> {
    let mut f = Findings::new(file);
    let base = options
        .base_dir
        .clone()
        .or_else(|| file.and_then(Path::parent).map(Path::to_path_buf))
        .unwrap_or_default();
    sites::check(mapping, &mut f, options.check_ca_files, &base);
    storage::check(mapping, &mut f);
    lists::check(mapping, &mut f);
    lengths::check(mapping, &mut f);
    f.into_sorted()
}

/// Reads the mapping file at `path` and checks it: the findings of reading and of the rules
/// together, sorted by position.
///
/// # Errors
/// [`ReadError`] when the file cannot be read.
pub fn validate_offline_file(
    path: &Path,
    options: &OfflineOptions,
) -> Result<Vec<Diagnostic>, ReadError> {
    let loaded = Mapping::load(path)?;
    let mut all = loaded.diagnostics;
    if let Some(mapping) = &loaded.mapping {
        all.extend(validate_offline(mapping, Some(path), options));
    }
    sort(&mut all);
    Ok(all)
}

/// `true` when `field` has a value; otherwise reports it as missing (at `entry`) or not filled
/// in (at the key), naming `key` and what it is.
pub(crate) fn require<T>(
    f: &mut Findings,
    field: &Field<T>,
    key: &str,
    path: String,
    entry: Pos,
    what: &str,
) -> bool {
    match field {
        Field::Set { .. } => true,
        Field::Invalid { .. } => false,
        Field::Missing => {
            f.error(
                crate::validate::codes::MISSING_KEY,
                Some(entry),
                path,
                format!("'{key}' is missing: {what} is required"),
            )
            .hint = Some(format!("add '{key}'"));
            false
        }
        Field::NotFilled { pos, hint } => {
            let d = f.error(
                crate::validate::codes::NOT_FILLED,
                Some(*pos),
                path,
                format!("'{key}' is not filled in ({what})"),
            );
            d.hint = Some(match hint {
                Some(h) if h == crate::mapping::PASSWORD_PLACEHOLDER => "set the password".into(),
                Some(h) => format!("fill in the value (the generator noted: {h})"),
                None => "fill in the value".into(),
            });
            false
        }
    }
}

/// `list[index].key` for diagnostics.
pub(crate) fn path(list: &str, index: usize, key: &str) -> String {
    format!("{list}[{index}].{key}")
}
