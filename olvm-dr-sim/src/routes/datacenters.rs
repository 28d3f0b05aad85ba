//! `/datacenters`: listing with search (`name`, `status`, `storage`), one data center, and
//! below it the attached storage domains (attach, activate, deactivate, detach), its clusters
//! and networks.

use std::sync::Arc;

use axum::http::Method;
use olvm_dr_core::engine::{Engine, EntityRef, Id};
use olvm_dr_core::xml::actions::read_force;
use olvm_dr_core::xml::requests::read_attach;
use olvm_dr_core::xml::set_master::read_set_master;

use super::events::{Happened, note};
use super::lookup::{Names, Need};
use super::{find, id, limit, perform, query, scope, search, subcollections};
use crate::respond::{ApiError, Reply, complete, created, list, one};
use crate::search::Value;
use crate::server::{ApiRequest, SiteServer};

pub(super) async fn route(st: &SiteServer, req: &ApiRequest, rest: &[&str]) -> Reply {
    let get = req.method == Method::GET;
    match rest {
        [] if get => {
            let dcs = st.engine.data_centers().await?;
            let q = query(&req.params)?;
            let need = Need {
                domains: q.as_ref().is_some_and(|q| q.uses("storage")),
                ..Need::default()
            };
            let names = Names::load(st, need).await?;
            let dcs = search(dcs, &req.params, |d, field| match field {
                "name" => Some(Value::Text(d.name.clone())),
                "status" => Some(Value::Enum(d.status.as_str().to_owned())),
                "storage" => Some(names.domains_of_dc(Some(d.id))),
                "local" => Some(Value::Enum(d.local.to_string())),
                _ => None,
            })?;
            Ok(list(&dcs, &scope("datacenters", &req.params)))
        }
        [dc] if get => {
            let dc = find(st.engine.data_centers().await?, id(dc)?, |d| d.id)?;
            Ok(one(&dc, &scope("datacenters", &req.params)))
        }
        [dc, "storagedomains", more @ ..] => storage(st, req, id(dc)?, more).await,
        [dc, "clusters", more @ ..] if get => clusters(st, req, id(dc)?, more).await,
        [dc, "networks"] if get => {
            let dc = id(dc)?;
            existing(st, dc).await?;
            let mut nets = st.engine.networks().await?;
            nets.retain(|n| n.data_center == dc);
            Ok(list(
                &limit(nets, &req.params),
                &scope("networks", &req.params),
            ))
        }
        [dc, "setmaster"] if req.method == Method::POST => set_master(st, req, id(dc)?).await,
        [_, "setmaster"] => super::not_allowed(),
        [dc, sub] if get => {
            let tag =
                subcollections::tag(subcollections::DATA_CENTER, sub).ok_or(ApiError::NotFound)?;
            existing(st, id(dc)?).await?;
            Ok(subcollections::empty_listing(tag))
        }
        [] | [_] | [_, "clusters" | "networks", ..] => super::not_allowed(),
        _ => Err(ApiError::NotFound),
    }
}

/// `POST /datacenters/{dc}/setmaster`: the domain by id or name
/// (`BackendDataCenterResource.setMaster`), then `SwitchMasterStorageDomain`.
async fn set_master(st: &SiteServer, req: &ApiRequest, dc: Id) -> Reply {
    existing(st, dc).await?;
    let sd = match read_set_master(req.text()).map_err(|e| ApiError::bad_body(&e))? {
        Some(EntityRef::Id(id)) => id,
        Some(EntityRef::Name(name)) => st
            .engine
            .storage_domains()
            .await?
            .into_iter()
            .find(|d| d.name == name)
            .map(|d| d.id)
            .ok_or_else(|| ApiError::entity_not_found(&format!("Storage: name={name}")))?,
        // The Engine does not check for the element and fails on its absence; the simulator
        // names what is missing instead.
        None => {
            return Err(ApiError::incomplete(
                "Action",
                "storageDomain.id|name",
                "setMaster",
            ));
        }
    };
    st.engine
        .switch_master_storage_domain(dc, sd)
        .await
        .map_err(ApiError::in_action)?;
    Ok(complete())
}

/// 404 unless data center `dc` exists.
async fn existing(st: &SiteServer, dc: Id) -> Result<(), ApiError> {
    find(st.engine.data_centers().await?, dc, |d| d.id).map(|_| ())
}

