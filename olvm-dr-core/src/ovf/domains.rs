//! The storage domains a mapping names on one site.

use crate::Site;
use crate::engine::{Id, StorageDomain};
use crate::mapping::{Field, ImportStorage, Mapping};

/// One entry of `dr_import_storages` and the domain it names on a site.
#[derive(Debug, Clone, PartialEq)]
pub struct MappedDomain<'a> {
    /// Its index in `dr_import_storages`.
    pub index: usize,
    /// How to name it: `dr_{site}_name`, else `dr_domain_id`.
    pub label: String,
    /// The domain on the site, when there is one.
    pub domain: Option<&'a StorageDomain>,
}

/// The domain of storage entry `st` on a site whose domains are `domains`: by `dr_domain_id`
/// for block domains (the id is the same on both sites), by `dr_{site}_name` and storage type
/// otherwise.
pub fn find_domain<'a>(
    st: &ImportStorage,
    site: Site,
    domains: &'a [StorageDomain],
) -> Option<&'a StorageDomain> {
    if let Some(field) = st.domain_id() {
        let id = field.get()?;
        return domains.iter().find(|d| d.id == *id);
    }
    let name = st.name(site).get()?;
    domains
        .iter()
        .find(|d| d.name == *name && d.storage.storage_type == Some(st.storage_type()))
}

/// Every storage entry of `mapping` with its domain among `domains` (the site's top-level
/// listing), in the mapping's order. Entries with neither a name for `site` nor an id are left
/// out: they name nothing to look for.
pub fn mapped_domains<'a>(
    mapping: &Mapping,
    site: Site,
    domains: &'a [StorageDomain],
) -> Vec<MappedDomain<'a>> {
    mapping
        .storages()
        .iter()
        .filter_map(|st| {
            let label = st
                .name(site)
                .get()
                .cloned()
                .or_else(|| st.domain_id().and_then(Field::get).map(Id::to_string))?;
            Some(MappedDomain {
                index: st.common().index,
                label,
                domain: find_domain(st, site, domains),
            })
        })
        .collect()
}
