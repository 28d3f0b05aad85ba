//! `/storagedomains`: the top-level view (search, import, remove), the domain's disks, its
//! unregistered VMs and templates and their registration, and the OVF store update.

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use olvm_dr_core::engine::{
    Engine, Fault, Id, ImportStorageDomain, RemoveStorageDomain, StorageDomain, VmSearch,
};
use olvm_dr_core::xml::actions::ActionResult;
use olvm_dr_core::xml::parse;
use olvm_dr_core::xml::registration::read_registration;
use olvm_dr_core::xml::requests::StorageDomainAdd;

use super::events::{Happened, note};
use super::lookup::{Names, Need, attached_statuses, host, host_param};
use super::{find, id, limit, perform, query, scope, search, subcollections};
use crate::respond::{ApiError, Reply, action, complete, created, list, one};
use crate::search::Value;
use crate::server::{ApiRequest, SiteServer};

pub(super) async fn route(st: &SiteServer, req: &ApiRequest, rest: &[&str]) -> Reply {
    let sc = scope("storagedomains", &req.params);
    match (&req.method, rest) {
        (&Method::GET, []) => {
            let domains = filtered(st, req).await?;
            Ok(list(&domains, &sc))
        }
        (&Method::POST, []) => import(st, req).await,
        (&Method::GET, [sd]) => Ok(one(&st.engine.storage_domain(id(sd)?).await?, &sc)),
        (&Method::DELETE, [sd]) => remove(st, req, id(sd)?).await,
        (&Method::PUT, [sd]) => super::storage_domain_update::update(st, req, id(sd)?).await,
        (&Method::GET, [sd, "disks"]) => {
            let sd = id(sd)?;
            if req.params.is("unregistered") {
                let collection = format!("storagedomains/{sd}/disks");
                return super::unregistered_disks::listing(st, req, sd, collection).await;
            }
            let disks = st.engine.storage_domain_disks(sd).await?;
            let sc = scope(format!("storagedomains/{sd}/disks"), &req.params);
            Ok(list(&limit(disks, &req.params), &sc))
        }
        (_, [sd, "vms", more @ ..]) => vms(st, req, id(sd)?, more).await,
        (_, [sd, "templates", more @ ..]) => templates(st, req, id(sd)?, more).await,
        (&Method::POST, [sd, "updateovfstore"]) => {
            let sd = id(sd)?;
            if req.wants_async() {
                let engine = Arc::clone(&st.engine);
                return perform(
                    req,
                    async move { engine.update_ovf_store(sd).await.map(|_| ()) },
                )
                .await;
            }
            let job = st
                .engine
                .update_ovf_store(sd)
                .await
                .map_err(ApiError::in_action)?;
            if let Some(job) = job {
                crate::request_context::follow_fake_job(job);
            }
            // `UpdateOvfStoreForStorageDomainCommand.performNextOperation` logs the ignored
            // update instead of the user's.
            let ignored = job.is_some_and(|j| st.world.ovf_update_ignored(st.site, j));
            note(
                st,
                if ignored {
                    Happened::OvfUpdateIgnored(sd)
                } else {
                    Happened::OvfUpdated(sd)
                },
            );
            Ok(action(&ActionResult {
                job,
                ..ActionResult::complete()
            }))
        }
        (&Method::POST, [sd, "isattached"]) => {
            super::storage_domain_update::is_attached(st, req, id(sd)?).await
        }
        (_, [_, "refreshluns" | "reduceluns"]) => Err(ApiError::Unsupported("LUN resizing")),
        (&Method::GET, [sd, "storageconnections"]) => {
            super::storage_connections::of_domain(st, req, id(sd)?).await
        }
        (_, [] | [_] | [_, "disks" | "updateovfstore" | "isattached"]) => super::not_allowed(),
        (&Method::GET, [sd, sub]) => {
            let tag = subcollections::tag(subcollections::STORAGE_DOMAIN, sub)
                .ok_or(ApiError::NotFound)?;
            st.engine.storage_domain(id(sd)?).await?;
            Ok(subcollections::empty_listing(tag))
        }
        _ => Err(ApiError::NotFound),
    }
}

