//! `olvm_dr.testing.World` and `FakeEngine`: the core's in-memory two-site world for tests of
//! DR automation, with its controls (disasters, replication, latency, faults) and facts.

use std::sync::Arc;

use olvm_dr_core::Site;
use olvm_dr_core::fake::{
    FaultSpec, Latency, ReplicationChange, SiteUrls, StopVmError, World, WorldSize,
};
use olvm_dr_core::generate::{ConnectionKeys, complete_for_world};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde_json::json;

use crate::engines::PyEngine;
use crate::errors::{Error, Result};
use crate::mapping::PyMapping;
use crate::{runtime, values};

/// The user of a fake world's Engines, as the Engine's built-in administrator.
const USERNAME: &str = olvm_dr_sim::DEFAULT_USERNAME;

/// The URL a fake world's mapping gives `site`. Never contacted (the `.invalid` top-level
/// domain never resolves); plain `http` so that offline validation needs no CA file (it warns,
/// DR0501, as it does for the simulator's loopback URLs).
fn fake_url(site: Site) -> String {
    format!("http://{site}.fake.invalid/ovirt-engine/api")
}

/// A fake world's Engine for one site; pass it to the flow functions like a `RestEngine`.
#[pyclass(name = "FakeEngine", module = "olvm_dr.testing", extends = PyEngine, frozen)]
pub(crate) struct PyFakeEngine {
    site: Site,
}

#[pymethods]
impl PyFakeEngine {
    /// The site this Engine serves.
    #[getter]
    fn site(&self) -> &'static str {
        self.site.as_str()
    }

    fn __repr__(&self) -> String {
        format!("<FakeEngine {}>", self.site)
    }
}

/// Two fake sites (primary and secondary) and the replicated storage between them, whose
/// Engines follow the real Engine's rules; deterministic from `size` and `seed`.
///
/// Building it reads the world's mapping from its Engines while both sites answer.
///
/// Args:
///     size (str, default 'small'): The preset: `small` (2 data centers, 3 replicated domains,
///         20 VMs), `medium` (10 domains of all five storage types, 500 VMs) or `large` (20
///         domains, 2 000 VMs).
///     seed (int, default 0): The seed every name, id and choice of the world derives from.
///     vms (int | None, default None): The number of VMs instead of the preset's.
///     latency (str, default 'instant'): `instant` (every call and transition takes no time)
///         or `realistic` (a real Engine's durations: attaches take 25 s, ...), for both sites.
///     lease_timeout (float | None, default None): The sanlock lease timeout in seconds;
///         `None` keeps sanlock's 80.
///
/// Raises:
///     ConfigurationError: An unknown `size` or `latency`, or a negative `lease_timeout`.
#[pyclass(name = "World", module = "olvm_dr.testing", frozen)]
pub(crate) struct PyWorld {
    pub(crate) world: World,
    /// The world's mapping file, made while both sites answered.
    mapping_yaml: Arc<str>,
    pub(crate) size: WorldSize,
    pub(crate) seed: u64,
    pub(crate) vms: Option<usize>,
    pub(crate) latency: Latency,
}

impl PyWorld {
    pub(crate) fn urls() -> SiteUrls {
        SiteUrls {
            primary: fake_url(Site::Primary),
            secondary: fake_url(Site::Secondary),
            username: USERNAME.to_owned(),
            insecure: false,
        }
    }

    fn wrap(
        world: World,
        mapping_yaml: Arc<str>,
        size: WorldSize,
        seed: u64,
        vms: Option<usize>,
        latency: Latency,
    ) -> Self {
        Self {
            world,
            mapping_yaml,
            size,
            seed,
            vms,
            latency,
        }
    }
}

