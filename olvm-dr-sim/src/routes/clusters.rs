//! `/clusters`: listing with search (`name`, `datacenter`), one cluster, its affinity groups.

use axum::http::Method;
use olvm_dr_core::engine::{Cluster, Engine, Id};

use super::lookup::{Names, Need};
use super::{find, id, limit, query, scope, search, subcollections};
use crate::respond::{ApiError, Reply, list, one};
use crate::search::Value;
use crate::server::{ApiRequest, SiteServer};

pub(super) async fn route(st: &SiteServer, req: &ApiRequest, rest: &[&str]) -> Reply {
    if req.method != Method::GET {
        return match rest {
            [] | [_] | [_, "affinitygroups" | "networks", ..] => super::not_allowed(),
            _ => Err(ApiError::NotFound),
        };
    }
    match rest {
        [] => {
            let clusters = st.engine.clusters().await?;
            let list_ = filtered(st, req, clusters).await?;
            Ok(list(&list_, &scope("clusters", &req.params)))
        }
        [c] => {
            let c = id(c)?;
            let cluster = find(st.engine.clusters().await?, c, |x| x.id)?;
            Ok(one(&cluster, &scope("clusters", &req.params)))
        }
        [c, "affinitygroups", more @ ..] => affinity_groups(st, req, id(c)?, more).await,
        [c, "networks"] => {
            let networks = st.engine.cluster_networks(id(c)?).await?;
            Ok(list(
                &limit(networks, &req.params),
                &scope("networks", &req.params),
            ))
        }
        [c, sub] => {
            let tag =
                subcollections::tag(subcollections::CLUSTER, sub).ok_or(ApiError::NotFound)?;
            find(st.engine.clusters().await?, id(c)?, |x| x.id)?;
            Ok(subcollections::empty_listing(tag))
        }
        _ => Err(ApiError::NotFound),
    }
}

/// The clusters matching the request's search.
pub(super) async fn filtered(
    st: &SiteServer,
    req: &ApiRequest,
    clusters: Vec<Cluster>,
) -> Result<Vec<Cluster>, ApiError> {
    let q = query(&req.params)?;
    let need = Need {
        data_centers: q.as_ref().is_some_and(|q| q.uses("datacenter")),
        ..Need::default()
    };
    let names = Names::load(st, need).await?;
    search(clusters, &req.params, |c, field| match field {
        "name" => Some(Value::Text(c.name.clone())),
        "datacenter" => Some(names.dc(c.data_center)),
        "architecture" => Some(
            c.cpu_architecture
                .clone()
                .map_or(Value::Absent, Value::Enum),
        ),
        _ => None,
    })
}

/// `/clusters/{c}/affinitygroups[/{g}]` (also below `/datacenters/{dc}/clusters`).
pub(super) async fn affinity_groups(
    st: &SiteServer,
    req: &ApiRequest,
    cluster: Id,
    rest: &[&str],
) -> Reply {
    let groups = st.engine.affinity_groups(cluster).await?;
    let sc = scope(format!("clusters/{cluster}/affinitygroups"), &req.params);
    match rest {
        [] => Ok(list(&limit(groups, &req.params), &sc)),
        [g] => {
            let g = find(groups, id(g)?, |x| x.id)?;
            Ok(one(&g, &sc))
        }
        // `AffinityGroupService`'s members: the VMs and hosts it names
        // (`BackendAffinityGroupVmsResource`, `BackendAffinityGroupHostsResource`).
        [g, "vms"] => {
            let g = find(groups, id(g)?, |x| x.id)?;
            let mut vms = st.engine.vms(&Default::default()).await?;
            vms.retain(|v| g.vms.contains(&v.id));
            Ok(list(&limit(vms, &req.params), &scope("vms", &req.params)))
        }
        [g, "hosts"] => {
            let g = find(groups, id(g)?, |x| x.id)?;
            let mut hosts = st.engine.hosts().await?;
            hosts.retain(|h| g.hosts.contains(&h.id));
            Ok(list(
                &limit(hosts, &req.params),
                &scope("hosts", &req.params),
            ))
        }
        // Label members: the fake's groups name VMs and hosts only.
        [g, "vmlabels" | "hostlabels"] => {
            find(groups, id(g)?, |x| x.id)?;
            Ok(subcollections::empty_listing("affinity_labels"))
        }
        _ => Err(ApiError::NotFound),
    }
}
