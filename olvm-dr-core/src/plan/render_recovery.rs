//! The recovery plan's part of a printed plan: its groups in order with what each selects and
//! waits for, the VMs of each (when the plan recorded the source's VMs), the dependencies and
//! the address translations. The steps themselves are added when the domains' OVF stores have
//! been read, so a plan shows them only as this outline.

use std::fmt::Write;

use super::Plan;
use crate::Site;
use crate::recovery_plan::{DEFAULT_GROUP, RecoveryPlan, VmFacts, assign};

/// How many VM names a group lists before "and N more".
const NAMES_SHOWN: usize = 8;

/// Appends the outline of `recovery` to `out`.
pub(super) fn render_recovery(out: &mut String, plan: &Plan, recovery: &RecoveryPlan) {
    let _ = writeln!(
        out,
        "\nRecovery plan: the starts go group by group, each after the previous group's wait"
    );
    let assignment = plan.source_record.as_ref().map(|record| {
        let facts: Vec<VmFacts> = record
            .vms
            .values()
            .map(|v| VmFacts {
                name: v.name.clone(),
                cluster: v.cluster.clone(),
                affinity_labels: v.affinity_labels.clone(),
                tags: plan.selection_tags(&v.name, &v.tags),
            })
            .collect();
        assign(recovery, &facts).0
    });
    let mut names: Vec<(&str, String, String, u64)> = recovery
        .groups
        .iter()
        .map(|g| {
            (
                g.name.as_str(),
                g.select.describe(),
                g.wait.describe(),
                g.delay_after.as_secs(),
            )
        })
        .collect();
    names.push((
        DEFAULT_GROUP,
        "the VMs no group selects".into(),
        crate::recovery_plan::Wait::default().describe(),
        0,
    ));
    super::render_hooks::render_run_hooks(out, recovery, true);
    for (n, (name, select, wait, delay)) in names.iter().enumerate() {
        let _ = writeln!(out, "   {}. {name}: {select}", n + 1);
        super::render_hooks::render_group_hooks(out, recovery, name, true);
        let _ = writeln!(out, "      wait: {wait}");
        if *delay > 0 {
            let _ = writeln!(out, "      then {delay} s of delay");
        }
        super::render_hooks::render_group_hooks(out, recovery, name, false);
        if let Some(a) = &assignment {
            let vms = a
                .groups
                .iter()
                .find(|g| g.name == *name)
                .map_or(&[][..], |g| g.vms.as_slice());
            let shown: Vec<&str> = vms.iter().take(NAMES_SHOWN).map(String::as_str).collect();
            let more = vms.len().saturating_sub(NAMES_SHOWN);
            let _ = writeln!(
                out,
                "      VMs ({}): {}{}",
                vms.len(),
                if shown.is_empty() {
                    "none".to_owned()
                } else {
                    shown.join(", ")
                },
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            );
        }
    }
    super::render_hooks::render_run_hooks(out, recovery, false);
    for (vm, rule) in &recovery.vms {
        super::render_hooks::render_vm_hooks(out, vm, &rule.hooks);
        if !rule.after.is_empty() {
            let _ = writeln!(out, "   {vm} starts after {}", rule.after.join(", "));
        }
        if let Some(start) = rule.start {
            let _ = writeln!(
                out,
                "   {vm} {}",
                if start {
                    "is started"
                } else {
                    "is not started"
                }
            );
        }
    }
    let own = recovery.vms.iter().filter(|(_, r)| !r.addresses.is_empty());
    if recovery.reip.networks.is_empty() && own.clone().next().is_none() {
        return;
    }
    if plan.drill && !recovery.reip.in_drills {
        let _ = writeln!(
            out,
            "   re-IP: off in this drill (the guests keep their addresses; reip.in_drills turns it on)"
        );
        return;
    }
    let back = plan.target == Site::Primary;
    for t in &recovery.reip.networks {
        let (from, to) = if back { (t.to, t.from) } else { (t.from, t.to) };
        let _ = writeln!(
            out,
            "   re-IP on {}: {from} -> {to} through cloud-init at start{}",
            t.network,
            if back { " (back)" } else { "" }
        );
    }
    for (vm, rule) in own {
        for a in &rule.addresses {
            let _ = if back {
                writeln!(
                    out,
                    "   {vm}, {}: back to its address on the primary (as recorded there)",
                    a.nic
                )
            } else {
                writeln!(
                    out,
                    "   {vm}, {}: {}/{}{} through cloud-init at start",
                    a.nic,
                    a.address,
                    a.prefix,
                    a.gateway
                        .map(|g| format!(", gateway {g}"))
                        .unwrap_or_default()
                )
            };
        }
    }
}
