//! `Mapping`: the role's mapping (var) file, loaded, with typed read access, saving, and
//! connections to the sites it names.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use olvm_dr_core::config::{Passwords, PasswordsError};
use olvm_dr_core::flow::file_sha256;
use olvm_dr_core::mapping::{Mapping, MappingSecrets, NameMappingKind, write_file};
use olvm_dr_core::{Diagnostic, Secret, Site};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::diagnostic::diagnostics;
use crate::engines::rest_engine;
use crate::errors::{Error, Result};
use crate::mapping_view;
use crate::values;

/// A mapping file as loaded: the mapping, where it came from, the SHA-256 of its bytes (plans
/// and reports record it), what loading found, and the vault password for its inline `!vault`
/// values (never shown).
#[pyclass(name = "Mapping", module = "olvm_dr", frozen)]
#[derive(Clone)]
pub(crate) struct PyMapping {
    pub(crate) mapping: Arc<Mapping>,
    pub(crate) path: Option<PathBuf>,
    pub(crate) sha256: String,
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) vault_password: Option<Secret>,
}

impl PyMapping {
    /// A mapping read from `text` (the bytes of `path`, when it came from a file).
    pub(crate) fn from_text(
        text: &str,
        path: Option<&Path>,
        vault_password: Option<Secret>,
    ) -> Result<Self> {
        let loaded = Mapping::from_str(text, path);
        let Some(mapping) = loaded.mapping else {
            return Err(Error::validation(
                "cannot load the mapping file",
                loaded.diagnostics,
            ));
        };
        Ok(Self {
            mapping: Arc::new(mapping),
            path: path.map(Path::to_path_buf),
            sha256: file_sha256(text.as_bytes()),
            diagnostics: loaded.diagnostics,
            vault_password,
        })
    }

    /// Reads the file at `path`.
    pub(crate) fn read(path: &Path, vault_password: Option<Secret>) -> Result<Self> {
        let bytes = olvm_dr_core::input::read_bytes(path, olvm_dr_core::input::MAX_INPUT_BYTES)
            .map_err(|e| Error::file(path, e))?;
        let text = String::from_utf8(bytes).map_err(|_| {
            Error::file(
                path,
                std::io::Error::new(std::io::ErrorKind::InvalidData, "the file is not UTF-8"),
            )
        })?;
        Self::from_text(&text, Some(path), vault_password)
    }

    /// A mapping built in memory (a fake world's, a completed one), read back from its YAML so
    /// that diagnostics point at lines of `to_yaml()`.
    pub(crate) fn from_model(mapping: &Mapping) -> Result<Self> {
        Self::from_text(&mapping.to_yaml(), None, None)
    }

    /// The CHAP passwords of the mapping, for a run.
    pub(crate) fn secrets(&self) -> MappingSecrets {
        MappingSecrets::new((*self.mapping).clone(), self.vault_password.clone())
    }

    /// The base directory of relative paths in the file (CA files).
    pub(crate) fn base_dir(&self) -> PathBuf {
        self.path
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }

    fn names(&self, kind: NameMappingKind) -> Vec<(Option<String>, Option<String>)> {
        self.mapping
            .names(kind)
            .iter()
            .map(|m| {
                (
                    m.name(Site::Primary).get().cloned(),
                    m.name(Site::Secondary).get().cloned(),
                )
            })
            .collect()
    }
}

/// A `Mapping` argument: a `Mapping`, or the path of a file to load.
pub(crate) fn mapping_arg(value: &Bound<'_, PyAny>) -> PyResult<PyMapping> {
    if let Ok(m) = value.cast::<PyMapping>() {
        return Ok(m.get().clone());
    }
    let path: PathBuf = value.extract().map_err(|_| {
        PyTypeError::new_err("mapping must be an olvm_dr.Mapping or the path of a mapping file")
    })?;
    Ok(PyMapping::read(&path, None)?)
}

