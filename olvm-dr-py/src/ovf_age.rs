//! OVF store ages from Python: `OvfAge` (one store's age or why it is unknown), and
//! `ovf_freshness`: how old the OVF stores of a site's mapped domains are — the metadata
//! recovery point that `validate` warns about (DR0815).

use std::collections::HashMap;
use std::time::SystemTime;

use olvm_dr_core::Site;
use olvm_dr_core::engine::{Engine, Id, StorageDomainType};
use olvm_dr_core::mapping::Mapping;
use olvm_dr_core::ovf::{
    Clock, ClockSource, DomainFreshness, Freshness, mapped_domains, read_domains,
};
use olvm_dr_core::xml::datetime::{format_date_time, utc};
use pyo3::prelude::*;
use serde_json::{Value, json};

use crate::errors::Error;
use crate::flow_run::context;
use crate::values::Repr;
use crate::{runtime, values};

/// The name of a clock source in results (`engine` or `local`).
pub(crate) fn clock_name(source: ClockSource) -> &'static str {
    match source {
        ClockSource::Engine => "engine",
        ClockSource::Local => "local",
    }
}

fn timestamp(t: SystemTime) -> String {
    format_date_time(&utc(t))
}

/// How old a storage domain's OVF store is: when the Engine last wrote it and how long ago, or
/// why that is not known.
#[pyclass(name = "OvfAge", module = "olvm_dr", frozen, get_all)]
#[derive(Debug, Clone)]
pub(crate) struct PyOvfAge {
    /// When the Engine last wrote the store (RFC 3339, UTC), or `None` when unknown.
    last_update: Option<String>,
    /// How long ago, in whole seconds, or `None` when unknown.
    age_seconds: Option<u64>,
    /// Why the age is not known, or `None` when it is.
    unknown: Option<String>,
}

impl From<&Freshness> for PyOvfAge {
    fn from(f: &Freshness) -> Self {
        match f {
            Freshness::Known { last_update, age } => Self {
                last_update: Some(timestamp(*last_update)),
                age_seconds: Some(age.as_secs()),
                unknown: None,
            },
            Freshness::Unknown(why) => Self {
                last_update: None,
                age_seconds: None,
                unknown: Some(why.to_string()),
            },
        }
    }
}

impl PyOvfAge {
    /// As the `olvm-dr/ovf-update/v1` JSON has it.
    pub(crate) fn json(&self) -> Value {
        match (&self.last_update, self.age_seconds, &self.unknown) {
            (Some(at), Some(age), _) => json!({ "last_update": at, "age_seconds": age }),
            (_, _, why) => json!({ "unknown": why }),
        }
    }
}

#[pymethods]
impl PyOvfAge {
    /// `True` when the age is known.
    #[getter]
    fn known(&self) -> bool {
        self.age_seconds.is_some()
    }

    fn __repr__(&self) -> String {
        match self.age_seconds {
            Some(s) => format!("<OvfAge {s} s (written {})>", self.last_update.repr()),
            None => format!("<OvfAge unknown: {}>", self.unknown.repr()),
        }
    }
}

/// One mapped storage domain's OVF store age on a site.
#[pyclass(name = "OvfDomainAge", module = "olvm_dr", frozen, get_all)]
#[derive(Debug, Clone)]
pub(crate) struct PyOvfDomainAge {
    /// Its index in `dr_import_storages`.
    index: usize,
    /// Its name on the site (or its id).
    name: String,
    /// The domain's id, `None` when the site does not have it.
    domain: Option<String>,
    /// How many OVF_STORE disks it has.
    ovf_disks: usize,
    /// Its store's age; `None` when the domain is not on the site or not an attached data
    /// domain (only those stores are kept up to date by the Engine).
    age: Option<PyOvfAge>,
}

#[pymethods]
impl PyOvfDomainAge {
    /// As a dict (`age` as in `olvm-dr ovf-update --output json`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        values::json_to_py(
            py,
            &json!({
                "index": self.index,
                "name": self.name,
                "domain": self.domain,
                "ovf_disks": self.ovf_disks,
                "age": self.age.as_ref().map(PyOvfAge::json),
            }),
        )
    }

    fn __repr__(&self) -> String {
        let age = match &self.age {
            Some(a) => a.__repr__(),
            None => "not read".to_owned(),
        };
        format!("<OvfDomainAge {}: {age}>", self.name)
    }
}

