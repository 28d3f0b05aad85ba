//! Planning a failback and a planned switchover: release the domains on one site, wait at the
//! storage gate, and fail over to the other site, starting the VMs that were running.
//!
//! A **failback** returns to the site that failed. Its plan, in order:
//! 1. clean the returning site: it still believes it runs the old domains (its VMs are powered
//!    off, its domains removed from its Engine — from the database only where a normal removal
//!    is impossible, since its storage is now a read-only replica);
//! 2. record the VMs running at the current site (kept in the journal, reused on resume);
//! 3. clean the current site: shut its VMs down (power-off at the deadline), write the OVF
//!    stores, deactivate, detach and remove the domains;
//! 4. the storage gate: replication is reversed or resynchronised and the returning site's
//!    storage made writable (outside olvm-dr: a prompt, a command or a file says when);
//! 5. fail over to the returning site and start the recorded VMs (high-available first).
//!
//! A **switchover** moves a running workload with both sites up and no data loss: it records the
//! running VMs, shuts them down gracefully (never a power-off unless asked), writes the OVF
//! stores, releases the domains, waits at the storage gate (arrays make the old side read-only)
//! and fails over, starting what was running.

use super::cleanup::{CleanupOptions, cleanup_part};
use super::failover::{FailoverOptions, FailoverPartOptions, MappingSource, failover_part, seal};
use super::problems::PlanningError;
use super::{Action, DomainRef, Phase, Plan, PlanKind, Step, StepId, StopMode};
use crate::Site;
use crate::engine::Engine;
use crate::mapping::ImportStorage;

/// The id of the step recording the running VMs.
pub(crate) const RECORD_RUNNING: &str = "record-running-vms";

/// Choices for a failback or a switchover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnOptions {
    /// How the failover part runs (its `start_vms` applies to the recorded VMs).
    pub failover: FailoverOptions,
    /// How the current site's domains are released.
    pub cleanup: CleanupOptions,
    /// Failback only: clean the returning site first (the `ovirt-dr failback` behaviour).
    /// Default `true`.
    pub clean_returning_site: bool,
    /// A leg of a drill: reports and journals say so. Unlike [`FailoverOptions::drill`] it
    /// leaves the split-brain guard strict, since the plan itself releases the other site
    /// first. Default `false`.
    pub drill: bool,
    /// End with a storage gate ([`gates::RESTORE`](super::gates::RESTORE)) that waits until
    /// replication runs again from the target toward the other site (the end of a drill that
    /// returned to its home site). Default `false`.
    pub restore_replication: bool,
}

impl ReturnOptions {
    /// The defaults of a failback: power-off at the shutdown deadline, returning site cleaned.
    pub fn failback() -> Self {
        Self {
            failover: FailoverOptions::default(),
            cleanup: CleanupOptions::default(),
            clean_returning_site: true,
            drill: false,
            restore_replication: false,
        }
    }

    /// The defaults of a switchover: graceful shutdown only.
    pub fn switchover() -> Self {
        Self {
            failover: FailoverOptions::default(),
            cleanup: CleanupOptions {
                stop: StopMode::Graceful,
                ..CleanupOptions::default()
            },
            clean_returning_site: false,
            drill: false,
            restore_replication: false,
        }
    }
}

/// The mapped domains as `site` names them.
fn domains_on(source: &MappingSource<'_>, site: Site) -> Vec<DomainRef> {
    source
        .mapping
        .storages()
        .iter()
        .map(|s: &ImportStorage| DomainRef {
            id: s.domain_id().and_then(|f| f.get().copied()),
            name: s.name(site).get().cloned().unwrap_or_default(),
            storage_type: s.storage_type(),
        })
        .collect()
}

/// Makes the plan of a failback to `target` (the returning site) from the other site.
///
/// # Errors
/// [`PlanningError`] when a site cannot be read or the mapping does not fit.
pub async fn plan_failback(
    source: MappingSource<'_>,
    target: Site,
    target_engine: &dyn Engine,
    current_engine: &dyn Engine,
    options: &ReturnOptions,
) -> Result<Plan, PlanningError> {
    compose(
        PlanKind::Failback,
        source,
        target,
        target_engine,
        current_engine,
        options,
    )
    .await
}

