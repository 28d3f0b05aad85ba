//! Read-only typed views of a mapping's entries for Python: sites, storage domains, network and
//! LUN mappings, as the data of the records in `python/olvm_dr/_mapping_view.py` (which
//! document each field). A value that is missing or not filled in yet is `None`. Passwords are
//! never given out; `has_password` says whether the file holds one.

use olvm_dr_core::Site;
use olvm_dr_core::mapping::{
    Field, ImportStorage, LunMapping, LunSite, Mapping, NetworkMapping, NetworkSite, SiteKeys,
};
use pyo3::prelude::*;
use serde_json::{Value, json};

use crate::values;

/// The records of `olvm_dr._mapping_view` built here.
pub(crate) const SITE_KEYS: &str = "olvm_dr._mapping_view.SiteKeys";
const STORAGE: &str = "olvm_dr._mapping_view.Storage";
const NETWORK: &str = "olvm_dr._mapping_view.NetworkMapping";
const LUN: &str = "olvm_dr._mapping_view.LunMapping";

fn shown<T: ToString>(f: &Field<T>) -> Option<String> {
    f.get().map(ToString::to_string)
}

/// `dr_sites_{site}_*`: how to reach one site's Engine.
pub(crate) fn site_keys(site: Site, k: &SiteKeys) -> Value {
    json!({
        "site": site,
        "url": k.url.get(),
        "username": k.username.get(),
        "ca_file": k.ca_file.get(),
        "insecure": k.insecure.get().copied().unwrap_or(false),
        "has_password": k.password.is_set(),
    })
}

/// One site's side of a storage domain entry: the keys every type has, then those of its type.
fn storage_site(s: &ImportStorage, site: Site) -> Value {
    let c = s.common().sites.get(site);
    let mut out = json!({
        "name": c.name.get(),
        "dc_name": c.dc_name.get(),
        "master": s.is_master(site),
    });
    let typed = match s {
        ImportStorage::Nfs(f) | ImportStorage::Glusterfs(f) | ImportStorage::Posixfs(f) => {
            let k = f.site(site);
            json!({
                "address": k.address.get(),
                "path": k.path.get(),
                "vfs_type": k.vfs_type.get(),
                "mount_options": k.mount_options.get(),
                "nfs_version": shown(&k.version),
            })
        }
        ImportStorage::Iscsi(i) => {
            let k = i.site(site);
            json!({
                "address": k.address.get(),
                "port": k.port_or_default(),
                "targets": k.targets.get(),
                "username": k.username.get(),
                "has_password": k.password.is_set(),
            })
        }
        ImportStorage::Fcp(_) => json!({}),
    };
    if let (Value::Object(out), Value::Object(typed)) = (&mut out, typed) {
        out.extend(typed);
    }
    out
}

/// One `dr_import_storages` entry.
fn storage(s: &ImportStorage) -> Value {
    json!({
        "index": s.common().index,
        "line": s.pos().line,
        "type": s.storage_type().as_str(),
        "domain_type": shown(&s.common().storage_domain_type),
        "domain_id": s.domain_id().and_then(shown),
        "primary": storage_site(s, Site::Primary),
        "secondary": storage_site(s, Site::Secondary),
    })
}

/// One site's vNIC profile of a `dr_network_mappings` entry.
fn network_site(k: &NetworkSite) -> Value {
    json!({
        "network_name": k.network_name.get(),
        "profile_name": k.profile_name.get(),
        "profile_id": shown(&k.profile_id),
        "network_dc": k.network_dc.get(),
    })
}

/// One `dr_network_mappings` entry.
fn network(n: &NetworkMapping) -> Value {
    json!({
        "index": n.index,
        "line": n.pos.line,
        "primary": network_site(n.site(Site::Primary)),
        "secondary": network_site(n.site(Site::Secondary)),
    })
}

/// One site's LUN of a `dr_lun_mappings` entry.
fn lun_site(k: &LunSite) -> Value {
    json!({
        "logical_unit_id": k.logical_unit_id.get(),
        "storage_type": shown(&k.storage_type),
        "address": k.address.get(),
        "port": k.port_or_default(),
        "portal": k.portal.get(),
        "target": k.target.get(),
        "username": k.username.get(),
        "has_password": k.password.is_set(),
    })
}

/// One `dr_lun_mappings` entry.
fn lun(l: &LunMapping) -> Value {
    json!({
        "index": l.index,
        "line": l.pos.line,
        "alias": l.alias.get(),
        "description": l.description.get(),
        "primary": lun_site(l.site(Site::Primary)),
        "secondary": lun_site(l.site(Site::Secondary)),
    })
}

/// The storage domain entries as `Storage` records.
pub(crate) fn storages<'py>(py: Python<'py>, m: &Mapping) -> PyResult<Bound<'py, PyAny>> {
    let list: Vec<_> = m.storages().iter().map(storage).collect();
    values::record(py, STORAGE, &list)
}

/// The network mappings as `NetworkMapping` records.
pub(crate) fn networks<'py>(py: Python<'py>, m: &Mapping) -> PyResult<Bound<'py, PyAny>> {
    let list: Vec<_> = m.networks().iter().map(network).collect();
    values::record(py, NETWORK, &list)
}

/// The LUN mappings as `LunMapping` records.
pub(crate) fn luns<'py>(py: Python<'py>, m: &Mapping) -> PyResult<Bound<'py, PyAny>> {
    let list: Vec<_> = m.luns().iter().map(lun).collect();
    values::record(py, LUN, &list)
}
