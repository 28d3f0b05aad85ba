//! [`Mapping::ovf_update`]: the site's Engine writes the OVF stores of every mapped storage
//! domain it holds active, and the call waits for each job — `olvm-dr ovf-update`, with its
//! result as a record and its JSON.

use std::sync::Arc;
use std::time::Duration;

use olvm_dr_core::ovf::{UpdateOptions, update_ovf_stores};
use serde::Deserialize;

use crate::convert::convert;
use crate::engine::Engine;
use crate::error::DrError;
use crate::mapping::Mapping;
use crate::ovf::{OvfAge, OvfClock};
use crate::runtime::block_on;
use crate::types::Site;

/// What happened to one storage entry's domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, uniffi::Enum)]
#[serde(rename_all = "snake_case")]
pub enum OvfUpdateOutcome {
    /// The Engine wrote the store (its job finished).
    Updated,
    /// Not attempted: not on the site, not attached, not active, or not a data domain.
    Skipped,
    /// Attempted and failed.
    Failed,
    /// The Engine's job finished without writing: nothing changed since the store's last
    /// update (see `reason`).
    Unchanged,
}

/// One storage entry of the mapping, before and after the update.
#[derive(Debug, Clone, PartialEq, Deserialize, uniffi::Record)]
pub struct OvfDomainUpdate {
    /// Its index in `dr_import_storages`.
    pub index: u32,
    /// Its name on the site (or its id).
    pub name: String,
    /// The domain's id; `None` when the site does not have it.
    pub domain: Option<String>,
    /// What happened.
    pub outcome: OvfUpdateOutcome,
    /// Why it was skipped or failed.
    pub reason: Option<String>,
    /// The Engine's job, when it returned one.
    pub job: Option<String>,
    /// From the request to the end of the job, in seconds (updated domains).
    pub took_seconds: Option<f64>,
    /// The store's age before; `None` when not attempted.
    pub before: Option<OvfAge>,
    /// The store's age after; `None` when not attempted.
    pub after: Option<OvfAge>,
}

/// The result of `ovf_update`: every storage entry of the mapping, in its order.
#[derive(Debug, Clone, PartialEq, Deserialize, uniffi::Record)]
pub struct OvfUpdate {
    /// The site whose Engine wrote the stores.
    pub site: Site,
    /// Whose clock the ages are measured against.
    pub clock: OvfClock,
    /// `true` when every domain's update ran to the end (written, or the Engine had nothing
    /// to update), nothing skipped, nothing failed, at least one.
    pub all_updated: bool,
    /// Every storage entry, before and after.
    pub domains: Vec<OvfDomainUpdate>,
    /// As `olvm-dr ovf-update --output json` prints it (`olvm-dr/ovf-update/v1`).
    #[serde(default)]
    pub json: String,
}

#[uniffi::export]
impl Mapping {
    /// Has `engine` (`site`'s Engine) write the OVF stores of every mapped storage domain it
    /// holds active — what the OLVM DR guide has administrators do by hand before a planned
    /// failover or a drill — `concurrency` domains at a time (default 4: each update goes
    /// through the data center's SPM host, a few at a time keep its queue short), and waits for
    /// each job, at most `job_timeout_seconds` each (default 600, the core's: room for a busy
    /// SPM, yet a stuck job ends). Returns the result whatever happened to each domain (see
    /// `all_updated`).
    ///
    /// # Errors
    /// `Validation` when the mapping has errors; `Config` for a zero timeout or concurrency;
    /// the Engine error kind's variant when the site cannot be read at all (then nothing was
    /// changed).
    #[uniffi::method(default(job_timeout_seconds = 600, concurrency = 4))]
    pub fn ovf_update(
        &self,
        engine: Arc<Engine>,
        site: Site,
        job_timeout_seconds: u32,
        concurrency: u32,
    ) -> Result<OvfUpdate, DrError> {
        self.ensure_valid()?;
        if job_timeout_seconds == 0 || concurrency == 0 {
            return Err(DrError::Config {
                reason: "job_timeout_seconds and concurrency must be greater than zero".into(),
            });
        }
        let options = UpdateOptions {
            concurrency: concurrency as usize,
            job_timeout: Duration::from_secs(u64::from(job_timeout_seconds)),
            ..UpdateOptions::default()
        };
        let report = block_on(update_ovf_stores(
            engine.inner.as_ref(),
            &self.inner,
            site,
            &options,
        ))?
        .map_err(|e| DrError::of_kind(e.error.kind, format!("{e}; nothing was changed")))?;
        let mut update: OvfUpdate = convert(&report);
        update.json = report.to_json();
        Ok(update)
    }
}
