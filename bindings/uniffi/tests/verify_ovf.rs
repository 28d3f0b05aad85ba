//! Verification of a site and the OVF stores' freshness through the exported API: `verify`
//! after a failover, a stale OVF store seen by the online validation (DR0815), and the forced
//! OVF update that makes it fresh.

use std::sync::Arc;

use olvm_dr_ffi::{
    DrError, FakeWorld, FlowContext, FlowKind, OvfClock, OvfUpdateOutcome, Severity, Site, Verdict,
    WorldSize,
};

/// The online validation's DR0815 warnings (a source domain's OVF store is too old; a fresh
/// one is reported as information).
fn stale_findings(world: &FakeWorld, max_minutes: Option<u32>) -> Vec<String> {
    world
        .mapping()
        .validate_online(
            Some(world.engine(Site::Primary)),
            Some(world.engine(Site::Secondary)),
            Site::Secondary,
            true,
            max_minutes,
        )
        .unwrap()
        .into_iter()
        .filter(|d| d.code == "DR0815" && d.severity == Severity::Warning)
        .map(|d| d.text)
        .collect()
}

#[test]
fn verify_is_clean_after_a_failover_and_finds_a_stopped_vm_that_should_run() {
    let world = FakeWorld::new(WorldSize::Small, 61, None, false).unwrap();
    world.disaster(Site::Primary);
    world.expire_leases(Site::Primary);
    world.stop_all_replication();
    let state = tempfile::tempdir().unwrap();
    let flows = FlowContext::new(
        world.mapping(),
        None,
        Some(world.engine(Site::Secondary)),
        Some(state.path().display().to_string()),
    )
    .unwrap();
    let report = flows.failover(Site::Secondary, None, None, None).unwrap();
    assert_eq!(report.verdict, Verdict::Success, "{}", report.summary);

    let clean = flows.verify(Site::Secondary, None, false).unwrap();
    assert!(clean.clean, "{}", clean.text);
    assert_eq!(clean.run_id.as_deref(), Some(report.run_id.as_str()));
    assert_eq!(clean.run_kind, Some(FlowKind::Failover));
    assert!(!clean.drill && clean.domains > 0 && clean.vms > 0);
    assert!(!clean.expected_up.is_empty());
    let json: serde_json::Value = serde_json::from_str(&clean.json).unwrap();
    assert_eq!(json["run"], report.run_id.as_str());
    assert_eq!(json["verification"]["differences"], serde_json::json!([]));

    // An administrator powers off a VM the failover started.
    let started = world
        .engine(Site::Secondary)
        .vms()
        .unwrap()
        .into_iter()
        .find(|v| clean.expected_up.contains(&v.id))
        .unwrap();
    assert!(
        world
            .stop_vm(Site::Secondary, started.name.clone())
            .unwrap()
    );
    let found = flows.verify(Site::Secondary, None, false).unwrap();
    assert!(!found.clean);
    assert_eq!(found.differences.len(), 1, "{}", found.text);
    assert_eq!(
        found.differences[0].entity,
        format!("VM '{}'", started.name)
    );
    assert!(
        found.differences[0].problem.contains("expected up"),
        "{}",
        found.text
    );
    assert!(found.text.contains(&started.name));
    // The mapping alone does not say which VMs must run.
    assert!(flows.verify(Site::Secondary, None, true).unwrap().clean);

    let unknown = flows.verify(Site::Secondary, Some("no-such-run".into()), false);
    assert!(matches!(unknown, Err(DrError::State { .. })), "{unknown:?}");
    let no_engine = flows.verify(Site::Primary, None, true);
    assert!(
        matches!(no_engine, Err(DrError::Config { .. })),
        "{no_engine:?}"
    );
}

