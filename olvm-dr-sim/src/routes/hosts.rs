//! `/hosts`: listing with search (`name`, `status`, `cluster`, `datacenter`, `storage`), one
//! host, the LUNs it sees, iSCSI discovery and login.

use axum::http::Method;
use olvm_dr_core::engine::{Engine, HostLun};
use olvm_dr_core::xml::actions::{ActionResult, read_iscsi_discover, read_iscsi_login};

use super::lookup::{Names, Need};
use super::{find, id, limit, query, scope, search, subcollections};
use crate::respond::{ApiError, Reply, action, complete, list, one};
use crate::search::Value;
use crate::server::{ApiRequest, SiteServer};

pub(super) async fn route(st: &SiteServer, req: &ApiRequest, rest: &[&str]) -> Reply {
    match (&req.method, rest) {
        (&Method::GET, []) => {
            let hosts = st.engine.hosts().await?;
            let q = query(&req.params)?;
            let uses = |f: &str| q.as_ref().is_some_and(|q| q.uses(f));
            let need = Need {
                data_centers: uses("datacenter"),
                clusters: uses("datacenter") || uses("cluster") || uses("storage"),
                domains: uses("storage"),
            };
            let names = Names::load(st, need).await?;
            let hosts = search(hosts, &req.params, |h, field| match field {
                "name" => Some(Value::Text(h.name.clone())),
                "address" => Some(Value::Text(h.address.clone())),
                "status" => Some(Value::Enum(h.status.as_str().to_owned())),
                "cluster" => Some(names.cluster(h.cluster)),
                "datacenter" => Some(names.dc(names.cluster_dc(h.cluster))),
                // The domains the host can reach: those attached to its data center.
                "storage" => Some(names.domains_of_dc(names.cluster_dc(h.cluster))),
                _ => None,
            })?;
            Ok(list(&hosts, &scope("hosts", &req.params)))
        }
        (&Method::GET, [h]) => {
            let host = find(st.engine.hosts().await?, id(h)?, |x| x.id)?;
            Ok(one(&host, &scope("hosts", &req.params)))
        }
        (&Method::GET, [h, "storage"]) => {
            let h = id(h)?;
            let luns = st.engine.host_luns(h).await?;
            Ok(list(
                &limit(luns, &req.params),
                &scope(format!("hosts/{h}/storage"), &req.params),
            ))
        }
        (&Method::GET, [h, "storage", lun]) => {
            let h = id(h)?;
            let mut found = find_lun(st.engine.host_luns(h).await?, lun)?;
            // `BackendHostStorageResource.lookupStorage` maps the LUN alone, without the
            // connection mapping the listing adds: no portal, no user name.
            found.logical_unit.portal = None;
            found.logical_unit.username = None;
            Ok(one(
                &found,
                &scope(format!("hosts/{h}/storage"), &req.params),
            ))
        }
        (_, [h, "storageconnectionextensions", more @ ..]) => {
            super::connection_extensions::route(st, req, h, more).await
        }
        (&Method::GET, [h, "affinitylabels"]) => {
            let h = find(st.engine.hosts().await?, id(h)?, |x| x.id)?.id;
            let mut labels = st.engine.affinity_labels().await?;
            labels.retain(|l| l.hosts.contains(&h));
            Ok(list(&labels, &scope("affinitylabels", &req.params)))
        }
        (&Method::POST, [h, verb @ ("iscsidiscover" | "discoveriscsi")]) => {
            let h = id(h)?;
            let portal = read_iscsi_discover(req.text()).map_err(|e| ApiError::bad_body(&e))?;
            let targets = st
                .engine
                .iscsi_discover(h, &portal)
                .await
                .map_err(ApiError::in_action)?;
            // The older action also lists the bare target names.
            let names = if *verb == "iscsidiscover" {
                targets.iter().map(|t| t.target.clone()).collect()
            } else {
                Vec::new()
            };
            Ok(action(&ActionResult {
                iscsi_targets: names,
                discovered_targets: targets,
                ..ActionResult::complete()
            }))
        }
        (&Method::POST, [h, "iscsilogin"]) => {
            let h = id(h)?;
            let login = read_iscsi_login(req.text()).map_err(|e| ApiError::bad_body(&e))?;
            st.engine
                .iscsi_login(h, &login)
                .await
                .map_err(ApiError::in_action)?;
            Ok(complete())
        }
        (_, [_, "unregisteredstoragedomainsdiscover"]) => Err(ApiError::Unsupported(
            "discovering unregistered block domains on a host",
        )),
        (
            _,
            []
            | [_]
            | [
                _,
                "storage" | "iscsidiscover" | "discoveriscsi" | "iscsilogin",
            ]
            | [_, "storage", _],
        ) => super::not_allowed(),
        (&Method::GET, [h, sub]) => {
            let tag = subcollections::tag(subcollections::HOST, sub).ok_or(ApiError::NotFound)?;
            find(st.engine.hosts().await?, id(h)?, |x| x.id)?;
            Ok(subcollections::empty_listing(tag))
        }
        _ => Err(ApiError::NotFound),
    }
}

/// The LUN `id` among a host's devices; a LUN id is no UUID, so any other id is simply not
/// found (404).
fn find_lun(luns: Vec<HostLun>, id: &str) -> Result<HostLun, ApiError> {
    luns.into_iter()
        .find(|l| l.id == id)
        .ok_or(ApiError::NotFound)
}
