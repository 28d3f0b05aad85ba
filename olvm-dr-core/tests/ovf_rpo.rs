//! The metadata recovery point on the fake world: the online validation warns about a source
//! domain whose OVF store is old, `update_ovf_stores` writes the stores (waiting for the
//! Engine's jobs), and the warning is gone.

mod dr_support;

use std::time::Duration;

use dr_support::{completed_mapping, online, show, with_code};
use olvm_dr_core::engine::{EngineError, ErrorKind, VmSearch, VmStatus};
use olvm_dr_core::fake::{Operation, World, WorldBuilder};
use olvm_dr_core::ovf::{
    ClockSource, Freshness, UpdateOptions, UpdateOutcome, read_site, update_ovf_stores,
};
use olvm_dr_core::validate::{OnlineOptions, codes};
use olvm_dr_core::{Severity, Site};

const HOUR: Duration = Duration::from_secs(3600);

fn warnings(d: &[olvm_dr_core::Diagnostic]) -> Vec<&olvm_dr_core::Diagnostic> {
    with_code(d, codes::OVF_STORE_AGE)
        .into_iter()
        .filter(|f| f.severity == Severity::Warning)
        .collect()
}

async fn world() -> (World, olvm_dr_core::mapping::Mapping) {
    let world = WorldBuilder::small(3).build();
    let (m, _) = completed_mapping(&world).await;
    (world, m)
}

#[tokio::test]
async fn a_stale_store_warns_until_the_stores_are_updated() {
    let (world, m) = world().await;
    let options = OnlineOptions::default();
    let d = online(&world, &m, &options).await;
    assert!(warnings(&d).is_empty(), "{}", show(&d));
    // A fresh world: every mapped domain's age is told, measured by the Engine's clock.
    let infos = with_code(&d, codes::OVF_STORE_AGE);
    assert_eq!(infos.len(), world.facts().domains.len(), "{}", show(&d));
    for f in &infos {
        assert_eq!(f.severity, Severity::Info);
        assert_eq!(f.location.site, Some(Site::Primary));
        assert!(f.message.contains("by the Engine's clock"), "{f}");
    }

    let stale = &world.facts().domains[0];
    assert!(world.age_ovf_store(Site::Primary, stale.id, 2 * HOUR));
    let d = online(&world, &m, &options).await;
    let w = warnings(&d);
    assert_eq!(w.len(), 1, "{}", show(&d));
    assert_eq!(w[0].location.site, Some(Site::Primary));
    assert_eq!(
        w[0].location.entity.as_deref(),
        Some(format!("storage domain '{}'", stale.name).as_str())
    );
    assert!(w[0].location.line.is_some_and(|l| l > 0), "{}", w[0]);
    assert!(w[0].message.contains("last written 2h ago"), "{}", w[0]);
    assert!(
        w[0].hint
            .as_deref()
            .is_some_and(|h| h.contains("olvm-dr ovf-update --site primary")),
        "{:?}",
        w[0].hint
    );
    // A higher limit accepts it.
    let lenient = OnlineOptions {
        max_ovf_age: 3 * HOUR,
        ..options
    };
    assert!(warnings(&online(&world, &m, &lenient).await).is_empty());

    let engine = world.dyn_engine(Site::Primary);
    // Nothing changed since the store's last write: the Engine has nothing to update, the
    // store stays 2 hours old, and the report says so instead of claiming a write.
    let report = update_ovf_stores(
        engine.as_ref(),
        &m,
        Site::Primary,
        &UpdateOptions::default(),
    )
    .await
    .expect("the primary answers");
    assert!(report.all_updated(), "{report:#?}");
    let u = report
        .domains
        .iter()
        .find(|u| u.domain == Some(stale.id))
        .expect("the stale domain");
    assert!(matches!(
        u.outcome,
        UpdateOutcome::Unchanged { job: Some(_), .. }
    ));
    assert!(u.after.as_ref().and_then(Freshness::age) >= Some(2 * HOUR));
    assert_eq!(warnings(&online(&world, &m, &options).await).len(), 1);

    // A VM on it stopped through the Engine is a change: the next update writes the store.
    let vm = world
        .facts()
        .vms
        .iter()
        .find(|v| v.running && v.domains.contains(&stale.id))
        .expect("a running VM on the stale domain");
    engine.stop_vm(vm.id).await.unwrap();
    let calls = world.calls(Site::Primary);
    let report = update_ovf_stores(
        engine.as_ref(),
        &m,
        Site::Primary,
        &UpdateOptions::default(),
    )
    .await
    .expect("the primary answers");
    assert!(report.all_updated(), "{report:#?}");
    assert_eq!(report.clock, ClockSource::Engine);
    assert_eq!(report.domains.len(), world.facts().domains.len());
    let u = report
        .domains
        .iter()
        .find(|u| u.domain == Some(stale.id))
        .expect("the stale domain");
    assert!(matches!(
        u.outcome,
        UpdateOutcome::Updated { job: Some(_), .. }
    ));
    assert!(u.before.as_ref().and_then(Freshness::age) >= Some(2 * HOUR));
    assert!(u.after.as_ref().and_then(Freshness::age) < Some(Duration::from_secs(60)));
    // Per domain: the status, the age before, the update, its job, the Engine's time, the age
    // after; plus the time and the listing at the start.
    let per_domain = 6;
    assert!(
        world.calls(Site::Primary) - calls <= 2 + per_domain * report.domains.len() as u64,
        "{} calls",
        world.calls(Site::Primary) - calls
    );

    let d = online(&world, &m, &options).await;
    assert!(warnings(&d).is_empty(), "{}", show(&d));
}

