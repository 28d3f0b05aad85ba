//! Read-only typed views of a mapping's entries for Python: sites, storage domains, network and
//! LUN mappings. A value that is missing or not filled in yet is `None`. Passwords are never
//! given out; `has_password` says whether the file holds one.

use olvm_dr_core::Site;
use olvm_dr_core::mapping::{
    Field, ImportStorage, LunMapping, LunSite, Mapping, NetworkMapping, NetworkSite, SiteKeys,
};
use pyo3::prelude::*;

use crate::errors::Result;
use crate::values::{self, Repr};

fn text(f: &Field<String>) -> Option<String> {
    f.get().cloned()
}

fn shown<T: ToString>(f: &Field<T>) -> Option<String> {
    f.get().map(ToString::to_string)
}

/// `dr_sites_{site}_*`: how to reach one site's Engine.
#[pyclass(name = "SiteKeys", module = "olvm_dr", frozen, get_all)]
#[derive(Debug, Clone)]
pub(crate) struct PySiteKeys {
    /// `primary` or `secondary`.
    site: String,
    /// The Engine API URL.
    url: Option<String>,
    /// The user, `name@profile`.
    username: Option<String>,
    /// The CA file as written (relative to the mapping file).
    ca_file: Option<String>,
    /// TLS verification off (`dr_sites_{site}_insecure: true`).
    insecure: bool,
    /// The mapping itself holds the site's password (discouraged).
    has_password: bool,
}

impl PySiteKeys {
    pub(crate) fn of(site: Site, k: &SiteKeys) -> Self {
        Self {
            site: site.as_str().to_owned(),
            url: text(&k.url),
            username: text(&k.username),
            ca_file: text(&k.ca_file),
            insecure: k.insecure.get().copied().unwrap_or(false),
            has_password: k.password.is_set(),
        }
    }
}

#[pymethods]
impl PySiteKeys {
    fn __repr__(&self) -> String {
        format!(
            "<SiteKeys {} url={} username={}>",
            self.site,
            self.url.repr(),
            self.username.repr()
        )
    }
}

/// One site's side of a storage domain entry: its name, data center, master flag and the
/// connection facts of its type (file: address, path, ...; iSCSI: address, port, targets, ...).
#[pyclass(name = "StorageSite", module = "olvm_dr", frozen, get_all)]
#[derive(Debug, Clone, Default)]
pub(crate) struct PyStorageSite {
    /// `dr_{site}_name`.
    name: Option<String>,
    /// `dr_{site}_dc_name`.
    dc_name: Option<String>,
    /// `dr_{site}_master_domain` (missing or null: not master).
    master: bool,
    /// Server (file types) or portal (iSCSI).
    address: Option<String>,
    /// Export path or Gluster volume.
    path: Option<String>,
    /// POSIX file-system type.
    vfs_type: Option<String>,
    /// Extra mount options.
    mount_options: Option<String>,
    /// NFS version.
    nfs_version: Option<String>,
    /// iSCSI port (3260 when not given).
    port: Option<u16>,
    /// iSCSI target IQNs.
    targets: Vec<String>,
    /// CHAP user.
    username: Option<String>,
    /// A CHAP password is set.
    has_password: bool,
}

/// One `dr_import_storages` entry.
#[pyclass(name = "Storage", module = "olvm_dr", frozen, get_all)]
#[derive(Debug, Clone)]
pub(crate) struct PyStorage {
    /// Its index in the list.
    index: usize,
    /// Its line in the file (0 for a mapping not read from text).
    line: u32,
    /// `dr_domain_type`: `nfs`, `glusterfs`, `posixfs`, `iscsi` or `fcp`.
    r#type: String,
    /// `dr_storage_domain_type`: `data`, `iso` or `export`.
    domain_type: Option<String>,
    /// `dr_domain_id` (block types).
    domain_id: Option<String>,
    /// The primary's side.
    primary: PyStorageSite,
    /// The secondary's side.
    secondary: PyStorageSite,
}