/// The top-level listing filtered by search: `name` (also `storage.name`), `status` (the real
/// status of attached domains, from their data center's view), `type` (the storage type),
/// `datacenter`, `master`.
async fn filtered(st: &SiteServer, req: &ApiRequest) -> Result<Vec<StorageDomain>, ApiError> {
    let domains = st.engine.storage_domains().await?;
    let q = query(&req.params)?;
    let uses = |f: &str| q.as_ref().is_some_and(|q| q.uses(f));
    let statuses = if uses("status") || uses("master") {
        attached_statuses(st, &domains).await?
    } else {
        Default::default()
    };
    let names = Names::load(
        st,
        Need {
            data_centers: uses("datacenter"),
            ..Need::default()
        },
    )
    .await?;
    search(domains, &req.params, |d, field| match field {
        "name" | "storage.name" => Some(Value::Text(d.name.clone())),
        "status" => Some(match (d.status, statuses.get(&d.id).copied()) {
            (Some(s), _) | (None, Some((s, _))) => Value::Enum(s.as_str().to_owned()),
            (None, None) => Value::Absent,
        }),
        "type" => Some(
            d.storage
                .storage_type
                .map_or(Value::Absent, |t| Value::Enum(t.as_str().to_owned())),
        ),
        "datacenter" => Some(Value::Many(
            d.data_centers
                .iter()
                .filter_map(|dc| names.data_centers.get(dc).cloned())
                .collect(),
        )),
        "master" => Some(Value::Enum(
            statuses.get(&d.id).is_some_and(|(_, m)| *m).to_string(),
        )),
        _ => None,
    })
}

/// `POST /storagedomains`: an import. The Engine requires the host, the domain's function and
/// the storage type (`Incomplete parameters` otherwise); a block domain without
/// `import=true` would be created (formatted), which the simulator does not model.
async fn import(st: &SiteServer, req: &ApiRequest) -> Reply {
    let mut add = StorageDomainAdd::read(req.text()).map_err(|e| ApiError::bad_body(&e))?;
    if let Some(c) = add.connection {
        // `storage/@id` names an existing connection: its type is the storage type
        // (`BackendStorageDomainsResource.add`, `GetStorageServerConnectionById`).
        let conn = st
            .world
            .file_connections(st.site)
            .into_iter()
            .find(|x| x.id == c)
            .ok_or(ApiError::NotFound)?;
        add.storage.storage_type = conn.storage.storage_type;
    }
    let has_storage = parse(req.text()).is_ok_and(|root| root.child("storage").is_some());
    // The Engine's order: `host.id|name`, `type`, `storage` together, then `storage.type`.
    let mut missing = Vec::new();
    if add.host.is_none() {
        missing.push("host.id|name");
    }
    if add.kind.is_none() {
        missing.push("type");
    }
    if !has_storage {
        missing.push("storage");
    }
    if missing.is_empty() && add.storage.storage_type.is_none() {
        missing.push("storage.type");
    }
    if !missing.is_empty() {
        return Err(ApiError::incomplete(
            "StorageDomain",
            &missing.join(", "),
            "add",
        ));
    }
    let (Some(host_ref), Some(kind), Some(storage_type)) =
        (&add.host, add.kind, add.storage.storage_type)
    else {
        return Err(ApiError::NotFound);
    };
    if storage_type.is_block() && !add.import {
        return Err(ApiError::Unsupported(
            "creating a new block storage domain (send import=true and the domain id to import one)",
        ));
    }
    let request = ImportStorageDomain {
        id: add.id,
        name: add.name,
        kind,
        host: host(st, host_ref).await?,
        storage: add.storage,
        wipe_after_delete: add.wipe_after_delete,
        discard_after_delete: add.discard_after_delete,
        backup: add.backup,
        critical_space_action_blocker: add.critical_space_action_blocker,
        warning_low_space_indicator: add.warning_low_space_indicator,
        connection: add.connection,
    };
    let domain = st.engine.import_storage_domain(&request).await?;
    note(st, Happened::DomainAdded(domain.id));
    let sc = scope("storagedomains", &req.params);
    Ok(created(&domain, &sc, &domain.id.to_string()))
}

