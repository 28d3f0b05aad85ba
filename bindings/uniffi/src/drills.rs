//! Drills, as `olvm-dr drill start | end | failback | full` runs them: the discreet failover
//! test ([`FlowContext::drill_start`], then [`FlowContext::drill_end`]), its return on dedicated
//! test domains ([`FlowContext::drill_failback`]), and the full failover and failback test
//! ([`FlowContext::drill_full`]). Every run is journaled and reported as a drill
//! (`Report.drill`); the context's state directory links a drill's start to its end and return.

use std::sync::Arc;

use olvm_dr_core::flow::options;
use olvm_dr_core::flow::{FullDrillLeg, Resume};

use crate::callbacks::{ProgressListener, StorageGate};
use crate::error::DrError;
use crate::flows::{FlowContext, PlanSummary};
use crate::options::{DrillFailbackOptions, DrillFullOptions, DrillOptions, RunSettings, request};
use crate::report::{Report, Verdict};
use crate::types::Site;
use olvm_dr_core::flow::FlowRequest as Request;

#[uniffi::export]
impl FlowContext {
    /// The plan of a drill on `target`: what `drill_start` with the same options would do.
    ///
    /// # Errors
    /// As `plan_failover`; `Config` for an isolation profile that cannot name one.
    #[uniffi::method(default(options = None))]
    pub fn plan_drill(
        &self,
        target: Site,
        options: Option<DrillOptions>,
    ) -> Result<PlanSummary, DrError> {
        self.plan(request(options, options::Drill::request)?, target)
    }

    /// Starts a drill on `target` (the discreet failover test): waits at the
    /// `split-replication` gate until replication toward `target` is paused and its copies are
    /// writable, then fails over in drill mode while the other site keeps running (its Engine,
    /// when given, is only read). The drill VMs' NICs go where `options.isolation` says
    /// (unplugged by default). Give the context a state directory: `drill_end` and
    /// `drill_failback` read from it what this drill brought up.
    ///
    /// # Errors
    /// As `failover`; `Config` for an isolation profile that cannot name one. Failed steps
    /// are in the report.
    #[uniffi::method(default(options = None, settings = None, listener = None))]
    pub fn drill_start(
        &self,
        target: Site,
        gate: Arc<dyn StorageGate>,
        options: Option<DrillOptions>,
        settings: Option<RunSettings>,
        listener: Option<Arc<dyn ProgressListener>>,
    ) -> Result<Report, DrError> {
        let request = request(options, options::Drill::request)?;
        self.run(request, target, settings, listener, Some(gate))
    }

    /// Ends the last drill on `site`, as the state directory records it: powers off and removes
    /// what it brought up there (its domains go to maintenance without an OVF write, are
    /// detached and removed, never formatted; VMs it registered that are left behind are
    /// removed), then waits at the `resume-replication` gate until replication toward `site`
    /// runs again. Only `site`'s Engine is used. Without a drill in the state directory (or
    /// without one), every mapped domain `site` holds is released.
    ///
    /// # Errors
    /// As `failover`; `State` when the last drill's files cannot be read.
    #[uniffi::method(default(settings = None, listener = None))]
    pub fn drill_end(
        &self,
        site: Site,
        gate: Arc<dyn StorageGate>,
        settings: Option<RunSettings>,
        listener: Option<Arc<dyn ProgressListener>>,
    ) -> Result<Report, DrError> {
        self.run(
            Request::DrillEnd(None),
            site,
            settings,
            listener,
            Some(gate),
        )
    }

    /// Returns a drill's dedicated test domains to `target`, their home site: a failback
    /// restricted to them, marked as a drill, with two gates — `storage-gate` (replication
    /// reversed toward home, home writable), then `restore-replication` (replication in its
    /// normal direction again). `options.domains` defaults to those of the last drill on the
    /// other site in the state directory.
    ///
    /// # Errors
    /// `State` when that drill covered every mapped domain (returning it would first power off
    /// the production VMs at home: end it with `drill_end`, or test everything with
    /// `drill_full`) or when there is no drill to return from; otherwise as `failback`.
    #[uniffi::method(default(options = None, settings = None, listener = None))]
    pub fn drill_failback(
        &self,
        target: Site,
        gate: Arc<dyn StorageGate>,
        options: Option<DrillFailbackOptions>,
        settings: Option<RunSettings>,
        listener: Option<Arc<dyn ProgressListener>>,
    ) -> Result<Report, DrError> {
        let request = request(options, options::DrillFailback::request)?;
        self.run(request, target, settings, listener, Some(gate))
    }

    /// The full failover and failback test: a planned switchover of everything to `target`,
    /// then a failback home ending with the `restore-replication` gate, both reported as a
    /// drill. Returns the reports of the legs this call ran (one or two): the return runs only
    /// after a successful move out, and not with `options.stay`. Unless `settings.new_run`,
    /// the state directory decides where to go on, as `olvm-dr drill full` does: a leg that
    /// succeeded is followed by the other, one that did not runs again (continued when
    /// interrupted). The gate is called with `storage-gate` on `target` (out: the arrays' planned failover), with
    /// `storage-gate` on the home site (the home site writable), then `restore-replication`.
    ///
    /// # Errors
    /// As `switchover` when a leg cannot start; the reports of legs already run are lost
    /// then, but they are in the state directory.
    #[uniffi::method(default(options = None, settings = None, listener = None))]
    pub fn drill_full(
        &self,
        target: Site,
        gate: Arc<dyn StorageGate>,
        options: Option<DrillFullOptions>,
        settings: Option<RunSettings>,
        listener: Option<Arc<dyn ProgressListener>>,
    ) -> Result<Vec<Report>, DrError> {
        let full = options::DrillFull::from(options.unwrap_or_default());
        let settings = settings.unwrap_or_default();
        let mut leg = match settings.resume() {
            Resume::Never => FullDrillLeg::Out,
            _ => self.store.next_full_drill_leg(target),
        };
        let mut reports = Vec::new();
        loop {
            let (request, to) = full.leg(leg, target);
            let report = self.run(
                request,
                to,
                Some(settings.clone()),
                listener.clone(),
                Some(Arc::clone(&gate)),
            )?;
            let ok = report.verdict == Verdict::Success;
            reports.push(report);
            if leg == FullDrillLeg::Out && ok && !full.stay {
                leg = FullDrillLeg::Home;
            } else {
                return Ok(reports);
            }
        }
    }
}
