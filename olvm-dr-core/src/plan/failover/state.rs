//! What the planner reads from a live site, once, with one listing per collection.

use crate::engine::{
    Cluster, DataCenter, Engine, EngineResult, Host, HostStatus, Id, Network, StorageDomain,
    StorageDomainStatus, VnicProfile,
};

/// One site's inventory as the planner needs it.
#[derive(Debug, Clone)]
pub(crate) struct SiteState {
    pub(crate) data_centers: Vec<DataCenter>,
    pub(crate) clusters: Vec<Cluster>,
    pub(crate) hosts: Vec<Host>,
    pub(crate) domains: Vec<StorageDomain>,
    pub(crate) profiles: Vec<VnicProfile>,
    pub(crate) networks: Vec<Network>,
}

impl SiteState {
    /// Reads the site, all listings at once.
    pub(crate) async fn read(engine: &dyn Engine) -> EngineResult<Self> {
        let (data_centers, clusters, hosts, domains, profiles, networks) = tokio::try_join!(
            engine.data_centers(),
            engine.clusters(),
            engine.hosts(),
            engine.storage_domains(),
            engine.vnic_profiles(),
            engine.networks(),
        )?;
        Ok(Self {
            data_centers,
            clusters,
            hosts,
            domains,
            profiles,
            networks,
        })
    }

    pub(crate) fn data_center(&self, name: &str) -> Option<&DataCenter> {
        self.data_centers.iter().find(|d| d.name == name)
    }

    fn data_center_of(&self, host: &Host) -> Option<Id> {
        let cluster = host.cluster?;
        self.clusters.iter().find(|c| c.id == cluster)?.data_center
    }

    /// The first UP host of the data center (the host that logs in, imports and attaches, as
    /// in the role). The SPM is preferred: it does the storage work anyway.
    pub(crate) fn up_host_in(&self, dc: Id) -> Option<&Host> {
        let mut up = self
            .hosts
            .iter()
            .filter(|h| h.status == HostStatus::Up && self.data_center_of(h) == Some(dc));
        let first = up.clone().next()?;
        Some(
            up.find(|h| h.spm == crate::engine::SpmStatus::Spm)
                .unwrap_or(first),
        )
    }

    /// The known domain with this id, or this name, or (file domains) this address and path.
    pub(crate) fn find_domain(
        &self,
        id: Option<Id>,
        name: Option<&str>,
        export: Option<(&str, &str)>,
    ) -> Option<&StorageDomain> {
        let trim = |p: &str| {
            if p.len() > 1 {
                p.trim_end_matches('/').to_owned()
            } else {
                p.to_owned()
            }
        };
        id.and_then(|id| self.domains.iter().find(|d| d.id == id))
            .or_else(|| name.and_then(|n| self.domains.iter().find(|d| d.name == n)))
            .or_else(|| {
                let (addr, path) = export?;
                self.domains.iter().find(|d| {
                    d.storage.address.as_deref() == Some(addr)
                        && d.storage.path.as_deref().map(trim) == Some(trim(path))
                })
            })
    }

    /// The profile of this name on the network of this name (in the data center of this name,
    /// when given).
    pub(crate) fn profile(
        &self,
        profile: &str,
        network: &str,
        dc: Option<&str>,
    ) -> Option<&VnicProfile> {
        let dc_id = dc.map(|n| self.data_center(n).map(|d| d.id));
        self.profiles.iter().find(|p| {
            p.name == profile
                && self.networks.iter().any(|n| {
                    n.id == p.network
                        && n.name == network
                        && dc_id.is_none_or(|want| want == Some(n.data_center))
                })
        })
    }
}

/// The data-center-scoped status of a domain known to the site, when it is attached to `dc`.
pub(crate) async fn attached_status(
    engine: &dyn Engine,
    dc: Id,
    sd: Id,
) -> EngineResult<Option<StorageDomainStatus>> {
    match engine.attached_storage_domain(dc, sd).await {
        Ok(d) => Ok(d.status),
        Err(e) if e.kind == crate::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}
