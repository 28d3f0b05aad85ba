//! Drills from the flow's side: start one, find what the last one brought up, end it, and
//! return a drill's dedicated domains to their home site.

use crate::Site;
use crate::engine::Id;
use crate::plan::{
    Action, DrillEndOptions, FailoverOptions, PlanKind, ReturnOptions, plan_drill, plan_drill_end,
    plan_failback,
};
use crate::report::StepOutcome;

use super::{FlowContext, FlowError, PreparedRun, Resume, RunStore};

/// What a drill brought up on a site, read from its run in the state directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrillRecord {
    /// The drill's run.
    pub run_id: String,
    /// The site it ran on.
    pub site: Site,
    /// The mapped domains it was restricted to (`None`: all).
    pub domains: Option<Vec<String>>,
    /// The VMs it registered (id, name), as its journal records them.
    pub vms: Vec<(Id, String)>,
    /// `true` when the drill run ended (successfully or not); `false` when it was interrupted.
    pub finished: bool,
}

impl RunStore {
    /// The newest drill on `site` (a drill-mode failover to it), if the state directory has
    /// one.
    ///
    /// # Errors
    /// [`FlowError`] when its plan cannot be read.
    pub fn last_drill(&self, site: Site) -> Result<Option<DrillRecord>, FlowError> {
        for run in self.runs().into_iter().rev() {
            let Some(state) = run.state() else { continue };
            if !(state.drill && state.kind == PlanKind::Failover && state.target == site) {
                continue;
            }
            let plan = self.plan_of(&run)?;
            let steps = plan.steps.iter().chain(state.added.iter().map(|(_, s)| s));
            let vms = steps
                .filter_map(|step| match &step.action {
                    Action::RegisterVm { vm, .. }
                        if state
                            .results
                            .get(&step.id)
                            .is_some_and(|r| r.outcome == StepOutcome::Done) =>
                    {
                        Some((vm.id, vm.name.clone()))
                    }
                    _ => None,
                })
                .collect();
            return Ok(Some(DrillRecord {
                run_id: run.id.clone(),
                site,
                domains: plan.domains.clone(),
                vms,
                finished: state.finished.is_some(),
            }));
        }
        Ok(None)
    }
}

impl FlowContext {
    /// A drill on `target` (the discreet failover test): split replication, then a drill-mode
    /// failover while the other site keeps running. The other site's Engine, when given, is
    /// only read (the guard's evidence and the isolation's profiles).
    ///
    /// # Errors
    /// As [`FlowContext::prepare_failover`].
    pub async fn prepare_drill(
        &self,
        target: Site,
        options: &FailoverOptions,
        store: &RunStore,
        resume: &Resume,
    ) -> Result<PreparedRun, FlowError> {
        let target_engine = self.engine(target)?;
        let other = self.engines.get(&target.other()).map(|e| &**e);
        self.prepare(
            PlanKind::Failover,
            target,
            true,
            store,
            resume,
            plan_drill(self.source(), target, target_engine, other, options),
        )
        .await
    }

    /// The end of the drill on `site`: only `site`'s Engine is used. `options` say which
    /// domains and VMs; [`FlowContext::drill_end_options`] reads them from the last drill.
    ///
    /// # Errors
    /// As [`FlowContext::prepare_failover`].
    pub async fn prepare_drill_end(
        &self,
        site: Site,
        options: &DrillEndOptions,
        store: &RunStore,
        resume: &Resume,
    ) -> Result<PreparedRun, FlowError> {
        let engine = self.engine(site)?;
        self.prepare(
            PlanKind::Cleanup,
            site,
            true,
            store,
            resume,
            plan_drill_end(self.source(), site, engine, options),
        )
        .await
    }

    /// What ending the last drill on `site` covers: its domains and the VMs it registered.
    /// With no drill in the state directory: every mapped domain, no extra VMs.
    ///
    /// # Errors
    /// As [`RunStore::last_drill`].
    pub fn drill_end_options(
        &self,
        site: Site,
        store: &RunStore,
    ) -> Result<(DrillEndOptions, Option<DrillRecord>), FlowError> {
        let last = store.last_drill(site)?;
        let options = match &last {
            Some(d) => DrillEndOptions {
                domains: d.domains.clone(),
                drill_vms: d.vms.clone(),
            },
            None => DrillEndOptions::default(),
        };
        Ok((options, last))
    }

    /// The return of a drill's dedicated domains to `target` (their home site): a failback
    /// restricted to them, marked as a drill, ending with the gate that restores replication.
    /// Without a domain selection in `options`, the domains of the last drill on the other site
    /// are taken — and a drill that covered every mapped domain is refused: failing it back
    /// would first power off the production VMs still running at home.
    ///
    /// # Errors
    /// [`FlowError::Drill`] as said above or when there is no drill to return from; otherwise
    /// as [`FlowContext::prepare_failover`].
    pub async fn prepare_drill_return(
        &self,
        target: Site,
        options: &ReturnOptions,
        store: &RunStore,
        resume: &Resume,
    ) -> Result<PreparedRun, FlowError> {
        let mut options = ReturnOptions {
            drill: true,
            restore_replication: true,
            ..options.clone()
        };
        let drill_site = target.other();
        if options.failover.domains.is_none() {
            let domains = match store.last_drill(drill_site)? {
                Some(DrillRecord {
                    domains: Some(d), ..
                }) => d,
                Some(d) => {
                    return Err(FlowError::Drill(format!(
                        "drill {} on the {drill_site} site covered every mapped domain: returning it would power off the \
                         production VMs on the {target} site. A drill failback is for dedicated test domains (drill start \
                         --domains); end this drill with `olvm-dr drill end`, or test everything with `olvm-dr drill full`",
                        d.run_id
                    )));
                }
                None => {
                    return Err(FlowError::Drill(format!(
                        "no drill on the {drill_site} site in {}: start one with `olvm-dr drill start --domains ...`, or name the domains with --domains",
                        store
                            .root()
                            .map_or_else(|| "memory".to_owned(), |r| r.display().to_string())
                    )));
                }
            };
            options.failover.domains = Some(domains);
        }
        if options.cleanup.domains.is_none() {
            options.cleanup.domains = options.failover.domains.clone();
        }
        let (t, c) = (self.engine(target)?, self.engine(target.other())?);
        self.prepare(
            PlanKind::Failback,
            target,
            true,
            store,
            resume,
            plan_failback(self.source(), target, t, c, &options),
        )
        .await
    }
}
