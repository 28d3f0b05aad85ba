//! Names of related entities, read from the trait's listings, for search fields that name
//! another entity (`datacenter=`, `cluster=`, `storage=`) and for references given by name.

use std::collections::HashMap;

use olvm_dr_core::engine::{Engine, EntityRef, Id, StorageDomain, StorageDomainStatus};

use crate::respond::ApiError;
use crate::search::Value;
use crate::server::SiteServer;

/// Data centers, clusters and storage domains by id, loaded only when a search needs them.
#[derive(Debug, Default)]
pub(crate) struct Names {
    pub(crate) data_centers: HashMap<Id, String>,
    /// Cluster id → (name, data center).
    pub(crate) clusters: HashMap<Id, (String, Option<Id>)>,
    /// Top-level view of every domain.
    pub(crate) domains: Vec<StorageDomain>,
}

/// What a search needs loaded.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Need {
    pub(crate) data_centers: bool,
    pub(crate) clusters: bool,
    pub(crate) domains: bool,
}

impl Names {
    pub(crate) async fn load(st: &SiteServer, need: Need) -> Result<Self, ApiError> {
        let mut n = Names::default();
        if need.data_centers {
            n.data_centers = st
                .engine
                .data_centers()
                .await?
                .into_iter()
                .map(|d| (d.id, d.name))
                .collect();
        }
        if need.clusters {
            n.clusters = st
                .engine
                .clusters()
                .await?
                .into_iter()
                .map(|c| (c.id, (c.name, c.data_center)))
                .collect();
        }
        if need.domains {
            n.domains = st.engine.storage_domains().await?;
        }
        Ok(n)
    }

    /// A data center's name as a search value.
    pub(crate) fn dc(&self, id: Option<Id>) -> Value {
        id.and_then(|i| self.data_centers.get(&i))
            .map_or(Value::Absent, |n| Value::Text(n.clone()))
    }

    /// A cluster's name as a search value.
    pub(crate) fn cluster(&self, id: Option<Id>) -> Value {
        id.and_then(|i| self.clusters.get(&i))
            .map_or(Value::Absent, |(n, _)| Value::Text(n.clone()))
    }

    /// The data center of a cluster.
    pub(crate) fn cluster_dc(&self, id: Option<Id>) -> Option<Id> {
        id.and_then(|i| self.clusters.get(&i))
            .and_then(|(_, dc)| *dc)
    }

    /// The names of domains with these ids.
    pub(crate) fn domain_names(&self, ids: &[Id]) -> Value {
        Value::Many(
            self.domains
                .iter()
                .filter(|d| ids.contains(&d.id))
                .map(|d| d.name.clone())
                .collect(),
        )
    }

    /// The names of the domains attached to data center `dc`.
    pub(crate) fn domains_of_dc(&self, dc: Option<Id>) -> Value {
        Value::Many(
            self.domains
                .iter()
                .filter(|d| dc.is_some_and(|dc| d.data_centers.contains(&dc)))
                .map(|d| d.name.clone())
                .collect(),
        )
    }
}

/// The real status of every attached domain, from the data-center-scoped views of the data
/// centers the top-level view names (the search's `status` is the real one, although the
/// top-level view hides it).
pub(crate) async fn attached_statuses(
    st: &SiteServer,
    domains: &[StorageDomain],
) -> Result<HashMap<Id, (StorageDomainStatus, bool)>, ApiError> {
    let mut dcs: Vec<Id> = domains
        .iter()
        .flat_map(|d| d.data_centers.clone())
        .collect();
    dcs.sort();
    dcs.dedup();
    let mut out = HashMap::new();
    for dc in dcs {
        for d in st.engine.attached_storage_domains(dc).await? {
            if let Some(s) = d.status {
                out.insert(d.id, (s, d.master));
            }
        }
    }
    Ok(out)
}

/// A host given by id or name; an unknown name is `Entity not found: <name>` (404).
pub(crate) async fn host(st: &SiteServer, r: &EntityRef) -> Result<Id, ApiError> {
    match r {
        EntityRef::Id(id) => Ok(*id),
        EntityRef::Name(name) => st
            .engine
            .hosts()
            .await?
            .into_iter()
            .find(|h| &h.name == name)
            .map(|h| h.id)
            .ok_or_else(|| ApiError::entity_not_found(name)),
    }
}

/// A host given by id or name in a query parameter.
pub(crate) async fn host_param(st: &SiteServer, text: &str) -> Result<Id, ApiError> {
    let r = match text.parse::<Id>() {
        Ok(id) => EntityRef::Id(id),
        Err(_) => EntityRef::Name(text.to_owned()),
    };
    host(st, &r).await
}
