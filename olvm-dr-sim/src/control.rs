//! The control endpoint, outside the Engine's paths: JSON requests that change the simulated
//! world (both sites share it, so either site's endpoint acts on the whole lab).
//!
//! | request | effect |
//! | --- | --- |
//! | `GET /_sim/status` | sites up or down, call counts, replication pairs |
//! | `GET /_sim/facts` | the world's facts (names, ids, mappings), as JSON |
//! | `POST /_sim/sites/{site}/disaster` | the site goes dark: Engine and hosts |
//! | `POST /_sim/sites/{site}/engine-outage` | only the site's Engine stops answering |
//! | `POST /_sim/sites/{site}/recover` | the site comes back, as its Engine's monitoring finds it; the answer's `split_brain_risk` names the domains it returned to on writable copies the other site uses |
//! | `POST /_sim/sites/{site}/expire-leases` | the dead site's sanlock leases expire now |
//! | `POST /_sim/replication` `{"action": "stop" \| "reverse" \| "resync" \| "split", "target": "all" \| NAME}` | a replication change for every pair, or the pair of one domain or direct LUN |
//! | `PUT /_sim/sites/{site}/latency` `{"profile": "instant" \| "realistic"}` | the site's latency profile |
//! | `POST /_sim/sites/{site}/faults` (one of the bodies below) | inject a fault (`olvm_dr_core::fake::FaultSpec`) |
//! | `DELETE /_sim/sites/{site}/faults` | remove every injected fault of the site |
//! | `POST /_sim/sites/{site}/ovf` `{"action": "age", "domain": NAME, "minutes": N}` | the site's OVF store of one domain (name or id) looks N minutes older (its `Last Updated` moves back, the content stays; 409 when the site holds no written, writable store of it) |
//! | `POST /_sim/lease-timeout` `{"seconds": N}` | the sanlock lease timeout |
//! | `POST /_sim/sessions/expire` | this server's SSO tokens are revoked (clients get 401) |
//! | `GET /_sim/entities` | every entity the served site's fake holds, as the `Engine` trait gives it, as JSON |
//! | `GET`/`POST /_sim/checks/{vm}`, `GET /_sim/guests/{vm}` | checks of a VM's service and its guest (see `control_guests`) |
//!
//! Fault bodies (operations are the `Engine` method names, e.g. `attach_storage_domain`):
//! - `{"fail_next": {"operation": OP, "calls": N, "status": 409, "detail": "[...]", "reason": "Operation Failed"}}`
//!   — the next N calls fail with that HTTP status and fault (kind as a client classifies it,
//!   or `"kind": "lease_held"`, ...);
//! - `{"random": {"fraction": 0.1, "seed": 1, "operations": [OP, ...]}}` — transient failures
//!   (503, timeouts) of a fraction of the calls;
//! - `{"hang": {"operation": OP, "calls": N, "seconds": S}}` — calls hang (forever without
//!   `seconds`; every call without `calls`);
//! - `{"drop": {"after_calls": N, "outage": "disaster" \| "engine"}}` — the site drops out after
//!   N more calls.
//!
//! Errors are 400 (or 404 for an unknown target) with `{"error": "..."}`.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post, put};
use olvm_dr_core::Site;
use olvm_dr_core::fake::{ControlError, FaultSpec, ReplicationChange, World};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::json_response;
use crate::server::SiteServer;

/// Where the control endpoint lives.
pub const PREFIX: &str = "/_sim";

pub(crate) fn router() -> Router<Arc<SiteServer>> {
    Router::new()
        .route("/status", get(status))
        .route("/facts", get(facts))
        .route("/sites/{site}/{action}", post(site_action))
        .route("/sites/{site}/latency", put(latency))
        .route("/sites/{site}/faults", post(inject).delete(clear_faults))
        .route("/sites/{site}/ovf", post(ovf))
        .route("/replication", post(replication))
        .route("/lease-timeout", post(lease_timeout))
        .route("/sessions/expire", post(expire_sessions))
        .route("/entities", get(crate::entities_view::entities))
        .merge(crate::control_guests::router())
}

pub(crate) type Answer = Result<Response, (StatusCode, String)>;

pub(crate) fn done(value: Value) -> Answer {
    Ok(json_response(StatusCode::OK, &value))
}

fn bad(message: impl Into<String>) -> (StatusCode, String) {
    (StatusCode::BAD_REQUEST, message.into())
}

/// A refused control as its HTTP answer: 400 for bad input, 404 for an unknown name, 409 for
/// a world that cannot take the change.
fn refused(e: ControlError) -> (StatusCode, String) {
    let status = match e {
        ControlError::Invalid(_) => StatusCode::BAD_REQUEST,
        ControlError::NotFound(_) => StatusCode::NOT_FOUND,
        ControlError::Conflict(_) => StatusCode::CONFLICT,
    };
    (status, e.to_string())
}

pub(crate) fn finish(answer: Answer) -> Response {
    answer.unwrap_or_else(|(status, message)| json_response(status, &json!({"error": message})))
}

fn site(text: &str) -> Result<Site, (StatusCode, String)> {
    text.parse()
        .map_err(|_| (StatusCode::NOT_FOUND, format!("unknown site '{text}'")))
}

pub(crate) fn body<T: for<'de> Deserialize<'de>>(bytes: &Bytes) -> Result<T, (StatusCode, String)> {
    serde_json::from_slice(bytes).map_err(|e| bad(format!("invalid JSON body: {e}")))
}

