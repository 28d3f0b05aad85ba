//! `generate`: the role-compatible mapping file of a site, read from its Engine.
//!
//! What the role's generator (`generate_mapping.py`) writes, read with one listing per
//! collection ([`Inventory`]) and without its bugs: every value quoted so that Ansible reads it
//! back as written, iSCSI portals without a comma taken as they are, CHAP lines that are valid
//! YAML. The primary's values are real; every secondary value is a placeholder `key: # value`
//! that shows the primary's value and loads as "not filled in", unless a read of the secondary
//! found the same entity there under the same name ([`fill`]). The hosted-engine domain (found by
//! its name and by the hosted-engine VM's disks) and export domains are written commented out
//! with the reason; VM disks on the hosted-engine domain are reported.
//!
//! ```
//! use olvm_dr_core::Site;
//! use olvm_dr_core::fake::WorldBuilder;
//! use olvm_dr_core::generate::{ConnectionKeys, GenerateOptions, generate};
//! use olvm_dr_core::mapping::Mapping;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let world = WorldBuilder::small(1).build();
//! let primary = world.dyn_engine(Site::Primary);
//! let options = GenerateOptions::new(ConnectionKeys::new(
//!     "https://engine1.example.com/ovirt-engine/api",
//!     "admin@internal",
//!     Some("/etc/pki/ovirt-engine/ca.pem".into()),
//! ));
//! let generated = generate(primary.as_ref(), None, &options).await.unwrap();
//! let loaded = Mapping::from_str(&generated.to_yaml(), None);
//! assert!(!loaded.has_errors());
//! assert_eq!(loaded.mapping.unwrap().storages().len(), 3);
//! # }
//! ```

mod build;
pub mod fill;
mod hosted;
#[cfg(feature = "fake")]
mod lab;
mod lists;
mod placeholder;
mod storages;
mod summary;

use crate::engine::Engine;
use crate::inventory::{Collections, Inventory, ReadError};
use crate::mapping::{Mapping, SaveComments};
use crate::{Diagnostic, Site};

pub use fill::Matched;
#[cfg(feature = "fake")]
pub use lab::complete_for_world;
pub use summary::{Summary, not_filled};

/// The `dr_sites_{site}_*` values written into the file for one site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionKeys {
    /// `dr_sites_{site}_url`.
    pub url: String,
    /// `dr_sites_{site}_username`.
    pub username: String,
    /// `dr_sites_{site}_ca_file`.
    pub ca_file: Option<String>,
    /// `dr_sites_{site}_insecure: true` (TLS verification off, said out loud).
    pub insecure: bool,
}

impl ConnectionKeys {
    /// Keys with TLS verified against `ca_file`.
    pub fn new(
        url: impl Into<String>,
        username: impl Into<String>,
        ca_file: Option<String>,
    ) -> Self {
        Self {
            url: url.into(),
            username: username.into(),
            ca_file,
            insecure: false,
        }
    }
}

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateOptions {
    /// The primary site's connection keys (the site read).
    pub primary: ConnectionKeys,
    /// The secondary site's connection keys, when the secondary is read too.
    pub secondary: Option<ConnectionKeys>,
    /// Write the file even when VM disks are on the hosted-engine domain (they are then left out
    /// of disaster recovery, and the file says so). Default `false`: such disks are errors, as in
    /// the role.
    pub skip_hosted_engine_disks: bool,
}

impl GenerateOptions {
    /// Options for the primary only.
    pub fn new(primary: ConnectionKeys) -> Self {
        Self {
            primary,
            secondary: None,
            skip_hosted_engine_disks: false,
        }
    }
}

/// A generated mapping: the model, the comments written with it, counts, and findings.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The mapping (primary values set, secondary values placeholders or matched).
    pub mapping: Mapping,
    /// The comments written with it.
    pub comments: SaveComments,
    /// What it holds.
    pub summary: Summary,
    /// Findings: hosted-engine disks (errors unless skipped), domains left out, facts the Engine
    /// did not report.
    pub diagnostics: Vec<Diagnostic>,
}

impl Generated {
    /// The file's text.
    pub fn to_yaml(&self) -> String {
        self.mapping.to_yaml_with(&self.comments)
    }

    /// `true` when a finding is an error: the file must not be written.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// A site could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{site} site: {error}")]
pub struct GenerateError {
    /// Which site.
    pub site: Site,
    /// What failed.
    #[source]
    pub error: ReadError,
}

/// What the primary is read for.
fn primary_collections(with_secondary: bool) -> Collections {
    Collections {
        data_centers: true,
        attached_domains: true,
        clusters: true,
        affinity_groups: true,
        affinity_labels: true,
        authz_domains: true,
        roles: with_secondary,
        networks: true,
        vnic_profiles: true,
        lun_disks: true,
        vms: true,
        ..Collections::default()
    }
}

/// What the secondary is read for.
fn secondary_collections() -> Collections {
    Collections {
        data_centers: true,
        clusters: true,
        affinity_groups: true,
        affinity_labels: true,
        authz_domains: true,
        roles: true,
        networks: true,
        vnic_profiles: true,
        storage_domains: true,
        lun_disks: true,
        ..Collections::default()
    }
}

/// Generates the mapping of `primary`, pre-filled from `secondary` when given. The two sites
/// are read concurrently; nothing is changed on either.
///
/// # Errors
/// A listing failed on one of the sites.
pub async fn generate(
    primary: &dyn Engine,
    secondary: Option<&dyn Engine>,
    options: &GenerateOptions,
) -> Result<Generated, GenerateError> {
    let read_primary = async {
        let inv = Inventory::read(primary, &primary_collections(secondary.is_some())).await?;
        let luns = lists::lun_facts(primary, &inv).await?;
        let he_disks = hosted::disks_on_hosted_engine(primary, &inv).await?;
        Ok::<_, ReadError>((inv, luns, he_disks))
    };
    let read_secondary = async {
        match secondary {
            Some(engine) => Inventory::read(engine, &secondary_collections())
                .await
                .map(Some),
            None => Ok(None),
        }
    };
    let (p, s) = tokio::join!(read_primary, read_secondary);
    let (inv, luns, he_disks) = p.map_err(|error| GenerateError {
        site: Site::Primary,
        error,
    })?;
    let secondary_inv = s.map_err(|error| GenerateError {
        site: Site::Secondary,
        error,
    })?;
    Ok(build::build(
        &inv,
        &luns,
        &he_disks,
        secondary_inv.as_ref(),
        options,
    ))
}
