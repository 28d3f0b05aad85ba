//! How old a storage domain's OVF store is: when the Engine last wrote the VM and template
//! definitions to the domain's OVF_STORE disks, read from those disks' descriptions.
//!
//! After a successful update the Engine describes each OVF_STORE disk with a JSON text such as
//! `{"Updated":true,"Size":10240,"Last Updated":"Tue Feb 26 11:56:01 UTC 2019","Storage
//! Domains":[{"uuid":"…"}],"Disk Description":"OVF_STORE"}` (ovirt-engine
//! `ProcessOvfUpdateForStorageDomainCommand.generateOvfStoreDescription`); `Updated` is false
//! while an upload is under way or after it failed. A domain's last update is the newest
//! `Last Updated` among its stores that say `Updated`, else among all of them (the order the
//! Engine itself prefers when it reads the stores on import, `getLatestOVFDisk`).
//!
//! The Engine keeps that JSON in the volume's metadata on the storage
//! (`SetVolumeDescriptionVDSCommand`); its REST API shows a disk's description from its own
//! database, where an OVF_STORE disk is labelled plainly `OVF_STORE`
//! (`CreateOvfVolumeForStorageDomainCommand`, `registerAllOvfDisks`). Against such an Engine the
//! age is [`Unknown::LabelOnly`]: say so, and force an update (`update_ovf_stores`) when it
//! matters, rather than guess.

use std::fmt;
use std::time::{Duration, SystemTime};

use futures_util::stream::{self, StreamExt};

use super::java_date::{JavaDateError, parse_java_date};
use crate::engine::{ApiInfo, Disk, DiskContentType, Engine, EngineError, Id};

/// The plain description of an OVF_STORE disk (`OvfInfoFileConstants.OvfStoreDescriptionLabel`).
pub const OVF_STORE_LABEL: &str = "OVF_STORE";

/// How many domains' disks are listed at once. Each listing returns every disk of a domain (a
/// heavy query on a domain with thousands of disks); eight keep a mapping of dozens of domains
/// quick without loading the Engine.
pub const READ_CONCURRENCY: usize = 8;

/// Whose clock an age is measured against (`engine` or `local` in documents).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockSource {
    /// The Engine's (`<time>` of its API root): the clock the OVF dates were written with.
    Engine,
    /// This machine's: the Engine did not report its time; clock skew shows in the ages.
    Local,
}

impl fmt::Display for ClockSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ClockSource::Engine => "the Engine's clock",
            ClockSource::Local => "this machine's clock",
        })
    }
}

/// "Now", for ages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    /// The moment.
    pub now: SystemTime,
    /// Where it came from.
    pub source: ClockSource,
    /// The Engine's UTC offset, seconds east (decides ambiguous zone abbreviations).
    pub engine_offset: Option<i32>,
}

impl Clock {
    /// The Engine's time from its API root when it reported one, else this machine's.
    pub fn of(api: Option<&ApiInfo>) -> Self {
        match api.and_then(|a| a.time) {
            Some(t) => Self {
                now: t.at,
                source: ClockSource::Engine,
                engine_offset: Some(t.utc_offset),
            },
            None => Self::local(),
        }
    }

    /// This machine's clock.
    pub fn local() -> Self {
        Self {
            now: SystemTime::now(),
            source: ClockSource::Local,
            engine_offset: None,
        }
    }

    /// Asks `engine` for its time (one `GET /`).
    ///
    /// # Errors
    /// The Engine's, when it does not answer.
    pub async fn read(engine: &dyn Engine) -> Result<Self, EngineError> {
        engine.api_info().await.map(|a| Self::of(Some(&a)))
    }

    /// How long ago `t` was; zero for a time after now (a skewed clock).
    pub fn age_of(&self, t: SystemTime) -> Duration {
        self.now.duration_since(t).unwrap_or(Duration::ZERO)
    }
}

