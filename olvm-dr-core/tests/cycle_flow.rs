//! The whole DR cycle on fake worlds: disaster, failover, the primary comes back, failback; a
//! planned switchover and back; the split-brain guard; cleanup blockers.

mod flow_support;

use std::sync::Arc;

use flow_support::{WorldGate, assert_domains_only_on, assert_running_exactly, context};
use olvm_dr_core::Site;
use olvm_dr_core::engine::{Id, StorageType, VmSearch, VmStatus};

use olvm_dr_core::fake::{STORAGE_TYPES, World, WorldBuilder};
use olvm_dr_core::flow::{FlowContext, PreparedRun, Resume, RunOptions, RunStore};
use olvm_dr_core::plan::{CleanupOptions, FailoverOptions, PlanningError, ReturnOptions};
use olvm_dr_core::report::{Report, StepOutcome, Verdict};

async fn failover(ctx: &FlowContext, target: Site, options: &FailoverOptions) -> Report {
    let store = RunStore::in_memory();
    let prepared = ctx
        .prepare_failover(target, options, &store, &Resume::Never)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    prepared
        .execute(ctx, &store, &RunOptions::default())
        .await
        .unwrap()
}

async fn failback(ctx: &FlowContext, world: &World, target: Site, gate: fn(&World)) -> Report {
    let store = RunStore::in_memory();
    let prepared = plan_failback(ctx, &store, target).await;
    run_through(ctx, world, &store, prepared, gate).await
}

