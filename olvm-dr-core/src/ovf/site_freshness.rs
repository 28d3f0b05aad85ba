//! The OVF store ages of every storage domain a mapping names on one site: what
//! `olvm_dr.ovf_freshness` reports, and the recovery point a drill or a planned failover starts
//! from.

use std::collections::HashMap;
use std::time::Duration;

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::domains::mapped_domains;
use super::freshness::{Clock, ClockSource, DomainFreshness, Freshness, read_domains};
use crate::Site;
use crate::engine::{Engine, EngineError, Id, StorageDomainType};
use crate::mapping::Mapping;

/// One storage entry of the mapping and its domain's OVF store age on the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappedFreshness {
    /// Its index in `dr_import_storages`.
    pub index: usize,
    /// Its name on the site (or its id).
    pub name: String,
    /// The domain, when the site has it.
    pub domain: Option<Id>,
    /// How many OVF_STORE disks the domain has (0 when not read).
    pub ovf_disks: usize,
    /// The store's age; `None` when the domain is not on the site or is not an attached data
    /// domain (only those stores are kept up to date by the Engine, so only those are read).
    pub freshness: Option<Freshness>,
}

/// The OVF store ages of a site's mapped domains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteFreshness {
    /// The site.
    pub site: Site,
    /// The clock the ages are measured against.
    pub clock: ClockSource,
    /// Every storage entry of the mapping named on the site, in its order.
    pub domains: Vec<MappedFreshness>,
}

impl SiteFreshness {
    /// The oldest known age, `None` when no age is known.
    pub fn oldest(&self) -> Option<Duration> {
        self.domains
            .iter()
            .filter_map(|d| d.freshness.as_ref()?.age())
            .max()
    }
}

/// `{"index", "name", "domain", "ovf_disks", "age"}`; `age` as in `olvm-dr/ovf-update/v1`, or
/// `null` when not read.
impl Serialize for MappedFreshness {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(5))?;
        m.serialize_entry("index", &self.index)?;
        m.serialize_entry("name", &self.name)?;
        m.serialize_entry("domain", &self.domain.map(|d| d.to_string()))?;
        m.serialize_entry("ovf_disks", &self.ovf_disks)?;
        m.serialize_entry("age", &self.freshness)?;
        m.end()
    }
}

/// `{"site", "clock", "domains"}`.
impl Serialize for SiteFreshness {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("site", self.site.as_str())?;
        m.serialize_entry("clock", &self.clock)?;
        m.serialize_entry("domains", &self.domains)?;
        m.end()
    }
}

/// Reads the OVF store age of every mapped storage domain on `site` (its API root for the
/// clock, its storage domains, then one listing of disks per attached data domain, a few at a
/// time). Nothing is changed. A domain whose disks cannot be read has an unknown age; when the
/// Engine does not report its time, ages are measured with this machine's clock.
///
/// # Errors
/// The Engine's, when the site's storage domains cannot be listed.
pub async fn read_site(
    engine: &dyn Engine,
    mapping: &Mapping,
    site: Site,
) -> Result<SiteFreshness, EngineError> {
    let (api, listed) = tokio::join!(engine.api_info(), engine.storage_domains());
    let clock = Clock::of(api.ok().as_ref());
    let listed = listed?;
    let entries = mapped_domains(mapping, site, &listed);
    // The same domains as validate reads (DR0815).
    let mut readable: Vec<Id> = entries
        .iter()
        .filter_map(|e| e.domain)
        .filter(|d| d.kind == StorageDomainType::Data && !d.data_centers.is_empty())
        .map(|d| d.id)
        .collect();
    readable.sort_unstable();
    readable.dedup();
    let ages: HashMap<Id, DomainFreshness> = read_domains(engine, &readable, &clock)
        .await
        .into_iter()
        .map(|a| (a.domain, a))
        .collect();
    let domains = entries
        .into_iter()
        .map(|e| {
            let age = e.domain.and_then(|d| ages.get(&d.id));
            MappedFreshness {
                index: e.index,
                name: e.label,
                domain: e.domain.map(|d| d.id),
                ovf_disks: age.map_or(0, |a| a.ovf_disks),
                freshness: age.map(|a| a.freshness.clone()),
            }
        })
        .collect();
    Ok(SiteFreshness {
        site,
        clock: clock.source,
        domains,
    })
}