/// Why a domain's last OVF update is not known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unknown {
    /// The domain has no OVF_STORE disk (not a data domain, or the Engine has not created them).
    NoOvfStoreDisks,
    /// The descriptions are the plain label `OVF_STORE`: a real Engine's API shows this (see the
    /// module documentation), and so does a store that was never written.
    LabelOnly,
    /// The disks have no description at all.
    NoDescription,
    /// The JSON says the store was never written (`"Last Updated": null`).
    NeverWritten,
    /// A description is not the Engine's JSON, or its date cannot be read.
    Unparseable(String),
    /// The date's time zone cannot be read without guessing.
    Zone(JavaDateError),
    /// The domain's disks could not be listed.
    ReadFailed(EngineError),
}

impl fmt::Display for Unknown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unknown::NoOvfStoreDisks => f.write_str("the domain has no OVF_STORE disk"),
            Unknown::LabelOnly => write!(
                f,
                "its OVF_STORE disks are described only as '{OVF_STORE_LABEL}', without the last update time (the Engine's API shows this label; the time is kept in the volumes' metadata on the storage)"
            ),
            Unknown::NoDescription => f.write_str("its OVF_STORE disks have no description"),
            Unknown::NeverWritten => f.write_str("its OVF_STORE disks say they were never written"),
            Unknown::Unparseable(why) => write!(f, "its OVF_STORE disk description: {why}"),
            Unknown::Zone(e) => write!(f, "its OVF_STORE disks' Last Updated: {e}"),
            Unknown::ReadFailed(e) => write!(f, "its disks cannot be listed: {e}"),
        }
    }
}

impl Unknown {
    /// Which of two reasons says more (the one kept when a domain's disks disagree).
    fn weight(&self) -> u8 {
        match self {
            Unknown::ReadFailed(_) => 6,
            Unknown::Zone(_) => 5,
            Unknown::Unparseable(_) => 4,
            Unknown::NeverWritten => 3,
            Unknown::NoDescription => 2,
            Unknown::LabelOnly => 1,
            Unknown::NoOvfStoreDisks => 0,
        }
    }
}

/// What one OVF_STORE disk's description says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OvfDescription {
    /// `Last Updated`.
    pub last_update: SystemTime,
    /// `Updated`: the last upload to this disk completed (absent reads as `true`).
    pub updated: bool,
}

/// Reads an OVF_STORE disk's description; `engine_offset` decides ambiguous zone abbreviations
/// (see [`java_date`](super::java_date)).
///
/// # Errors
/// Why the last update cannot be known from it.
pub fn parse_description(
    text: Option<&str>,
    engine_offset: Option<i32>,
) -> Result<OvfDescription, Unknown> {
    let text = text.map(str::trim).unwrap_or_default();
    if text.is_empty() {
        return Err(Unknown::NoDescription);
    }
    if text == OVF_STORE_LABEL {
        return Err(Unknown::LabelOnly);
    }
    let shown: String = text.chars().take(80).collect();
    let json: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| Unknown::Unparseable(format!("'{shown}' is not the Engine's JSON ({e})")))?;
    let Some(fields) = json.as_object() else {
        return Err(Unknown::Unparseable(format!(
            "'{shown}' is not a JSON object"
        )));
    };
    let updated = match fields.get("Updated") {
        None | Some(serde_json::Value::Null) => true,
        Some(serde_json::Value::Bool(b)) => *b,
        Some(other) => {
            return Err(Unknown::Unparseable(format!(
                "'Updated' is {other}, not true or false"
            )));
        }
    };
    let last_update = match fields.get("Last Updated") {
        None | Some(serde_json::Value::Null) => return Err(Unknown::NeverWritten),
        Some(serde_json::Value::String(s)) => {
            parse_java_date(s, engine_offset).map_err(|e| match e {
                JavaDateError::Malformed(why) => Unknown::Unparseable(why),
                zone => Unknown::Zone(zone),
            })?
        }
        Some(other) => {
            return Err(Unknown::Unparseable(format!(
                "'Last Updated' is {other}, not a date"
            )));
        }
    };
    Ok(OvfDescription {
        last_update,
        updated,
    })
}