#[tokio::test]
async fn the_guard_looks_at_the_source_of_the_validated_direction() {
    let (world, m) = world().await;
    let stale = &world.facts().domains[0];
    assert!(world.age_ovf_store(Site::Primary, stale.id, 2 * HOUR));
    // Validating a failback: the secondary is the source; its domains are not attached there,
    // so there is nothing to say about their stores.
    let failback = OnlineOptions {
        target: Site::Primary,
        ..OnlineOptions::default()
    };
    let d = online(&world, &m, &failback).await;
    assert!(
        with_code(&d, codes::OVF_STORE_AGE).is_empty(),
        "{}",
        show(&d)
    );
    // The source down (a disaster): skipped, the target still checked.
    world.disaster(Site::Primary);
    let d = online(
        &world,
        &m,
        &OnlineOptions {
            source_required: false,
            ..OnlineOptions::default()
        },
    )
    .await;
    assert!(
        with_code(&d, codes::OVF_STORE_AGE).is_empty(),
        "{}",
        show(&d)
    );
    assert!(!with_code(&d, codes::SITE_NOT_CHECKED).is_empty());
}

#[tokio::test]
async fn an_unreadable_store_is_an_info_with_the_reason() {
    let (world, m) = world().await;
    world.fail_next(
        Site::Primary,
        Operation::StorageDomainDisks,
        1,
        EngineError::new(ErrorKind::Internal, "storage_domain_disks").with_message("boom"),
    );
    let d = online(&world, &m, &OnlineOptions::default()).await;
    let unknown = with_code(&d, codes::OVF_STORE_AGE_UNKNOWN);
    assert_eq!(unknown.len(), 1, "{}", show(&d));
    assert_eq!(unknown[0].severity, Severity::Info);
    assert!(
        unknown[0].message.contains("cannot be listed"),
        "{}",
        unknown[0]
    );
    assert!(
        unknown[0]
            .hint
            .as_deref()
            .is_some_and(|h| h.contains("olvm-dr ovf-update --site primary")),
        "{:?}",
        unknown[0].hint
    );
}

