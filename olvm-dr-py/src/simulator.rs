//! `olvm_dr.testing.Simulator`: both sites of a `World` served as simulated Engines (REST API
//! v4, XML, SSO) on loopback ports in this process, with the lab's mapping, passwords file
//! and `dr.conf`, so code that talks HTTP (a `RestEngine`, the `olvm-dr` command, the official
//! `ovirtsdk4`) can be tested against the world.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

use olvm_dr_core::{Secret, Site, SiteConnection};
use olvm_dr_sim::{Lab, LabFiles, LabOptions};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::engines::rest_engine;
use crate::errors::{Error, Result};
use crate::mapping::PyMapping;
use crate::testing::PyWorld;
use crate::values::Repr;
use crate::{runtime, values};

/// A running pair of simulated Engines. Stop it with `stop()` or use it as a context manager;
/// it stops when garbage-collected otherwise.
#[pyclass(name = "Simulator", module = "olvm_dr.testing", frozen)]
pub(crate) struct PySimulator {
    lab: Mutex<Option<Lab>>,
    world: Py<PyWorld>,
    urls: BTreeMap<Site, (String, String)>,
    files: LabFiles,
    username: String,
    password: Secret,
    /// The lab's CA certificate, which both Engines' HTTPS certificate chains to.
    ca_file: Option<PathBuf>,
    /// The temporary directory of the lab's files, removed with the object.
    _tmp: Option<tempfile::TempDir>,
}

impl PySimulator {
    fn connection(&self, site: Site) -> SiteConnection {
        SiteConnection {
            url: self.urls[&site].0.clone(),
            username: self.username.clone(),
            password: self.password.clone(),
            ca_file: self.ca_file.clone(),
            insecure: false,
        }
    }
}

impl Drop for PySimulator {
    fn drop(&mut self) {
        let lab = self
            .lab
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let (Some(lab), Ok(rt)) = (lab, runtime::runtime()) {
            rt.spawn(lab.shutdown());
        }
    }
}

/// Starts ``world`` as two simulated Engines on loopback ports (HTTPS, a CA of its own).
///
/// Args:
///     world (World): The fake world both Engines serve.
///     dir (str | os.PathLike[str] | None, default None): Where the lab's files go (mapping,
///         passwords file, ``dr.conf``, CA); ``None``: a temporary directory, removed with the
///         simulator.
///     password (str | None, default None): The Engines' admin password; ``None``: a random one.
///
/// Returns:
///     Simulator: The running lab; ``stop()`` it (or use it as a context manager).
///
/// Raises:
///     FileError: The lab's directory or files cannot be written.
///     ConfigurationError: The lab cannot be started otherwise (e.g. no loopback port).
#[pyfunction]
#[pyo3(signature = (world, *, dir = None, password = None))]
pub(crate) fn start_simulator(
    py: Python<'_>,
    world: &Bound<'_, PyWorld>,
    dir: Option<PathBuf>,
    password: Option<String>,
) -> PyResult<PySimulator> {
    let (tmp, dir) = match dir {
        Some(d) => (None, d),
        None => {
            let t = tempfile::Builder::new()
                .prefix("olvm-dr-sim-")
                .tempdir()
                .map_err(|e| Error::file(std::env::temp_dir(), e))?;
            let path = t.path().to_path_buf();
            (Some(t), path)
        }
    };
    let w = world.get();
    let options = LabOptions {
        size: w.size,
        vms: w.vms,
        seed: w.seed,
        latency: w.latency,
        password: password.map(Secret::new),
        ..LabOptions::new(&dir)
    };
    let fake = w.world.clone();
    let lab = runtime::wait(py, Lab::start_with(fake, options))?.map_err(|e| match e {
        olvm_dr_sim::LabError::Write { path, source } => Error::file(path, source),
        other => Error::config(other.to_string()),
    })?;
    let urls = Site::BOTH
        .iter()
        .map(|s| (*s, (lab.api_url(*s), lab.control_url(*s))))
        .collect();
    let c = lab.site_connection(Site::Primary);
    Ok(PySimulator {
        files: lab.files().clone(),
        username: c.username,
        password: c.password,
        ca_file: c.ca_file,
        urls,
        lab: Mutex::new(Some(lab)),
        world: world.clone().unbind(),
        _tmp: tmp,
    })
}

#[pymethods]
impl PySimulator {
    /// The world both Engines serve (the same object the simulator was started with).
    #[getter]
    fn world(&self, py: Python<'_>) -> Py<PyWorld> {
        self.world.clone_ref(py)
    }

    /// One site's Engine API URL.
    ///
    /// Args:
    ///     site (str): `primary` or `secondary` (any case).
    ///
    /// Returns:
    ///     str: `https://127.0.0.1:PORT/ovirt-engine/api`.
    ///
    /// Raises:
    ///     ConfigurationError: `site` is neither `primary` nor `secondary`.
    fn api_url(&self, site: &str) -> Result<String> {
        Ok(self.urls[&values::site(site)?].0.clone())
    }