#[pymethods]
impl PyMapping {
    /// Reads the mapping file at `path`.
    ///
    /// Problems with its content are in `diagnostics` (see also `validate`).
    ///
    /// Args:
    ///     path (str | os.PathLike[str]): The mapping (var) file.
    ///     vault_password (str | None, default None): Decrypts inline `!vault` values (iSCSI CHAP
    ///         passwords) and an encrypted passwords file given to `connect`; never shown.
    ///
    /// Returns:
    ///     Mapping: The loaded mapping.
    ///
    /// Raises:
    ///     FileError: The file cannot be read, or is not UTF-8.
    ///     ValidationError: The text is not a YAML mapping at all.
    #[staticmethod]
    #[pyo3(signature = (path, *, vault_password = None))]
    fn load(path: PathBuf, vault_password: Option<String>) -> Result<Self> {
        Self::read(&path, vault_password.map(Secret::new))
    }

    /// Reads mapping-file text.
    ///
    /// Args:
    ///     text (str): The text of a mapping file.
    ///     path (str | os.PathLike[str] | None, default None): Names the text in diagnostics and
    ///         is the base of relative CA file paths; nothing is read from it.
    ///     vault_password (str | None, default None): As for `load`.
    ///
    /// Returns:
    ///     Mapping: The loaded mapping; problems with its content are in `diagnostics`.
    ///
    /// Raises:
    ///     ValidationError: The text is not a YAML mapping at all.
    #[staticmethod]
    #[pyo3(signature = (text, path = None, *, vault_password = None))]
    fn from_yaml(
        text: &str,
        path: Option<PathBuf>,
        vault_password: Option<String>,
    ) -> Result<Self> {
        Self::from_text(text, path.as_deref(), vault_password.map(Secret::new))
    }

    /// The mapping as YAML in the role's layout, quoted so that Ansible reads it back
    /// unchanged. Values not filled in stay placeholder lines. CHAP passwords written in the
    /// file are written back as they were (clear or `!vault`).
    fn to_yaml(&self) -> String {
        self.mapping.to_yaml()
    }

    /// Writes `to_yaml()` to `path` (atomically: the old file or the whole new one).
    ///
    /// Args:
    ///     path (str | os.PathLike[str]): The file to write; an existing file is replaced.
    ///
    /// Raises:
    ///     FileError: The file cannot be written.
    fn save(&self, path: PathBuf) -> Result<()> {
        Ok(write_file(&path, &self.mapping.to_yaml())?)
    }

    /// The file it was read from (`None` when built in memory).
    #[getter]
    fn path(&self) -> Option<String> {
        self.path.as_ref().map(|p| p.display().to_string())
    }

    /// SHA-256 of the text it was read from (hex).
    #[getter]
    fn sha256(&self) -> &str {
        &self.sha256
    }

