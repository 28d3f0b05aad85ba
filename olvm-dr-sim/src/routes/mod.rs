//! The REST API's paths, one module per collection. Every request becomes calls of the
//! [`Engine`](olvm_dr_core::Engine) trait on the site's `FakeEngine`; where the trait has no
//! method for a path (`GET /datacenters/{id}`, `search=`), the answer is taken from the trait's
//! listings. Paths the Engine has but the fake does not model answer 501.
//!
//! | path (below `/ovirt-engine/api`) | methods |
//! | --- | --- |
//! | `/` | GET |
//! | `/datacenters`, `/datacenters/{dc}` | GET (search) |
//! | `/datacenters/{dc}/storagedomains` | GET, POST (attach by id or name) |
//! | `/datacenters/{dc}/storagedomains/{sd}` | GET, DELETE (detach) |
//! | `/datacenters/{dc}/storagedomains/{sd}/activate`, `…/deactivate` | POST |
//! | `/datacenters/{dc}/storagedomains/{sd}/disks` | GET |
//! | `/datacenters/{dc}/clusters[/{c}[/affinitygroups[/{g}]]]`, `/datacenters/{dc}/networks` | GET |
//! | `/clusters[/{c}]` (search), `/clusters/{c}/affinitygroups[/{g}]`, `/clusters/{c}/networks` | GET |
//! | `/hosts[/{h}]` (search), `/hosts/{h}/storage` | GET |
//! | `/hosts/{h}/iscsidiscover`, `…/discoveriscsi`, `…/iscsilogin` | POST |
//! | `/storagedomains` | GET (search), POST (import) |
//! | `/storagedomains/{sd}` | GET, DELETE (`host`, `format`, `destroy`) |
//! | `/storagedomains/{sd}/disks`, `…/vms`, `…/templates` (`unregistered` for VMs and templates) | GET |
//! | `/storagedomains/{sd}/vms/{vm}`, `…/templates/{t}` | GET |
//! | `/storagedomains/{sd}/vms/{vm}/register`, `…/templates/{t}/register`, `…/updateovfstore` | POST |
//! | `/vms[/{vm}]` (search, follow, all_content) | GET |
//! | `/vms/{vm}` | DELETE |
//! | `/vms/{vm}/start`, `…/stop`, `…/shutdown` | POST |
//! | `/vms/{vm}/nics`, `…/diskattachments`, `…/snapshots`, `…/affinitylabels` | GET |
//! | `/templates[/{t}]` (search) | GET |
//! | `/disks[/{d}]` (search) | GET; DELETE `/disks/{d}` |
//! | `/jobs/{id}` | GET |
//! | `/networks[/{n}]` (search), `/networks/{n}/vnicprofiles`, `/vnicprofiles[/{p}]` | GET |
//! | `/affinitylabels[/{l}]` (follow), `/affinitylabels/{l}/vms`, `…/hosts` | GET |
//! | `/domains[/{id}]`, `/roles[/{id}]` | GET |
//! | `/tags[/{t}]` | GET; POST `/tags` (a name in use: 409); DELETE `/tags/{t}` |
//! | `/events[/{id}]` (max, from, search) | GET |
//! | `/storageconnections[/{id}]`, `/storagedomains/{sd}/storageconnections` | GET |
//! | `/hosts/{h}/storageconnectionextensions[/{id}]` | GET, POST; GET, PUT, DELETE |
//! | `/hosts/{h}/storage/{lun}` | GET |
//! | `/datacenters/{dc}/setmaster` | POST (the domain by id or name) |

mod api;
mod clusters;
mod connection_extensions;
mod datacenters;
mod disks;
mod events;
mod hosts;
mod jobs;
mod lookup;
mod misc;
pub(crate) mod monitored;
mod storage_connections;
mod storage_domain_update;
mod storage_domains;
mod subcollections;
mod tags;
mod templates;
mod unregistered_disks;
mod vms;

pub(crate) use connection_extensions::Extensions;

use axum::http::{Method, StatusCode};
use axum::response::IntoResponse;
use olvm_dr_core::engine::{EngineError, Id};
use olvm_dr_core::xml::{Follow, Scope};

use crate::params::Params;
use crate::respond::{ApiError, Reply, complete, empty};
use crate::search::{Query, Value};
use crate::server::{ApiRequest, SiteServer};

