//! `GET /_sim/entities` on the control endpoint: every entity the served site's fake holds, as
//! the `Engine` trait gives it (the entity model's JSON), so that tests of the Engine's paths
//! can compare what a client reads over REST with what the fake holds, field by field.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use olvm_dr_core::engine::{DiskFilter, Engine, EngineResult, VmSearch};
use serde_json::{Value, json};

use crate::auth::json_response;
use crate::server::SiteServer;

/// The served site's data centers, clusters, hosts, networks, vNIC profiles, storage domains,
/// disks, VMs (with their disk attachments), templates, affinity labels and the affinity
/// groups of every cluster; 503 with `{"error": ...}` when the site's Engine is down.
pub(crate) async fn entities(State(st): State<Arc<SiteServer>>) -> Response {
    match collect(&st).await {
        Ok(v) => json_response(StatusCode::OK, &v),
        Err(e) => json_response(
            StatusCode::SERVICE_UNAVAILABLE,
            &json!({"error": e.to_string()}),
        ),
    }
}

async fn collect(st: &SiteServer) -> EngineResult<Value> {
    let e = &st.engine;
    let clusters = e.clusters().await?;
    let mut groups = Vec::new();
    for c in &clusters {
        groups.push(json!({"cluster": c.id, "groups": e.affinity_groups(c.id).await?}));
    }
    let vms = e.vms(&VmSearch::default()).await?;
    Ok(json!({
        "data_centers": e.data_centers().await?,
        "clusters": clusters,
        "hosts": e.hosts().await?,
        "networks": e.networks().await?,
        "vnic_profiles": e.vnic_profiles().await?,
        "storage_domains": e.storage_domains().await?,
        "disks": e.disks(DiskFilter::default()).await?,
        "vms": vms,
        "templates": e.templates().await?,
        "affinity_labels": e.affinity_labels().await?,
        "affinity_groups": groups,
    }))
}
