//! OVF store ages from Python: `OvfAge` (one store's age or why it is unknown), and
//! `ovf_freshness`: how old the OVF stores of a site's mapped domains are — the metadata
//! recovery point that `validate` warns about (DR0815).

use olvm_dr_core::Site;
use olvm_dr_core::engine::Engine;
use olvm_dr_core::ovf::{Freshness, MappedFreshness, SiteFreshness, read_site, utc_timestamp};
use pyo3::prelude::*;

use crate::errors::Error;
use crate::flow_run::context;
use crate::values::Repr;
use crate::{runtime, values};

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
                last_update: Some(utc_timestamp(*last_update)),
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
#[pyclass(name = "OvfDomainAge", module = "olvm_dr", frozen)]
#[derive(Debug, Clone)]
pub(crate) struct PyOvfDomainAge {
    entry: MappedFreshness,
}

#[pymethods]
impl PyOvfDomainAge {
    /// Its index in `dr_import_storages`.
    #[getter]
    fn index(&self) -> usize {
        self.entry.index
    }

    /// Its name on the site (or its id).
    #[getter]
    fn name(&self) -> &str {
        &self.entry.name
    }

    /// The domain's id, `None` when the site does not have it.
    #[getter]
    fn domain(&self) -> Option<String> {
        self.entry.domain.map(|d| d.to_string())
    }

    /// How many OVF_STORE disks it has.
    #[getter]
    fn ovf_disks(&self) -> usize {
        self.entry.ovf_disks
    }

    /// Its store's age; `None` when the domain is not on the site or not an attached data
    /// domain (only those stores are kept up to date by the Engine).
    #[getter]
    fn age(&self) -> Option<PyOvfAge> {
        self.entry.freshness.as_ref().map(Into::into)
    }

    /// As a dict (`age` as in `olvm-dr ovf-update --output json`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        values::to_py(py, &self.entry)
    }

    fn __repr__(&self) -> String {
        let age = match self.age() {
            Some(a) => a.__repr__(),
            None => "not read".to_owned(),
        };
        format!("<OvfDomainAge {}: {age}>", self.entry.name)
    }
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
#[pyclass(name = "OvfFreshness", module = "olvm_dr", frozen)]
#[derive(Debug, Clone)]
pub(crate) struct PyOvfFreshness {
    ages: SiteFreshness,
}

#[pymethods]
impl PyOvfFreshness {
    /// The site.
    #[getter]
    fn site(&self) -> &'static str {
        self.ages.site.as_str()
    }

    /// Whose clock the ages are measured against: `engine` (the Engine reported its time) or
    /// `local` (this machine's; clock skew counts).
    #[getter]
    fn clock(&self) -> &'static str {
        self.ages.clock.as_str()
    }

    /// Every storage entry of the mapping named on the site, in its order.
    #[getter]
    fn domains(&self) -> Vec<PyOvfDomainAge> {
        self.ages
            .domains
            .iter()
            .map(|entry| PyOvfDomainAge {
                entry: entry.clone(),
            })
            .collect()
    }

    /// The oldest known age in seconds, `None` when no age is known.
    #[getter]
    fn oldest_seconds(&self) -> Option<u64> {
        self.ages.oldest().map(|a| a.as_secs())
    }

    fn __repr__(&self) -> String {
        format!(
            "<OvfFreshness of {}: {} domains, oldest {} s>",
            self.ages.site,
            self.ages.domains.len(),
            self.oldest_seconds()
                .map_or_else(|| "unknown".to_owned(), |s| s.to_string())
        )
    }
}

/// How old the OVF stores of the mapped storage domains on ``site`` are (one listing of disks per
/// domain, a few at a time; nothing is changed). What a VM or template became on ``site`` since
/// its domain's store was written is not on the replica: the metadata recovery point. Ages are
/// measured with the Engine's clock when it reports its time.
///
/// Args:
///     mapping (Mapping | str | os.PathLike[str]): The mapping, or the path of its file.
///     engines (Mapping[str, Engine | None] | None): The sites' Engines by site name; ``site``'s is
///         needed.
///     site (str, default 'primary'): The site whose stores are measured.
///
/// Returns:
///     OvfFreshness: Each mapped domain's store age; a domain whose disks cannot be read has an
///         unknown age.
///
/// Raises:
///     EngineError: The site's domains cannot be listed.
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
    let ages = runtime::wait(py, read_site(engine.as_ref(), mapping, site))?.map_err(|error| {
        Error::Engine {
            site: Some(site),
            message: Some(format!(
                "cannot list the {site} site's storage domains: {error}"
            )),
            error: Box::new(error),
        }
    })?;
    Ok(PyOvfFreshness { ages })
}
