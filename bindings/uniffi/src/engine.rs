//! [`Engine`]: one site's oVirt / OLVM Engine, reached over its REST API or simulated by a
//! [`FakeWorld`](crate::world::FakeWorld).

use std::path::PathBuf;
use std::sync::Arc;

use olvm_dr_core::engine::VmSearch;
use olvm_dr_core::engine::rest::RestEngine;
use olvm_dr_core::{Secret, SiteConnection};

use crate::error::DrError;
use crate::mapping::Mapping;
use crate::runtime::block_on;
use crate::types::Site;

/// A site's Engine. Cheap to share; every flow and validation takes it as is.
///
/// The password it was made with is never given back, shown or logged.
#[derive(uniffi::Object)]
pub struct Engine {
    pub(crate) inner: Arc<dyn olvm_dr_core::Engine>,
    description: String,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("description", &self.description)
            .finish_non_exhaustive()
    }
}

/// What an Engine says about itself.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ApiInfo {
    /// e.g. `oVirt Engine` or `Oracle Linux Virtualization Manager`.
    pub product_name: String,
    /// e.g. `ovirt.org`.
    pub vendor: String,
    /// The full product version, e.g. `4.5.6-1.el9`.
    pub version: String,
}

/// A VM as the Engine lists it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VmInfo {
    /// Id (UUID).
    pub id: String,
    /// Name.
    pub name: String,
    /// Status as the REST API names it: `up`, `down`, `powering_up`, ...
    pub status: String,
    /// `true` for the hosted-engine VM (never part of DR).
    pub hosted_engine: bool,
    /// Its NICs.
    pub nics: Vec<NicInfo>,
}

/// A NIC of a VM.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NicInfo {
    /// Name, e.g. `nic1`.
    pub name: String,
    /// The vNIC profile's id; `None` when the NIC is on no network.
    pub vnic_profile: Option<String>,
    /// Plugged into the VM (a drill's default isolation unplugs every NIC, keeping its
    /// profile).
    pub plugged: bool,
}

impl Engine {
    /// Wraps a core Engine; `description` says what it is (no secret).
    pub(crate) fn wrap(inner: Arc<dyn olvm_dr_core::Engine>, description: String) -> Arc<Self> {
        Arc::new(Self { inner, description })
    }

    fn rest_from(connection: &SiteConnection) -> Result<Arc<Self>, DrError> {
        let engine = RestEngine::connect(connection)?;
        let description = format!(
            "REST API {} as {}{}",
            connection.url,
            connection.username,
            if connection.insecure {
                " (TLS not verified)"
            } else {
                ""
            }
        );
        Ok(Self::wrap(Arc::new(engine), description))
    }
}

#[uniffi::export]
impl Engine {
    /// An Engine reached over its REST API v4: `url` is the API URL
    /// (`https://engine.example.com/ovirt-engine/api`), `username` is `name@profile`. TLS is
    /// verified against `ca_file` (PEM) or the system's trust store; `insecure = true` turns
    /// verification off. Nothing is sent until the first call.
    ///
    /// # Errors
    /// `Config` when the URL is not an Engine API URL or the CA file cannot be used.
    #[uniffi::constructor(default(ca_file = None, insecure = false))]
    pub fn rest(
        url: String,
        username: String,
        password: String,
        ca_file: Option<String>,
        insecure: bool,
    ) -> Result<Arc<Self>, DrError> {
        Self::rest_from(&SiteConnection {
            url,
            username,
            password: Secret::new(password),
            ca_file: ca_file.filter(|c| !c.trim().is_empty()).map(PathBuf::from),
            insecure,
        })
    }

    /// `site`'s Engine as the mapping's `dr_sites_{site}_*` keys describe it (a relative CA
    /// file is taken from the mapping file's directory), with the site's `password`.
    ///
    /// # Errors
    /// `Config` when the URL or the user is not filled in, or the connection cannot work.
    #[uniffi::constructor]
    pub fn from_mapping(
        mapping: Arc<Mapping>,
        site: Site,
        password: String,
    ) -> Result<Arc<Self>, DrError> {
        let connection =
            mapping
                .inner
                .connection(site, Secret::new(password), &mapping.base_dir())?;
        Self::rest_from(&connection)
    }

    /// What this Engine is: the API URL and user, or the fake site. Never the password.
    pub fn describe(&self) -> String {
        self.description.clone()
    }

    /// Asks the Engine what it is (`GET /ovirt-engine/api`): a cheap check that it answers and
    /// the credentials work.
    ///
    /// # Errors
    /// The Engine error kind's variant, with the Engine's fault text.
    pub fn api_info(&self) -> Result<ApiInfo, DrError> {
        let info = block_on(self.inner.api_info())??;
        Ok(ApiInfo {
            product_name: info.product_name,
            vendor: info.vendor,
            version: info.version.full_version,
        })
    }

    /// Every VM the Engine has.
    ///
    /// # Errors
    /// The Engine error kind's variant, with the Engine's fault text.
    pub fn vms(&self) -> Result<Vec<VmInfo>, DrError> {
        let vms = block_on(self.inner.vms(&VmSearch::default()))??;
        Ok(vms
            .into_iter()
            .map(|v| VmInfo {
                id: v.id.to_string(),
                hosted_engine: v.is_hosted_engine(),
                nics: v
                    .nics
                    .iter()
                    .map(|n| NicInfo {
                        name: n.name.clone(),
                        vnic_profile: n.vnic_profile.map(|p| p.to_string()),
                        plugged: n.plugged,
                    })
                    .collect(),
                name: v.name,
                status: v.status.as_str().to_owned(),
            })
            .collect())
    }

    /// Logs out (revokes the SSO token); the next call logs in again. (Not `close`: the
    /// generated Kotlin and Swift objects already have a `close` that frees them.)
    ///
    /// # Errors
    /// The Engine error kind's variant.
    pub fn logout(&self) -> Result<(), DrError> {
        block_on(self.inner.close())??;
        Ok(())
    }
}
