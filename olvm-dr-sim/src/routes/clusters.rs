//! `/clusters`: listing with search (`name`, `datacenter`), one cluster, its affinity groups.

use axum::http::Method;
use olvm_dr_core::engine::{Cluster, Engine, Id};

use super::lookup::{Names, Need};
use super::{find, id, limit, query, scope, search};
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
        _ => Err(ApiError::NotFound),
    }
}
