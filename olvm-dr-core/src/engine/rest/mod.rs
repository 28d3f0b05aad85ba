//! [`RestEngine`]: the [`Engine`](super::Engine) of a real oVirt / OLVM Engine, over its REST
//! API v4 in XML (feature `rest`).
//!
//! - One pooled, keep-alive HTTP client per Engine (reqwest with rustls; no OpenSSL), at most
//!   [`RestConfig::max_concurrent_requests`] requests in flight.
//! - TLS is verified against the site's CA file only (`ca_file`), or the system store when
//!   there is none; `insecure` turns verification off and says so in a warning.
//! - SSO bearer tokens: lazy login, one new login and one resend on a 401, logout on
//!   [`close`](super::Engine::close).
//! - Reads are retried with backoff on transient failures ([`RetryConfig`]); mutating calls
//!   never are, and carry a `Correlation-Id`.
//! - Every method is one Engine request (two for [`vms`](super::Engine::vms) filtered by
//!   domain or cluster, whose names the search needs); waiting for the state changes they
//!   start is the caller's business, on the paths the getters use (the data-center-scoped one
//!   for storage domains).
//!
//! Requests per method (paths below `/ovirt-engine/api`):
//!
//! | method | request |
//! | --- | --- |
//! | `api_info` | `GET /` |
//! | `close` | `POST /ovirt-engine/services/sso-logout` (when logged in) |
//! | `data_centers`, `clusters`, `hosts`, `networks`, `vnic_profiles`, `authz_domains`, `roles` | `GET /datacenters`, `/clusters`, `/hosts`, `/networks`, `/vnicprofiles`, `/domains`, `/roles` |
//! | `host_luns` | `GET /hosts/{id}/storage` |
//! | `cluster_networks` | `GET /clusters/{id}/networks` |
//! | `affinity_groups` | `GET /clusters/{id}/affinitygroups` |
//! | `affinity_labels` | `GET /affinitylabels?follow=hosts,vms` |
//! | `storage_domains`, `storage_domain` | `GET /storagedomains[/{id}]` |
//! | `attached_storage_domains`, `attached_storage_domain` | `GET /datacenters/{dc}/storagedomains[/{sd}]` |
//! | `storage_domain_disks` | `GET /storagedomains/{sd}/disks` |
//! | `import_storage_domain` | `POST /storagedomains` |
//! | `attach_storage_domain` | `POST /datacenters/{dc}/storagedomains` |
//! | `activate_storage_domain`, `deactivate_storage_domain` | `POST /datacenters/{dc}/storagedomains/{sd}/activate`, `…/deactivate` |
//! | `detach_storage_domain` | `DELETE /datacenters/{dc}/storagedomains/{sd}` |
//! | `remove_storage_domain` | `DELETE /storagedomains/{sd}?host={id}[&format=true]` or `?destroy=true` |
//! | `update_ovf_store` | `POST /storagedomains/{sd}/updateovfstore` |
//! | `job` | `GET /jobs/{id}` |
//! | `iscsi_discover`, `iscsi_login` | `POST /hosts/{id}/iscsidiscover`, `…/iscsilogin` |
//! | `disks` | `GET /disks[?search=disk_type=lun and number_of_vms=0]` |
//! | `remove_disk` | `DELETE /disks/{id}` |
//! | `vms` | `GET /vms?follow=disk_attachments.disk,nics,snapshots[&search=…]` (+ `GET /storagedomains/{id}`, `/clusters/{id}` for their names) |
//! | `vm` | `GET /vms/{id}?follow=disk_attachments.disk,nics,snapshots` |
//! | `templates`, `template` | `GET /templates[/{id}]` |
//! | `unregistered_vms`, `unregistered_templates` | `GET /storagedomains/{sd}/vms?unregistered=true`, `…/templates?unregistered=true` |
//! | `register_vm`, `register_template` | `POST /storagedomains/{sd}/vms/{id}/register`, `…/templates/{id}/register` |
//! | `start_vm`, `shutdown_vm`, `stop_vm` | `POST /vms/{id}/start`, `…/shutdown`, `…/stop` |
//! | `remove_vm` | `DELETE /vms/{id}` |
//! | `switch_master_storage_domain` | `POST /datacenters/{dc}/setmaster` |
//! | `start_vm_with_initialization` | `POST /vms/{id}/start` with `use_cloud_init` and `vm.initialization` |
//! | `vm_reported_devices` | `GET /vms/{id}/reporteddevices` |

mod client;
mod config;
mod engine_impl;
mod errors;
mod retry;
mod search;
mod sso;

use std::fmt;
use std::sync::Arc;

pub use config::{RestConfig, RestConfigError};
pub use errors::kind_for;
pub use retry::RetryConfig;

use crate::SiteConnection;
use client::Transport;

/// An Engine reached over its REST API. Cheap to clone: clones share the connection pool, the
/// session and the request limit.
#[derive(Clone)]
pub struct RestEngine {
    transport: Arc<Transport>,
}

impl RestEngine {
    /// An Engine client with the default settings for `site`. No request is sent until the
    /// first call.
    pub fn connect(site: &SiteConnection) -> Result<Self, RestConfigError> {
        Self::with_config(RestConfig::new(site)?)
    }

    /// An Engine client with explicit settings.
    pub fn with_config(config: RestConfig) -> Result<Self, RestConfigError> {
        Ok(Self {
            transport: Arc::new(Transport::new(config)?),
        })
    }

    /// The settings in use.
    pub fn config(&self) -> &RestConfig {
        &self.transport.config
    }
}

impl fmt::Debug for RestEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RestEngine")
            .field("url", &self.transport.config.url.as_str())
            .field("username", &self.transport.config.username)
            .finish_non_exhaustive()
    }
}
