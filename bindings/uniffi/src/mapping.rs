//! The mapping file (the role's `disaster_recovery_vars.yml`): loading it, its findings, a
//! summary of what it maps, and validation offline and against both sites.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use olvm_dr_core::flow::file_sha256;
use olvm_dr_core::mapping::{Field, NameMappingKind};
use olvm_dr_core::validate::findings::sort;
use olvm_dr_core::validate::{OfflineOptions, OnlineOptions, validate_offline, validate_online};

use crate::engine::Engine;
use crate::error::DrError;
use crate::runtime::block_on;
use crate::types::{Diagnostic, Site, diagnostics};

/// A loaded mapping. Immutable; share it between flows freely.
#[derive(Debug, uniffi::Object)]
pub struct Mapping {
    pub(crate) inner: olvm_dr_core::mapping::Mapping,
    pub(crate) file: Option<PathBuf>,
    pub(crate) sha256: String,
    /// Reading's and the offline rules' findings, sorted.
    pub(crate) findings: Vec<olvm_dr_core::Diagnostic>,
}

/// How many entries of each kind a mapping has, and where its sites are.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MappingSummary {
    /// `dr_sites_primary_url` (`None` when not filled in).
    pub primary_url: Option<String>,
    /// `dr_sites_secondary_url`.
    pub secondary_url: Option<String>,
    /// `dr_sites_primary_username`.
    pub primary_username: Option<String>,
    /// `dr_sites_secondary_username`.
    pub secondary_username: Option<String>,
    /// `dr_import_storages` entries.
    pub storage_domains: u32,
    /// `dr_cluster_mappings` entries.
    pub clusters: u32,
    /// `dr_affinity_group_mappings` entries.
    pub affinity_groups: u32,
    /// `dr_affinity_label_mappings` entries.
    pub affinity_labels: u32,
    /// `dr_domain_mappings` entries (authz domains).
    pub authz_domains: u32,
    /// `dr_role_mappings` entries.
    pub roles: u32,
    /// `dr_network_mappings` entries.
    pub networks: u32,
    /// `dr_lun_mappings` entries.
    pub luns: u32,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn filled(field: &Field<String>) -> Option<String> {
    field.get().cloned()
}

impl Mapping {
    /// Wraps a core mapping read from `text` (`file` names it), with the offline rules' findings
    /// added to reading's.
    pub(crate) fn from_loaded(
        loaded: olvm_dr_core::mapping::Loaded,
        text: &str,
        check_ca_files: bool,
    ) -> Result<Self, DrError> {
        let mut findings = loaded.diagnostics;
        let Some(inner) = loaded.mapping else {
            let shown = diagnostics(&findings);
            return Err(DrError::Validation {
                reason: format!(
                    "{} is not a mapping file: {}",
                    loaded
                        .file
                        .as_deref()
                        .map_or_else(|| "the text".to_owned(), |f| f.display().to_string()),
                    shown.first().map_or("no YAML mapping", |d| d.text.as_str())
                ),
                diagnostics: shown,
            });
        };
        let options = OfflineOptions {
            check_ca_files,
            base_dir: None,
        };
        findings.extend(validate_offline(&inner, loaded.file.as_deref(), &options));
        sort(&mut findings);
        Ok(Self {
            inner,
            file: loaded.file,
            sha256: file_sha256(text.as_bytes()),
            findings,
        })
    }

    /// Refuses a mapping with errors (as the command line does before any flow).
    pub(crate) fn ensure_valid(&self) -> Result<(), DrError> {
        let errors = self.findings.iter().filter(|d| d.is_error()).count();
        if errors == 0 {
            return Ok(());
        }
        Err(DrError::Validation {
            reason: format!(
                "the mapping has {errors} error(s) (see the diagnostics); nothing was changed"
            ),
            diagnostics: diagnostics(&self.findings),
        })
    }

    /// The directory relative paths of the mapping (CA files) are taken from.
    pub(crate) fn base_dir(&self) -> PathBuf {
        self.file
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }
}

#[uniffi::export]
impl Mapping {
    /// Reads mapping-file text (no file: relative CA paths are taken from the current directory).
    ///
    /// # Errors
    /// `Validation` when the text is not a YAML mapping at all.
    #[uniffi::constructor]
    pub fn from_yaml(text: String) -> Result<Arc<Self>, DrError> {
        let loaded = olvm_dr_core::mapping::Mapping::from_str(&text, None);
        Ok(Arc::new(Self::from_loaded(loaded, &text, true)?))
    }

    /// The file it was read from.
    pub fn file(&self) -> Option<String> {
        self.file.as_ref().map(|f| f.display().to_string())
    }

    /// SHA-256 (hex) of the file's bytes, as plans and reports record it.
    pub fn sha256(&self) -> String {
        self.sha256.clone()
    }

