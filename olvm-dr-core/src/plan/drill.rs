//! Planning drills: rehearsals of a failover while the workload keeps running.
//!
//! A **drill** (the discreet failover test) runs on the site that would take over:
//! 1. a storage gate ([`gates::SPLIT`]): replication toward that site is paused (split) so it
//!    can use its own copies read-write, while the other site keeps running on its volumes;
//! 2. a failover in drill mode: the split-brain guard records that the other site is alive on
//!    purpose and proceeds, and every NIC goes where the isolation choice says, so no drill VM
//!    reaches production networks.
//!
//! A **drill end** undoes it on the drill site only — the other site is never contacted:
//! 1. drill VMs powered off (their data is thrown away anyway), the drill's domains moved to
//!    maintenance without an OVF write, detached and removed (never formatted);
//! 2. VMs the drill registered that the removals left behind (no disks left, or disks only on
//!    direct LUNs) removed, with their direct-LUN disks;
//! 3. a storage gate ([`gates::RESUME`]): replication toward the drill site resumed, its drill
//!    copies overwritten by the resync.

use std::collections::HashSet;

use super::cleanup::{CleanupOptions, cleanup_part};
use super::failover::{
    FailoverOptions, FailoverPartOptions, MappingSource, failover_part, preview_source, seal,
    source_profile_pairs,
};
use super::problems::PlanningError;
use super::{
    Action, NicIsolation, NoteLevel, Phase, Plan, PlanKind, Step, StepId, StopMode, gates,
};
use crate::Site;
use crate::engine::{Engine, Id};

/// Choices for a drill end.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DrillEndOptions {
    /// Only these mapped domains (the drill's own selection); `None` = all.
    pub domains: Option<Vec<String>>,
    /// The VMs the drill registered (id, name): any the removals leave behind is removed too.
    pub drill_vms: Vec<(Id, String)>,
}

/// Makes the plan of a drill on `target` while the other site keeps running. `options.drill`
/// is implied.
///
/// # Errors
/// As [`plan_failover`](super::plan_failover).
pub async fn plan_drill(
    source: MappingSource<'_>,
    target: Site,
    target_engine: &dyn Engine,
    source_engine: Option<&dyn Engine>,
    options: &FailoverOptions,
) -> Result<Plan, PlanningError> {
    let options = FailoverOptions {
        drill: true,
        ..options.clone()
    };
    let other = target.other();
    // The source is alive in a drill: a selection that splits its VMs is refused before
    // anything changes (on a dark source, the registrations skip such VMs instead).
    if let Some(engine) = source_engine
        && let Ok(splits) =
            super::selection::split_vms(source.mapping, other, engine, options.domains.as_deref())
                .await
        && let Some(problem) = super::selection::split_problem(&splits, other)
    {
        return Err(PlanningError::Problems(vec![problem]));
    }
    let source_pairs = match (&options.isolation, source_engine) {
        (NicIsolation::None, _) | (_, None) => Vec::new(),
        (_, Some(engine)) => source_profile_pairs(engine).await,
    };
    let gate = StepId::from(gates::SPLIT);
    let description = format!(
        "replication toward the {target} site paused (split) and its copies read-write; the {other} site keeps running on its own volumes"
    );
    let part = failover_part(
        source,
        target,
        target_engine,
        &options,
        &FailoverPartOptions {
            after: vec![gate.clone()],
            source_pairs,
            ..FailoverPartOptions::default()
        },
    )
    .await?;
    let mut plan = Plan::new(PlanKind::Failover, target, source.sha256);
    plan.drill = true;
    plan.domains = options.domains.clone();
    plan.isolation = part.isolation;
    plan.note(
        NoteLevel::Info,
        format!(
            "drill: the {other} site keeps running and is only read; `olvm-dr drill end --site {target}` removes what this drill brings up"
        ),
    );
    if options.isolation == NicIsolation::None {
        plan.note(
            NoteLevel::Warning,
            "drill VMs keep the mapped networks: while the production VMs run, their copies can reach the same systems \
             (mail, monitoring, systems that manage other systems); use --isolate unplugged or --isolate profile=NAME \
             unless those networks are isolated",
        );
    }
    plan.notes.extend(part.notes);
    plan.registration = part.registration;
    plan.start = part.start;
    plan.recovery = part.recovery;
    plan.steps.push(Step::new(
        gate,
        target,
        Phase::StorageGate,
        Action::StorageGate {
            description: description.clone(),
        },
        format!("wait until {description}"),
    ));
    plan.steps.extend(part.steps);
    if let Some(engine) = source_engine {
        if let Some(preview) = preview_source(engine, &part.source_domains).await {
            plan.notes.push(preview);
        }
        super::failover::record_source(&mut plan, engine).await;
    }
    seal(&mut plan)?;
    Ok(plan)
}

