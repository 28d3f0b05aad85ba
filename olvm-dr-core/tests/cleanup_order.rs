//! The order in which a site releases its domains: a detach takes the disks on the detached
//! domain out of the VMs that also have disks elsewhere (`Remove_Entities_From_storage_domain`,
//! ovirt-engine `storages_sp.sql`), so within a data center every OVF store is written and every
//! non-master domain is in maintenance before the first detach; the master goes last.

mod flow_support;

use std::collections::{BTreeMap, BTreeSet};

use olvm_dr_core::Site;
use olvm_dr_core::fake::WorldBuilder;
use olvm_dr_core::flow::{Resume, RunStore};
use olvm_dr_core::plan::{Action, CleanupOptions, Step, StepId};

/// Every step `id` waits for, directly or not.
fn before(steps: &BTreeMap<StepId, &Step>, id: &StepId) -> BTreeSet<StepId> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![id.clone()];
    while let Some(s) = todo.pop() {
        for d in steps[&s].depends_on.iter().chain(&steps[&s].waits_for) {
            if seen.insert(d.clone()) {
                todo.push(d.clone());
            }
        }
    }
    seen
}

#[tokio::test(start_paused = true)]
async fn every_store_is_written_and_every_non_master_in_maintenance_before_any_detach() {
    // The medium preset: two data centers with several domains of every type each.
    let world = WorldBuilder::medium(5).vms(60).build();
    let ctx = flow_support::context(&world, "order");
    let store = RunStore::in_memory();
    let prepared = ctx
        .prepare_cleanup(
            Site::Primary,
            &CleanupOptions::default(),
            &store,
            &Resume::Never,
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let plan = &prepared.plan;
    let steps: BTreeMap<StepId, &Step> = plan.steps.iter().map(|s| (s.id.clone(), s)).collect();
    let mut checked = 0;
    let mut masters = 0;
    for dc in world
        .facts()
        .domains
        .iter()
        .map(|d| d.primary_dc.id)
        .collect::<BTreeSet<_>>()
    {
        let of_dc = |s: &&Step| match &s.action {
            Action::UpdateOvfStore { data_center, .. }
            | Action::DeactivateDomain { data_center, .. }
            | Action::DetachDomain { data_center, .. } => *data_center == dc,
            _ => false,
        };
        let ovf: Vec<StepId> = plan
            .steps
            .iter()
            .filter(of_dc)
            .filter(|s| matches!(s.action, Action::UpdateOvfStore { .. }))
            .map(|s| s.id.clone())
            .collect();
        let non_master_maintenance: Vec<StepId> = plan
            .steps
            .iter()
            .filter(of_dc)
            .filter(|s| matches!(s.action, Action::DeactivateDomain { master: false, .. }))
            .map(|s| s.id.clone())
            .collect();
        assert!(ovf.len() > 1 && !non_master_maintenance.is_empty());
        for detach in plan
            .steps
            .iter()
            .filter(of_dc)
            .filter(|s| matches!(s.action, Action::DetachDomain { .. }))
        {
            let waits = before(&steps, &detach.id);
            for s in ovf.iter().chain(&non_master_maintenance) {
                assert!(waits.contains(s), "{} runs before {s}", detach.id);
            }
            checked += 1;
        }
        // The master (when the mapping releases it: a hosted-engine domain stays) is deactivated
        // after every other domain of its data center is detached.
        let Some(master) = plan
            .steps
            .iter()
            .filter(of_dc)
            .find(|s| matches!(s.action, Action::DeactivateDomain { master: true, .. }))
        else {
            continue;
        };
        masters += 1;
        let Action::DeactivateDomain { domain, .. } = &master.action else {
            unreachable!()
        };
        let waits = before(&steps, &master.id);
        for s in plan.steps.iter().filter(of_dc).filter(|s| {
            matches!(&s.action, Action::DetachDomain { domain: d, .. } if d.name != domain.name)
        }) {
            assert!(waits.contains(&s.id), "the master's maintenance runs before {}", s.id);
        }
    }
    assert!(masters > 0, "a released master was checked");
    assert!(checked > 2);
}
