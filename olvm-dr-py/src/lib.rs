//! The `olvm_dr._olvm_dr` extension module: the olvm-dr core for Python.
//!
//! This file only declares the module; each concern has its file: [`errors`] (the Python
//! exceptions), [`runtime`] (the shared tokio runtime, GIL release, Ctrl-C), [`mapping`] and
//! [`mapping_view`] (the mapping file), [`validate`], [`generate`], [`engines`], [`flows`]
//! (the flows and drills, from the core's options tables) and [`flow_run`] (what they share), [`verify`],
//! [`ovf_age`] and [`ovf_update`] (OVF store ages, forced updates), [`plan`], [`report`],
//! [`progress`] (the progress callback), [`gate`] (storage gates), [`testing`] and
//! [`simulator`] (`olvm_dr.testing`). Everything goes
//! through the core's public API; the Python package (`python/olvm_dr`) re-exports it with
//! type stubs.

mod diagnostic;
mod engines;
mod errors;
mod flow_run;
mod flows;
mod gate;
mod generate;
mod mapping;
mod mapping_view;
mod ovf_age;
mod ovf_update;
mod plan;
mod progress;
mod report;
mod runtime;
mod simulator;
mod stored_runs;
mod testing;
mod testing_nics;
mod validate;
mod values;
mod verify;

use pyo3::prelude::*;

/// The compiled part of `olvm_dr`; import `olvm_dr` (and `olvm_dr.testing`) instead.
#[pymodule]
fn _olvm_dr(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add(
        "DEFAULT_CONCURRENCY",
        olvm_dr_core::engine::DEFAULT_CONCURRENCY,
    )?;
    m.add_class::<mapping::PyMapping>()?;
    m.add_class::<engines::PyEngine>()?;
    m.add_class::<engines::PyRestEngine>()?;
    m.add_class::<plan::PyPlan>()?;
    m.add_class::<report::PyReport>()?;
    m.add_class::<testing::PyWorld>()?;
    m.add_class::<testing::PyFakeEngine>()?;
    m.add_class::<simulator::PySimulator>()?;
    m.add_function(wrap_pyfunction!(validate::validate, m)?)?;
    m.add_function(wrap_pyfunction!(generate::generate, m)?)?;
    m.add_function(wrap_pyfunction!(flows::_flow_options, m)?)?;
    m.add_function(wrap_pyfunction!(flows::_plan_flow, m)?)?;
    m.add_function(wrap_pyfunction!(flows::_run_flow, m)?)?;
    m.add_function(wrap_pyfunction!(flows::_drill_full, m)?)?;
    m.add_function(wrap_pyfunction!(verify::verify, m)?)?;
    m.add_function(wrap_pyfunction!(ovf_age::ovf_freshness, m)?)?;
    m.add_function(wrap_pyfunction!(ovf_update::ovf_update, m)?)?;
    m.add_function(wrap_pyfunction!(simulator::start_simulator, m)?)?;
    m.add_function(wrap_pyfunction!(stored_runs::run_ids, m)?)?;
    m.add_function(wrap_pyfunction!(stored_runs::load_report, m)?)?;
    Ok(())
}