/// Makes the plan that ends a drill on `site`; only `site` is read and changed.
///
/// # Errors
/// [`PlanningError`] when the site cannot be read or a selected domain is not in the mapping.
pub async fn plan_drill_end(
    source: MappingSource<'_>,
    site: Site,
    engine: &dyn Engine,
    options: &DrillEndOptions,
) -> Result<Plan, PlanningError> {
    let cleanup = CleanupOptions {
        stop: StopMode::PowerOff,
        remove_orphans: true,
        force_remove: true,
        domains: options.domains.clone(),
        stale: true,
    };
    let part = cleanup_part(source, site, engine, &cleanup, &[]).await?;
    let mut plan = Plan::new(PlanKind::Cleanup, site, source.sha256);
    plan.drill = true;
    plan.domains = options.domains.clone();
    plan.notes = part.notes;
    plan.steps = part.steps;
    let mut ends = part.ends;

    // Drill VMs the domains' removal does not take along: still registered now, and not
    // handled by the cleanup's own steps.
    let planned: HashSet<StepId> = plan.steps.iter().map(|s| s.id.clone()).collect();
    let prefix = site.as_str();
    let removals: Vec<StepId> = ends.clone();
    let mut left = Vec::new();
    for (vm, name) in &options.drill_vms {
        let remove = StepId::of([prefix, "remove-vm", &vm.to_string()]);
        if planned.contains(&remove) {
            continue;
        }
        let current = match engine.vm(*vm).await {
            Ok(v) => v,
            Err(e) if e.kind == crate::engine::ErrorKind::NotFound => continue,
            Err(error) => return Err(PlanningError::Engine { site, error }),
        };
        let stop = StepId::of([prefix, "stop-vm", &vm.to_string()]);
        let mut step = Step::new(
            remove.clone(),
            site,
            Phase::Orphans,
            Action::RemoveVm {
                vm: *vm,
                name: name.clone(),
            },
            format!("remove drill VM '{name}' if the removed domains left it without disks"),
        )
        .after_finished(removals.iter().cloned());
        if !planned.contains(&stop) && current.status != crate::engine::VmStatus::Down {
            plan.steps.push(Step::new(
                stop.clone(),
                site,
                Phase::Shutdown,
                Action::ShutdownVm {
                    vm: *vm,
                    name: name.clone(),
                    mode: StopMode::PowerOff,
                },
                format!(
                    "power off drill VM '{name}' on the {site} site (now {})",
                    current.status
                ),
            ));
            step = step.after([stop]);
        }
        plan.steps.push(step);
        left.push(remove);
    }
    ends.extend(left);

    let description = format!(
        "replication toward the {site} site resumed: a resync from the {} site overwrites its drill copies",
        site.other()
    );
    plan.steps.push(
        Step::new(
            StepId::from(gates::RESUME),
            site,
            Phase::StorageGate,
            Action::StorageGate {
                description: description.clone(),
            },
            format!("wait until {description}"),
        )
        .after(ends),
    );
    seal(&mut plan)?;
    Ok(plan)
}
