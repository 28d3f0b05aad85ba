//! Forcing an OVF update: what the OLVM DR guide has administrators do by hand ("Update OVFs"
//! on each storage domain) before a planned failover, a drill, or whenever the last minutes of
//! VM and template changes must reach the replicas.

use std::collections::HashSet;
use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use tokio::time::{Instant, sleep};

use super::domains::mapped_domains;
use super::freshness::{Clock, ClockSource, DomainFreshness, Freshness, read_domain};
use crate::Site;
use crate::engine::{
    Engine, EngineError, Id, JobStatus, StorageDomain, StorageDomainStatus, StorageDomainType,
};
use crate::mapping::Mapping;

/// How [`update_ovf_stores`] works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UpdateOptions {
    /// Domains updated at once. Default 4: each update uploads the domain's two OVF_STORE
    /// disks through the data center's SPM host; a few at a time keep its queue short while a
    /// mapping of dozens of domains still finishes in a few rounds.
    pub concurrency: usize,
    /// How long one domain's job may run. Default 10 minutes: an update writes a tar of a few
    /// kilobytes per VM, seconds on a healthy SPM; ten minutes leave room for a busy SPM and
    /// thousands of VMs, and still end a stuck job in bounded time.
    pub job_timeout: Duration,
    /// Time between two looks at a running job. Default 2 s: the job's status changes once, so
    /// a look costs one small request and two seconds is below what a person notices.
    pub poll_interval: Duration,
}

impl Default for UpdateOptions {
    fn default() -> Self {
        Self {
            concurrency: 4,
            job_timeout: Duration::from_secs(600),
            poll_interval: Duration::from_secs(2),
        }
    }
}

/// What happened to one storage entry's domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateOutcome {
    /// The Engine wrote the store: its job finished (or it ran none), and when the store's
    /// time can be read it is not older than the request.
    Updated {
        /// The Engine's job, when it returned one.
        job: Option<Id>,
        /// From the request to the end of the job.
        took: Duration,
    },
    /// Not attempted, and why (not on the site, not attached, not active, not a data domain).
    Skipped(String),
    /// Attempted and failed, and why.
    Failed(String),
    /// The Engine's job finished and the store still shows its previous update: the Engine
    /// found no VM or template changed since then and wrote nothing (it writes only stores it
    /// marked outdated and logs "OVFs update was ignored - nothing to update",
    /// `UpdateOvfStoreForStorageDomainCommand`), so the store is as current as the Engine can
    /// make it. A failed upload looks the same through the API (the Engine logs
    /// `UPDATE_FOR_OVF_STORES_FAILED`); [`UNCHANGED_REASON`] says so.
    Unchanged {
        /// The Engine's job, when it returned one.
        job: Option<Id>,
        /// From the request to the end of the job.
        took: Duration,
    },
}

/// What an [`UpdateOutcome::Unchanged`] means, for reports.
pub const UNCHANGED_REASON: &str = "the Engine had nothing to update: no VM or template changed since the store's last update (its events say \"OVFs update was ignored - nothing to update\"; an event UPDATE_FOR_OVF_STORES_FAILED instead means the upload failed)";

impl UpdateOutcome {
    /// The job and its duration of an update the Engine ran to the end (updated or unchanged).
    pub fn job_and_took(&self) -> Option<(Option<Id>, Duration)> {
        match self {
            UpdateOutcome::Updated { job, took } | UpdateOutcome::Unchanged { job, took } => {
                Some((*job, *took))
            }
            UpdateOutcome::Skipped(_) | UpdateOutcome::Failed(_) => None,
        }
    }
}

/// One storage entry of the mapping, before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainOvfUpdate {
    /// Its index in `dr_import_storages`.
    pub index: usize,
    /// Its name on the site (or its id).
    pub name: String,
    /// The domain, when it is on the site.
    pub domain: Option<Id>,
    /// The store's age before the update (`None` when not attempted).
    pub before: Option<Freshness>,
    /// What happened.
    pub outcome: UpdateOutcome,
    /// The store's age after (`None` when not attempted).
    pub after: Option<Freshness>,
}

impl DomainOvfUpdate {
    /// `true` when the store was written.
    pub fn updated(&self) -> bool {
        matches!(self.outcome, UpdateOutcome::Updated { .. })
    }

