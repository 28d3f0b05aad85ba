//! The OVF results as JSON: one serializer for every front end (the `olvm-dr ovf-update --output
//! json` document, the Python package's `to_json`/`to_dict`), so their shapes cannot drift.
//!
//! The shapes are documented in `docs/json-output.md` (`olvm-dr/ovf-update/v1`):
//! - an age ([`Freshness`]): `{"last_update": "2026-01-10T08:00:00.000Z", "age_seconds": 7200}`,
//!   or `{"unknown": "why"}`;
//! - one storage entry ([`DomainOvfUpdate`]): `index`, `name`, `domain`, `outcome` (`updated`,
//!   `skipped`, `failed`), `reason`, `job`, `took_seconds`, `before`, `after`;
//! - the result ([`OvfUpdateReport`]): `schema`, `site`, `clock` (`engine` or `local`),
//!   `all_updated`, `domains`.

use std::time::SystemTime;

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::freshness::{ClockSource, Freshness};
use super::update::{DomainOvfUpdate, OvfUpdateReport, UpdateOutcome};
use crate::Site;

/// The schema of the [`OvfUpdateReport`] document.
pub const OVF_UPDATE_SCHEMA: &str = "olvm-dr/ovf-update/v1";

/// `t` in UTC with milliseconds (`2026-01-10T08:00:00.000Z`), as the other documents write
/// times.
pub fn utc_timestamp(t: SystemTime) -> String {
    crate::civil::format_date_time_millis(t, 0)
}

impl ClockSource {
    /// Its name in documents: `engine` or `local`.
    pub fn as_str(self) -> &'static str {
        match self {
            ClockSource::Engine => "engine",
            ClockSource::Local => "local",
        }
    }
}

/// `{"last_update", "age_seconds"}` (whole seconds) when known, else `{"unknown": why}`.
impl Serialize for Freshness {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Freshness::Known { last_update, age } => {
                let mut m = s.serialize_map(Some(2))?;
                m.serialize_entry("last_update", &utc_timestamp(*last_update))?;
                m.serialize_entry("age_seconds", &age.as_secs())?;
                m.end()
            }
            Freshness::Unknown(why) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("unknown", &why.to_string())?;
                m.end()
            }
        }
    }
}

impl UpdateOutcome {
    /// Its name in documents: `updated`, `skipped`, `failed` or `unchanged`.
    pub fn as_str(&self) -> &'static str {
        match self {
            UpdateOutcome::Updated { .. } => "updated",
            UpdateOutcome::Skipped(_) => "skipped",
            UpdateOutcome::Failed(_) => "failed",
            UpdateOutcome::Unchanged { .. } => "unchanged",
        }
    }

    /// Why it was skipped, failed or unchanged (`None` when updated).
    pub fn reason(&self) -> Option<&str> {
        match self {
            UpdateOutcome::Updated { .. } => None,
            UpdateOutcome::Skipped(why) | UpdateOutcome::Failed(why) => Some(why),
            UpdateOutcome::Unchanged { .. } => Some(super::update::UNCHANGED_REASON),
        }
    }
}

/// One entry of `domains`: every field present, `null` when it does not apply.
impl Serialize for DomainOvfUpdate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (job, took) = match self.outcome.job_and_took() {
            Some((job, took)) => (job.map(|j| j.to_string()), Some(took.as_secs_f64())),
            None => (None, None),
        };
        let mut m = s.serialize_map(Some(9))?;
        m.serialize_entry("index", &self.index)?;
        m.serialize_entry("name", &self.name)?;
        m.serialize_entry("domain", &self.domain.map(|d| d.to_string()))?;
        m.serialize_entry("outcome", self.outcome.as_str())?;
        m.serialize_entry("reason", &self.outcome.reason())?;
        m.serialize_entry("job", &job)?;
        m.serialize_entry("took_seconds", &took)?;
        m.serialize_entry("before", &self.before)?;
        m.serialize_entry("after", &self.after)?;
        m.end()
    }
}

/// The whole `olvm-dr/ovf-update/v1` document.
impl Serialize for OvfUpdateReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let site: Site = self.site;
        let mut m = s.serialize_map(Some(5))?;
        m.serialize_entry("schema", OVF_UPDATE_SCHEMA)?;
        m.serialize_entry("site", site.as_str())?;
        m.serialize_entry("clock", &self.clock)?;
        m.serialize_entry("all_updated", &self.all_updated())?;
        m.serialize_entry("domains", &self.domains)?;
        m.end()
    }
}

impl OvfUpdateReport {
    /// The `olvm-dr/ovf-update/v1` document, pretty-printed (what `olvm-dr ovf-update --output
    /// json` prints).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

#[cfg(test)]
#[path = "json_tests.rs"]
mod tests;
