//! How the CLI reaches a site's Engine: one function, [`Connect`], that turns a
//! [`SiteConnection`] into an [`Engine`]. The command uses [`rest`]; tests and programs that
//! embed the CLI pass their own through [`run_with`](crate::run_with) (an in-process fake world,
//! a recording proxy), never through an option or an environment variable.

use std::path::Path;
use std::sync::Arc;

use olvm_dr_core::config::resolve_path;
use olvm_dr_core::engine::rest::RestEngine;
use olvm_dr_core::mapping::SiteKeys;
use olvm_dr_core::{Engine, Secret, Site, SiteConnection};

/// Builds the Engine of `site` from how to reach it. `Err` says why it cannot (a bad URL, an
/// unusable CA file), never with the password.
pub type Connect<'a> =
    dyn Fn(Site, &SiteConnection) -> Result<Arc<dyn Engine>, String> + Send + Sync + 'a;

/// The real thing: the Engine's REST API ([`RestEngine`] with its default settings).
pub fn rest(_site: Site, connection: &SiteConnection) -> Result<Arc<dyn Engine>, String> {
    RestEngine::connect(connection)
        .map(|e| Arc::new(e) as Arc<dyn Engine>)
        .map_err(|e| e.to_string())
}

/// The connection to `site` described by a mapping's `dr_sites_{site}_*` keys (a relative CA
/// file is relative to the mapping's directory), with `password`. `None` when the URL or the
/// user is not filled in (the offline rules report that).
pub(crate) fn from_mapping(
    keys: &SiteKeys,
    mapping_dir: &Path,
    password: Secret,
) -> Option<SiteConnection> {
    let url = keys.url.get()?.trim().to_owned();
    let username = keys.username.get()?.trim().to_owned();
    let ca_file = keys
        .ca_file
        .get()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .map(|c| resolve_path(c, mapping_dir));
    Some(SiteConnection {
        url,
        username,
        password,
        ca_file,
        insecure: keys.insecure.get().copied().unwrap_or(false),
    })
}

/// The runtime the commands run their Engine calls on: one thread is plenty for I/O-bound
/// requests to two Engines, and keeps the process light.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))
}

/// Logs out of every Engine (SSO logout), concurrently; a failure is only logged.
pub(crate) async fn close_all(engines: &[Arc<dyn Engine>]) {
    let closing = engines.iter().map(|e| async move {
        if let Err(err) = e.close().await {
            tracing::debug!(error = %err, "cannot log out of an Engine");
        }
    });
    futures_util::future::join_all(closing).await;
}