/// `DELETE /storagedomains/{sd}`: `destroy=true`, or through `host` (id or name) with an
/// optional `format`; neither is the Engine's 400 `host parameter is missing`.
async fn remove(st: &SiteServer, req: &ApiRequest, sd: Id) -> Reply {
    let how = if req.params.is("destroy") {
        RemoveStorageDomain::Destroy
    } else {
        let Some(h) = req.params.get("host").filter(|h| !h.is_empty()) else {
            return Err(ApiError::Fault(
                StatusCode::BAD_REQUEST,
                Fault::new("host parameter is missing", ""),
            ));
        };
        RemoveStorageDomain::WithHost {
            host: host_param(st, h).await?,
            format: req.params.is("format"),
        }
    };
    let engine = Arc::clone(&st.engine);
    perform(
        req,
        async move { engine.remove_storage_domain(sd, how).await },
    )
    .await
}

/// `/storagedomains/{sd}/vms`: the unregistered VMs (`unregistered` as query or matrix
/// parameter) or the registered VMs with disks on the domain; registration.
async fn vms(st: &SiteServer, req: &ApiRequest, sd: Id, rest: &[&str]) -> Reply {
    let sc = scope(format!("storagedomains/{sd}/vms"), &req.params);
    match (&req.method, rest) {
        (&Method::GET, []) if req.params.is("unregistered") => {
            let vms = st.engine.unregistered_vms(sd).await?;
            Ok(list(&limit(vms, &req.params), &sc))
        }
        (&Method::GET, []) => {
            st.engine.storage_domain(sd).await?;
            let search = VmSearch {
                storage_domain: Some(sd),
                ..VmSearch::default()
            };
            let vms = st.engine.vms(&search).await?;
            Ok(list(&limit(vms, &req.params), &sc))
        }
        (&Method::GET, [vm]) => {
            let vm = id(vm)?;
            let unregistered = st.engine.unregistered_vms(sd).await?;
            if let Some(u) = unregistered.into_iter().find(|v| v.id == vm) {
                return Ok(one(&u, &sc));
            }
            let search = VmSearch {
                storage_domain: Some(sd),
                ..VmSearch::default()
            };
            let registered = find(st.engine.vms(&search).await?, vm, |v| v.id)?;
            Ok(one(&registered, &sc))
        }
        (&Method::POST, [vm, "register"]) => {
            let vm = id(vm)?;
            let registration = read_registration(req.text()).map_err(registration_error)?;
            st.engine
                .register_vm(sd, vm, &registration)
                .await
                .map_err(ApiError::in_action)?;
            note(st, Happened::VmRegistered(vm));
            Ok(complete())
        }
        (&Method::DELETE, [_]) => Err(ApiError::Unsupported("removing an unregistered VM")),
        (_, [_, "import"]) => Err(ApiError::Unsupported("importing from an export domain")),
        (_, [] | [_] | [_, "register"]) => super::not_allowed(),
        _ => Err(ApiError::NotFound),
    }
}

/// `/storagedomains/{sd}/templates`: the unregistered templates and their registration.
async fn templates(st: &SiteServer, req: &ApiRequest, sd: Id, rest: &[&str]) -> Reply {
    let sc = scope(format!("storagedomains/{sd}/templates"), &req.params);
    match (&req.method, rest) {
        (&Method::GET, []) if req.params.is("unregistered") => {
            let templates = st.engine.unregistered_templates(sd).await?;
            Ok(list(&limit(templates, &req.params), &sc))
        }
        (&Method::GET, []) => Err(ApiError::Unsupported(
            "the registered templates of a storage domain",
        )),
        (&Method::GET, [t]) => {
            let t = find(st.engine.unregistered_templates(sd).await?, id(t)?, |x| {
                x.id
            })?;
            Ok(one(&t, &sc))
        }
        (&Method::POST, [t, "register"]) => {
            let t = id(t)?;
            let registration = read_registration(req.text()).map_err(registration_error)?;
            st.engine
                .register_template(sd, t, &registration)
                .await
                .map_err(ApiError::in_action)?;
            note(st, Happened::TemplateRegistered(t));
            Ok(complete())
        }
        (&Method::DELETE, [_]) => Err(ApiError::Unsupported("removing an unregistered template")),
        (_, [] | [_] | [_, "register"]) => super::not_allowed(),
        _ => Err(ApiError::NotFound),
    }
}

/// A registration body the Engine refuses before running the command: 400 with the reader's
/// message as the detail (`Cluster name is missing from source.`,
/// `BackendStorageDomainVmResource.badRequest`).
fn registration_error(e: olvm_dr_core::xml::XmlError) -> ApiError {
    ApiError::Fault(
        StatusCode::BAD_REQUEST,
        Fault::new("Operation Failed", e.message),
    )
}