/// Makes the plan of a planned switchover to `target` from the other site (both up).
///
/// # Errors
/// [`PlanningError`] when a site cannot be read or the mapping does not fit.
pub async fn plan_switchover(
    source: MappingSource<'_>,
    target: Site,
    target_engine: &dyn Engine,
    current_engine: &dyn Engine,
    options: &ReturnOptions,
) -> Result<Plan, PlanningError> {
    compose(
        PlanKind::Switchover,
        source,
        target,
        target_engine,
        current_engine,
        options,
    )
    .await
}

async fn compose(
    kind: PlanKind,
    source: MappingSource<'_>,
    target: Site,
    target_engine: &dyn Engine,
    current_engine: &dyn Engine,
    options: &ReturnOptions,
) -> Result<Plan, PlanningError> {
    let current = target.other();
    let mut plan = Plan::new(kind, target, source.sha256);
    let mut gate_after: Vec<StepId> = Vec::new();

    // A VM with a direct LUN (or a disk on an unmapped domain) outlives the removal of its
    // domains, minus their disks (`Remove_Entities_From_storage_domain`, ovirt-engine
    // `storages_sp.sql`). Its workload moves to the other site and comes back from the OVF
    // stores, where a stale record with the same id would keep the registration from bringing
    // the disks back: such records are removed with the domains (never a disk with an image).
    let release = CleanupOptions {
        remove_orphans: true,
        ..options.cleanup.clone()
    };
    if kind == PlanKind::Failback && options.clean_returning_site {
        let stale = CleanupOptions {
            stale: true,
            ..release.clone()
        };
        let part = cleanup_part(source, target, target_engine, &stale, &[]).await?;
        plan.notes.extend(part.notes);
        plan.steps.extend(part.steps);
        gate_after.extend(part.ends);
    }

    let record = StepId::from(RECORD_RUNNING);
    plan.steps.push(Step::new(
        record.clone(),
        current,
        Phase::Preflight,
        Action::RecordRunningVms { domains: domains_on(&source, current) },
        format!("record the VMs running on the mapped domains of the {current} site (they are started on the {target} site)"),
    ));
    let part = cleanup_part(
        source,
        current,
        current_engine,
        &release,
        std::slice::from_ref(&record),
    )
    .await?;
    plan.notes.extend(part.notes);
    plan.steps.extend(part.steps);
    gate_after.extend(part.ends);
    gate_after.push(record.clone());

    let source_pairs = match options.failover.isolation {
        super::NicIsolation::None => Vec::new(),
        _ => super::failover::source_profile_pairs(current_engine).await,
    };
    let gate = StepId::from(super::gates::PROMOTE);
    let description = match kind {
        PlanKind::Failback => format!(
            "replication reversed or resynchronised toward the {target} site, and its storage read-write"
        ),
        _ => format!(
            "the {current} site's storage made read-only and the {target} site's read-write (the arrays' planned failover)"
        ),
    };
    plan.steps.push(
        Step::new(
            gate.clone(),
            target,
            Phase::StorageGate,
            Action::StorageGate {
                description: description.clone(),
            },
            format!("wait until {description}"),
        )
        .after(gate_after),
    );

    let part = failover_part(
        source,
        target,
        target_engine,
        &options.failover,
        &FailoverPartOptions {
            after: vec![gate],
            assume_absent: kind == PlanKind::Failback,
            running_from: Some(record),
            source_pairs,
        },
    )
    .await?;
    plan.drill = options.failover.drill || options.drill;
    plan.domains = options
        .failover
        .domains
        .clone()
        .or_else(|| options.cleanup.domains.clone());
    plan.isolation = part.isolation;
    plan.notes.extend(part.notes);
    plan.registration = part.registration;
    plan.start = part.start;
    plan.recovery = part.recovery;
    plan.steps.extend(part.steps);
    super::failover::record_source(&mut plan, current_engine).await;
    if options.restore_replication {
        let everything: Vec<StepId> = plan.steps.iter().map(|s| s.id.clone()).collect();
        let description =
            format!("replication running again from the {target} site toward the {current} site");
        plan.steps.push(
            Step::new(
                StepId::from(super::gates::RESTORE),
                target,
                Phase::StorageGate,
                Action::StorageGate {
                    description: description.clone(),
                },
                format!("wait until {description} (so the next disaster finds replicas)"),
            )
            .after(everything),
        );
    }
    seal(&mut plan)?;
    Ok(plan)
}