#[test]
fn a_stale_ovf_store_warns_in_validate_and_ovf_update_makes_it_fresh() {
    let world = FakeWorld::new(WorldSize::Small, 62, Some(6), false).unwrap();
    let mapping = world.mapping();
    let primary = world.engine(Site::Primary);
    assert_eq!(stale_findings(&world, None), Vec::<String>::new());

    let domain = world.domain_names()[0].clone();
    assert!(
        world
            .age_ovf_store(Site::Primary, domain.clone(), 3 * 3600)
            .unwrap()
    );
    let stale = stale_findings(&world, None);
    assert_eq!(stale.len(), 1, "{stale:?}");
    assert!(stale[0].contains(&domain), "{stale:?}");
    assert_eq!(stale_findings(&world, Some(24 * 60)), Vec::<String>::new());
    assert!(matches!(
        mapping.validate_online(Some(primary.clone()), None, Site::Secondary, false, Some(0)),
        Err(DrError::Config { .. })
    ));
    assert!(matches!(
        world.age_ovf_store(Site::Primary, "nowhere".into(), 1),
        Err(DrError::Config { .. })
    ));

    let before = mapping
        .ovf_freshness(primary.clone(), Site::Primary)
        .unwrap();
    assert_eq!(before.clock, OvfClock::Engine);
    assert_eq!(before.domains.len(), world.domain_names().len());
    assert!(
        before.oldest_seconds.is_some_and(|s| s >= 3 * 3600),
        "{before:?}"
    );
    let aged = before.domains.iter().find(|d| d.name == domain).unwrap();
    assert!(aged.ovf_disks > 0);
    assert!(
        aged.age
            .as_ref()
            .and_then(|a| a.last_update.as_ref())
            .is_some()
    );

    // Nothing changed since the stores were written: the Engine has nothing to update.
    let update = mapping
        .ovf_update(primary.clone(), Site::Primary, 60, 4)
        .unwrap();
    assert!(update.all_updated, "{}", update.json);
    let aged_entry = update.domains.iter().find(|d| d.name == domain).unwrap();
    assert_eq!(aged_entry.outcome, OvfUpdateOutcome::Unchanged);
    assert!(
        aged_entry
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("nothing to update"))
    );
    assert_eq!(stale_findings(&world, None).len(), 1);

    // VMs stopped through the Engine are changes: the next update writes their stores.
    for vm in primary.vms().unwrap() {
        if !vm.hosted_engine {
            world.stop_vm(Site::Primary, vm.name).unwrap();
        }
    }
    let update = mapping
        .ovf_update(primary.clone(), Site::Primary, 60, 4)
        .unwrap();
    assert!(update.all_updated, "{}", update.json);
    assert!(
        update
            .domains
            .iter()
            .all(|d| d.outcome == OvfUpdateOutcome::Updated)
    );
    let json: serde_json::Value = serde_json::from_str(&update.json).unwrap();
    assert_eq!(json["schema"], "olvm-dr/ovf-update/v1");
    assert_eq!(json["domains"][0]["outcome"], "updated");
    assert_eq!(stale_findings(&world, None), Vec::<String>::new());
    let after = mapping
        .ovf_freshness(primary.clone(), Site::Primary)
        .unwrap();
    assert!(after.oldest_seconds.is_some_and(|s| s < 3600), "{after:?}");
    assert!(matches!(
        mapping.ovf_update(primary, Site::Primary, 0, 4),
        Err(DrError::Config { .. })
    ));
}

#[test]
fn ovf_calls_refuse_a_mapping_with_errors() {
    let world = FakeWorld::new(WorldSize::Small, 63, Some(2), false).unwrap();
    let broken = olvm_dr_ffi::Mapping::from_yaml(
        "dr_sites_primary_url: https://e1/ovirt-engine/api\n".into(),
    )
    .unwrap();
    let engine: Arc<_> = world.engine(Site::Primary);
    assert!(matches!(
        broken.ovf_freshness(engine.clone(), Site::Primary),
        Err(DrError::Validation { .. })
    ));
    assert!(matches!(
        broken.ovf_update(engine, Site::Primary, 60, 4),
        Err(DrError::Validation { .. })
    ));
}
