//! The starts of a run that follows a recovery plan: its groups in order, each VM's wait, the
//! VMs' `after:` dependencies, the group's end (its `on_timeout` and delay), and the addresses
//! cloud-init gives each guest (re-IP).
//!
//! Steps, per group `G` in the plan's order (the VMs no group selects last, as `default`):
//! `start-vm/<id>` for each VM the group starts (after its registration, the end of the
//! previous group, and the waits of the VMs it comes `after`), `ready-vm/<id>` waiting for it,
//! and `group/<G>`, which ends the group once all its waits ended.

use std::collections::HashMap;
use std::net::IpAddr;

use crate::Site;
use crate::engine::{Id, Initialization, NicConfiguration};
use crate::execute::StepFailure;
use crate::plan::source_record::RecordedVm;
use crate::plan::{Action, AddressChange, Phase, Plan, Step, StepId};
use crate::recovery_plan::{RecoveryPlan, StartPolicy, VmFacts, assign};

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
            tags: Vec::new(),
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
    let mut previous: Option<StepId> = None;
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
        let delay_after = recovery
            .groups
            .iter()
            .find(|x| x.name == g.name)
            .map_or(std::time::Duration::ZERO, |x| x.delay_after);
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
                Some(r) => r.of(c.record.as_ref()),
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
                .after(after),
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
            .after_finished(readies),
        );
        previous = Some(id);
    }
    Ok(steps)
}

/// How the run changes the guests' addresses: the plan's subnet translations, forward on a
/// failover to the secondary, back on a return to the primary.
struct Readdress<'a> {
    recovery: &'a RecoveryPlan,
    back: bool,
}

impl<'a> Readdress<'a> {
    /// `None` when the plan translates nothing, or in a drill that keeps the old addresses.
    fn for_plan(plan: &Plan, recovery: &'a RecoveryPlan) -> Option<Self> {
        let applies =
            !recovery.reip.networks.is_empty() && (!plan.drill || recovery.reip.in_drills);
        applies.then_some(Self {
            recovery,
            back: plan.target == Site::Primary,
        })
    }

    /// The initialization for one VM and the changes it makes; `None` when nothing changes.
    /// Forward, a translation applies to the addresses in its `from` on its network; back, to
    /// the addresses in its `to` (the target network may be named otherwise), with the target
    /// gateway and DNS servers translated back as well.
    fn of(&self, record: Option<&RecordedVm>) -> (Option<Initialization>, Vec<AddressChange>) {
        let Some(record) = record else {
            return (None, Vec::new());
        };
        let mut init = Initialization::default();
        let mut changes = Vec::new();
        for a in &record.addresses {
            let network = record
                .nics
                .iter()
                .find(|n| n.mac.is_some() && n.mac == a.mac)
                .and_then(|n| n.network_profile.as_ref())
                .map(|(net, _)| net.clone())
                .unwrap_or_default();
            for ip in &a.ips {
                let found = self.recovery.reip.networks.iter().find_map(|t| {
                    if self.back {
                        t.back(*ip).map(|new| (t, new))
                    } else if t.network == network {
                        t.forward(*ip).map(|new| (t, new))
                    } else {
                        None
                    }
                });
                let Some((t, new)) = found else { continue };
                if init
                    .nic_configurations
                    .iter()
                    .any(|c| c.name == a.interface)
                {
                    continue;
                }
                let moved = |x: IpAddr| if self.back { t.back(x) } else { Some(x) };
                init.nic_configurations.push(NicConfiguration {
                    name: a.interface.clone(),
                    address: new,
                    prefix: t.to.prefix(),
                    gateway: t.gateway.and_then(moved),
                });
                for d in t.dns.iter().filter_map(|d| moved(*d)) {
                    if !init.dns_servers.contains(&d) {
                        init.dns_servers.push(d);
                    }
                }
                changes.push(AddressChange {
                    interface: a.interface.clone(),
                    network: network.clone(),
                    old: *ip,
                    new,
                });
            }
        }
        if changes.is_empty() {
            (None, Vec::new())
        } else {
            (Some(init), changes)
        }
    }
}
