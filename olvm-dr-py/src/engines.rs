//! `Engine` (the base every engine object shares) and `RestEngine` (a real Engine over its REST
//! API). The flow functions take any `Engine`: a `RestEngine`, or a fake world's
//! `olvm_dr.testing.FakeEngine`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use olvm_dr_core::engine::rest::RestEngine;
use olvm_dr_core::generate::ConnectionKeys;
use olvm_dr_core::{Engine, Secret, Site, SiteConnection};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

use crate::errors::{Error, Result};
use crate::values::Repr;
use crate::{runtime, values};

/// What every engine object holds: the core's Engine, and how the mapping file names its site
/// (for `generate`).
#[pyclass(name = "Engine", module = "olvm_dr", subclass, frozen)]
pub(crate) struct PyEngine {
    pub(crate) engine: Arc<dyn Engine>,
    pub(crate) keys: ConnectionKeys,
}

impl PyEngine {
    pub(crate) fn new(engine: Arc<dyn Engine>, keys: ConnectionKeys) -> Self {
        Self { engine, keys }
    }
}

#[pymethods]
impl PyEngine {
    /// The Engine API URL.
    #[getter]
    fn url(&self) -> &str {
        &self.keys.url
    }

    /// The user.
    #[getter]
    fn username(&self) -> &str {
        &self.keys.username
    }

    /// What the Engine says about itself (product, vendor, version); a quick check that the
    /// Engine answers and the credentials work.
    ///
    /// Returns:
    ///     dict: `product_name`, `vendor`, `version` (a dict) and `time` (the Engine's clock as a
    ///         dict, or `None` when the answer had none).
    ///
    /// Raises:
    ///     EngineError: The Engine cannot be reached or refuses the credentials (a subclass per
    ///         error kind, e.g. `AuthenticationError`, `EngineUnavailableError`).
    fn api_info<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let engine = self.engine.clone();
        let info =
            runtime::wait(py, async move { engine.api_info().await })?.map_err(Error::from)?;
        values::to_py(py, &info)
    }

    /// Logs out (revokes the SSO token of a REST Engine). The object can be used again: the
    /// next call logs in anew.
    ///
    /// Raises:
    ///     EngineError: The logout failed.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        let engine = self.engine.clone();
        runtime::wait(py, async move { engine.close().await })?.map_err(Error::from)?;
        Ok(())
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __exit__(
        &self,
        py: Python<'_>,
        _exc_type: Option<Bound<'_, PyAny>>,
        _exc: Option<Bound<'_, PyAny>>,
        _tb: Option<Bound<'_, PyAny>>,
    ) -> PyResult<bool> {
        self.close(py)?;
        Ok(false)
    }

    fn __reduce__(&self) -> PyResult<()> {
        Err(PyTypeError::new_err(
            "an Engine holds credentials and a live session and cannot be pickled; create it again in the other process",
        ))
    }

    fn __repr__(&self) -> String {
        format!(
            "<Engine url={} username={}>",
            self.keys.url.repr(),
            self.keys.username.repr()
        )
    }
}

/// A real oVirt / OLVM Engine reached over its REST API v4.
///
/// No request is sent until the first call. TLS is verified against `ca_file` (or the system's
/// CA store when it is `None`) unless `insecure=True` is said out loud.
///
/// Args:
///     url (str): The Engine's API URL, e.g. `https://engine.example.com/ovirt-engine/api`.
///     username (str): The user, e.g. `admin@internal`.
///     password (str): The user's password (never shown by `repr()`).
///     ca_file (str | os.PathLike[str] | None, default None): The CA certificate (PEM) TLS is
///         verified against; `None`: the system's CA store.
///     insecure (bool, default False): Turn TLS verification off.
///
/// Raises:
///     ConfigurationError: The URL or the CA file cannot be used.
#[pyclass(name = "RestEngine", module = "olvm_dr", extends = PyEngine, frozen)]
pub(crate) struct PyRestEngine {
    ca_file: Option<PathBuf>,
    insecure: bool,
}

/// A RestEngine for `connection`, as the base and subclass parts of the Python object.
pub(crate) fn rest_engine(connection: &SiteConnection) -> Result<PyClassInitializer<PyRestEngine>> {
    let engine = RestEngine::connect(connection)?;
    let keys = ConnectionKeys {
        url: connection.url.clone(),
        username: connection.username.clone(),
        ca_file: connection.ca_file.as_ref().map(|p| p.display().to_string()),
        insecure: connection.insecure,
    };
    Ok(
        PyClassInitializer::from(PyEngine::new(Arc::new(engine), keys)).add_subclass(
            PyRestEngine {
                ca_file: connection.ca_file.clone(),
                insecure: connection.insecure,
            },
        ),
    )
}

#[pymethods]
impl PyRestEngine {
    #[new]
    #[pyo3(signature = (url, username, password, ca_file = None, insecure = false))]
    fn new(
        url: String,
        username: String,
        password: String,
        ca_file: Option<PathBuf>,
        insecure: bool,
    ) -> Result<PyClassInitializer<Self>> {
        rest_engine(&SiteConnection {
            url,
            username,
            password: Secret::new(password),
            ca_file,
            insecure,
        })
    }

    /// The CA file TLS is verified against (`None`: the system's store, or `insecure`).
    #[getter]
    fn ca_file(&self) -> Option<String> {
        self.ca_file.as_ref().map(|p| p.display().to_string())
    }

    /// `True` when TLS verification is off.
    #[getter]
    fn insecure(&self) -> bool {
        self.insecure
    }

    fn __repr__(slf: PyRef<'_, Self>) -> String {
        let base = slf.as_super();
        format!(
            "RestEngine(url={}, username={}, password={}, ca_file={}, insecure={})",
            base.keys.url.repr(),
            base.keys.username.repr(),
            Secret::REDACTED,
            slf.ca_file.as_ref().map(|p| p.display().to_string()).repr(),
            if slf.insecure { "True" } else { "False" }
        )
    }
}

/// The engines a flow is given: a mapping (usually a dict) `{"primary": engine, "secondary":
/// engine}`; either may be left out or `None`, e.g. the dark site of a disaster.
pub(crate) fn engines_from(
    engines: Option<&Bound<'_, PyAny>>,
) -> PyResult<BTreeMap<Site, Arc<dyn Engine>>> {
    let mut out = BTreeMap::new();
    let Some(engines) = engines.filter(|e| !e.is_none()) else {
        return Ok(out);
    };
    let shape = || {
        PyTypeError::new_err(
            "engines must be a dict of site name ('primary', 'secondary') to Engine",
        )
    };
    let items = engines.call_method0("items").map_err(|_| shape())?;
    for item in items.try_iter()? {
        let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item?.extract()?;
        let name: String = k.extract().map_err(|_| shape())?;
        let site = values::site(&name)?;
        if v.is_none() {
            continue;
        }
        let engine = v.cast::<PyEngine>().map_err(|_| {
            PyTypeError::new_err(format!(
                "engines['{name}'] must be an olvm_dr Engine (RestEngine, or a testing World's engine), not {}",
                v.get_type().name().map(|n| n.to_string()).unwrap_or_default()
            ))
        })?;
        out.insert(site, engine.get().engine.clone());
    }
    Ok(out)
}