    /// `true` when the Engine's update ran to the end: the store was written, or it had
    /// nothing to update.
    pub fn current(&self) -> bool {
        self.outcome.job_and_took().is_some()
    }
}

/// The result of [`update_ovf_stores`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OvfUpdateReport {
    /// The site.
    pub site: Site,
    /// The clock the ages are measured against.
    pub clock: ClockSource,
    /// Every storage entry of the mapping, in its order.
    pub domains: Vec<DomainOvfUpdate>,
}

impl OvfUpdateReport {
    /// `true` when every domain's update ran to the end (written, or nothing to update),
    /// nothing skipped, nothing failed, at least one.
    pub fn all_updated(&self) -> bool {
        !self.domains.is_empty() && self.domains.iter().all(DomainOvfUpdate::current)
    }
}

/// Why the update could not start: the site's Engine did not answer the first reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot read the {site} site's {what}: {error}")]
pub struct UpdateError {
    /// The site.
    pub site: Site,
    /// What was being read.
    pub what: &'static str,
    /// The Engine's error.
    #[source]
    pub error: EngineError,
}

/// One storage entry: already decided (skipped), or a domain to try.
enum Slot<'a> {
    Decided(Box<DomainOvfUpdate>),
    Try(Candidate<'a>),
}

/// A domain to update: the entry and the domain as listed.
struct Candidate<'a> {
    index: usize,
    domain: &'a StorageDomain,
}

/// Rewrites the OVF stores of every mapped storage domain of `site` that is there and active
/// (`POST /storagedomains/{id}/updateovfstore`), [`UpdateOptions::concurrency`] at a time,
/// waits for each job, and reads every store's age before and after.
///
/// # Errors
/// When the site's Engine cannot be read at all (its time or its storage domains); a failure
/// of one domain is in its [`DomainOvfUpdate`].
pub async fn update_ovf_stores(
    engine: &dyn Engine,
    mapping: &Mapping,
    site: Site,
    options: &UpdateOptions,
) -> Result<OvfUpdateReport, UpdateError> {
    let failed = |what| move |error| UpdateError { site, what, error };
    let clock = Clock::read(engine).await.map_err(failed("API root"))?;
    let listed = engine
        .storage_domains()
        .await
        .map_err(failed("storage domains"))?;
    let mut seen: HashSet<Id> = HashSet::new();
    let mut slots: Vec<Slot<'_>> = Vec::new();
    for m in mapped_domains(mapping, site, &listed) {
        let skip = |why: String| {
            Slot::Decided(Box::new(skipped(
                m.index,
                m.label.clone(),
                m.domain.map(|d| d.id),
                why,
            )))
        };
        slots.push(match m.domain {
            None => skip(format!("not on the {site} site")),
            Some(d) if !seen.insert(d.id) => skip("listed twice in the mapping".into()),
            Some(d) => Slot::Try(Candidate {
                index: m.index,
                domain: d,
            }),
        });
    }
    let clock = &clock;
    let domains: Vec<DomainOvfUpdate> = stream::iter(slots)
        .map(|slot| async move {
            match slot {
                Slot::Decided(done) => *done,
                Slot::Try(c) => match eligible(engine, c.domain).await {
                    Err(why) => skipped(c.index, c.domain.name.clone(), Some(c.domain.id), why),
                    Ok(()) => update_one(engine, &c, clock, options).await,
                },
            }
        })
        .buffered(options.concurrency.max(1))
        .collect()
        .await;
    Ok(OvfUpdateReport {
        site,
        clock: clock.source,
        domains,
    })
}

/// An entry not attempted, and why.
fn skipped(index: usize, name: String, domain: Option<Id>, why: String) -> DomainOvfUpdate {
    DomainOvfUpdate {
        index,
        name,
        domain,
        before: None,
        outcome: UpdateOutcome::Skipped(why),
        after: None,
    }
}

/// `Ok` when `d` is an attached, active data domain; else why not.
async fn eligible(engine: &dyn Engine, d: &StorageDomain) -> Result<(), String> {
    if d.kind != StorageDomainType::Data {
        return Err(format!(
            "a {} domain (only data domains have OVF stores)",
            d.kind
        ));
    }
    let Some(dc) = d.data_centers.first() else {
        return Err("not attached to a data center".into());
    };
    match engine.attached_storage_domain(*dc, d.id).await {
        Ok(a) if a.status == Some(StorageDomainStatus::Active) => Ok(()),
        Ok(a) => Err(format!(
            "status {} (only an active domain can be updated)",
            a.status
                .map_or_else(|| "unknown".to_owned(), |s| s.to_string())
        )),
        Err(e) => Err(format!("its status cannot be read: {e}")),
    }
}