#[pymethods]
impl PyWorld {
    /// Builds a world; the class docstring describes the arguments.
    #[new]
    #[pyo3(signature = (size = "small", seed = 0, vms = None, latency = "instant", lease_timeout = None))]
    fn new(
        py: Python<'_>,
        size: &str,
        seed: u64,
        vms: Option<usize>,
        latency: &str,
        lease_timeout: Option<f64>,
    ) -> PyResult<Self> {
        let size: WorldSize = size.parse().map_err(Error::from)?;
        let profile: Latency = latency.parse().map_err(Error::from)?;
        let world = size.build(seed, vms);
        // The mapping is read from the Engines now, while both sites answer and before a slow
        // latency profile applies.
        let reading = world.clone();
        let mapping = runtime::wait(py, async move { reading.read_mapping(&Self::urls()).await })?
            .map_err(Error::from)?;
        let mapping_yaml: Arc<str> = mapping.to_yaml().into();
        world.set_latency_everywhere(profile);
        if let Some(t) = lease_timeout {
            world.set_lease_timeout(values::seconds("lease_timeout", t)?);
        }
        Ok(Self::wrap(world, mapping_yaml, size, seed, vms, profile))
    }

    /// The seed.
    #[getter]
    fn seed(&self) -> u64 {
        self.seed
    }