#[tokio::test]
async fn domains_that_cannot_be_updated_are_skipped_or_failed_with_the_reason() {
    let (world, m) = world().await;
    let e = world.dyn_engine(Site::Primary);
    let facts = world.facts();
    // One domain in maintenance (its VMs stopped first).
    let quiet = facts
        .domains
        .iter()
        .find(|d| !d.primary_master)
        .expect("a non-master domain");
    let running = e
        .vms(&VmSearch {
            storage_domain: Some(quiet.id),
            status_not: Some(VmStatus::Down),
            ..VmSearch::default()
        })
        .await
        .unwrap();
    for vm in running {
        e.stop_vm(vm.id).await.unwrap();
    }
    e.deactivate_storage_domain(quiet.primary_dc.id, quiet.id, false)
        .await
        .unwrap();
    // One refused by the Engine.
    world.fail_next(
        Site::Primary,
        Operation::UpdateOvfStore,
        1,
        EngineError::new(ErrorKind::Conflict, "update_ovf_store").with_message(
            "[Cannot update OVFs for Storage. Related operation is currently in progress.]",
        ),
    );
    let report = update_ovf_stores(
        e.as_ref(),
        &m,
        Site::Primary,
        &UpdateOptions {
            concurrency: 1,
            ..UpdateOptions::default()
        },
    )
    .await
    .unwrap();
    assert!(!report.all_updated());
    let of = |id| {
        report
            .domains
            .iter()
            .find(|u| u.domain == Some(id))
            .unwrap()
    };
    assert_eq!(
        of(quiet.id).outcome,
        UpdateOutcome::Skipped("status maintenance (only an active domain can be updated)".into())
    );
    let failed: Vec<_> = report
        .domains
        .iter()
        .filter(|u| matches!(u.outcome, UpdateOutcome::Failed(_)))
        .collect();
    assert_eq!(failed.len(), 1, "{report:#?}");
    let UpdateOutcome::Failed(why) = &failed[0].outcome else {
        unreachable!()
    };
    assert!(
        why.contains("Related operation is currently in progress"),
        "{why}"
    );
    // The secondary holds none of the mapped domains yet.
    let s = world.dyn_engine(Site::Secondary);
    let report = update_ovf_stores(s.as_ref(), &m, Site::Secondary, &UpdateOptions::default())
        .await
        .unwrap();
    assert!(!report.all_updated());
    for u in &report.domains {
        assert!(matches!(&u.outcome, UpdateOutcome::Skipped(_)), "{u:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_job_that_does_not_finish_is_a_failure_after_the_deadline() {
    let (world, m) = world().await;
    world.set_latency(
        Site::Primary,
        olvm_dr_core::fake::LatencyProfile::realistic(),
    );
    let e = world.dyn_engine(Site::Primary);
    // Changes on some domains: their updates run a job; the others have nothing to update.
    let mut changed = Vec::new();
    for vm in world.facts().vms.iter().filter(|v| v.running) {
        e.stop_vm(vm.id).await.unwrap();
        changed.extend(vm.domains.iter().copied());
    }
    let report = update_ovf_stores(
        e.as_ref(),
        &m,
        Site::Primary,
        &UpdateOptions {
            job_timeout: Duration::from_millis(500),
            poll_interval: Duration::from_millis(100),
            ..UpdateOptions::default()
        },
    )
    .await
    .unwrap();
    for u in &report.domains {
        if !u.domain.is_some_and(|d| changed.contains(&d)) {
            assert!(
                matches!(u.outcome, UpdateOutcome::Unchanged { .. }),
                "{u:?}"
            );
            continue;
        }
        let UpdateOutcome::Failed(why) = &u.outcome else {
            panic!("{u:?}");
        };
        assert!(why.contains("did not finish within"), "{why}");
    }
    assert!(report.domains.iter().any(|u| !u.current()), "{report:#?}");
    // With the default deadline the realistic jobs end and are waited for.
    let report = update_ovf_stores(e.as_ref(), &m, Site::Primary, &UpdateOptions::default())
        .await
        .unwrap();
    assert!(report.all_updated(), "{report:#?}");
    let _ = e.close().await;
}

#[tokio::test]
async fn read_site_tells_every_mapped_domain_s_age_and_nothing_for_a_site_without_them() {
    let (world, m) = world().await;
    let stale = world.facts().domains[0].clone();
    assert!(world.age_ovf_store(Site::Primary, stale.id, 2 * HOUR));
    let e = world.dyn_engine(Site::Primary);
    let ages = read_site(e.as_ref(), &m, Site::Primary).await.unwrap();
    assert_eq!(
        (ages.site, ages.clock),
        (Site::Primary, ClockSource::Engine)
    );
    assert_eq!(ages.domains.len(), m.storages().len());
    let entry = ages
        .domains
        .iter()
        .find(|d| d.domain == Some(stale.id))
        .expect("the aged domain is mapped");
    assert_eq!(entry.name, stale.name);
    assert!(entry.ovf_disks > 0);
    let age = entry.freshness.as_ref().and_then(Freshness::age).unwrap();
    assert!(age >= 2 * HOUR, "{age:?}");
    assert_eq!(ages.oldest(), Some(age));
    let doc = serde_json::to_value(&ages).unwrap();
    assert_eq!(doc["clock"], "engine");
    assert_eq!(
        doc["domains"][entry.index]["age"]["age_seconds"],
        age.as_secs()
    );

    // Before a failover the secondary holds none of the mapped domains: nothing is read.
    let e = world.dyn_engine(Site::Secondary);
    let ages = read_site(e.as_ref(), &m, Site::Secondary).await.unwrap();
    assert!(
        ages.domains
            .iter()
            .all(|d| d.domain.is_none() && d.freshness.is_none())
    );
    assert_eq!(ages.oldest(), None);
    world.disaster(Site::Primary);
    let e = world.dyn_engine(Site::Primary);
    assert!(read_site(e.as_ref(), &m, Site::Primary).await.is_err());
}