/// Routes a request to its collection.
pub(crate) async fn dispatch(st: &SiteServer, req: &ApiRequest) -> Reply {
    let segs: Vec<&str> = req.segments.iter().map(String::as_str).collect();
    match segs.as_slice() {
        [] if req.method == Method::GET => api::root(st).await,
        ["datacenters", rest @ ..] => datacenters::route(st, req, rest).await,
        ["clusters", rest @ ..] => clusters::route(st, req, rest).await,
        ["hosts", rest @ ..] => hosts::route(st, req, rest).await,
        ["storagedomains", rest @ ..] => storage_domains::route(st, req, rest).await,
        ["vms", rest @ ..] => vms::route(st, req, rest).await,
        ["templates", rest @ ..] => templates::route(st, req, rest).await,
        ["disks", rest @ ..] => disks::route(st, req, rest).await,
        ["jobs", rest @ ..] => jobs::route(st, req, rest).await,
        ["tags", rest @ ..] => tags::route(st, req, rest).await,
        ["events", rest @ ..] => events::route(st, req, rest).await,
        ["storageconnections", rest @ ..] => storage_connections::route(st, req, rest).await,
        [collection, rest @ ..] => misc::route(st, req, collection, rest).await,
        _ => Err(ApiError::NotFound),
    }
}

/// A path id: anything but a UUID is an unknown entity (404, empty body).
pub(crate) fn id(segment: &str) -> Result<Id, ApiError> {
    segment.parse().map_err(|_| ApiError::NotFound)
}

/// The entity with `id` in a listing, or 404.
pub(crate) fn find<T>(items: Vec<T>, id: Id, key: impl Fn(&T) -> Id) -> Result<T, ApiError> {
    items
        .into_iter()
        .find(|t| key(t) == id)
        .ok_or(ApiError::NotFound)
}

/// The scope of a collection with the request's `follow`.
pub(crate) fn scope(collection: impl Into<String>, params: &Params) -> Scope {
    let follow = params.get("follow").map(Follow::parse).unwrap_or_default();
    Scope::new(collection).with_follow(follow)
}

/// `max` applied to a listing.
pub(crate) fn limit<T>(mut items: Vec<T>, params: &Params) -> Vec<T> {
    if let Some(max) = params.max() {
        items.truncate(max);
    }
    items
}

/// A listing filtered by the request's `search` (through `fields`, which gives each entity's
/// searchable values), then paged (`page N`) and cut to `max`.
pub(crate) fn search<T>(
    items: Vec<T>,
    params: &Params,
    fields: impl Fn(&T, &str) -> Option<Value>,
) -> Result<Vec<T>, ApiError> {
    let Some(text) = params.search() else {
        return Ok(limit(items, params));
    };
    let query = Query::parse(text)?;
    let case_sensitive = params.case_sensitive();
    let mut out = Vec::new();
    for item in items {
        if query.matches(case_sensitive, |f| fields(&item, f))? {
            out.push(item);
        }
    }
    if let (Some(page), Some(max)) = (query.page, params.max()) {
        out = out.into_iter().skip((page - 1) * max).collect();
    }
    Ok(limit(out, params))
}

/// The parsed search of a request, if any (to know which context to load).
pub(crate) fn query(params: &Params) -> Result<Option<Query>, ApiError> {
    Ok(params.search().map(Query::parse).transpose()?)
}

/// A "performAction" operation (deletes, detach, OVF update): run now and answer
/// `complete` (with the command's job), or, when the client asked for it (`async=true`,
/// `Expect: 202-accepted`), run in the background and answer 202 with an empty body
/// (`BackendResource.performNonBlockingAction` without an action).
pub(crate) async fn perform<F>(req: &ApiRequest, op: F) -> Reply
where
    F: Future<Output = Result<(), EngineError>> + Send + 'static,
{
    if req.wants_async() {
        // The command's job stays `started` until the run ends; a failure after the 202 shows
        // as a failed job and the command's failure event.
        let job = crate::request_context::hand_to_background();
        tokio::spawn(async move {
            let result = op.await;
            if let Err(e) = &result {
                tracing::info!(error = %e, "background operation failed");
            }
            if let Some(job) = job {
                job.end(result.is_ok());
            }
        });
        return Ok(empty(StatusCode::ACCEPTED));
    }
    op.await?;
    Ok(complete())
}

/// 405 for a known path with another method.
pub(crate) fn not_allowed() -> Reply {
    Ok(empty(StatusCode::METHOD_NOT_ALLOWED).into_response())
}