/// Reads the OVF store ages of every mapped storage domain on `site`, with the clock used.
async fn read(
    mapping: &Mapping,
    site: Site,
    engine: &dyn Engine,
) -> Result<(Clock, Vec<PyOvfDomainAge>), Error> {
    let (api, domains) = tokio::join!(engine.api_info(), engine.storage_domains());
    let clock = Clock::of(api.ok().as_ref());
    let domains = domains.map_err(|error| Error::Engine {
        site: Some(site),
        message: Some(format!(
            "cannot list the {site} site's storage domains: {error}"
        )),
        error: Box::new(error),
    })?;
    let entries = mapped_domains(mapping, site, &domains);
    // Only an attached data domain's store is kept up to date by its Engine (validate reads
    // the same ones).
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
    let out = entries
        .iter()
        .map(|e| {
            let age = e.domain.and_then(|d| ages.get(&d.id));
            PyOvfDomainAge {
                index: e.index,
                name: e.label.clone(),
                domain: e.domain.map(|d| d.id.to_string()),
                ovf_disks: age.map_or(0, |a| a.ovf_disks),
                age: age.map(|a| (&a.freshness).into()),
            }
        })
        .collect();
    Ok((clock, out))
}

/// The Engine of `site` among the flow's engines.
pub(crate) fn site_engine(
    ctx: &olvm_dr_core::flow::FlowContext,
    site: Site,
) -> Result<std::sync::Arc<dyn Engine>, Error> {
    ctx.engines.get(&site).cloned().ok_or_else(|| {
        Error::config(format!(
            "no Engine for the {site} site: give engines={{'{site}': ...}}"
        ))
    })
}

/// The OVF store ages of a site's mapped domains.
#[pyclass(name = "OvfFreshness", module = "olvm_dr", frozen, get_all)]
#[derive(Debug, Clone)]
pub(crate) struct PyOvfFreshness {
    /// The site.
    site: String,
    /// Whose clock the ages are measured against: `engine` (the Engine reported its time) or
    /// `local` (this machine's; clock skew counts).
    clock: String,
    /// Every storage entry of the mapping named on the site, in its order.
    domains: Vec<PyOvfDomainAge>,
}

#[pymethods]
impl PyOvfFreshness {
    /// The oldest known age in seconds, `None` when no age is known.
    #[getter]
    fn oldest_seconds(&self) -> Option<u64> {
        self.domains
            .iter()
            .filter_map(|d| d.age.as_ref()?.age_seconds)
            .max()
    }

    fn __repr__(&self) -> String {
        format!(
            "<OvfFreshness of {}: {} domains, oldest {} s>",
            self.site,
            self.domains.len(),
            self.oldest_seconds()
                .map_or_else(|| "unknown".to_owned(), |s| s.to_string())
        )
    }
}

/// How old the OVF stores of the mapped storage domains on `site` are (one listing of disks per
/// domain, a few at a time; nothing is changed). What a VM or template became on `site` since
/// its domain's store was written is not on the replica: the metadata recovery point. Ages are
/// measured with the Engine's clock when it reports its time. Raises an `EngineError` when the
/// site's domains cannot be listed; a domain whose disks cannot be read has an unknown age.
#[pyfunction]
#[pyo3(signature = (mapping, engines, *, site = "primary"))]
pub(crate) fn ovf_freshness(
    py: Python<'_>,
    mapping: &Bound<'_, PyAny>,
    engines: Option<&Bound<'_, PyAny>>,
    site: &str,
) -> PyResult<PyOvfFreshness> {
    let site = values::site(site)?;
    let ctx = context(mapping, engines)?;
    let engine = site_engine(&ctx, site)?;
    let mapping = &ctx.mapping;
    let (clock, domains) = runtime::wait(py, read(mapping, site, engine.as_ref()))??;
    Ok(PyOvfFreshness {
        site: site.as_str().to_owned(),
        clock: clock_name(clock.source).to_owned(),
        domains,
    })
}