/// The status of the world as JSON (also what `olvm-dr lab status` prints).
pub fn status_json(world: &World) -> Value {
    let sites: serde_json::Map<String, Value> = Site::BOTH
        .iter()
        .map(|s| {
            (
                s.to_string(),
                json!({"up": world.is_up(*s), "calls": world.calls(*s)}),
            )
        })
        .collect();
    json!({"sites": sites, "replication": world.replication_status()})
}

async fn status(State(st): State<Arc<SiteServer>>) -> Response {
    let mut v = status_json(&st.world);
    v["served_site"] = json!(st.site.as_str());
    v["sessions"] = json!(st.sessions.active());
    finish(done(v))
}

async fn facts(State(st): State<Arc<SiteServer>>) -> Response {
    finish(
        serde_json::to_value(st.world.facts())
            .map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))
            .and_then(done),
    )
}

async fn site_action(
    State(st): State<Arc<SiteServer>>,
    Path((name, action)): Path<(String, String)>,
) -> Response {
    let run = || -> Answer {
        let s = site(&name)?;
        let w = &st.world;
        // Read before the site comes back: what its return splits.
        let split_brain_risk = (action == "recover").then(|| w.split_brain_risk(s));
        match action.as_str() {
            "disaster" => w.disaster(s),
            "engine-outage" => w.engine_outage(s),
            "recover" => w.recover(s),
            "expire-leases" => w.expire_leases(s),
            other => {
                return Err((
                    StatusCode::NOT_FOUND,
                    format!("unknown site action '{other}'"),
                ));
            }
        }
        let mut answer = json!({"site": s.as_str(), "action": action, "up": w.is_up(s)});
        if let Some(risk) = split_brain_risk {
            answer["split_brain_risk"] = json!(risk);
        }
        done(answer)
    };
    finish(run())
}

#[derive(Deserialize)]
struct LatencyBody {
    profile: String,
}

async fn latency(
    State(st): State<Arc<SiteServer>>,
    Path(name): Path<String>,
    bytes: Bytes,
) -> Response {
    let run = || -> Answer {
        let s = site(&name)?;
        let b: LatencyBody = body(&bytes)?;
        st.world.set_latency_named(s, &b.profile).map_err(refused)?;
        done(json!({"site": s.as_str(), "profile": b.profile}))
    };
    finish(run())
}

async fn inject(
    State(st): State<Arc<SiteServer>>,
    Path(name): Path<String>,
    bytes: Bytes,
) -> Response {
    let run = || -> Answer {
        let s = site(&name)?;
        let fault: FaultSpec = body(&bytes)?;
        st.world.inject(s, fault).map_err(refused)?;
        done(json!({"site": s.as_str(), "injected": true}))
    };
    finish(run())
}

async fn clear_faults(State(st): State<Arc<SiteServer>>, Path(name): Path<String>) -> Response {
    finish(site(&name).and_then(|s| {
        st.world.clear_faults(s);
        done(json!({"site": s.as_str(), "cleared": true}))
    }))
}

#[derive(Deserialize)]
struct ReplicationBody {
    action: String,
    #[serde(default)]
    target: Option<String>,
}

async fn replication(State(st): State<Arc<SiteServer>>, bytes: Bytes) -> Response {
    let run = || -> Answer {
        let b: ReplicationBody = body(&bytes)?;
        let change: ReplicationChange = b.action.parse().map_err(refused)?;
        let target = b.target.as_deref().filter(|t| *t != "all");
        let w = &st.world;
        w.change_replication(change, target).map_err(refused)?;
        done(status_json(w))
    };
    finish(run())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OvfBody {
    action: String,
    domain: String,
    minutes: f64,
}

/// Ages one domain's OVF store on a site, so that the RPO guard (validate's DR0815) can be
/// rehearsed without waiting an hour.
async fn ovf(
    State(st): State<Arc<SiteServer>>,
    Path(name): Path<String>,
    bytes: Bytes,
) -> Response {
    let run = || -> Answer {
        let s = site(&name)?;
        let b: OvfBody = body(&bytes)?;
        if b.action != "age" {
            return Err(bad(format!("unknown OVF action '{}': use age", b.action)));
        }
        let w = &st.world;
        let (id, domain) = w.domain_named(&b.domain).map_err(refused)?;
        let by = Duration::try_from_secs_f64(b.minutes * 60.0)
            .map_err(|_| bad("minutes must be a non-negative number"))?;
        if !w.age_ovf_store(s, id, by) {
            return Err(refused(ControlError::Conflict(format!(
                "the OVF store of storage domain '{domain}' on the {s} site was not changed: the site does not hold the domain, its store was never written, or its volume is a read-only replica"
            ))));
        }
        let last_updated = w.ovf_store(s, id).and_then(|o| o.last_updated);
        done(json!({
            "site": s.as_str(),
            "domain": domain,
            "aged_minutes": b.minutes,
            "last_updated": last_updated,
        }))
    };
    finish(run())
}

#[derive(Deserialize)]
struct LeaseBody {
    seconds: f64,
}

async fn lease_timeout(State(st): State<Arc<SiteServer>>, bytes: Bytes) -> Response {
    let run = || -> Answer {
        let b: LeaseBody = body(&bytes)?;
        (st.world.set_lease_timeout_seconds(b.seconds)).map_err(refused)?;
        done(json!({"lease_timeout_seconds": b.seconds}))
    };
    finish(run())
}

async fn expire_sessions(State(st): State<Arc<SiteServer>>) -> Response {
    st.sessions.expire_all();
    finish(done(json!({"site": st.site.as_str(), "sessions": 0})))
}
