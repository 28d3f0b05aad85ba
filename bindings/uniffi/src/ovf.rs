//! OVF store ages: [`Mapping::ovf_freshness`], how old the OVF stores of a site's mapped
//! domains are — the metadata recovery point that the online validation warns about (DR0815)
//! and that [`Mapping::ovf_update`] shortens.

use std::sync::Arc;

use olvm_dr_core::ovf::{ClockSource, read_site};
use serde::Deserialize;

use crate::convert::convert;
use crate::engine::Engine;
use crate::error::DrError;
use crate::mapping::Mapping;
use crate::runtime::block_on;
use crate::types::Site;

/// Whose clock ages are measured against.
pub type OvfClock = ClockSource;

/// Whose clock ages are measured against.
#[uniffi::remote(Enum)]
pub enum OvfClock {
    /// The Engine's (it reported its time): skew between the machines does not count.
    Engine,
    /// This machine's (the Engine did not report its time): clock skew counts.
    Local,
}

/// How old a storage domain's OVF store is: when the Engine last wrote it and how long ago
/// (both set), or why that is not known (`unknown` set).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, uniffi::Record)]
pub struct OvfAge {
    /// When the Engine last wrote the store (RFC 3339, UTC).
    pub last_update: Option<String>,
    /// How long ago, in whole seconds.
    pub age_seconds: Option<u64>,
    /// Why the age is not known (no OVF_STORE disk, a description that cannot be read, ...).
    pub unknown: Option<String>,
}

/// One mapped storage domain's OVF store age on a site.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, uniffi::Record)]
pub struct OvfDomainAge {
    /// Its index in `dr_import_storages`.
    pub index: u32,
    /// Its name on the site (or its id).
    pub name: String,
    /// The domain's id; `None` when the site does not have it.
    pub domain: Option<String>,
    /// How many OVF_STORE disks it has.
    pub ovf_disks: u32,
    /// Its store's age; `None` when the domain is not on the site or not an attached data
    /// domain (only those stores are kept up to date by the Engine).
    pub age: Option<OvfAge>,
}

/// The OVF store ages of a site's mapped domains.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, uniffi::Record)]
pub struct OvfFreshness {
    /// The site.
    pub site: Site,
    /// Whose clock the ages are measured against.
    pub clock: OvfClock,
    /// Every storage entry of the mapping, in its order.
    pub domains: Vec<OvfDomainAge>,
    /// The oldest known age in seconds; `None` when no age is known.
    pub oldest_seconds: Option<u64>,
}

async fn read(
    mapping: &olvm_dr_core::mapping::Mapping,
    site: olvm_dr_core::Site,
    engine: &dyn olvm_dr_core::Engine,
) -> Result<OvfFreshness, DrError> {
    let read = read_site(engine, mapping, site).await.map_err(|e| {
        DrError::of_kind(
            e.kind,
            format!("cannot list the {site} site's storage domains: {e}"),
        )
    })?;
    let mut freshness: OvfFreshness = convert(&read);
    freshness.oldest_seconds = read.oldest().map(|age| age.as_secs());
    Ok(freshness)
}

#[uniffi::export]
impl Mapping {
    /// How old the OVF stores of the mapped storage domains on `site` are, read through
    /// `engine` (`site`'s Engine): one listing of disks per domain, a few at a time; nothing is
    /// changed. What a VM or template became on `site` since its domain's store was written is
    /// not on the replica. Ages use the Engine's clock when it reports its time.
    ///
    /// # Errors
    /// `Validation` when the mapping has errors; the Engine error kind's variant when the
    /// site's domains cannot be listed. A domain whose disks cannot be read has an unknown age.
    pub fn ovf_freshness(&self, engine: Arc<Engine>, site: Site) -> Result<OvfFreshness, DrError> {
        self.ensure_valid()?;
        block_on(read(&self.inner, site, engine.inner.as_ref()))?
    }
}
