//! Drills on fake worlds: the discreet failover test (drill, drill end), the discreet failover
//! and failback test on dedicated domains, the full failover and failback test, and the
//! verification that finds a broken registration.

mod flow_support;

use std::sync::Arc;

use flow_support::{PerGate, assert_domains_only_on, assert_running_exactly, context};
use olvm_dr_core::Site;
use olvm_dr_core::engine::{Engine, Id, VmSearch, VmStatus};
use olvm_dr_core::fake::{STORAGE_TYPES, World, WorldBuilder};
use olvm_dr_core::flow::{
    CheckAgainst, FlowContext, Resume, RunOptions, RunStore, SiteCheckError, check_site,
};
use olvm_dr_core::plan::{FailoverOptions, NicIsolation, NoteLevel, ReturnOptions, gates};
use olvm_dr_core::report::{Report, Verdict};
use olvm_dr_core::verify::{Expectations, verify_site};

async fn running_on(world: &World, site: Site) -> Vec<Id> {
    let mut ids: Vec<Id> = world
        .dyn_engine(site)
        .vms(&VmSearch {
            status: Some(VmStatus::Up),
            ..VmSearch::default()
        })
        .await
        .unwrap()
        .into_iter()
        .filter(|v| !v.is_hosted_engine())
        .map(|v| v.id)
        .collect();
    ids.sort();
    ids
}

fn snapshot(world: &World, site: Site) -> String {
    serde_json::to_string_pretty(&world.snapshot(site)).unwrap()
}

/// A world with one replicated domain of every storage type.
fn mixed_world(seed: u64) -> World {
    let mut b = WorldBuilder::small(seed);
    for t in STORAGE_TYPES {
        b = b.domains(t, 1);
    }
    b.build()
}

/// The storage administrator of a drill on the whole mapping.
fn arrays(world: &World, gate: &str) {
    match gate {
        gates::SPLIT => world.isolate_all_replication(),
        gates::RESUME => world.resync_all_replication(),
        other => panic!("unexpected gate {other}"),
    }
}

fn assert_success(report: &Report, what: &str) {
    assert_eq!(
        report.verdict,
        Verdict::Success,
        "{what}:\n{}",
        report.render_summary()
    );
    assert!(report.drill, "{what} is reported as a drill");
}

