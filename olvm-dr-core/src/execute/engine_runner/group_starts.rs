//! The starts of a run that follows a recovery plan: its groups in order, each VM's wait, the
//! VMs' `after:` dependencies, the group's end (its `on_timeout` and delay), and the addresses
//! cloud-init gives each guest (re-IP).
//!
//! Steps, per group `G` in the plan's order (the VMs no group selects last, as `default`):
//! `start-vm/<id>` for each VM the group starts (after its registration, the end of the
//! previous group, and the waits of the VMs it comes `after`), `ready-vm/<id>` waiting for it,
//! and `group/<G>`, which ends the group once all its waits ended. The plan's hooks and manual
//! steps sit in this chain as steps of their own ([`super::hook_steps`]).

use std::collections::HashMap;

use super::hook_steps::{HookAt, chain_hook, chain_manual, hook_step, hook_vm};
use super::readdress::Readdress;
use crate::Site;
use crate::engine::Id;
use crate::execute::StepFailure;
use crate::plan::source_record::RecordedVm;
use crate::plan::{Action, Phase, Plan, Step, StepId};
use crate::recovery_plan::{HookPoint, RecoveryPlan, StartPolicy, VmFacts, assign};

/// A registered (or to be registered) VM the run may start.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    /// Id.
    pub(crate) id: Id,
    /// Name.
    pub(crate) name: String,
    /// It ran on the source (its OVF status, or what the run recorded).
    pub(crate) was_up: bool,
    /// High-available (starts first among its group's ready steps).
    pub(crate) ha: bool,
    /// Its registration step.
    pub(crate) register: StepId,
    /// What the source recorded of it.
    pub(crate) record: Option<RecordedVm>,
}

/// The tags VM `c` is selected by (see [`Plan::selection_tags`]).
fn tags_of(plan: &Plan, c: &Candidate) -> Vec<String> {
    plan.selection_tags(&c.name, c.record.as_ref().map_or(&[][..], |r| &r.tags))
}

/// The step id of group `name`'s end.
pub(crate) fn group_step(name: &str) -> StepId {
    StepId::of(["group", name])
}

/// The step id of VM `id`'s wait.
pub(crate) fn ready_step(id: Id) -> StepId {
    StepId::of(["ready-vm", &id.to_string()])
}

