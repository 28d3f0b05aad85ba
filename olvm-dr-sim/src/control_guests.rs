//! The control endpoint's guest requests: a check of a service on a VM (what a recovery plan's
//! `check` command can ask in a lab, where the VMs' addresses lead nowhere), failures to inject
//! into it, and the guest inside a VM.
//!
//! | request | effect |
//! | --- | --- |
//! | `GET /_sim/checks/{vm}` | 200 when the VM (name or id) is up on a site, its guest agent reported an address and no injected failure is left; 503 otherwise (using one injected failure up) |
//! | `POST /_sim/checks/{vm}` `{"fail": N}` | the next N checks of the VM fail |
//! | `GET /_sim/guests/{vm}` | the guest inside the VM: its addresses, cloud-init, the initialization cloud-init last applied |

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use olvm_dr_core::engine::Id;
use olvm_dr_core::fake::{CheckFailure, World};
use serde::Deserialize;
use serde_json::json;

use crate::control::{Answer, body, done, finish};
use crate::server::SiteServer;

pub(crate) fn router() -> Router<Arc<SiteServer>> {
    Router::new()
        .route("/checks/{vm}", get(check).post(fail_checks))
        .route("/guests/{vm}", get(guest))
}

/// The VM named `name` (or with that id) among the world's VMs.
fn vm_id(world: &World, name: &str) -> Result<Id, (StatusCode, String)> {
    name.parse::<Id>()
        .ok()
        .or_else(|| {
            world
                .facts()
                .vms
                .iter()
                .find(|v| v.name == name)
                .map(|v| v.id)
        })
        .ok_or_else(|| (StatusCode::NOT_FOUND, format!("unknown VM '{name}'")))
}

async fn check(State(st): State<Arc<SiteServer>>, Path(vm): Path<String>) -> Response {
    let mut failure = None;
    for site in [st.site, st.site.other()] {
        match st.world.check(site, &vm) {
            Ok(()) => return finish(done(json!({"vm": vm, "site": site.as_str()}))),
            Err(e @ CheckFailure::Injected(..)) => {
                failure = Some(e);
                break;
            }
            Err(e) => {
                if failure.is_none() || matches!(e, CheckFailure::NotAnswering(_)) {
                    failure = Some(e);
                }
            }
        }
    }
    let message = failure.map_or_else(|| format!("VM '{vm}' does not answer"), |e| e.to_string());
    finish(Err((StatusCode::SERVICE_UNAVAILABLE, message)))
}

#[derive(Deserialize)]
struct FailBody {
    fail: u32,
}

async fn fail_checks(
    State(st): State<Arc<SiteServer>>,
    Path(vm): Path<String>,
    bytes: Bytes,
) -> Response {
    let run = || -> Answer {
        let id = vm_id(&st.world, &vm)?;
        let b: FailBody = body(&bytes)?;
        st.world.fail_checks(id, b.fail);
        done(json!({"vm": vm, "fail": b.fail}))
    };
    finish(run())
}

async fn guest(State(st): State<Arc<SiteServer>>, Path(vm): Path<String>) -> Response {
    let run = || -> Answer {
        let id = vm_id(&st.world, &vm)?;
        let guest = st
            .world
            .guest(id)
            .ok_or_else(|| (StatusCode::NOT_FOUND, format!("VM '{vm}' has no guest")))?;
        done(json!({"vm": vm, "guest": guest}))
    };
    finish(run())
}