#[tokio::test(start_paused = true)]
async fn a_discreet_drill_leaves_the_primary_untouched_and_drill_end_restores_the_secondary() {
    let world = mixed_world(41);
    let ctx = context(&world, "drill");
    let state = tempfile::tempdir().unwrap();
    let store = RunStore::open(state.path()).unwrap();
    let primary_before = snapshot(&world, Site::Primary);
    let secondary_before = snapshot(&world, Site::Secondary);
    let was_running = running_on(&world, Site::Primary).await;
    assert!(!was_running.is_empty());

    let options = FailoverOptions {
        isolation: NicIsolation::Unplugged,
        ..FailoverOptions::default()
    };
    let prepared = ctx
        .prepare_drill(Site::Secondary, &options, &store, &Resume::Never)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(prepared.plan.drill);
    assert_eq!(prepared.plan.steps[0].id.as_str(), gates::SPLIT);
    let gate = PerGate::new(&world, arrays);
    let run = RunOptions {
        gate: Some(gate.clone()),
        ..RunOptions::default()
    };
    let report = prepared.execute(&ctx, &store, &run).await.unwrap();
    assert_success(&report, "drill");
    assert_eq!(gate.passed(), vec![gates::SPLIT.to_owned()]);
    let verification = report.verification.as_ref().expect("the drill is verified");
    assert!(verification.is_clean(), "{}", verification.render());
    assert_eq!(
        report.facts.get("drill.isolation").map(String::as_str),
        Some("every NIC unplugged"),
        "the report (and its page) says how the drill isolated its VMs"
    );
    assert!(report.render_html().contains("every NIC unplugged"));
    assert!(
        report
            .facts
            .get("split_brain.decision")
            .is_some_and(|d| d == "proceed-drill")
    );

    // The primary is byte-for-byte what it was; the drill VMs run on the secondary, unplugged.
    assert_eq!(snapshot(&world, Site::Primary), primary_before);
    assert_eq!(running_on(&world, Site::Secondary).await, was_running);
    let secondary = world.dyn_engine(Site::Secondary);
    let drill_vms = secondary.vms(&VmSearch::default()).await.unwrap();
    let nics: usize = drill_vms.iter().map(|v| v.nics.len()).sum();
    assert!(nics > 0);
    // Unplugged as oVirt means it: on their mapped profiles, not plugged into the VM.
    for vm in &drill_vms {
        for nic in &vm.nics {
            assert!(
                !nic.plugged,
                "NIC {} of drill VM {} is plugged",
                nic.name, vm.name
            );
        }
    }
    assert!(
        drill_vms
            .iter()
            .flat_map(|v| &v.nics)
            .any(|n| n.vnic_profile.is_some()),
        "the NICs keep their mapped profiles"
    );

    // What the run expects of the secondary, for a later `verify`.
    assert_eq!(
        store.last_run_to(Site::Secondary).as_deref(),
        Some(report.run_id.as_str())
    );
    let expected = store.expectations(&report.run_id).unwrap();
    // `verify` as every front end runs it: against the newest run to the secondary; the
    // primary is refused against that run and checked against the mapping alone.
    let check = check_site(&ctx, &store, Site::Secondary, &CheckAgainst::NewestRun)
        .await
        .unwrap();
    assert!(check.clean, "{}", check.text);
    assert_eq!(check.run_id.as_deref(), Some(report.run_id.as_str()));
    assert!(check.drill);
    assert_eq!(check.expected_up.len(), was_running.len());
    let against_run = CheckAgainst::Run(report.run_id.clone());
    let e = check_site(&ctx, &store, Site::Primary, &against_run)
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            SiteCheckError::WrongSite {
                target: Site::Secondary,
                ..
            }
        ),
        "{e}"
    );
    let primary = check_site(&ctx, &store, Site::Primary, &CheckAgainst::MappingOnly)
        .await
        .unwrap();
    assert_eq!((primary.run_id, primary.expected_up.len()), (None, 0));
    assert!(expected.drill);
    assert_eq!(
        expected.expect.isolation,
        Some(olvm_dr_core::verify::Isolation::Unplugged)
    );
    assert_eq!(
        expected.expect.running.iter().copied().collect::<Vec<_>>(),
        was_running
    );

    // A drill of every domain cannot be failed back: the production VMs run at home.
    let refused = ctx
        .prepare_drill_return(
            Site::Primary,
            &ReturnOptions::failback(),
            &store,
            &Resume::Never,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, olvm_dr_core::flow::FlowError::Drill(m) if m.contains("covered every mapped domain")),
        "{refused}"
    );

    // The drill end reads the drill's run, touches only the secondary, and gates the resync.
    let (end_options, last) = ctx.drill_end_options(Site::Secondary, &store).unwrap();
    let last = last.expect("the drill is found in the state directory");
    assert_eq!(last.run_id, report.run_id);
    assert_eq!(last.vms.len(), world.facts().vms.len());
    let prepared = ctx
        .prepare_drill_end(Site::Secondary, &end_options, &store, &Resume::Never)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        prepared
            .plan
            .steps
            .iter()
            .all(|s| s.site == Site::Secondary)
    );
    let report = prepared.execute(&ctx, &store, &run).await.unwrap();
    assert_success(&report, "drill end");
    assert_eq!(
        gate.passed(),
        vec![gates::SPLIT.to_owned(), gates::RESUME.to_owned()]
    );
    assert_eq!(snapshot(&world, Site::Secondary), secondary_before);
    assert_eq!(snapshot(&world, Site::Primary), primary_before);
    for pair in world.pairs() {
        let r = world.replication(pair);
        assert!(r.running, "pair {pair:?} replicates again: {r:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_drill_without_isolation_warns_and_a_profile_isolation_is_verified() {
    let world = WorldBuilder::small(42).build();
    let ctx = context(&world, "drill-profile");
    let store = RunStore::in_memory();
    let plan = ctx
        .prepare_drill(
            Site::Secondary,
            &FailoverOptions::default(),
            &store,
            &Resume::Never,
        )
        .await
        .unwrap()
        .plan;
    assert!(
        plan.notes
            .iter()
            .any(|n| n.level == NoteLevel::Warning && n.text.contains("--isolate")),
        "{:?}",
        plan.notes
    );

    // A test network the secondary's clusters do not have: the Engine would put the NICs on
    // the production profiles of the same name, so the drill refuses to start.
    let dc = world.facts().domains[0].secondary_dc.id;
    world.setup(|s| {
        let net = s.add_network(Site::Secondary, dc, "detached-net", None, &[]);
        s.add_vnic_profile(Site::Secondary, net, "detached-lab");
    });
    let refused = ctx
        .prepare_drill(
            Site::Secondary,
            &FailoverOptions {
                isolation: NicIsolation::Profile("detached-lab".into()),
                ..FailoverOptions::default()
            },
            &store,
            &Resume::Never,
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("DR1205") && refused.contains("'detached-net'"),
        "{refused}"
    );

    // A test network in every data center, attached to its clusters, and every drill NIC on
    // the profile of that name in its own data center.
    let clusters = world.dyn_engine(Site::Secondary).clusters().await.unwrap();
    let dcs: std::collections::BTreeSet<Id> =
        clusters.iter().filter_map(|c| c.data_center).collect();
    let profiles: Vec<Id> = world.setup(|s| {
        dcs.iter()
            .map(|dc| {
                let members: Vec<Id> = clusters
                    .iter()
                    .filter(|c| c.data_center == Some(*dc))
                    .map(|c| c.id)
                    .collect();
                let net = s.add_network(Site::Secondary, *dc, "drill-net", None, &members);
                s.add_vnic_profile(Site::Secondary, net, "drill-lab")
            })
            .collect()
    });
    let options = FailoverOptions {
        isolation: NicIsolation::Profile("drill-lab".into()),
        ..FailoverOptions::default()
    };
    let prepared = ctx
        .prepare_drill(Site::Secondary, &options, &store, &Resume::Never)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let run = RunOptions {
        gate: Some(PerGate::new(&world, arrays)),
        ..RunOptions::default()
    };
    let report = prepared.execute(&ctx, &store, &run).await.unwrap();
    assert_success(&report, "drill with a test network");
    assert!(
        report.facts["drill.isolation"].starts_with("every NIC on the isolation profile"),
        "{:?}",
        report.facts
    );
    for vm in world
        .dyn_engine(Site::Secondary)
        .vms(&VmSearch::default())
        .await
        .unwrap()
    {
        for nic in &vm.nics {
            assert!(
                nic.vnic_profile.is_some_and(|p| profiles.contains(&p)),
                "{} {}: {:?}",
                vm.name,
                nic.name,
                nic.vnic_profile
            );
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_drill_on_dedicated_domains_fails_over_and_back_without_touching_the_rest() {
    let world = WorldBuilder::small(43).build();
    let ctx = context(&world, "drill-return");
    let state = tempfile::tempdir().unwrap();
    let store = RunStore::open(state.path()).unwrap();
    let facts = world.facts().clone();
    let test = facts
        .domains
        .iter()
        .find(|d| d.storage_type == olvm_dr_core::engine::StorageType::Iscsi)
        .expect("the second data center's domain, with no VM spanning others, to dedicate to tests")
        .clone();
    let only = Some(vec![test.name.clone()]);
    let on_test = |v: &&olvm_dr_core::fake::VmFacts| v.domains.contains(&test.id);
    let test_vms: Vec<Id> = facts.vms.iter().filter(on_test).map(|v| v.id).collect();
    let others_running: Vec<Id> = {
        let running = running_on(&world, Site::Primary).await;
        running
            .into_iter()
            .filter(|id| !test_vms.contains(id))
            .collect()
    };
    assert!(!test_vms.is_empty() && !others_running.is_empty());

    let pair = test.pair;
    let gate = PerGate::new(&world, move |w, g| match g {
        gates::SPLIT => w.isolate_replication(pair),
        // The drill site's copy becomes the source and the home site's volume writable.
        gates::PROMOTE => {
            w.reverse_replication(pair);
            w.stop_replication(pair);
        }
        gates::RESTORE => w.reverse_replication(pair),
        other => panic!("unexpected gate {other}"),
    });
    let run = RunOptions {
        gate: Some(gate.clone()),
        ..RunOptions::default()
    };
    let options = FailoverOptions {
        isolation: NicIsolation::Unplugged,
        domains: only.clone(),
        ..FailoverOptions::default()
    };
    let prepared = ctx
        .prepare_drill(Site::Secondary, &options, &store, &Resume::Never)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let report = prepared.execute(&ctx, &store, &run).await.unwrap();
    assert_success(&report, "drill on the test domain");
    let on_secondary = world
        .dyn_engine(Site::Secondary)
        .vms(&VmSearch::default())
        .await
        .unwrap();
    assert!(on_secondary.iter().all(|v| test_vms.contains(&v.id)));

    // The domains come from the drill's run.
    let prepared = ctx
        .prepare_drill_return(
            Site::Primary,
            &ReturnOptions::failback(),
            &store,
            &Resume::Never,
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        prepared.plan.steps.last().map(|s| s.id.as_str()),
        Some(gates::RESTORE)
    );
    assert_eq!(prepared.plan.domains, only);
    let running_in_drill = running_on(&world, Site::Secondary).await;
    let report = prepared.execute(&ctx, &store, &run).await.unwrap();
    assert_success(&report, "return of the test domain");
    assert_eq!(
        gate.passed(),
        vec![
            gates::SPLIT.to_owned(),
            gates::PROMOTE.to_owned(),
            gates::RESTORE.to_owned()
        ]
    );
    // The test VMs that ran in the drill run at home; the production VMs never stopped.
    let running_now = running_on(&world, Site::Primary).await;
    for id in running_in_drill.iter().chain(&others_running) {
        assert!(running_now.contains(id), "VM {id} runs on the primary");
    }
    assert!(running_on(&world, Site::Secondary).await.is_empty());
    let secondary_domains = world
        .dyn_engine(Site::Secondary)
        .storage_domains()
        .await
        .unwrap();
    assert!(!secondary_domains.iter().any(|d| d.id == test.id));
    assert!(world.replication(pair).running);
}

#[tokio::test(start_paused = true)]
async fn the_full_drill_moves_everything_to_the_secondary_and_back() {
    let world = mixed_world(44);
    let ctx = context(&world, "drill-full");
    let state = tempfile::tempdir().unwrap();
    let store = RunStore::open(state.path()).unwrap();
    let was_running = running_on(&world, Site::Primary).await;
    let gate = PerGate::new(&world, |w, g| match g {
        // Out: the arrays' planned failover (the old side read-only, the copies the source).
        gates::PROMOTE if w.replication(w.pairs()[0]).direction.source() == Site::Primary => {
            w.reverse_all_replication()
        }
        // Back: the returning side writable.
        gates::PROMOTE => w.stop_all_replication(),
        gates::RESTORE => w.reverse_all_replication(),
        other => panic!("unexpected gate {other}"),
    });
    let run = RunOptions {
        gate: Some(gate.clone()),
        ..RunOptions::default()
    };
    let out = ReturnOptions {
        drill: true,
        ..ReturnOptions::switchover()
    };
    let prepared = ctx
        .prepare_switchover(Site::Secondary, &out, &store, &Resume::Never)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let report = prepared.execute(&ctx, &store, &run).await.unwrap();
    assert_success(&report, "full drill, out");
    assert_eq!(running_on(&world, Site::Secondary).await, was_running);
    assert_domains_only_on(&world, Site::Secondary).await;

    let home = ReturnOptions {
        drill: true,
        restore_replication: true,
        ..ReturnOptions::failback()
    };
    let prepared = ctx
        .prepare_failback(Site::Primary, &home, &store, &Resume::Never)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let report = prepared.execute(&ctx, &store, &run).await.unwrap();
    assert_success(&report, "full drill, back");
    assert_running_exactly(&world, Site::Primary, &was_running).await;
    assert_domains_only_on(&world, Site::Primary).await;
    assert_eq!(
        gate.passed(),
        vec![
            gates::PROMOTE.to_owned(),
            gates::PROMOTE.to_owned(),
            gates::RESTORE.to_owned()
        ]
    );
    for pair in world.pairs() {
        let r = world.replication(pair);
        assert!(
            r.running && r.direction.source() == Site::Primary,
            "{pair:?}: {r:?}"
        );
    }
    let runs: Vec<String> = store.runs().into_iter().map(|r| r.id).collect();
    assert!(runs.iter().all(|r| r.starts_with("drill-")), "{runs:?}");
    // A drill writes split-off copies, never both copies of a promoted replica.
    assert!(
        world.split_brains().is_empty(),
        "{:?}",
        world.split_brains()
    );
}

#[tokio::test(start_paused = true)]
async fn verify_finds_a_broken_registration() {
    let world = WorldBuilder::small(45).build();
    let ctx: FlowContext = context(&world, "verify");
    world.disaster(Site::Primary);
    world.stop_all_replication();
    let store = RunStore::in_memory();
    let report = ctx
        .prepare_failover(
            Site::Secondary,
            &FailoverOptions::default(),
            &store,
            &Resume::Never,
        )
        .await
        .unwrap()
        .execute(&ctx, &store, &RunOptions::default())
        .await
        .unwrap();
    assert_eq!(
        report.verdict,
        Verdict::Success,
        "{}",
        report.render_summary()
    );
    let engine: Arc<dyn Engine> = world.dyn_engine(Site::Secondary);
    let running: std::collections::BTreeSet<Id> = running_on(&world, Site::Secondary)
        .await
        .into_iter()
        .collect();
    let expect = Expectations {
        running: running.clone(),
        ..Expectations::default()
    };
    let clean = verify_site(&ctx.mapping, Site::Secondary, engine.as_ref(), &expect)
        .await
        .unwrap();
    assert!(clean.is_clean(), "{}", clean.render());

    // Someone moves a NIC to an unmapped network by hand and stops a VM the run started.
    let vms = engine.vms(&VmSearch::default()).await.unwrap();
    let victim = vms.iter().find(|v| !v.nics.is_empty()).unwrap();
    let nic = victim.nics[0].name.clone();
    let stray = world.setup(|s| {
        let dc = world.facts().domains[0].secondary_dc.id;
        let net = s.add_network(Site::Secondary, dc, "stray-net", None, &[]);
        let profile = s.add_vnic_profile(Site::Secondary, net, "stray");
        assert!(s.set_nic_profile(Site::Secondary, victim.id, &nic, Some(profile)));
        profile
    });
    let stopped = *running.iter().next().unwrap();
    engine.stop_vm(stopped).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_secs(120)).await;

    let found = verify_site(&ctx.mapping, Site::Secondary, engine.as_ref(), &expect)
        .await
        .unwrap();
    let text = found.render();
    assert_eq!(found.differences.len(), 2, "{text}");
    assert!(
        found
            .differences
            .iter()
            .any(|d| d.entity == format!("VM '{}'", victim.name)
                && d.problem
                    .contains(&format!("NIC '{nic}' is plugged, on profile 'stray'"))),
        "{text} (stray profile {stray})"
    );
    assert!(
        found
            .differences
            .iter()
            .any(|d| d.problem.contains("expected up")),
        "{text}"
    );
}

/// A selection that keeps some of a VM's domains and leaves out others would take disks away
/// from it (a detach drops them from the VM; a registration from part of its domains drops the
/// rest): drills and cleanups refuse it before anything changes, naming the VMs and the
/// domains to add.
#[tokio::test(start_paused = true)]
async fn a_selection_that_splits_a_vm_is_refused_before_anything_changes() {
    let world = WorldBuilder::small(43).build();
    let ctx = context(&world, "split");
    let facts = world.facts().clone();
    // The first VM of each data center spans two of its domains.
    let spanning = facts
        .vms
        .iter()
        .find(|v| v.domains.len() > 1)
        .expect("a VM with disks on two domains")
        .clone();
    let names = |id: Id| {
        facts
            .domains
            .iter()
            .find(|d| d.id == id)
            .map(|d| d.name.clone())
            .unwrap()
    };
    let one = names(spanning.domains[0]);
    let other = names(spanning.domains[1]);
    let primary_before = world.snapshot(Site::Primary);
    let secondary_before = world.snapshot(Site::Secondary);

    let store = RunStore::in_memory();
    let options = FailoverOptions {
        isolation: NicIsolation::Unplugged,
        domains: Some(vec![one.clone()]),
        ..FailoverOptions::default()
    };
    let Err(e) = ctx
        .prepare_drill(Site::Secondary, &options, &store, &Resume::Never)
        .await
    else {
        panic!("the drill is refused");
    };
    let text = e.to_string();
    assert!(text.contains("DR1206"), "{text}");
    assert!(text.contains(&format!("'{}'", spanning.name)), "{text}");
    assert!(
        text.contains(&format!("add '{other}' to --domains")),
        "{text}"
    );

    let cleanup = olvm_dr_core::plan::CleanupOptions {
        domains: Some(vec![one.clone()]),
        ..olvm_dr_core::plan::CleanupOptions::default()
    };
    let Err(e) = ctx
        .prepare_cleanup(Site::Primary, &cleanup, &store, &Resume::Never)
        .await
    else {
        panic!("the cleanup is refused");
    };
    assert!(e.to_string().contains("DR1206"), "{e}");

    assert_eq!(world.snapshot(Site::Primary), primary_before);
    assert_eq!(world.snapshot(Site::Secondary), secondary_before);

    // With both of its domains the selection is whole.
    let both = FailoverOptions {
        domains: Some(vec![one, other]),
        ..options
    };
    ctx.prepare_drill(Site::Secondary, &both, &store, &Resume::Never)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}
