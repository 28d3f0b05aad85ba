//! The role's mapping (var) file: its typed model, reading it with a diagnostic for every
//! problem, and writing it back in the role's layout.
//!
//! ```
//! use olvm_dr_core::mapping::Mapping;
//! use olvm_dr_core::Site;
//!
//! let text = "dr_sites_primary_url: https://e1/ovirt-engine/api\n\
//!             dr_sites_secondary_url: # https://e1/ovirt-engine/api\n";
//! let loaded = Mapping::from_str(text, None);
//! let mapping = loaded.mapping.unwrap();
//! assert_eq!(mapping.site(Site::Primary).url.get().unwrap(), "https://e1/ovirt-engine/api");
//! assert!(mapping.site(Site::Secondary).url.is_not_filled());
//! assert_eq!(mapping.site(Site::Secondary).url.hint(), Some("https://e1/ovirt-engine/api"));
//! ```

mod comments;
mod connection;
mod field;
mod model;
pub mod read;
mod save;
mod secrets;
mod storage;
mod write_file;
pub mod yaml;

use std::path::{Path, PathBuf};

pub use comments::SaveComments;
pub use connection::ConnectionError;
pub use field::{Field, PerSite};
pub use model::{
    DEFAULT_ISCSI_PORT, LunMapping, LunSite, Mapping, NameMapping, NameMappingKind, NetworkMapping,
    NetworkSite, SiteKeys,
};
pub use read::obj::PASSWORD_PLACEHOLDER;
pub use secrets::MappingSecrets;
pub use storage::{
    FcpStorage, FileSite, FileStorage, ImportStorage, IscsiSite, IscsiStorage, StorageCommon,
    StorageSite,
};
pub use write_file::{WriteError, write_file};
pub use yaml::{Budget, Pos};

use crate::Diagnostic;

/// A mapping file as read: the model (unless the file is not a YAML mapping at all) and the
/// diagnostics of reading it, sorted by position.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The file it came from.
    pub file: Option<PathBuf>,
    /// The mapping; `None` when the text is not a YAML mapping (see the diagnostics).
    pub mapping: Option<Mapping>,
    /// What reading found.
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    /// `true` when reading found an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// The mapping file could not be read from disk.
#[derive(Debug, thiserror::Error)]
#[error("cannot read mapping file {}: {source}", path.display())]
pub struct ReadError {
    /// The file.
    pub path: PathBuf,
    /// Why.
    #[source]
    pub source: std::io::Error,
}

impl Mapping {
    /// Reads the mapping file at `path` with the default [`Budget`].
    ///
    /// # Errors
    /// [`ReadError`] when the file cannot be read (missing, unreadable, not UTF-8); everything
    /// about its content is a diagnostic in [`Loaded`].
    pub fn load(path: &Path) -> Result<Loaded, ReadError> {
        let text =
            crate::input::read_text(path, crate::input::MAX_INPUT_BYTES).map_err(|source| {
                ReadError {
                    path: path.to_path_buf(),
                    source,
                }
            })?;
        Ok(Self::from_str(&text, Some(path)))
    }

    /// Reads mapping-file text; `file` names it in diagnostics.
    #[allow(clippy::should_implement_trait)]
    pub fn from_str(text: &str, file: Option<&Path>) -> Loaded {
        Self::from_str_with_budget(text, file, Budget::default())
    }

    /// Reads mapping-file text under an explicit input [`Budget`].
    pub fn from_str_with_budget(text: &str, file: Option<&Path>, budget: Budget) -> Loaded {
        let (mapping, findings) = read::read_str(text, file, budget);
        Loaded {
            file: file.map(Path::to_path_buf),
            mapping,
            diagnostics: findings.into_sorted(),
        }
    }
}