/// The start, wait and group steps for `vms` at `site`.
///
/// # Errors
/// The plan does not fit the VMs: one selected by two groups, or coming after a VM of a later
/// group. Nothing is started then.
pub(crate) fn group_steps(
    plan: &Plan,
    recovery: &RecoveryPlan,
    site: Site,
    vms: &[Candidate],
) -> Result<Vec<Step>, StepFailure> {
    let facts: Vec<VmFacts> = vms
        .iter()
        .map(|c| VmFacts {
            name: c.name.clone(),
            cluster: c
                .record
                .as_ref()
                .map(|r| r.cluster.clone())
                .unwrap_or_default(),
            affinity_labels: c
                .record
                .as_ref()
                .map(|r| r.affinity_labels.clone())
                .unwrap_or_default(),
            tags: tags_of(plan, c),
        })
        .collect();
    let (assignment, problems) = assign(recovery, &facts);
    let errors: Vec<String> = problems
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    if !errors.is_empty() {
        return Err(StepFailure::new(format!(
            "the recovery plan does not fit the VMs the domains hold: {}; correct the plan and plan the run again",
            errors.join("; ")
        )));
    }
    let by_name: HashMap<&str, &Candidate> = vms.iter().map(|c| (c.name.as_str(), c)).collect();
    let readdress = Readdress::for_plan(plan, recovery);
    let mut steps = Vec::new();
    let before_run = HookAt {
        site,
        point: HookPoint::BeforeRun,
        group: None,
        vm: None,
    };
    let mut previous = chain_hook(
        &mut steps,
        None,
        before_run,
        recovery.hooks.before_run.as_ref(),
    );
    previous = chain_manual(
        &mut steps,
        previous,
        site,
        None,
        recovery.hooks.manual.as_ref(),
    );
    let mut started_ids: HashMap<&str, Id> = HashMap::new();
    // Which VMs start, first: a dependency may name a VM of the same group.
    for g in &assignment.groups {
        for name in &g.vms {
            let c = by_name[name.as_str()];
            let rule = recovery.vms.get(name).and_then(|r| r.start);
            let start = plan.start.start_vms
                && rule.unwrap_or(match g.start {
                    StartPolicy::Recorded => c.was_up,
                    StartPolicy::All => true,
                    StartPolicy::None => false,
                });
            if start {
                started_ids.insert(name.as_str(), c.id);
            }
        }
    }
    for g in &assignment.groups {
        let planned = recovery.groups.iter().find(|x| x.name == g.name);
        let delay_after = planned.map_or(std::time::Duration::ZERO, |x| x.delay_after);
        let group_hooks = planned.map(|x| &x.hooks);
        let before = HookAt {
            site,
            point: HookPoint::BeforeGroup,
            group: Some(&g.name),
            vm: None,
        };
        previous = chain_hook(
            &mut steps,
            previous,
            before,
            group_hooks.and_then(|h| h.before.as_ref()),
        );
        previous = chain_manual(
            &mut steps,
            previous,
            site,
            Some(&g.name),
            group_hooks.and_then(|h| h.manual.as_ref()),
        );
        let mut after_readies = Vec::new();
        let mut started = Vec::new();
        let mut readies = Vec::new();
        for name in &g.vms {
            if !started_ids.contains_key(name.as_str()) {
                continue;
            }
            let c = by_name[name.as_str()];
            let vid = c.id.to_string();
            let start_id = StepId::of(["start-vm", &vid]);
            let (initialization, changes) = match &readdress {
                Some(r) => r.of(name, c.record.as_ref()),
                None => (None, Vec::new()),
            };
            let after: Vec<StepId> = recovery
                .vms
                .get(name)
                .map(|r| r.after.as_slice())
                .unwrap_or_default()
                .iter()
                .filter_map(|d| started_ids.get(d.as_str()).map(|id| ready_step(*id)))
                .collect();
            let summary = if changes.is_empty() {
                format!("start VM '{name}' (group '{}')", g.name)
            } else {
                let list: Vec<String> = changes
                    .iter()
                    .map(|a| format!("{} {} -> {}", a.interface, a.old, a.new))
                    .collect();
                format!(
                    "start VM '{name}' (group '{}') with cloud-init addresses {}",
                    g.name,
                    list.join(", ")
                )
            };
            let vm_hooks = recovery.vms.get(name).map(|r| &r.hooks);
            let hooked = hook_vm(c.id, name, c.record.as_ref(), &changes);
            let before_start = vm_hooks.and_then(|h| h.before_start.as_ref()).map(|h| {
                let at = HookAt {
                    site,
                    point: HookPoint::BeforeStart,
                    group: Some(&g.name),
                    vm: Some(hooked.clone()),
                };
                hook_step(at, h)
                    .after([c.register.clone()])
                    .after(previous.clone())
                    .after(after.iter().cloned())
            });
            let before_start_id = before_start.as_ref().map(|s| s.id.clone());
            steps.extend(before_start);
            steps.push(
                Step::new(
                    start_id.clone(),
                    site,
                    Phase::Start,
                    Action::StartVm {
                        vm: c.id,
                        name: name.clone(),
                        wave: if c.ha { 1 } else { 2 },
                        group: Some(g.name.clone()),
                        initialization,
                        readdress: changes,
                    },
                    summary,
                )
                .after([c.register.clone()])
                .after(previous.clone())
                .after(after)
                .after(before_start_id),
            );
            steps.push(
                Step::new(
                    ready_step(c.id),
                    site,
                    Phase::Verify,
                    Action::WaitVmReady {
                        vm: c.id,
                        name: name.clone(),
                        group: g.name.clone(),
                        wait: g.wait.clone(),
                    },
                    format!("wait for VM '{name}': {}", g.wait.describe()),
                )
                .after([start_id]),
            );
            if let Some(h) = vm_hooks.and_then(|h| h.after_ready.as_ref()) {
                let at = HookAt {
                    site,
                    point: HookPoint::AfterReady,
                    group: Some(&g.name),
                    vm: Some(hooked),
                };
                let step = hook_step(at, h).after_finished([ready_step(c.id)]);
                after_readies.push(step.id.clone());
                steps.push(step);
            }
            readies.push(ready_step(c.id));
            started.push((c.id, name.clone()));
        }
        let id = group_step(&g.name);
        steps.push(
            Step::new(
                id.clone(),
                site,
                Phase::Verify,
                Action::FinishGroup {
                    group: g.name.clone(),
                    vms: started,
                    wait: g.wait.clone(),
                    delay_after_ms: crate::execute::millis(delay_after),
                },
                format!(
                    "end of group '{}' (its VMs' waits; on timeout: {}{})",
                    g.name,
                    g.wait.on_timeout.as_str(),
                    if delay_after.is_zero() {
                        String::new()
                    } else {
                        format!("; then {} s of delay", delay_after.as_secs())
                    }
                ),
            )
            .after(previous.clone())
            .after(after_readies)
            .after_finished(readies),
        );
        let after = HookAt {
            site,
            point: HookPoint::AfterGroup,
            group: Some(&g.name),
            vm: None,
        };
        previous = chain_hook(
            &mut steps,
            Some(id),
            after,
            group_hooks.and_then(|h| h.after.as_ref()),
        );
    }
    let after_run = HookAt {
        site,
        point: HookPoint::AfterRun,
        group: None,
        vm: None,
    };
    chain_hook(
        &mut steps,
        previous,
        after_run,
        recovery.hooks.after_run.as_ref(),
    );
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use std::net::IpAddr;

    use super::*;
    use crate::engine::Initialization;
    use crate::plan::source_record::RecordedAddress;
    use crate::plan::{ExpectedNic, PlanKind};

    const PLAN: &str = r#"
groups:
  - name: first
    select:
      names: ["a*"]
    start: all
  - name: second
    select:
      names: ["b*"]
    delay_after: 5s
vms:
  b2:
    after: [b1]
  b3:
    start: false
reip:
  networks:
    - network: prod-net
      from: 10.1.0.0/16
      to: 10.201.0.0/16
      gateway: 10.201.0.1
      dns: [10.201.0.53]
"#;

    fn recovery() -> RecoveryPlan {
        RecoveryPlan::from_str(PLAN, None).plan.expect("valid")
    }

    fn candidate(n: u128, name: &str, was_up: bool, ip: &str) -> Candidate {
        Candidate {
            id: Id::from_u128(n),
            name: name.into(),
            was_up,
            ha: false,
            register: StepId::of(["register-vm", &n.to_string()]),
            record: Some(RecordedVm {
                name: name.into(),
                disks: Vec::new(),
                nics: vec![ExpectedNic {
                    name: "nic1".into(),
                    mac: Some(format!("56:6f:00:00:00:{n:02x}")),
                    network_profile: Some(("prod-net".into(), "prod-net".into())),
                }],
                affinity_groups: Vec::new(),
                affinity_labels: Vec::new(),
                cluster: "c1".into(),
                addresses: vec![RecordedAddress {
                    interface: "eth0".into(),
                    mac: Some(format!("56:6f:00:00:00:{n:02x}")),
                    ips: vec![ip.parse().unwrap()],
                }],
                tags: Vec::new(),
            }),
        }
    }

    fn vms() -> Vec<Candidate> {
        vec![
            candidate(1, "a1", false, "10.1.0.1"),
            candidate(2, "b1", true, "10.1.0.2"),
            candidate(3, "b2", true, "10.1.0.3"),
            candidate(4, "b3", true, "10.1.0.4"),
            candidate(5, "c1", false, "10.1.0.5"),
        ]
    }

    fn step<'a>(steps: &'a [Step], id: &str) -> Option<&'a Step> {
        steps.iter().find(|s| s.id.as_str() == id)
    }

    #[test]
    fn groups_chain_and_dependencies_and_start_rules() {
        let plan = Plan::new(PlanKind::Failover, Site::Secondary, "x");
        let steps = group_steps(&plan, &recovery(), Site::Secondary, &vms()).unwrap();
        // `start: all` starts a1 although it was down; b3 is not started (its own rule); c1
        // (default group, recorded) was down.
        assert!(step(&steps, "start-vm/00000000-0000-0000-0000-000000000001").is_some());
        assert!(step(&steps, "start-vm/00000000-0000-0000-0000-000000000004").is_none());
        assert!(step(&steps, "start-vm/00000000-0000-0000-0000-000000000005").is_none());
        let b2 = step(&steps, "start-vm/00000000-0000-0000-0000-000000000003").unwrap();
        assert!(b2.depends_on.contains(&StepId::from("group/first")));
        assert!(b2.depends_on.contains(&StepId::from(
            "ready-vm/00000000-0000-0000-0000-000000000002"
        )));
        let second = step(&steps, "group/second").unwrap();
        assert!(second.depends_on.contains(&StepId::from("group/first")));
        assert_eq!(second.waits_for.len(), 2);
        let Action::FinishGroup { delay_after_ms, .. } = &second.action else {
            panic!("a group end");
        };
        assert_eq!(*delay_after_ms, 5_000);
        // The default group has an end too, after the second group.
        assert!(
            step(&steps, "group/default")
                .unwrap()
                .depends_on
                .contains(&StepId::from("group/second"))
        );
    }

    fn initialization(steps: &[Step], n: u128) -> Option<Initialization> {
        let id = format!("start-vm/{}", Id::from_u128(n));
        match &step(steps, &id).unwrap().action {
            Action::StartVm { initialization, .. } => initialization.clone(),
            _ => None,
        }
    }

    #[test]
    fn readdress_forward_back_and_not_in_drills() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let plan = Plan::new(PlanKind::Failover, Site::Secondary, "x");
        let steps = group_steps(&plan, &recovery(), Site::Secondary, &vms()).unwrap();
        let init = initialization(&steps, 2).expect("re-IP");
        assert_eq!(init.nic_configurations[0].address, ip("10.201.0.2"));
        assert_eq!(init.nic_configurations[0].gateway, Some(ip("10.201.0.1")));
        assert_eq!(init.dns_servers, vec![ip("10.201.0.53")]);

        let mut back = vms();
        for c in &mut back {
            let r = c.record.as_mut().unwrap();
            let old = r.addresses[0].ips[0];
            r.addresses[0].ips = vec![recovery().reip.networks[0].forward(old).unwrap()];
        }
        let plan = Plan::new(PlanKind::Failback, Site::Primary, "x");
        let steps = group_steps(&plan, &recovery(), Site::Primary, &back).unwrap();
        let init = initialization(&steps, 2).expect("re-IP back");
        assert_eq!(init.nic_configurations[0].address, ip("10.1.0.2"));
        assert_eq!(init.nic_configurations[0].gateway, Some(ip("10.1.0.1")));
        assert_eq!(init.dns_servers, vec![ip("10.1.0.53")]);

        let mut plan = Plan::new(PlanKind::Failover, Site::Secondary, "x");
        plan.drill = true;
        let steps = group_steps(&plan, &recovery(), Site::Secondary, &vms()).unwrap();
        assert_eq!(
            initialization(&steps, 2),
            None,
            "a drill keeps the addresses"
        );
        let mut in_drills = recovery();
        in_drills.reip.in_drills = true;
        let steps = group_steps(&plan, &in_drills, Site::Secondary, &vms()).unwrap();
        assert!(initialization(&steps, 2).is_some());
    }

    #[test]
    fn a_plan_that_does_not_fit_the_vms_starts_nothing() {
        // The file alone cannot tell that cluster c1 holds b1; the VMs can.
        let text = "groups:\n  - name: x\n    select:\n      clusters: [c1]\n  - name: y\n    select:\n      names: [\"b1\"]\n";
        let loaded = RecoveryPlan::from_str(text, None);
        let recovery = loaded.plan.expect("valid on its own");
        let plan = Plan::new(PlanKind::Failover, Site::Secondary, "x");
        let e = group_steps(&plan, &recovery, Site::Secondary, &vms()).unwrap_err();
        assert!(e.message.contains("DR1301"), "{}", e.message);
    }
}
