//! A VM's direct-LUN disk follows it through repeated failovers: failover, failback and
//! failover again, each time onto the LUN the mapping's `dr_lun_mappings` names for the site.

mod flow_support;

use flow_support::{WorldGate, context, fail_over};
use olvm_dr_core::Site;
use olvm_dr_core::fake::{Location, World, WorldBuilder};
use olvm_dr_core::flow::{FlowContext, Resume, RunOptions, RunStore};
use olvm_dr_core::plan::{FailoverOptions, ReturnOptions};
use olvm_dr_core::report::{Report, Verdict};

async fn failback(ctx: &FlowContext, world: &World, target: Site) -> Report {
    let store = RunStore::in_memory();
    let prepared = ctx
        .prepare_failback(target, &ReturnOptions::failback(), &store, &Resume::Never)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let options = RunOptions {
        gate: Some(WorldGate::new(world, flow_support::promote_returning_site)),
        ..RunOptions::default()
    };
    prepared.execute(ctx, &store, &options).await.unwrap()
}

fn assert_success(report: &Report, what: &str) {
    assert_eq!(
        report.verdict,
        Verdict::Success,
        "{what}:\n{}",
        report.render_summary()
    );
}

/// The LUN ids of the direct-LUN disks of every VM that has one, as `site` shows them.
async fn lun_disks_on(world: &World, site: Site) -> Vec<(String, Vec<String>)> {
    let engine = world.dyn_engine(site);
    let mut out = Vec::new();
    for vm in world.facts().vms.iter().filter(|v| v.has_luns) {
        let got = engine
            .vm_disk_attachments(vm.id)
            .await
            .unwrap_or_else(|e| panic!("VM {} on the {site} site: {e}", vm.name));
        let luns = got.into_iter().filter_map(|a| a.lun_id).collect();
        out.push((vm.name.clone(), luns));
    }
    out
}

/// The LUN ids of `site`'s copies of the world's direct LUNs.
fn mapped_luns(world: &World, site: Site) -> Vec<String> {
    let mut ids: Vec<String> = world
        .facts()
        .luns
        .iter()
        .filter_map(|l| {
            let at = match site {
                Site::Primary => &l.primary,
                Site::Secondary => &l.secondary,
            };
            match at {
                Location::Lun { lun_id, .. } => Some(lun_id.clone()),
                Location::Export { .. } => None,
            }
        })
        .collect();
    ids.sort();
    ids
}

fn assert_luns_of(disks: &[(String, Vec<String>)], world: &World, site: Site, when: &str) {
    let mapped = mapped_luns(world, site);
    let mut got: Vec<String> = disks.iter().flat_map(|(_, l)| l.clone()).collect();
    got.sort();
    for (vm, luns) in disks {
        assert!(!luns.is_empty(), "{when}: VM {vm} lost its direct LUN disk");
    }
    assert_eq!(got, mapped, "{when}: the VMs' LUNs on the {site} site");
}

#[tokio::test(start_paused = true)]
async fn a_direct_lun_disk_survives_failover_failback_and_failover_again() {
    let world = WorldBuilder::small(61).direct_luns(2).build();
    let ctx = context(&world, "direct-lun-cycle");
    assert_luns_of(
        &lun_disks_on(&world, Site::Primary).await,
        &world,
        Site::Primary,
        "before",
    );

    world.disaster(Site::Primary);
    world.stop_all_replication();
    let report = fail_over(&ctx, Site::Secondary, &FailoverOptions::default()).await;
    assert_success(&report, "first failover");
    let disks = lun_disks_on(&world, Site::Secondary).await;
    assert_luns_of(&disks, &world, Site::Secondary, "after the first failover");

    world.recover(Site::Primary);
    world.reverse_all_replication();
    assert_success(&failback(&ctx, &world, Site::Primary).await, "failback");
    let disks = lun_disks_on(&world, Site::Primary).await;
    assert_luns_of(&disks, &world, Site::Primary, "after the failback");
    // The arrays copy the primary to the secondary again.
    world.reverse_all_replication();

    world.disaster(Site::Primary);
    world.stop_all_replication();
    let report = fail_over(&ctx, Site::Secondary, &FailoverOptions::default()).await;
    assert_success(&report, "second failover");
    let disks = lun_disks_on(&world, Site::Secondary).await;
    assert_luns_of(&disks, &world, Site::Secondary, "after the second failover");
}
