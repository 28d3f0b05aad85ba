//! `/vms`: listing with search (`name`, `status`, `cluster`, `datacenter`, `host`, `storage`,
//! `storage.name`) and `follow`, one VM, power actions, removal, and its NICs, disk
//! attachments, snapshots, affinity labels, tags (listed and assigned) and the devices its guest
//! agent reports.

use std::sync::Arc;

use axum::http::Method;
use olvm_dr_core::engine::{Engine, Id, VmSearch};
use olvm_dr_core::xml::{Scope, write_snapshots};

use super::events::{Happened, note};
use super::lookup::{Names, Need};
use super::{id, limit, perform, query, scope, search, subcollections};
use crate::respond::{ApiError, Reply, complete, list, ok, one};
use crate::search::Value;
use crate::server::{ApiRequest, SiteServer};

pub(super) async fn route(st: &SiteServer, req: &ApiRequest, rest: &[&str]) -> Reply {
    let sc = scope("vms", &req.params);
    match (&req.method, rest) {
        (&Method::GET, []) => {
            let vms = st.engine.vms(&VmSearch::default()).await?;
            let q = query(&req.params)?;
            let uses = |f: &str| q.as_ref().is_some_and(|q| q.uses(f));
            let need = Need {
                data_centers: uses("datacenter"),
                clusters: uses("datacenter") || uses("cluster"),
                domains: uses("storage") || uses("storage.name"),
            };
            let names = Names::load(st, need).await?;
            let hosts = if uses("host") {
                st.engine.hosts().await?
            } else {
                Vec::new()
            };
            let vms = search(vms, &req.params, |vm, field| match field {
                "name" => Some(Value::Text(vm.name.clone())),
                "status" => Some(Value::Enum(vm.status.as_str().to_owned())),
                "cluster" => Some(names.cluster(vm.cluster)),
                "datacenter" => Some(names.dc(names.cluster_dc(vm.cluster))),
                "storage" | "storage.name" => Some(names.domain_names(&vm.storage_domains)),
                "host" => Some(
                    hosts
                        .iter()
                        .find(|h| Some(h.id) == vm.host)
                        .map_or(Value::Absent, |h| Value::Text(h.name.clone())),
                ),
                "origin" => Some(Value::Enum(vm.origin.clone())),
                _ => None,
            })?;
            Ok(list(&vms, &sc))
        }
        (&Method::GET, [vm]) => Ok(one(&st.engine.vm(id(vm)?).await?, &sc)),
        (&Method::DELETE, [vm]) => {
            let vm = id(vm)?;
            let engine = Arc::clone(&st.engine);
            perform(req, async move { engine.remove_vm(vm).await }).await
        }
        (&Method::POST, [vm, verb @ ("start" | "stop" | "shutdown")]) => {
            let vm = id(vm)?;
            // The host it runs on before it stops, for the event.
            let host = match *verb {
                "start" => None,
                _ => st.world.vm_host(st.site, vm),
            };
            let (result, happened) = match *verb {
                "start" => (start(st, req, vm).await?, Happened::VmStarted(vm)),
                "stop" => (
                    st.engine.stop_vm(vm).await,
                    Happened::VmStopped { vm, host },
                ),
                _ => (
                    st.engine.shutdown_vm(vm).await,
                    Happened::VmShutdown { vm, host },
                ),
            };
            result.map_err(ApiError::in_action)?;
            note(st, happened);
            Ok(complete())
        }
        (&Method::POST, [vm, "tags"]) => super::tags::assign(st, req, id(vm)?).await,
        (&Method::GET, [vm, sub]) => sub_collection(st, req, id(vm)?, sub).await,
        (&Method::GET, [vm, "nics", nic]) => nic_of(st, id(vm)?, id(nic)?).await,
        (&Method::PUT, [vm, "nics", nic]) => update_nic(st, req, id(vm)?, id(nic)?).await,
        (_, [] | [_] | [_, "start" | "stop" | "shutdown"]) => super::not_allowed(),
        _ => Err(ApiError::NotFound),
    }
}

async fn sub_collection(st: &SiteServer, req: &ApiRequest, vm: Id, sub: &str) -> Reply {
    match sub {
        "nics" => {
            let v = st.engine.vm(vm).await?;
            Ok(list(
                &limit(v.nics, &req.params),
                &Scope::new(format!("vms/{vm}/nics")),
            ))
        }
        "diskattachments" => Ok(list(
            &limit(st.engine.vm_disk_attachments(vm).await?, &req.params),
            &Scope::new(format!("vms/{vm}/diskattachments")),
        )),
        "snapshots" => Ok(ok(write_snapshots(&st.engine.vm(vm).await?))),
        "reporteddevices" => Ok(list(
            &limit(st.engine.vm_reported_devices(vm).await?, &req.params),
            &Scope::new(format!("vms/{vm}/reporteddevices")),
        )),
        "tags" => Ok(list(
            &limit(st.engine.vm_tags(vm).await?, &req.params),
            &scope("tags", &req.params),
        )),
        "affinitylabels" => {
            st.engine.vm(vm).await?;
            let mut labels = st.engine.affinity_labels().await?;
            labels.retain(|l| l.vms.contains(&vm));
            Ok(list(&labels, &scope("affinitylabels", &req.params)))
        }
        _ => {
            let tag = subcollections::tag(subcollections::VM, sub).ok_or(ApiError::NotFound)?;
            st.engine.vm(vm).await?;
            Ok(subcollections::empty_listing(tag))
        }
    }
}

/// `POST /vms/{vm}/start`: with `use_cloud_init` and a `vm.initialization` in the body, a
/// run-once start that hands the initialization to cloud-init; otherwise a plain start.
async fn start(
    st: &SiteServer,
    req: &ApiRequest,
    vm: Id,
) -> Result<olvm_dr_core::engine::EngineResult<()>, ApiError> {
    let body = req.text();
    let init = if body.trim().is_empty() {
        None
    } else {
        olvm_dr_core::xml::guest::read_start(body).map_err(|e| ApiError::bad_body(&e))?
    };
    Ok(match init {
        Some(init) => st.engine.start_vm_with_initialization(vm, &init).await,
        None => st.engine.start_vm(vm).await,
    })
}

/// `PUT /vms/{vm}/nics/{nic}`: the Engine updates what the body sets; `plugged` is the one
/// setting the DR flows change (`UpdateVmInterfaceCommand`). Answers the NIC as it is now.
async fn update_nic(st: &SiteServer, req: &ApiRequest, vm: Id, nic: Id) -> Reply {
    let root = olvm_dr_core::xml::parse(req.text()).map_err(|e| ApiError::bad_body(&e))?;
    let node = olvm_dr_core::xml::Node::root(&root);
    if node.name() != "nic" {
        return Err(ApiError::bad_body(&node.error("expected a <nic> element")));
    }
    if let Some(plugged) = node
        .bool_at(&["plugged"])
        .map_err(|e| ApiError::bad_body(&e))?
    {
        st.engine.set_nic_plugged(vm, nic, plugged).await?;
    }
    nic_of(st, vm, nic).await
}

/// `GET /vms/{vm}/nics/{nic}`.
async fn nic_of(st: &SiteServer, vm: Id, nic: Id) -> Reply {
    let found = st
        .engine
        .vm(vm)
        .await?
        .nics
        .into_iter()
        .find(|n| n.id == nic);
    let found = found.ok_or(ApiError::NotFound)?;
    Ok(one(&found, &Scope::new(format!("vms/{vm}/nics"))))
}
