//! How the CLI reaches a site's Engine: one function, [`Connect`], that turns a
//! [`SiteConnection`] into an [`Engine`]. The command uses [`rest`]; tests and programs that
//! embed the CLI pass their own through [`run_with`](crate::run_with) (an in-process fake world,
//! a recording proxy), never through an option or an environment variable.

use std::sync::Arc;

use olvm_dr_core::config::{Passwords, SecretValue};
use olvm_dr_core::engine::rest::RestEngine;
use olvm_dr_core::mapping::{Field, Mapping};
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

/// `site`'s password: the passwords file, else the mapping itself (discouraged, DR0505), else
/// the environment or a prompt.
pub(crate) fn site_password(
    mapping: &Mapping,
    site: Site,
    passwords: Option<&Passwords>,
    vault_password: Option<&Secret>,
) -> Result<Option<Secret>, String> {
    if let Some(p) = passwords.and_then(|p| p.get(site)) {
        return Ok(Some(p.clone()));
    }
    if let Field::Set { value, .. } = &mapping.site(site).password {
        return match value {
            SecretValue::Plain(s) => Ok(Some(s.clone())),
            v => v
                .reveal(vault_password)
                .map(Some)
                .map_err(|e| format!("dr_sites_{site}_password in the mapping: {e}")),
        };
    }
    crate::secrets::from_env_or_prompt(site, &format!("the {site} site's Engine"))
}

/// The runtime the commands run their Engine calls on: the work is waiting on Engines, so two
/// worker threads are plenty (one is left for progress output, prompts and a simulated lab
/// served in the same process).
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
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