    /// The preset: `small`, `medium` or `large`.
    #[getter]
    fn size(&self) -> &'static str {
        self.size.as_str()
    }

    /// One site's Engine, to pass to the flow functions.
    ///
    /// Args:
    ///     site (str): `primary` or `secondary` (any case).
    ///
    /// Returns:
    ///     FakeEngine: The Engine of `site` (a new object on each call, the same fake Engine).
    ///
    /// Raises:
    ///     ConfigurationError: `site` is neither `primary` nor `secondary`.
    fn engine(&self, py: Python<'_>, site: &str) -> PyResult<Py<PyFakeEngine>> {
        let site = values::site(site)?;
        let keys = ConnectionKeys::new(fake_url(site), USERNAME, None);
        let init = PyClassInitializer::from(PyEngine::new(self.world.dyn_engine(site), keys))
            .add_subclass(PyFakeEngine { site });
        Py::new(py, init)
    }

    /// Both Engines: `{"primary": FakeEngine, "secondary": FakeEngine}`, for the flow functions.
    fn engines<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for site in Site::BOTH {
            d.set_item(site.as_str(), self.engine(py, site.as_str())?)?;
        }
        Ok(d)
    }

    /// The mapping file for this world, every value filled in for both sites (what an
    /// administrator has after `generate` and completing the secondary). Its URLs are
    /// `http://{site}.fake.invalid/...`: never contacted.
    fn mapping(&self) -> Result<PyMapping> {
        PyMapping::from_text(&self.mapping_yaml, None, None)
    }

    /// `mapping` with its secondary placeholders filled in from the world's facts, as an
    /// administrator completes a generated file from their own knowledge.
    ///
    /// Args:
    ///     mapping (Mapping): A mapping of this world, e.g. what `generate` wrote from the
    ///         primary's Engine alone.
    ///
    /// Returns:
    ///     Mapping: A new mapping, read back from its YAML; `mapping` is not changed.
    ///
    /// Raises:
    ///     EngineError: The secondary's networks or data centers cannot be listed.
    fn complete_mapping(
        &self,
        py: Python<'_>,
        mapping: &Bound<'_, PyMapping>,
    ) -> PyResult<PyMapping> {
        let mut m = (*mapping.get().mapping).clone();
        let world = self.world.clone();
        let (m, filled) = runtime::wait(py, async move {
            let r = complete_for_world(&mut m, &world).await;
            (m, r)
        })?;
        filled.map_err(|e| Error::from(e.error))?;
        Ok(PyMapping::from_model(&m)?)
    }

    /// Everything the builder made, as dicts: names and ids of data centers, clusters, hosts,
    /// profiles, domains (with their replication pair), LUNs, VMs, templates, and the mappings
    /// between the sites.
    fn facts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        values::to_py(py, self.world.facts())
    }

    /// The VMs `site`'s Engine knows now, with their status and cluster name (the hosted-engine
    /// VM included).
    ///
    /// Args:
    ///     site (str): `primary` or `secondary` (any case).
    ///
    /// Returns:
    ///     list[VmState]: One entry per VM.
    ///
    /// Raises:
    ///     ConfigurationError: `site` is neither `primary` nor `secondary`.
    fn vms<'py>(&self, py: Python<'py>, site: &str) -> PyResult<Bound<'py, PyAny>> {
        let site = values::site(site)?;
        let clusters = &self.world.facts().site(site).clusters;
        let cluster = |id| clusters.iter().find(|c| c.id == id).map(|c| &c.name);
        let snapshot = self.world.snapshot(site);
        let vms: Vec<_> = (snapshot.vms.iter())
            .map(|v| {
                let (id, status) = (v.id.to_string(), v.status.as_str());
                json!({"name": v.name, "id": id, "status": status, "cluster": cluster(v.cluster)})
            })
            .collect();
        values::record(py, "olvm_dr.testing.VmState", &vms)
    }

    /// Every VM's NICs on `site` now.
    ///
    /// A drill's `unplugged` isolation leaves NICs on their mapped profiles with `plugged`
    /// false.
    ///
    /// Args:
    ///     site (str): `primary` or `secondary` (any case).
    ///
    /// Returns:
    ///     dict: `{vm name: {nic name: {"profile": name or None, "plugged": bool}}}`.
    ///
    /// Raises:
    ///     ConfigurationError: `site` is neither `primary` nor `secondary`.
    ///     EngineError: The site's Engine cannot be read (e.g. it is dark).
    fn nics(&self, py: Python<'_>, site: &str) -> PyResult<crate::testing_nics::Nics> {
        let site = values::site(site)?;
        let world = self.world.clone();
        Ok(runtime::wait(
            py,
            async move { crate::testing_nics::read(&world, site).await },
        )?
        .map_err(Error::from)?)
    }

    /// `site`'s Engine state now (data centers, domains, VMs, templates, unregistered VMs), as
    /// dicts, for "unchanged" assertions.
    ///
    /// Args:
    ///     site (str): `primary` or `secondary` (any case).
    ///
    /// Returns:
    ///     dict: The state as dicts and lists.
    ///
    /// Raises:
    ///     ConfigurationError: `site` is neither `primary` nor `secondary`.
    fn snapshot<'py>(&self, py: Python<'py>, site: &str) -> PyResult<Bound<'py, PyAny>> {
        let site = values::site(site)?;
        values::to_py(py, &self.world.snapshot(site))
    }

    /// The whole site goes dark: its Engine stops answering and its hosts stop.
    ///
    /// Its hosts' sanlock leases expire only after the lease timeout (see `lose`,
    /// `expire_leases`).
    ///
    /// Args:
    ///     site (str): The site that goes dark: `primary` or `secondary` (any case).
    ///
    /// Raises:
    ///     ConfigurationError: `site` is neither `primary` nor `secondary`.
    fn disaster(&self, site: &str) -> Result<()> {
        self.world.disaster(values::site(site)?);
        Ok(())
    }

    /// A disaster as the storage team handles it: `site` goes dark, its sanlock leases expire
    /// at once (instead of after the lease timeout) and replication stops, so the other site's
    /// replicas are writable. What a failover test usually needs.
    ///
    /// Args:
    ///     site (str): The site lost: `primary` or `secondary` (any case).
    ///
    /// Raises:
    ///     ConfigurationError: `site` is neither `primary` nor `secondary`.
    fn lose(&self, site: &str) -> Result<()> {
        self.world.lose(values::site(site)?);
        Ok(())
    }

    /// Only `site`'s Engine stops answering; its hosts keep running (a split brain, seen from
    /// the other site).
    ///
    /// Args:
    ///     site (str): `primary` or `secondary` (any case).
    ///
    /// Raises:
    ///     ConfigurationError: `site` is neither `primary` nor `secondary`.
    fn engine_outage(&self, site: &str) -> Result<()> {
        self.world.engine_outage(values::site(site)?);
        Ok(())
    }

    /// `site` comes back with the state it had (its Engine stale).
    ///
    /// Args:
    ///     site (str): `primary` or `secondary` (any case).
    ///
    /// Raises:
    ///     ConfigurationError: `site` is neither `primary` nor `secondary`.
    fn recover(&self, site: &str) -> Result<()> {
        self.world.recover(values::site(site)?);
        Ok(())
    }

    /// Whether `site`'s Engine answers.
    ///
    /// Args:
    ///     site (str): `primary` or `secondary` (any case).
    ///
    /// Returns:
    ///     bool: `True` while the Engine answers.
    ///
    /// Raises:
    ///     ConfigurationError: `site` is neither `primary` nor `secondary`.
    fn is_up(&self, site: &str) -> Result<bool> {
        Ok(self.world.is_up(values::site(site)?))
    }

    /// Makes the OVF store of a replicated domain on `site` look older, as if the Engine had
    /// not written it for that long.
    ///
    /// Args:
    ///     site (str): `primary` or `secondary` (any case).
    ///     domain (str): The replicated storage domain's name.
    ///     seconds (float): How much older (>= 0).
    ///
    /// Returns:
    ///     bool: `False` when nothing changed (the store was never written, or the volume is a
    ///         read-only replica).
    ///
    /// Raises:
    ///     ConfigurationError: An unknown `site` or `domain`, or a negative `seconds`.
    fn age_ovf_store(&self, site: &str, domain: &str, seconds: f64) -> Result<bool> {
        Ok((self.world).age_ovf_store_named(values::site(site)?, domain, seconds)?)
    }

    /// The leases held by `site`'s dead hosts expire now.
    ///
    /// Args:
    ///     site (str): `primary` or `secondary` (any case).
    ///
    /// Raises:
    ///     ConfigurationError: `site` is neither `primary` nor `secondary`.
    fn expire_leases(&self, site: &str) -> Result<()> {
        self.world.expire_leases(values::site(site)?);
        Ok(())
    }

    /// Sets the sanlock lease timeout of the world.
    ///
    /// Args:
    ///     seconds (float): The timeout in seconds (>= 0).
    ///
    /// Raises:
    ///     ConfigurationError: `seconds` is negative or not a number.
    fn set_lease_timeout(&self, seconds: f64) -> Result<()> {
        Ok(self.world.set_lease_timeout_seconds(seconds)?)
    }

    /// The replication pairs: `[{"pair": 0, "volumes": [names], "direction": ..., "running":
    /// ...}]`.
    fn replication<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        values::to_py(py, &self.world.replication_status())
    }

    /// Stops replication (every pair, or the pair of one domain or direct LUN): the replicas
    /// become read-write.
    ///
    /// Args:
    ///     name (str | None, default None): A replicated domain's name or a direct LUN's alias;
    ///         `None`: every pair.
    ///
    /// Raises:
    ///     ConfigurationError: No replicated domain or direct LUN is named `name`.
    #[pyo3(signature = (name = None))]
    fn stop_replication(&self, name: Option<&str>) -> Result<()> {
        Ok(self
            .world
            .change_replication(ReplicationChange::Stop, name)?)
    }

    /// Reverses replication (the old replicas become the sources), resynchronised and running.
    ///
    /// Args:
    ///     name (str | None, default None): A replicated domain's name or a direct LUN's alias;
    ///         `None`: every pair.
    ///
    /// Raises:
    ///     ConfigurationError: No replicated domain or direct LUN is named `name`.
    #[pyo3(signature = (name = None))]
    fn reverse_replication(&self, name: Option<&str>) -> Result<()> {
        Ok(self
            .world
            .change_replication(ReplicationChange::Reverse, name)?)
    }

    /// Restarts replication in its direction after a full copy from its source.
    ///
    /// Args:
    ///     name (str | None, default None): A replicated domain's name or a direct LUN's alias;
    ///         `None`: every pair.
    ///
    /// Raises:
    ///     ConfigurationError: No replicated domain or direct LUN is named `name`.
    #[pyo3(signature = (name = None))]
    fn resync_replication(&self, name: Option<&str>) -> Result<()> {
        Ok(self
            .world
            .change_replication(ReplicationChange::Resync, name)?)
    }

    /// Splits replicas off for a drill (every pair, or the pair of one domain or direct LUN):
    /// read-write copies that no longer receive writes.
    ///
    /// Args:
    ///     name (str | None, default None): A replicated domain's name or a direct LUN's alias;
    ///         `None`: every pair.
    ///
    /// Raises:
    ///     ConfigurationError: No replicated domain or direct LUN is named `name`.
    #[pyo3(signature = (name = None))]
    fn isolate_replication(&self, name: Option<&str>) -> Result<()> {
        Ok(self
            .world
            .change_replication(ReplicationChange::Split, name)?)
    }

    /// Powers off a VM through `site`'s Engine, as an administrator would by hand (e.g. to
    /// see `verify` find a VM that should run).
    ///
    /// Args:
    ///     site (str): `primary` or `secondary` (any case).
    ///     vm (str): The VM's name.
    ///
    /// Returns:
    ///     bool: `False` when it was down already, `True` when it was stopped.
    ///
    /// Raises:
    ///     ConfigurationError: An unknown `site`, or no VM named `vm` on it.
    ///     EngineError: The Engine refused to stop the VM.
    fn stop_vm(&self, py: Python<'_>, site: &str, vm: &str) -> PyResult<bool> {
        let (site, world) = (values::site(site)?, self.world.clone());
        let vm = vm.to_owned();
        let stopped = runtime::wait(py, async move { world.stop_vm_named(site, &vm).await })?;
        Ok(stopped.map_err(|e| match e {
            StopVmError::NotFound(e) => Error::from(e),
            StopVmError::Engine(e) => Error::from(e),
        })?)
    }

    /// Sets `site`'s latency profile.
    ///
    /// Args:
    ///     site (str): `primary` or `secondary` (any case).
    ///     profile (str): `instant` (no time) or `realistic` (a real Engine's durations).
    ///
    /// Raises:
    ///     ConfigurationError: An unknown `site` or `profile`.
    fn set_latency(&self, site: &str, profile: &str) -> Result<()> {
        Ok(self.world.set_latency_named(values::site(site)?, profile)?)
    }

    /// The next `calls` calls of `operation` on `site` fail with the error described.
    ///
    /// Give `kind`, or `status` (and `detail`) for the kind they mean to a REST client; with
    /// both, `kind` decides the kind and `status` is the error's HTTP status.
    ///
    /// Args:
    ///     site (str): `primary` or `secondary` (any case).
    ///     operation (str): An Engine method name, e.g. `attach_storage_domain`.
    ///     calls (int, default 1): How many calls fail.
    ///     kind (str | None, default None): The error kind: `not_found`, `conflict`, `locked`,
    ///         `lease_held`, ... (what `EngineError.kind` says).
    ///     status (int | None, default None): An HTTP status, e.g. 409 or 503.
    ///     detail (str, default ''): The Engine's fault detail.
    ///     reason (str, default 'Operation Failed'): The Engine's fault reason.
    ///
    /// Raises:
    ///     ConfigurationError: An unknown `site`, `operation` or `kind`, or neither `kind`
    ///         nor `status` given.
    #[pyo3(signature = (site, operation, calls = 1, *, kind = None, status = None, detail = "", reason = "Operation Failed"))]
    #[allow(
        clippy::too_many_arguments,
        reason = "the fault's parts as keyword arguments"
    )]
    fn fail_next(
        &self,
        site: &str,
        operation: &str,
        calls: u32,
        kind: Option<&str>,
        status: Option<u16>,
        detail: &str,
        reason: &str,
    ) -> Result<()> {
        let fault = FaultSpec::FailNext {
            operation: operation.to_owned(),
            calls,
            kind: kind.map(str::to_owned),
            status,
            detail: detail.to_owned(),
            reason: reason.to_owned(),
        };
        Ok(self.world.inject(values::site(site)?, fault)?)
    }

    /// A random share of `site`'s calls fail with transient errors (503, timeouts),
    /// deterministically from `seed`.
    ///
    /// Args:
    ///     site (str): `primary` or `secondary` (any case).
    ///     fraction (float): The share of calls that fail, 0.0 to 1.0.
    ///     seed (int, default 0): The seed of the random choice.
    ///     operations (list[str] | None, default None): Only calls of these Engine methods
    ///         (e.g. `attach_storage_domain`); `None`: every call.
    ///
    /// Raises:
    ///     ConfigurationError: An unknown `site` or operation, or `fraction` outside 0.0-1.0.
    #[pyo3(signature = (site, fraction, *, seed = 0, operations = None))]
    fn fail_randomly(
        &self,
        site: &str,
        fraction: f64,
        seed: u64,
        operations: Option<Vec<String>>,
    ) -> Result<()> {
        let fault = FaultSpec::Random {
            fraction,
            seed,
            operations,
        };
        Ok(self.world.inject(values::site(site)?, fault)?)
    }

    /// Calls of `operation` on `site` hang.
    ///
    /// Args:
    ///     site (str): `primary` or `secondary` (any case).
    ///     operation (str): An Engine method name, e.g. `attach_storage_domain`.
    ///     calls (int | None, default None): How many of the next calls hang; `None`: every call.
    ///     seconds (float | None, default None): How long each hangs; `None`: forever.
    ///
    /// Raises:
    ///     ConfigurationError: An unknown `site` or `operation`, or a negative `seconds`.
    #[pyo3(signature = (site, operation, *, calls = None, seconds = None))]
    fn hang(
        &self,
        site: &str,
        operation: &str,
        calls: Option<u32>,
        seconds: Option<f64>,
    ) -> Result<()> {
        let operation = operation.to_owned();
        let fault = FaultSpec::Hang {
            operation,
            calls,
            seconds,
        };
        Ok(self.world.inject(values::site(site)?, fault)?)
    }

    /// `site` drops out after `after_calls` more calls to its Engine.
    ///
    /// Args:
    ///     site (str): `primary` or `secondary` (any case).
    ///     after_calls (int): How many more calls the Engine answers first.
    ///     outage (str, default 'disaster'): `disaster` (Engine and hosts, as `disaster`) or
    ///         `engine` (the Engine only, as `engine_outage`).
    ///
    /// Raises:
    ///     ConfigurationError: An unknown `site` or `outage`.
    #[pyo3(signature = (site, after_calls, outage = "disaster"))]
    fn drop_site(&self, site: &str, after_calls: u64, outage: &str) -> Result<()> {
        let outage = outage.to_owned();
        let fault = FaultSpec::Drop {
            after_calls,
            outage,
        };
        Ok(self.world.inject(values::site(site)?, fault)?)
    }

    /// Removes every injected fault of `site` (`fail_next`, `fail_randomly`, `hang`,
    /// `drop_site`).
    ///
    /// Args:
    ///     site (str): `primary` or `secondary` (any case).
    ///
    /// Raises:
    ///     ConfigurationError: `site` is neither `primary` nor `secondary`.
    fn clear_faults(&self, site: &str) -> Result<()> {
        self.world.clear_faults(values::site(site)?);
        Ok(())
    }

    /// How many calls `site`'s Engine has received.
    ///
    /// Args:
    ///     site (str): `primary` or `secondary` (any case).
    ///
    /// Returns:
    ///     int: The number of calls so far.
    ///
    /// Raises:
    ///     ConfigurationError: `site` is neither `primary` nor `secondary`.
    fn calls(&self, site: &str) -> Result<u64> {
        Ok(self.world.calls(values::site(site)?))
    }

    /// An independent copy of the world in its current state.
    fn fork(&self) -> Self {
        Self::wrap(
            self.world.fork(),
            self.mapping_yaml.clone(),
            self.size,
            self.seed,
            self.vms,
            self.latency,
        )
    }

    fn __reduce__(&self) -> PyResult<()> {
        Err(PyTypeError::new_err(
            "a World holds live state and CHAP passwords and cannot be pickled; build it again from its size and seed",
        ))
    }

    fn __repr__(&self) -> String {
        format!(
            "<World {} seed={} vms={} latency={}>",
            self.size.as_str(),
            self.seed,
            self.world.facts().vms.len(),
            self.latency.as_str()
        )
    }
}