    /// The findings of reading the file and of the offline rules (CA files included), sorted by
    /// position.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        diagnostics(&self.findings)
    }

    /// `true` when a finding is an error: the flows refuse such a mapping.
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(olvm_dr_core::Diagnostic::is_error)
    }

    /// What it maps.
    pub fn summary(&self) -> MappingSummary {
        let m = &self.inner;
        let p = m.site(olvm_dr_core::Site::Primary);
        let s = m.site(olvm_dr_core::Site::Secondary);
        MappingSummary {
            primary_url: filled(&p.url),
            secondary_url: filled(&s.url),
            primary_username: filled(&p.username),
            secondary_username: filled(&s.username),
            storage_domains: count(m.storages().len()),
            clusters: count(m.names(NameMappingKind::Cluster).len()),
            affinity_groups: count(m.names(NameMappingKind::AffinityGroup).len()),
            affinity_labels: count(m.names(NameMappingKind::AffinityLabel).len()),
            authz_domains: count(m.names(NameMappingKind::Domain).len()),
            roles: count(m.names(NameMappingKind::Role).len()),
            networks: count(m.networks().len()),
            luns: count(m.luns().len()),
        }
    }

    /// The names of the storage domains to import, as `site` names them (empty when not filled
    /// in).
    pub fn storage_domain_names(&self, site: Site) -> Vec<String> {
        self.inner
            .storages()
            .iter()
            .map(|s| s.name(site).get().cloned().unwrap_or_default())
            .collect()
    }

    /// The mapping in the role's layout (secrets as they were written, e.g. vault-encrypted).
    pub fn to_yaml(&self) -> String {
        self.inner.to_yaml()
    }

    /// Writes [`to_yaml`](Self::to_yaml) to `path`: the file is either the old one or the whole
    /// new one; its directory is created when missing.
    ///
    /// # Errors
    /// `Io` when the file cannot be written.
    pub fn save(&self, path: String) -> Result<(), DrError> {
        olvm_dr_core::mapping::write_file(Path::new(&path), &self.inner.to_yaml()).map_err(|e| {
            DrError::Io {
                reason: e.to_string(),
            }
        })
    }

    /// Checks the mapping against both sites (the online rules): names, ids and storage as the
    /// Engines see them. A missing Engine is reported as not checked; a source site that cannot
    /// be read is an error unless `source_required` is `false` (a real disaster). A source
    /// domain whose OVF store is older than `max_ovf_age_minutes` is a warning (DR0815);
    /// default: the core's 60 minutes, the Engine's default OVF update interval.
    ///
    /// # Errors
    /// `Config` for `max_ovf_age_minutes = 0`; otherwise only when the async runtime cannot
    /// start: every problem with a site is a finding.
    #[uniffi::method(default(max_ovf_age_minutes = None))]
    pub fn validate_online(
        &self,
        primary: Option<Arc<Engine>>,
        secondary: Option<Arc<Engine>>,
        target: Site,
        source_required: bool,
        max_ovf_age_minutes: Option<u32>,
    ) -> Result<Vec<Diagnostic>, DrError> {
        let defaults = OnlineOptions::default();
        let max_ovf_age = match max_ovf_age_minutes {
            None => defaults.max_ovf_age,
            Some(0) => {
                return Err(DrError::Config {
                    reason: "max_ovf_age_minutes must be at least 1".into(),
                });
            }
            Some(m) => Duration::from_secs(u64::from(m) * 60),
        };
        let engines = olvm_dr_core::mapping::PerSite {
            primary: primary.as_ref().map(|e| e.inner.as_ref()),
            secondary: secondary.as_ref().map(|e| e.inner.as_ref()),
        };
        let options = OnlineOptions {
            target,
            source_required,
            max_ovf_age,
        };
        let found = block_on(validate_online(
            &self.inner,
            self.file.as_deref(),
            engines,
            &options,
        ))?;
        Ok(diagnostics(&found))
    }
}

/// Reads the mapping file at `path` and runs the offline rules on it (CA files included). A
/// mapping with errors still loads (see `has_errors` and `diagnostics`); the flows refuse it.
///
/// # Errors
/// `Io` when the file cannot be read; `Validation` when it is not a YAML mapping at all.
#[uniffi::export]
pub fn load_mapping(path: String) -> Result<Arc<Mapping>, DrError> {
    load(Path::new(&path), true).map(Arc::new)
}

/// The offline validation of the mapping file at `path`: the findings of reading it and of the
/// offline rules, sorted by position (empty when it is clean). `check_ca_files = false` skips
/// the existence check of the CA files, to validate a file on another machine than the one that
/// will run the flows.
///
/// # Errors
/// `Io` when the file cannot be read. A file that is not a mapping is not an error: its
/// findings say why.
#[uniffi::export(default(check_ca_files = true))]
pub fn validate_mapping(path: String, check_ca_files: bool) -> Result<Vec<Diagnostic>, DrError> {
    match load(Path::new(&path), check_ca_files) {
        Ok(m) => Ok(diagnostics(&m.findings)),
        Err(DrError::Validation { diagnostics, .. }) => Ok(diagnostics),
        Err(e) => Err(e),
    }
}

fn load(path: &Path, check_ca_files: bool) -> Result<Mapping, DrError> {
    let text = olvm_dr_core::input::read_text(path, olvm_dr_core::input::MAX_INPUT_BYTES).map_err(
        |source| {
            DrError::from(olvm_dr_core::mapping::ReadError {
                path: path.to_path_buf(),
                source,
            })
        },
    )?;
    let loaded = olvm_dr_core::mapping::Mapping::from_str(&text, Some(path));
    Mapping::from_loaded(loaded, &text, check_ca_files)
}
