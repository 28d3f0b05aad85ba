//! The lower bound of a failover that follows a recovery plan: its groups serialize, so on top
//! of the bound of the same failover without a plan ([`failover_lower_bound`]), the run cannot
//! end before storage, one discovery, the template chain and one registration, then each group
//! in turn: one start, its VM's way up, what its wait adds (the guest agent's report for `ip`),
//! and its delay. The sum of the groups' critical paths is that second term.

use std::time::Duration;

use olvm_dr_core::fake::{LatencyProfile, Operation};

use crate::lower_bound::{FailoverShape, LowerBound, failover_lower_bound};

/// One group of the plan, as the bound sees it.
#[derive(Debug, Clone, Copy)]
pub struct GroupShape {
    /// VMs it starts (a group that starts none adds nothing).
    pub started: usize,
    /// Its wait is for a reported address (`ip`) rather than `up`.
    pub waits_for_address: bool,
    /// Its `delay_after`.
    pub delay_after: Duration,
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The bound of a failover of `shape` following a plan of `groups` (in order).
pub fn recovery_plan_lower_bound(
    profile: &LatencyProfile,
    lease: Duration,
    concurrency: usize,
    shape: FailoverShape,
    groups: &[GroupShape],
) -> LowerBound {
    let plain = failover_lower_bound(profile, lease, concurrency, shape);
    let req = |op: Operation| ms(profile.request(op, 0));
    let t = profile.transitions();
    let up = ms(t.vm_wait_for_launch) + ms(t.vm_powering_up);
    let before_groups = plain.storage_ms
        + req(Operation::UnregisteredTemplates)
        + req(Operation::UnregisteredVms)
        + req(Operation::RegisterTemplate) * shape.template_chain as u64
        + req(Operation::RegisterVm);
    let groups_ms: u64 = groups
        .iter()
        .filter(|g| g.started > 0)
        .map(|g| {
            req(Operation::StartVm)
                + up
                + if g.waits_for_address {
                    ms(t.guest_agent)
                } else {
                    0
                }
                + ms(g.delay_after)
        })
        .sum();
    let critical = plain.critical_path_ms.max(before_groups + groups_ms);
    LowerBound {
        critical_path_ms: critical,
        total_ms: critical.max(plain.work_bound_ms),
        ..plain
    }
}
