//! A run back to the primary returns the VMs that a recovery plan gave their own addresses to
//! the addresses they had there, and selects by the tags the VMs had there. The secondary's
//! record only knows the addresses they got and none of their tags (tags are Engine rows, not
//! part of the OVF a VM is registered from); the primary's, kept in the state directory when it
//! last answered, knows both.

use crate::Site;
use crate::plan::Plan;

use super::FlowError;
use super::runs::RunStore;

/// Puts into `plan` the primary's record of each VM its recovery plan gives addresses to, and of
/// each tagged VM when a group selects by tag, when the plan brings the workload to the primary
/// and the state directory has that record. VMs the record lacks keep their addresses (the
/// run's start steps say so) and match only by the group's other selectors.
///
/// # Errors
/// The plan cannot be sealed again.
pub(super) fn use_return_record(plan: &mut Plan, store: &RunStore) -> Result<(), FlowError> {
    let Some(recovery) = &plan.recovery else {
        return Ok(());
    };
    let by_tag = recovery.groups.iter().any(|g| !g.select.tags.is_empty());
    if plan.target != Site::Primary
        || (!by_tag && recovery.vms.values().all(|r| r.addresses.is_empty()))
    {
        return Ok(());
    }
    let Some(record) = store.source_record(Site::Primary) else {
        return Ok(());
    };
    let wanted: Vec<&String> = recovery
        .vms
        .iter()
        .filter(|(_, r)| !r.addresses.is_empty())
        .map(|(name, _)| name)
        .collect();
    plan.return_record = record
        .vms
        .into_values()
        .filter(|v| wanted.contains(&&v.name) || (by_tag && !v.tags.is_empty()))
        .map(|v| (v.name.clone(), v))
        .collect();
    Ok(crate::plan::failover::seal(plan)?)
}