    /// One site's control endpoint (`/_sim`: disasters, replication, faults over HTTP).
    ///
    /// Args:
    ///     site (str): `primary` or `secondary` (any case).
    ///
    /// Returns:
    ///     str: The endpoint's URL.
    ///
    /// Raises:
    ///     ConfigurationError: `site` is neither `primary` nor `secondary`.
    fn control_url(&self, site: &str) -> Result<String> {
        Ok(self.urls[&values::site(site)?].1.clone())
    }

    /// The user both Engines accept.
    #[getter]
    fn username(&self) -> &str {
        &self.username
    }

    /// The password both Engines accept (a test lab's; `repr()` does not show it).
    #[getter]
    fn password(&self) -> &str {
        self.password.expose()
    }

    /// The lab's CA certificate (PEM), the `ca_file` every client verifies the Engines with.
    #[getter]
    fn ca_file(&self) -> Option<String> {
        self.ca_file.as_ref().map(|p| p.display().to_string())
    }

    /// The lab directory.
    #[getter]
    fn dir(&self) -> String {
        self.files.dir.display().to_string()
    }

    /// The mapping file written for the lab (every value filled in, the simulator's URLs).
    #[getter]
    fn mapping_file(&self) -> String {
        self.files.mapping.display().to_string()
    }

    /// The passwords file (both sites' Engine password).
    #[getter]
    fn passwords_file(&self) -> String {
        self.files.passwords.display().to_string()
    }

    /// A `dr.conf` pointing at the two files above (for `olvm-dr -f`).
    #[getter]
    fn dr_conf(&self) -> String {
        self.files.dr_conf.display().to_string()
    }

    /// The lab's mapping, loaded.
    fn mapping(&self) -> Result<PyMapping> {
        PyMapping::read(&self.files.mapping, None)
    }

    /// A `RestEngine` for one site, over HTTPS to the simulator (verified with the lab's CA).
    ///
    /// Args:
    ///     site (str): `primary` or `secondary` (any case).
    ///
    /// Returns:
    ///     RestEngine: A new Engine object; no request is sent yet.
    ///
    /// Raises:
    ///     ConfigurationError: `site` is neither `primary` nor `secondary`.
    fn engine(&self, py: Python<'_>, site: &str) -> PyResult<Py<PyAny>> {
        let site = values::site(site)?;
        Ok(Py::new(py, rest_engine(&self.connection(site))?)?.into_any())
    }

    /// Both `RestEngine`s, for the flow functions.
    fn engines<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for site in Site::BOTH {
            d.set_item(site.as_str(), self.engine(py, site.as_str())?)?;
        }
        Ok(d)
    }

    /// Keyword arguments for `ovirtsdk4.Connection(**sim.sdk_connection("primary"))`.
    ///
    /// Args:
    ///     site (str): `primary` or `secondary` (any case).
    ///
    /// Returns:
    ///     dict[str, str]: `url`, `username`, `password` and `ca_file`.
    ///
    /// Raises:
    ///     ConfigurationError: `site` is neither `primary` nor `secondary`.
    fn sdk_connection<'py>(&self, py: Python<'py>, site: &str) -> PyResult<Bound<'py, PyDict>> {
        let c = self.connection(values::site(site)?);
        let d = PyDict::new(py);
        d.set_item("url", c.url)?;
        d.set_item("username", c.username)?;
        d.set_item("password", c.password.expose())?;
        if let Some(ca) = c.ca_file {
            d.set_item("ca_file", ca.display().to_string())?;
        }
        Ok(d)
    }

    /// `True` until `stop()`.
    #[getter]
    fn running(&self) -> bool {
        self.lab
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .is_some()
    }

    /// Stops both Engines (the lab's files stay until the object goes away). Idempotent.
    ///
    /// Calling it again, or after the `with` block, does nothing.
    fn stop(&self, py: Python<'_>) -> PyResult<()> {
        let lab = self
            .lab
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(lab) = lab {
            runtime::wait(py, lab.shutdown())?;
        }
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
        self.stop(py)?;
        Ok(false)
    }

    fn __reduce__(&self) -> PyResult<()> {
        Err(PyTypeError::new_err(
            "a Simulator holds credentials and running servers and cannot be pickled",
        ))
    }

    fn __repr__(&self) -> String {
        format!(
            "<Simulator primary={} secondary={} username={} password={}{}>",
            self.urls[&Site::Primary].0,
            self.urls[&Site::Secondary].0,
            self.username.repr(),
            Secret::REDACTED,
            if self.running() { "" } else { " (stopped)" }
        )
    }
}