impl PyStorage {
    fn of(s: &ImportStorage) -> Self {
        let side = |site: Site| {
            let c = s.common().sites.get(site);
            let mut out = PyStorageSite {
                name: text(&c.name),
                dc_name: text(&c.dc_name),
                master: s.is_master(site),
                ..PyStorageSite::default()
            };
            match s {
                ImportStorage::Nfs(f) | ImportStorage::Glusterfs(f) | ImportStorage::Posixfs(f) => {
                    let k = f.site(site);
                    out.address = text(&k.address);
                    out.path = text(&k.path);
                    out.vfs_type = text(&k.vfs_type);
                    out.mount_options = text(&k.mount_options);
                    out.nfs_version = shown(&k.version);
                }
                ImportStorage::Iscsi(i) => {
                    let k = i.site(site);
                    out.address = text(&k.address);
                    out.port = Some(k.port_or_default());
                    out.targets = k.targets.get().cloned().unwrap_or_default();
                    out.username = text(&k.username);
                    out.has_password = k.password.is_set();
                }
                ImportStorage::Fcp(_) => {}
            }
            out
        };
        Self {
            index: s.common().index,
            line: s.pos().line,
            r#type: s.storage_type().as_str().to_owned(),
            domain_type: shown(&s.common().storage_domain_type),
            domain_id: s.domain_id().and_then(shown),
            primary: side(Site::Primary),
            secondary: side(Site::Secondary),
        }
    }
}