/// How old a domain's OVF store is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Freshness {
    /// The last update and its age.
    Known {
        /// When the Engine last wrote the store.
        last_update: SystemTime,
        /// How long ago, against the [`Clock`].
        age: Duration,
    },
    /// Not known, and why.
    Unknown(Unknown),
}

impl Freshness {
    /// The age, when known.
    pub fn age(&self) -> Option<Duration> {
        match self {
            Freshness::Known { age, .. } => Some(*age),
            Freshness::Unknown(_) => None,
        }
    }

    /// The last update, when known.
    pub fn last_update(&self) -> Option<SystemTime> {
        match self {
            Freshness::Known { last_update, .. } => Some(*last_update),
            Freshness::Unknown(_) => None,
        }
    }
}

/// One domain's OVF store age.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainFreshness {
    /// The storage domain.
    pub domain: Id,
    /// How many OVF_STORE disks it has.
    pub ovf_disks: usize,
    /// Its age or why it is unknown.
    pub freshness: Freshness,
}

/// The age of domain `domain`'s OVF store from its disks (any disks: the OVF_STORE ones are
/// picked by content type).
pub fn domain_freshness(domain: Id, disks: &[Disk], clock: &Clock) -> DomainFreshness {
    let readings: Vec<Result<OvfDescription, Unknown>> = disks
        .iter()
        .filter(|d| d.content_type == DiskContentType::OvfStore)
        .map(|d| parse_description(d.description.as_deref(), clock.engine_offset))
        .collect();
    let ovf_disks = readings.len();
    let known: Vec<OvfDescription> = readings.iter().filter_map(|r| r.clone().ok()).collect();
    let updated_only = known.iter().any(|d| d.updated);
    let newest = known
        .iter()
        .filter(|d| d.updated || !updated_only)
        .map(|d| d.last_update)
        .max();
    let freshness = match newest {
        Some(t) => Freshness::Known {
            last_update: t,
            age: clock.age_of(t),
        },
        None => Freshness::Unknown(
            readings
                .into_iter()
                .filter_map(Result::err)
                .max_by_key(Unknown::weight)
                .unwrap_or(Unknown::NoOvfStoreDisks),
        ),
    };
    DomainFreshness {
        domain,
        ovf_disks,
        freshness,
    }
}

/// Reads the OVF store age of one domain on `engine` (one listing of its disks).
pub async fn read_domain(engine: &dyn Engine, domain: Id, clock: &Clock) -> DomainFreshness {
    match engine.storage_domain_disks(domain).await {
        Ok(disks) => domain_freshness(domain, &disks, clock),
        Err(e) => DomainFreshness {
            domain,
            ovf_disks: 0,
            freshness: Freshness::Unknown(Unknown::ReadFailed(e)),
        },
    }
}

/// Reads the OVF store ages of `domains` on `engine`, [`READ_CONCURRENCY`] listings at a time;
/// the results in the order of `domains`.
pub async fn read_domains(
    engine: &dyn Engine,
    domains: &[Id],
    clock: &Clock,
) -> Vec<DomainFreshness> {
    stream::iter(domains.iter().copied())
        .map(|d| read_domain(engine, d, clock))
        .buffered(READ_CONCURRENCY)
        .collect()
        .await
}

/// An age for people: `1h 5m` (seconds only under ten minutes).
pub fn format_age(age: Duration) -> String {
    let secs = age.as_secs();
    let (d, h, m, s) = (
        secs / 86_400,
        secs % 86_400 / 3600,
        secs % 3600 / 60,
        secs % 60,
    );
    let mut parts = Vec::new();
    if d > 0 {
        parts.push(format!("{d}d"));
    }
    if h > 0 {
        parts.push(format!("{h}h"));
    }
    if m > 0 || (secs >= 600 && parts.is_empty()) {
        parts.push(format!("{m}m"));
    }
    if secs < 600 && (s > 0 || parts.is_empty()) {
        parts.push(format!("{s}s"));
    }
    parts.join(" ")
}

#[cfg(test)]
#[path = "freshness_tests.rs"]
mod tests;
