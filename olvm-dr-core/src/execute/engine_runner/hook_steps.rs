//! The steps of a recovery plan's hooks and manual steps, and where they sit in the chain of
//! its groups (see [`crate::recovery_plan::hooks`] for the order). Their ids:
//! `hook/before-run`, `hook/after-run`, `manual/run`, `hook/group/<G>/before`,
//! `hook/group/<G>/after`, `manual/group/<G>`, `hook/vm/<id>/before-start`,
//! `hook/vm/<id>/after-ready`.

use std::net::IpAddr;

use crate::Site;
use crate::engine::Id;
use crate::plan::source_record::RecordedVm;
use crate::plan::{Action, AddressChange, HookVm, Phase, Step, StepId};
use crate::recovery_plan::{Hook, HookPoint};

/// The id of a hook's step: the plan's (`group` and `vm` `None`), a group's, or a VM's.
pub(crate) fn hook_id(point: HookPoint, group: Option<&str>, vm: Option<Id>) -> StepId {
    let at = point.as_str().replace('_', "-");
    match (vm, group) {
        (Some(id), _) => StepId::of(["hook", "vm", &id.to_string(), &at]),
        (None, Some(g)) => StepId::of(["hook", "group", g, &at]),
        (None, None) => StepId::of(["hook", &at]),
    }
}

/// The id of a manual step: the plan's, or a group's.
pub(crate) fn manual_id(group: Option<&str>) -> StepId {
    match group {
        Some(g) => StepId::of(["manual", "group", g]),
        None => StepId::of(["manual", "run"]),
    }
}

/// Where a hook's step runs and for what.
pub(crate) struct HookAt<'a> {
    /// The site of the run's starts.
    pub(crate) site: Site,
    /// Where in the plan.
    pub(crate) point: HookPoint,
    /// Its group, if any.
    pub(crate) group: Option<&'a str>,
    /// Its VM, if any.
    pub(crate) vm: Option<HookVm>,
}

/// The step running `hook` at `at`, with no dependencies yet.
pub(crate) fn hook_step(at: HookAt<'_>, hook: &Hook) -> Step {
    let id = hook_id(at.point, at.group, at.vm.as_ref().map(|v| v.id));
    let whose = match (&at.vm, at.group) {
        (Some(vm), _) => format!(" of VM '{}'", vm.name),
        (None, Some(g)) => format!(" of group '{g}'"),
        (None, None) => String::new(),
    };
    let phase = match at.point {
        HookPoint::BeforeRun | HookPoint::BeforeGroup | HookPoint::BeforeStart => Phase::Start,
        HookPoint::AfterRun | HookPoint::AfterGroup | HookPoint::AfterReady => Phase::Verify,
    };
    let summary = format!(
        "run hook {}{whose}: {}",
        at.point.as_str(),
        super::hooks::shown(&hook.describe())
    );
    Step::new(
        id,
        at.site,
        phase,
        Action::RunHook {
            point: at.point,
            hook: hook.clone(),
            group: at.group.map(str::to_owned),
            vm: at.vm,
        },
        summary,
    )
}

/// Appends the step of `hook` (when there is one) after `previous` and returns the new end of
/// the chain.
pub(crate) fn chain_hook(
    steps: &mut Vec<Step>,
    previous: Option<StepId>,
    at: HookAt<'_>,
    hook: Option<&Hook>,
) -> Option<StepId> {
    let Some(hook) = hook else {
        return previous;
    };
    let step = hook_step(at, hook).after(previous);
    let id = step.id.clone();
    steps.push(step);
    Some(id)
}

/// Appends the manual step `question` (when there is one) of `group` (or of the plan) after
/// `previous` and returns the new end of the chain.
pub(crate) fn chain_manual(
    steps: &mut Vec<Step>,
    previous: Option<StepId>,
    site: Site,
    group: Option<&str>,
    question: Option<&String>,
) -> Option<StepId> {
    let Some(question) = question else {
        return previous;
    };
    let whose = group.map_or_else(String::new, |g| format!(" before group '{g}'"));
    let step = Step::new(
        manual_id(group),
        site,
        Phase::Start,
        Action::ManualStep {
            question: question.clone(),
            group: group.map(str::to_owned),
        },
        format!("manual step{whose}: {question}"),
    )
    .after(previous);
    let id = step.id.clone();
    steps.push(step);
    Some(id)
}

/// The VM as its hooks see it: its source addresses and those it gets (`changes` applied).
pub(crate) fn hook_vm(
    id: Id,
    name: &str,
    record: Option<&RecordedVm>,
    changes: &[AddressChange],
) -> HookVm {
    let addresses: Vec<IpAddr> = record
        .map(|r| r.addresses.iter().flat_map(|a| a.ips.clone()).collect())
        .unwrap_or_default();
    let new_addresses = addresses
        .iter()
        .map(|ip| changes.iter().find(|c| c.old == *ip).map_or(*ip, |c| c.new))
        .collect();
    HookVm {
        id,
        name: name.to_owned(),
        addresses,
        new_addresses,
    }
}