#[pymethods]
impl PyStorage {
    /// The side of one site of the entry.
    ///
    /// Args:
    ///     site (str): `primary` or `secondary` (any case).
    ///
    /// Returns:
    ///     StorageSite: That site's name, data center and storage keys.
    ///
    /// Raises:
    ///     ConfigurationError: `site` is neither `primary` nor `secondary`.
    fn site(&self, site: &str) -> Result<PyStorageSite> {
        Ok(match values::site(site)? {
            Site::Primary => self.primary.clone(),
            Site::Secondary => self.secondary.clone(),
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "<Storage {} {} -> {}>",
            self.r#type,
            self.primary.name.repr(),
            self.secondary.name.repr()
        )
    }
}

#[pymethods]
impl PyStorageSite {
    fn __repr__(&self) -> String {
        format!(
            "<StorageSite {} in {}{}>",
            self.name.repr(),
            self.dc_name.repr(),
            if self.master { " (master)" } else { "" }
        )
    }
}

/// One site's vNIC profile of a `dr_network_mappings` entry.
#[pyclass(name = "NetworkSite", module = "olvm_dr", frozen, get_all)]
#[derive(Debug, Clone)]
pub(crate) struct PyNetworkSite {
    /// `{site}_network_name`.
    network_name: Option<String>,
    /// `{site}_profile_name`.
    profile_name: Option<String>,
    /// `{site}_profile_id`.
    profile_id: Option<String>,
    /// `{site}_network_dc`.
    network_dc: Option<String>,
}

impl PyNetworkSite {
    fn of(k: &NetworkSite) -> Self {
        Self {
            network_name: text(&k.network_name),
            profile_name: text(&k.profile_name),
            profile_id: shown(&k.profile_id),
            network_dc: text(&k.network_dc),
        }
    }
}

/// One `dr_network_mappings` entry.
#[pyclass(name = "NetworkMapping", module = "olvm_dr", frozen, get_all)]
#[derive(Debug, Clone)]
pub(crate) struct PyNetworkMapping {
    /// Its index in the list.
    index: usize,
    /// Its line in the file.
    line: u32,
    /// The primary's profile.
    primary: PyNetworkSite,
    /// The secondary's profile.
    secondary: PyNetworkSite,
}

impl PyNetworkMapping {
    fn of(n: &NetworkMapping) -> Self {
        Self {
            index: n.index,
            line: n.pos.line,
            primary: PyNetworkSite::of(n.site(Site::Primary)),
            secondary: PyNetworkSite::of(n.site(Site::Secondary)),
        }
    }
}

#[pymethods]
impl PyNetworkMapping {
    /// The vNIC profile of one site of the entry.
    ///
    /// Args:
    ///     site (str): `primary` or `secondary` (any case).
    ///
    /// Returns:
    ///     NetworkSite: That site's network, profile and data center names.
    ///
    /// Raises:
    ///     ConfigurationError: `site` is neither `primary` nor `secondary`.
    fn site(&self, site: &str) -> Result<PyNetworkSite> {
        Ok(match values::site(site)? {
            Site::Primary => self.primary.clone(),
            Site::Secondary => self.secondary.clone(),
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "<NetworkMapping {}/{} -> {}/{}>",
            self.primary.network_name.repr(),
            self.primary.profile_name.repr(),
            self.secondary.network_name.repr(),
            self.secondary.profile_name.repr()
        )
    }
}

#[pymethods]
impl PyNetworkSite {
    fn __repr__(&self) -> String {
        format!(
            "<NetworkSite {}/{}>",
            self.network_name.repr(),
            self.profile_name.repr()
        )
    }
}

/// One site's LUN of a `dr_lun_mappings` entry.
#[pyclass(name = "LunSite", module = "olvm_dr", frozen, get_all)]
#[derive(Debug, Clone)]
pub(crate) struct PyLunSite {
    /// `{site}_logical_unit_id`.
    logical_unit_id: Option<String>,
    /// `iscsi` or `fcp`.
    storage_type: Option<String>,
    /// iSCSI portal address.
    address: Option<String>,
    /// iSCSI port (3260 when not given).
    port: u16,
    /// Portal group tag.
    portal: Option<String>,
    /// Target IQN.
    target: Option<String>,
    /// CHAP user.
    username: Option<String>,
    /// A CHAP password is set.
    has_password: bool,
}

impl PyLunSite {
    fn of(k: &LunSite) -> Self {
        Self {
            logical_unit_id: text(&k.logical_unit_id),
            storage_type: shown(&k.storage_type),
            address: text(&k.address),
            port: k.port_or_default(),
            portal: text(&k.portal),
            target: text(&k.target),
            username: text(&k.username),
            has_password: k.password.is_set(),
        }
    }
}

/// One `dr_lun_mappings` entry.
#[pyclass(name = "LunMapping", module = "olvm_dr", frozen, get_all)]
#[derive(Debug, Clone)]
pub(crate) struct PyLunMapping {
    /// Its index in the list.
    index: usize,
    /// Its line in the file.
    line: u32,
    /// `logical_unit_alias`.
    alias: Option<String>,
    /// `logical_unit_description`.
    description: Option<String>,
    /// The primary's LUN.
    primary: PyLunSite,
    /// The secondary's LUN.
    secondary: PyLunSite,
}

impl PyLunMapping {
    fn of(l: &LunMapping) -> Self {
        Self {
            index: l.index,
            line: l.pos.line,
            alias: text(&l.alias),
            description: text(&l.description),
            primary: PyLunSite::of(l.site(Site::Primary)),
            secondary: PyLunSite::of(l.site(Site::Secondary)),
        }
    }
}

#[pymethods]
impl PyLunMapping {
    /// The LUN of one site of the entry.
    ///
    /// Args:
    ///     site (str): `primary` or `secondary` (any case).
    ///
    /// Returns:
    ///     LunSite: That site's LUN and how it is reached.
    ///
    /// Raises:
    ///     ConfigurationError: `site` is neither `primary` nor `secondary`.
    fn site(&self, site: &str) -> Result<PyLunSite> {
        Ok(match values::site(site)? {
            Site::Primary => self.primary.clone(),
            Site::Secondary => self.secondary.clone(),
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "<LunMapping {}: {} -> {}>",
            self.alias.repr(),
            self.primary.logical_unit_id.repr(),
            self.secondary.logical_unit_id.repr()
        )
    }
}

#[pymethods]
impl PyLunSite {
    fn __repr__(&self) -> String {
        format!(
            "<LunSite {} ({})>",
            self.logical_unit_id.repr(),
            self.storage_type.repr()
        )
    }
}

/// The views of a whole mapping, built on demand.
pub(crate) fn storages(m: &Mapping) -> Vec<PyStorage> {
    m.storages().iter().map(PyStorage::of).collect()
}

/// The network mappings.
pub(crate) fn networks(m: &Mapping) -> Vec<PyNetworkMapping> {
    m.networks().iter().map(PyNetworkMapping::of).collect()
}

/// The LUN mappings.
pub(crate) fn luns(m: &Mapping) -> Vec<PyLunMapping> {
    m.luns().iter().map(PyLunMapping::of).collect()
}