/// A failback to `target` planned now (its notes can be read before it runs).
async fn plan_failback(ctx: &FlowContext, store: &RunStore, target: Site) -> PreparedRun {
    ctx.prepare_failback(target, &ReturnOptions::failback(), store, &Resume::Never)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Runs `prepared`, its storage gates passed by `gate` changing the world.
async fn run_through(
    ctx: &FlowContext,
    world: &World,
    store: &RunStore,
    prepared: PreparedRun,
    gate: fn(&World),
) -> Report {
    let options = RunOptions {
        gate: Some(WorldGate::new(world, gate)),
        ..RunOptions::default()
    };
    prepared.execute(ctx, store, &options).await.unwrap()
}

async fn switchover(ctx: &FlowContext, world: &World, target: Site) -> Report {
    let store = RunStore::in_memory();
    let prepared = ctx
        .prepare_switchover(target, &ReturnOptions::switchover(), &store, &Resume::Never)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let options = RunOptions {
        gate: Some(WorldGate::new(world, World::reverse_all_replication)),
        ..RunOptions::default()
    };
    prepared.execute(ctx, &store, &options).await.unwrap()
}

async fn running_on(world: &World, site: Site) -> Vec<Id> {
    let vms = world
        .dyn_engine(site)
        .vms(&VmSearch {
            status: Some(VmStatus::Up),
            ..VmSearch::default()
        })
        .await
        .unwrap();
    vms.into_iter()
        .filter(|v| !v.is_hosted_engine())
        .map(|v| v.id)
        .collect()
}

/// A world with one replicated domain of `storage_type` (and the small preset's VMs on it).
fn world_of(storage_type: StorageType, seed: u64) -> World {
    let mut b = WorldBuilder::small(seed);
    for t in STORAGE_TYPES {
        b = b.domains(t, usize::from(t == storage_type));
    }
    b.build()
}

#[tokio::test(start_paused = true)]
async fn disaster_failover_return_and_failback_for_every_storage_type() {
    for (i, storage_type) in STORAGE_TYPES.into_iter().enumerate() {
        let world = world_of(storage_type, 100 + i as u64);
        let ctx = context(&world, "cycle");
        let was_running = running_on(&world, Site::Primary).await;
        assert!(!was_running.is_empty());

        // Disaster: the primary goes dark, the arrays promote the secondary's replicas.
        world.disaster(Site::Primary);
        world.stop_all_replication();
        let report = failover(&ctx, Site::Secondary, &FailoverOptions::default()).await;
        assert_eq!(
            report.verdict,
            Verdict::Success,
            "{storage_type} failover:\n{}",
            report.render_summary()
        );
        assert_running_exactly(&world, Site::Secondary, &was_running).await;

        // The primary comes back with its stale view; replication now runs toward it.
        world.recover(Site::Primary);
        world.reverse_all_replication();
        let running_now = running_on(&world, Site::Secondary).await;
        let report = failback(
            &ctx,
            &world,
            Site::Primary,
            flow_support::promote_returning_site,
        )
        .await;
        assert_eq!(
            report.verdict,
            Verdict::Success,
            "{storage_type} failback:\n{}",
            report.render_summary()
        );
        assert_running_exactly(&world, Site::Primary, &running_now).await;
        assert_domains_only_on(&world, Site::Primary).await;
        assert!(
            running_on(&world, Site::Secondary).await.is_empty(),
            "nothing runs twice"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_switchover_and_back_loses_nothing() {
    let world = WorldBuilder::small(7).build();
    let ctx = context(&world, "switchover");
    let was_running = running_on(&world, Site::Primary).await;

    let report = switchover(&ctx, &world, Site::Secondary).await;
    assert_eq!(
        report.verdict,
        Verdict::Success,
        "{}",
        report.render_summary()
    );
    assert_running_exactly(&world, Site::Secondary, &was_running).await;
    assert_domains_only_on(&world, Site::Secondary).await;
    let shutdowns: Vec<_> = report
        .steps
        .iter()
        .filter(|s| s.id.0.starts_with("primary/stop-vm/"))
        .collect();
    assert_eq!(
        shutdowns.len(),
        was_running.len(),
        "every running VM was shut down gracefully"
    );

    let report = switchover(&ctx, &world, Site::Primary).await;
    assert_eq!(
        report.verdict,
        Verdict::Success,
        "{}",
        report.render_summary()
    );
    assert_running_exactly(&world, Site::Primary, &was_running).await;
    assert_domains_only_on(&world, Site::Primary).await;
}

#[tokio::test(start_paused = true)]
async fn the_guard_refuses_while_the_source_uses_the_domains_and_records_a_forced_run() {
    let world = WorldBuilder::small(3).build();
    let ctx = context(&world, "split-brain");
    // The primary is alive; someone promoted the replicas anyway.
    world.stop_all_replication();
    let report = failover(&ctx, Site::Secondary, &FailoverOptions::default()).await;
    assert_eq!(
        report.verdict,
        Verdict::Failed,
        "{}\n{:?}",
        report.render_summary(),
        report.facts
    );
    let guard = report
        .steps
        .iter()
        .find(|s| s.id.0 == "guard/split-brain")
        .unwrap();
    assert_eq!(guard.outcome, StepOutcome::Failed);
    assert!(
        guard
            .error
            .as_deref()
            .unwrap()
            .contains("refusing to import"),
        "{:?}",
        guard.error
    );
    assert_eq!(
        report.facts.get("split_brain.decision").map(String::as_str),
        Some("refuse")
    );
    let hint = guard.hint.as_deref().unwrap_or_default();
    assert!(
        hint.contains("--force --reason") && hint.contains("olvm-dr failover --target secondary"),
        "{hint}"
    );
    let secondary = world.dyn_engine(Site::Secondary);
    let known = secondary.storage_domains().await.unwrap();
    assert!(
        world
            .facts()
            .domains
            .iter()
            .all(|d| !known.iter().any(|k| k.id == d.id)),
        "nothing was imported"
    );

    let forced = FailoverOptions {
        force_reason: Some("primary hosts fenced by hand".into()),
        ..FailoverOptions::default()
    };
    let report = failover(&ctx, Site::Secondary, &forced).await;
    assert_eq!(
        report.facts.get("split_brain.decision").map(String::as_str),
        Some("proceed-forced")
    );
    assert_eq!(
        report
            .facts
            .get("split_brain.force_reason")
            .map(String::as_str),
        Some("primary hosts fenced by hand")
    );
    // sanlock does not stop it: the primary's renewals reach only its own copies, so every
    // attach takes the records over after the lease wait, and both sites now write their own
    // copy of every domain. The guard was the only protection; the world records the damage.
    assert!(
        report
            .steps
            .iter()
            .filter(|s| s.id.0.starts_with("attach/"))
            .all(|s| s.outcome == StepOutcome::Done),
        "{}",
        report.render_summary()
    );
    let split: Vec<_> = world.split_brains().into_iter().map(|b| b.domain).collect();
    for d in &world.facts().domains {
        assert!(
            split.contains(&d.id),
            "no split brain recorded for {}",
            d.name
        );
    }
    assert!(report.rto.lease_wait_ms >= 80_000, "{:?}", report.rto);
}

#[tokio::test(start_paused = true)]
async fn cleanup_names_the_vms_that_block_it_and_force_remove_goes_through() {
    let world = WorldBuilder::small(9)
        .delete_protected(1)
        .snapshot_in_preview(1)
        .build();
    let ctx = context(&world, "blockers");
    let store = RunStore::in_memory();
    let err = ctx
        .prepare_cleanup(
            Site::Primary,
            &CleanupOptions::default(),
            &store,
            &Resume::Never,
        )
        .await
        .unwrap_err();
    let olvm_dr_core::flow::FlowError::Planning(p) = err else {
        panic!("{err}")
    };
    let PlanningError::Problems(list) = *p else {
        panic!("{p}")
    };
    assert_eq!(
        list.len(),
        3,
        "one finding per blocked domain and VM: {list:?}"
    );
    let vms: std::collections::BTreeSet<_> = list
        .iter()
        .filter_map(|d| d.location.entity.as_deref()?.split('\'').nth(1))
        .collect();
    assert_eq!(vms.len(), 2, "{vms:?}");
    assert!(list.iter().all(|d| d.code == "DR1203"));
    assert!(
        list.iter()
            .any(|d| d.message.contains("is delete-protected"))
    );
    assert!(
        list.iter()
            .any(|d| d.message.contains("previews a snapshot"))
    );

    let force = CleanupOptions {
        force_remove: true,
        ..CleanupOptions::default()
    };
    let prepared = ctx
        .prepare_cleanup(Site::Primary, &force, &store, &Resume::Never)
        .await
        .unwrap();
    let report = prepared
        .execute(&ctx, &store, &RunOptions::default())
        .await
        .unwrap();
    assert_eq!(
        report.verdict,
        Verdict::Partial,
        "the blocked detaches fail, the removals go through:\n{}",
        report.render_summary()
    );
    let primary = world.dyn_engine(Site::Primary);
    let known = primary.storage_domains().await.unwrap();
    assert!(
        world
            .facts()
            .domains
            .iter()
            .all(|d| !known.iter().any(|k| k.id == d.id)),
        "every mapped domain is gone"
    );
    let _ = Arc::new(());
}

/// The failback's first phase cleans the returning site, which came back to read-only copies:
/// its domains are `unknown`, then `inactive`, and its data centers have no SPM (their masters
/// are read-only replicas), so the Engine can neither move a domain to maintenance nor detach
/// it (`DeactivateStorageDomainCommand`, `DetachStorageDomainFromPoolCommand` are SPM
/// commands). The cleanup, planned right after the recovery, finds that out when it runs,
/// removes them from the Engine's database only (`destroy`,
/// `ForceRemoveStorageDomainCommand`), says so in the plan and the report, and destroys each
/// data center's master after the others: a master that is not the last domain of its pool
/// needs an `active`/`unknown` successor, which the site does not have. Without a hosted
/// engine every data center's master is a replicated domain (with one, its local master
/// would give that data center an SPM and the normal removal).
#[tokio::test(start_paused = true)]
async fn the_failback_destroys_the_returning_sites_domains_without_an_spm_master_last() {
    let world = WorldBuilder::small(11).hosted_engine(false).build();
    let ctx = context(&world, "destroy-fallback");
    let facts = world.facts().clone();
    let names: Vec<&str> = facts.domains.iter().map(|d| d.name.as_str()).collect();
    for want in ["nfs-data1", "fcp-data1", "iscsi-data1"] {
        assert!(names.contains(&want), "{want} not in {names:?}");
    }

    world.disaster(Site::Primary);
    world.stop_all_replication();
    let report = failover(&ctx, Site::Secondary, &FailoverOptions::default()).await;
    assert_eq!(
        report.verdict,
        Verdict::Success,
        "{}",
        report.render_summary()
    );
    let running_now = running_on(&world, Site::Secondary).await;

    // The storage first: the primary comes back to copies it cannot write.
    world.reverse_all_replication();
    world.recover(Site::Primary);
    // Planned at once, while the Engine's monitoring has not heard from the hosts: whether a
    // data center has an SPM is decided when its domains are released.

    // Each removal takes the Engine a while, so the order shows in the steps' times.
    world.set_latency(
        Site::Primary,
        olvm_dr_core::fake::LatencyProfile::instant().with_request(
            olvm_dr_core::fake::Operation::RemoveStorageDomain,
            std::time::Duration::from_secs(2),
        ),
    );

    let store = RunStore::in_memory();
    let prepared = plan_failback(&ctx, &store, Site::Primary).await;
    let warnings: Vec<&str> = prepared
        .plan
        .notes
        .iter()
        .filter(|n| n.level == olvm_dr_core::plan::NoteLevel::Warning)
        .map(|n| n.text.as_str())
        .collect();
    let dcs: std::collections::BTreeSet<&str> = facts
        .domains
        .iter()
        .map(|d| d.primary_dc.name.as_str())
        .collect();
    for dc in &dcs {
        assert!(
            warnings
                .iter()
                .any(|w| w.contains(&format!("data center '{dc}'"))
                    && w.contains("on the primary site")
                    && w.contains("no SPM")
                    && w.contains("database only")),
            "no warning that '{dc}' has no SPM: {warnings:#?}"
        );
    }
    let plan = prepared.plan.clone();
    let gate = flow_support::promote_returning_site;
    let report = run_through(&ctx, &world, &store, prepared, gate).await;
    assert_eq!(
        report.verdict,
        Verdict::Success,
        "{}\n{:#?}",
        report.render_summary(),
        report.facts
    );

    // Every replicated domain of the returning site was forgotten, not detached.
    for d in &facts.domains {
        let fact = report
            .facts
            .get(&format!("cleanup.destroyed.{}", d.name))
            .unwrap_or_else(|| {
                panic!(
                    "no cleanup.destroyed fact for {}: {:#?}",
                    d.name, report.facts
                )
            });
        assert!(fact.contains("database only"), "{fact}");
        let primary_step = |what: &str| {
            report
                .steps
                .iter()
                .find(|s| {
                    s.site == Site::Primary && s.id.0.ends_with(&format!("/{what}/{}", d.name))
                })
                .cloned()
        };
        // Its maintenance and detach found no SPM and left it to the removal.
        for what in ["deactivate", "detach"] {
            let step =
                primary_step(what).unwrap_or_else(|| panic!("no {what} step for {}", d.name));
            assert_eq!(step.outcome, StepOutcome::Done, "{what} {}", d.name);
        }
        let no_spm = report
            .facts
            .get(&format!("cleanup.no_spm.{}", d.primary_dc.name))
            .unwrap_or_else(|| panic!("no cleanup.no_spm fact for {}", d.primary_dc.name));
        assert!(
            no_spm.contains("has no SPM") && no_spm.contains("without maintenance or detach"),
            "{no_spm}"
        );
        let removal = primary_step("remove")
            .unwrap_or_else(|| panic!("no removal of {}:\n{}", d.name, report.render_summary()));
        assert_eq!(removal.outcome, StepOutcome::Done, "{}", d.name);
    }

    // In each data center the master goes last, once the others are gone.
    let remove_of = |name: &str| {
        report
            .steps
            .iter()
            .find(|s| s.site == Site::Primary && s.id.0.ends_with(&format!("/remove/{name}")))
            .unwrap()
    };
    for dc in &dcs {
        let in_dc: Vec<_> = facts
            .domains
            .iter()
            .filter(|d| d.primary_dc.name == *dc)
            .collect();
        let master = in_dc
            .iter()
            .find(|d| d.primary_master)
            .unwrap_or_else(|| panic!("no master in '{dc}'"));
        let master_started = remove_of(&master.name).started_ms.unwrap();
        let master_step = plan
            .steps
            .iter()
            .find(|s| s.id == remove_of(&master.name).id)
            .unwrap();
        for other in in_dc.iter().filter(|d| !d.primary_master) {
            let other_id = &remove_of(&other.name).id;
            assert!(
                master_step.depends_on.contains(other_id)
                    || master_step.waits_for.contains(other_id),
                "the removal of the master {} does not wait for {other_id}",
                master.name
            );
            let o = remove_of(&other.name);
            let other_ended = o.started_ms.unwrap() + o.duration_ms;
            assert!(
                other_ended <= master_started,
                "the master {} of '{dc}' was destroyed (at {master_started} ms) before {} ended (at {other_ended} ms)",
                master.name,
                other.name
            );
        }
    }

    assert_running_exactly(&world, Site::Primary, &running_now).await;
    assert_domains_only_on(&world, Site::Primary).await;
}

/// The same failback planned right after the recovery, on a site whose first data center has
/// its master on local storage (the hosted engine's domain, not replicated): that data center
/// elects an SPM once its hosts report, so its replicated domains are moved to maintenance,
/// detached and removed normally, and only the data center whose master is a read-only replica
/// loses its domains from the database only. Planned while every data center still shows
/// `problematic`, a decision taken then would have destroyed them all.
#[tokio::test(start_paused = true)]
async fn a_returning_data_center_with_a_writable_master_is_released_normally() {
    let world = WorldBuilder::small(11).hosted_engine(true).build();
    let ctx = context(&world, "spm-at-execution");
    let facts = world.facts().clone();
    world.disaster(Site::Primary);
    world.stop_all_replication();
    let report = failover(&ctx, Site::Secondary, &FailoverOptions::default()).await;
    assert_eq!(
        report.verdict,
        Verdict::Success,
        "{}",
        report.render_summary()
    );

    world.reverse_all_replication();
    world.recover(Site::Primary);
    let report = failback(
        &ctx,
        &world,
        Site::Primary,
        flow_support::promote_returning_site,
    )
    .await;
    assert_eq!(
        report.verdict,
        Verdict::Success,
        "{}\n{:#?}",
        report.render_summary(),
        report.facts
    );

    let with_local_master: std::collections::BTreeSet<&str> = facts
        .domains
        .iter()
        .map(|d| d.primary_dc.name.as_str())
        .filter(|dc| {
            !facts
                .domains
                .iter()
                .any(|d| d.primary_dc.name == *dc && d.primary_master)
        })
        .collect();
    assert_eq!(
        with_local_master.len(),
        1,
        "the hosted engine's data center"
    );
    let step = |what: &str, name: &str| {
        report
            .steps
            .iter()
            .find(|s| s.site == Site::Primary && s.id.0.ends_with(&format!("/{what}/{name}")))
            .unwrap_or_else(|| panic!("no {what} step for {name}"))
    };
    for d in &facts.domains {
        let destroyed = report.facts.get(&format!("cleanup.destroyed.{}", d.name));
        let no_spm = report
            .facts
            .get(&format!("cleanup.no_spm.{}", d.primary_dc.name));
        if with_local_master.contains(d.primary_dc.name.as_str()) {
            assert_eq!(
                destroyed, None,
                "{} was removed from the database only",
                d.name
            );
            assert_eq!(
                no_spm, None,
                "{} counted as without an SPM",
                d.primary_dc.name
            );
        } else {
            assert!(
                destroyed.is_some(),
                "{} was not removed from the database only",
                d.name
            );
            assert!(no_spm.is_some(), "{} has no SPM", d.primary_dc.name);
        }
        for what in ["deactivate", "detach", "remove"] {
            assert_eq!(
                step(what, &d.name).outcome,
                StepOutcome::Done,
                "{what} {}",
                d.name
            );
        }
    }
    assert_domains_only_on(&world, Site::Primary).await;
}

/// The primary brought back before its replication was reversed: its hosts find copies they
/// can write, and once they hold the domains' leases the Engine restarts the highly available
/// VMs that ran there (a split brain with the secondary, which the world records: the
/// operator's order, not olvm-dr's). The failback planned right after the recovery saw those
/// VMs down; its cleanup finds them running when it releases their domains and powers them off
/// first, as the Engine refuses to deactivate a domain under running VMs.
#[tokio::test(start_paused = true)]
async fn the_failback_powers_off_vms_the_returning_engine_restarted_after_the_plan() {
    let world = WorldBuilder::small(11).build();
    let ctx = context(&world, "late-starters");
    let facts = world.facts().clone();
    let ha_running: Vec<&str> = facts
        .vms
        .iter()
        .filter(|v| v.ha && v.running)
        .map(|v| v.name.as_str())
        .collect();
    assert!(!ha_running.is_empty(), "the world has running HA VMs");
    world.disaster(Site::Primary);
    world.stop_all_replication();
    let report = failover(&ctx, Site::Secondary, &FailoverOptions::default()).await;
    assert_eq!(
        report.verdict,
        Verdict::Success,
        "{}",
        report.render_summary()
    );

    world.recover(Site::Primary);
    // Planned once the Engine heard from its hosts: the VMs that ran are down, the domains wait
    // for their leases, which the secondary's hosts hold (the lease time), before they are
    // active and the HA VMs restart.
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let planned_down = running_on(&world, Site::Primary).await;
    assert!(
        planned_down.is_empty(),
        "running at plan time: {planned_down:?}"
    );
    let report = failback(
        &ctx,
        &world,
        Site::Primary,
        flow_support::promote_returning_site,
    )
    .await;
    assert!(
        !world.split_brains().is_empty(),
        "the primary came back to writable copies the secondary used"
    );
    assert_eq!(
        report.verdict,
        Verdict::Success,
        "{}",
        report.render_summary()
    );
    // Every HA VM that ran came back up on the primary, through the failback's starts.
    let up = running_on(&world, Site::Primary).await;
    for vm in facts.vms.iter().filter(|v| v.ha && v.running) {
        assert!(
            up.contains(&vm.id),
            "VM {} is not up on the primary",
            vm.name
        );
    }
}