    /// What loading found (syntax, types, unknown keys; not the validation rules).
    #[getter]
    fn diagnostics<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        diagnostics(py, &self.diagnostics)
    }

    /// `True` when loading found an error.
    #[getter]
    fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Both sites' keys: `{"primary": SiteKeys, "secondary": SiteKeys}`.
    #[getter]
    fn sites<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for s in Site::BOTH {
            d.set_item(s.as_str(), self.site(py, s.as_str())?)?;
        }
        Ok(d)
    }

    /// One site's keys.
    ///
    /// Args:
    ///     name (str): `primary` or `secondary` (any case).
    ///
    /// Returns:
    ///     SiteKeys: The site's `dr_sites_{site}_*` keys (never its password).
    ///
    /// Raises:
    ///     ConfigurationError: `name` is neither `primary` nor `secondary`.
    fn site<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        let s = values::site(name)?;
        let keys = mapping_view::site_keys(s, self.mapping.site(s));
        values::record(py, mapping_view::SITE_KEYS, &keys)
    }

    /// `dr_import_storages`: the storage domains to import.
    #[getter]
    fn storages<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        mapping_view::storages(py, &self.mapping)
    }

    /// `dr_cluster_mappings` as `(primary_name, secondary_name)` pairs.
    #[getter]
    fn cluster_mappings(&self) -> Vec<(Option<String>, Option<String>)> {
        self.names(NameMappingKind::Cluster)
    }

    /// `dr_affinity_group_mappings` as pairs.
    #[getter]
    fn affinity_group_mappings(&self) -> Vec<(Option<String>, Option<String>)> {
        self.names(NameMappingKind::AffinityGroup)
    }

    /// `dr_affinity_label_mappings` as pairs.
    #[getter]
    fn affinity_label_mappings(&self) -> Vec<(Option<String>, Option<String>)> {
        self.names(NameMappingKind::AffinityLabel)
    }

    /// `dr_domain_mappings` (authz domains) as pairs.
    #[getter]
    fn domain_mappings(&self) -> Vec<(Option<String>, Option<String>)> {
        self.names(NameMappingKind::Domain)
    }

    /// `dr_role_mappings` as pairs.
    #[getter]
    fn role_mappings(&self) -> Vec<(Option<String>, Option<String>)> {
        self.names(NameMappingKind::Role)
    }

    /// `dr_network_mappings`: vNIC profiles.
    #[getter]
    fn network_mappings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        mapping_view::networks(py, &self.mapping)
    }

    /// `dr_lun_mappings`: direct LUNs.
    #[getter]
    fn lun_mappings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        mapping_view::luns(py, &self.mapping)
    }

    /// A `RestEngine` for each site, as the mapping's `dr_sites_{site}_*` keys say.
    ///
    /// No Engine is contacted yet.
    ///
    /// Args:
    ///     passwords (str | os.PathLike[str]): The passwords file with `dr_sites_{site}_password`
    ///         (plain, or ansible-vault encrypted: give `vault_password` to `Mapping.load`).
    ///     sites (list[str] | None, default None): The sites to connect (`primary`, `secondary`);
    ///         `None`: both.
    ///
    /// Returns:
    ///     dict[str, RestEngine]: The Engines by site name, for the flow functions.
    ///
    /// Raises:
    ///     FileError: The passwords file cannot be read.
    ///     ConfigurationError: An unknown site name, a passwords file that cannot be used, or a
    ///         site without URL, user or password, or whose CA file cannot be used.
    #[pyo3(signature = (passwords, sites = None))]
    fn connect<'py>(
        &self,
        py: Python<'py>,
        passwords: PathBuf,
        sites: Option<Vec<String>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let wanted = match sites {
            None => Site::BOTH.to_vec(),
            Some(list) => list
                .iter()
                .map(|s| values::site(s))
                .collect::<Result<Vec<_>>>()?,
        };
        let file =
            Passwords::load(&passwords, self.vault_password.as_ref()).map_err(|e| match e {
                PasswordsError::Read { path, source } => Error::file(path, source),
                other => Error::config(other.to_string()),
            })?;
        let out = PyDict::new(py);
        for site in wanted {
            let password = file.get(site).cloned().ok_or_else(|| {
                Error::config(format!(
                    "{}: no dr_sites_{site}_password",
                    passwords.display()
                ))
            })?;
            let connection = self
                .mapping
                .connection(site, password, &self.base_dir())
                .map_err(|e| Error::config(e.to_string()))?;
            let engine = Bound::new(py, rest_engine(&connection)?)?;
            out.set_item(site.as_str(), engine)?;
        }
        Ok(out)
    }

    fn __reduce__(&self) -> PyResult<()> {
        Err(PyTypeError::new_err(
            "a Mapping may hold passwords and cannot be pickled; pass its path and load it again",
        ))
    }

    fn __repr__(&self) -> String {
        let m = &self.mapping;
        format!(
            "<Mapping {}: {} storage domain(s), {} cluster mapping(s), {} network mapping(s), {} LUN mapping(s)>",
            self.path
                .as_ref()
                .map_or_else(|| "(in memory)".to_owned(), |p| p.display().to_string()),
            m.storages().len(),
            m.names(NameMappingKind::Cluster).len(),
            m.networks().len(),
            m.luns().len()
        )
    }
}