/// `/datacenters/{dc}/clusters[/{c}[/affinitygroups[/{g}]]]`.
async fn clusters(st: &SiteServer, req: &ApiRequest, dc: Id, rest: &[&str]) -> Reply {
    existing(st, dc).await?;
    let mut all = st.engine.clusters().await?;
    all.retain(|c| c.data_center == Some(dc));
    match rest {
        [] => {
            let all = super::clusters::filtered(st, req, all).await?;
            Ok(list(&all, &scope("clusters", &req.params)))
        }
        [c] => Ok(one(
            &find(all, id(c)?, |x| x.id)?,
            &scope("clusters", &req.params),
        )),
        [c, "affinitygroups", more @ ..] => {
            let c = find(all, id(c)?, |x| x.id)?;
            super::clusters::affinity_groups(st, req, c.id, more).await
        }
        _ => Err(ApiError::NotFound),
    }
}

/// `/datacenters/{dc}/storagedomains[/{sd}[/activate|deactivate|disks]]`.
async fn storage(st: &SiteServer, req: &ApiRequest, dc: Id, rest: &[&str]) -> Reply {
    let sc = scope(format!("datacenters/{dc}/storagedomains"), &req.params);
    match (&req.method, rest) {
        (&Method::GET, []) => {
            let domains = st.engine.attached_storage_domains(dc).await?;
            Ok(list(&limit(domains, &req.params), &sc))
        }
        (&Method::POST, []) => {
            let sd = match read_attach(req.text()).map_err(|e| ApiError::bad_body(&e))? {
                EntityRef::Id(id) => id,
                EntityRef::Name(name) => st
                    .engine
                    .storage_domains()
                    .await?
                    .into_iter()
                    .find(|d| d.name == name)
                    .map(|d| d.id)
                    .ok_or_else(|| ApiError::entity_not_found(&format!("Storage: name={name}")))?,
            };
            st.engine.attach_storage_domain(dc, sd).await?;
            note(st, Happened::Attached { dc, sd });
            let attached = st.engine.attached_storage_domain(dc, sd).await?;
            Ok(created(&attached, &sc, &sd.to_string()))
        }
        (&Method::GET, [sd]) => {
            let d = st.engine.attached_storage_domain(dc, id(sd)?).await?;
            Ok(one(&d, &sc))
        }
        (&Method::DELETE, [sd]) => {
            let sd = id(sd)?;
            let engine = Arc::clone(&st.engine);
            let done = perform(
                req,
                async move { engine.detach_storage_domain(dc, sd).await },
            )
            .await?;
            // A detach run in the background (`async=true`) is not logged.
            if !req.wants_async() {
                note(st, Happened::Detached { dc, sd });
            }
            Ok(done)
        }
        (&Method::POST, [sd, "activate"]) => {
            let sd = id(sd)?;
            st.engine
                .activate_storage_domain(dc, sd)
                .await
                .map_err(ApiError::in_action)?;
            note(st, Happened::Activated { dc, sd });
            Ok(complete())
        }
        (&Method::POST, [sd, "deactivate"]) => {
            let sd = id(sd)?;
            let force = read_force(req.text()).map_err(|e| ApiError::bad_body(&e))?;
            st.engine
                .deactivate_storage_domain(dc, sd, force)
                .await
                .map_err(ApiError::in_action)?;
            note(st, Happened::Deactivated { dc, sd });
            Ok(complete())
        }
        (&Method::GET, [sd, "disks"]) => {
            let sd = id(sd)?;
            st.engine.attached_storage_domain(dc, sd).await?;
            if req.params.is("unregistered") {
                let collection = format!("datacenters/{dc}/storagedomains/{sd}/disks");
                return super::unregistered_disks::listing(st, req, sd, collection).await;
            }
            let disks = st.engine.storage_domain_disks(sd).await?;
            let sc = scope(
                format!("datacenters/{dc}/storagedomains/{sd}/disks"),
                &req.params,
            );
            Ok(list(&limit(disks, &req.params), &sc))
        }
        (_, [_, "disks", _, "register"]) => {
            Err(ApiError::Unsupported("registering floating disks"))
        }
        (_, [] | [_] | [_, "activate" | "deactivate" | "disks"]) => super::not_allowed(),
        _ => Err(ApiError::NotFound),
    }
}
