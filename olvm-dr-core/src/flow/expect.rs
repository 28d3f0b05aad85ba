//! What a stored run says its target should hold now, for verifying the site later.

use crate::Site;
use crate::plan::{Action, PlanKind};
use crate::report::StepOutcome;
use crate::verify::Expectations;

use super::{FlowError, RunStore};

/// A run's expectations of its target site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunExpectations {
    /// The run.
    pub run_id: String,
    /// Its flow.
    pub kind: PlanKind,
    /// A drill.
    pub drill: bool,
    /// The site it brought the workload to.
    pub target: Site,
    /// What must be true there: the VMs it started are up, NICs as its isolation says, only the
    /// domains it was restricted to.
    pub expect: Expectations,
}

impl RunStore {
    /// The newest run that brought a workload to `site` (a failover, failback or switchover,
    /// drills included).
    pub fn last_run_to(&self, site: Site) -> Option<String> {
        self.runs().into_iter().rev().find_map(|r| {
            let s = r.state()?;
            (s.target == site
                && matches!(
                    s.kind,
                    PlanKind::Failover | PlanKind::Failback | PlanKind::Switchover
                ))
            .then(|| r.id.clone())
        })
    }

    /// What run `run_id` expects of its target, from its plan and journal (so an interrupted
    /// run works too).
    ///
    /// # Errors
    /// [`FlowError`] when there is no state directory, no such run, or its files cannot be read.
    pub fn expectations(&self, run_id: &str) -> Result<RunExpectations, FlowError> {
        let run = self
            .runs()
            .into_iter()
            .find(|r| r.id == run_id)
            .ok_or_else(|| match self.root() {
                Some(root) => {
                    FlowError::Resume(format!("there is no run {run_id} in {}", root.display()))
                }
                None => FlowError::Resume("no state directory is in use".into()),
            })?;
        let plan = self.plan_of(&run)?;
        let state = run
            .state()
            .ok_or_else(|| FlowError::Resume(format!("run {run_id} has no journal")))?;
        let started = plan
            .steps
            .iter()
            .chain(state.added.iter().map(|(_, s)| s))
            .filter(|s| s.site == plan.target)
            .filter_map(|s| match &s.action {
                Action::StartVm { vm, .. }
                    if state.results.get(&s.id).is_some_and(|r| {
                        matches!(r.outcome, StepOutcome::Done | StepOutcome::AlreadyDone)
                    }) =>
                {
                    Some(*vm)
                }
                _ => None,
            })
            .collect();
        Ok(RunExpectations {
            run_id: run.id.clone(),
            kind: plan.kind,
            drill: plan.drill,
            target: plan.target,
            expect: Expectations {
                running: started,
                isolation: plan.isolation.clone(),
                domains: plan.domains.clone(),
                vms: registered_vms(
                    plan.target,
                    plan.steps.iter().chain(state.added.iter().map(|(_, s)| s)),
                ),
                left_unregistered: skipped_vms(
                    plan.target,
                    plan.steps.iter().chain(state.added.iter().map(|(_, s)| s)),
                ),
            },
        })
    }
}

/// The VMs the registration steps among `steps` bring to `target`, with what their source
/// recorded of them.
pub(crate) fn registered_vms<'a>(
    target: Site,
    steps: impl Iterator<Item = &'a crate::plan::Step>,
) -> std::collections::BTreeMap<crate::engine::Id, crate::plan::DiscoveredVm> {
    steps
        .filter(|s| s.site == target && !matches!(s.planned, crate::plan::Planned::Skipped { .. }))
        .filter_map(|s| match &s.action {
            Action::RegisterVm { vm } => Some((vm.id, vm.clone())),
            _ => None,
        })
        .collect()
}

/// The VMs whose registration steps among `steps` were planned as skipped.
pub(crate) fn skipped_vms<'a>(
    target: Site,
    steps: impl Iterator<Item = &'a crate::plan::Step>,
) -> std::collections::BTreeSet<crate::engine::Id> {
    steps
        .filter(|s| s.site == target && matches!(s.planned, crate::plan::Planned::Skipped { .. }))
        .filter_map(|s| match &s.action {
            Action::RegisterVm { vm } => Some(vm.id),
            _ => None,
        })
        .collect()
}