/// Updates one domain: its age at `clock` (read at the start), the update and its job, its age
/// after.
async fn update_one(
    engine: &dyn Engine,
    c: &Candidate<'_>,
    clock: &Clock,
    options: &UpdateOptions,
) -> DomainOvfUpdate {
    let id = c.domain.id;
    let before = read_domain(engine, id, clock).await;
    let started = Instant::now();
    let outcome = match request_update(engine, id, options).await {
        Err(e) => UpdateOutcome::Failed(format!("the Engine refused the update: {e}")),
        Ok(None) => UpdateOutcome::Updated {
            job: None,
            took: started.elapsed(),
        },
        Ok(Some(job)) => match wait_for_job(engine, job, options).await {
            Ok(()) => UpdateOutcome::Updated {
                job: Some(job),
                took: started.elapsed(),
            },
            Err(why) => UpdateOutcome::Failed(why),
        },
    };
    let after_clock = clock_or_local(engine).await;
    let after = read_domain(engine, id, &after_clock).await;
    let outcome = check_written(outcome, &after, clock);
    DomainOvfUpdate {
        index: c.index,
        name: c.domain.name.clone(),
        domain: Some(id),
        before: Some(before.freshness),
        outcome,
        after: Some(after.freshness),
    }
}

/// Asks for the update of `id`. While another command holds the domain (an update already
/// running: `UpdateOvfStoreForStorageDomainCommand` keeps its lock until its job ends, or an
/// activation or deactivation), the Engine refuses with a `Locked` error; the request is
/// repeated every [`UpdateOptions::poll_interval`] until [`UpdateOptions::job_timeout`] has
/// passed, as an administrator would try again once the other operation ended.
async fn request_update(
    engine: &dyn Engine,
    id: Id,
    options: &UpdateOptions,
) -> Result<Option<Id>, EngineError> {
    let deadline = Instant::now() + options.job_timeout;
    loop {
        match engine.update_ovf_store(id).await {
            Err(e) if e.kind == crate::ErrorKind::Locked && Instant::now() < deadline => {
                sleep(options.poll_interval).await;
            }
            other => return other,
        }
    }
}

/// The Engine's clock, else this machine's (an age is still worth showing).
async fn clock_or_local(engine: &dyn Engine) -> Clock {
    Clock::read(engine).await.unwrap_or_else(|_| Clock::local())
}

/// A finished job whose store still shows a time before the request did not write it: the
/// Engine had nothing to update (or, rarely, the upload failed: the Engine ends the job then
/// too, and logs `UPDATE_FOR_OVF_STORES_FAILED`). Only against the Engine's own clock
/// (`started`, read before the request): this machine's clock may be skewed.
fn check_written(
    outcome: UpdateOutcome,
    after: &DomainFreshness,
    started: &Clock,
) -> UpdateOutcome {
    if started.source != ClockSource::Engine {
        return outcome;
    }
    let UpdateOutcome::Updated { job, took } = outcome else {
        return outcome;
    };
    // The Engine writes whole seconds.
    let requested_second = crate::civil::to_unix(started.now).0;
    match after.freshness.last_update() {
        Some(t) if crate::civil::to_unix(t).0 < requested_second => {
            UpdateOutcome::Unchanged { job, took }
        }
        _ => outcome,
    }
}

/// Waits for `job` to finish, [`UpdateOptions::job_timeout`] at most.
async fn wait_for_job(engine: &dyn Engine, job: Id, options: &UpdateOptions) -> Result<(), String> {
    let deadline = Instant::now() + options.job_timeout;
    loop {
        match engine.job(job).await {
            Err(e) => return Err(format!("its job {job} cannot be read: {e}")),
            Ok(j) => match j.status {
                JobStatus::Finished => return Ok(()),
                JobStatus::Started => {}
                other => {
                    return Err(format!(
                        "its job ended {other}: {}",
                        if j.description.is_empty() {
                            job.to_string()
                        } else {
                            j.description
                        }
                    ));
                }
            },
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "its job {job} did not finish within {}",
                humantime::format_duration(options.job_timeout)
            ));
        }
        sleep(options.poll_interval).await;
    }
}
