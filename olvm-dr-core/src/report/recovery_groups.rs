//! The report's view of a recovery plan's groups: per group, when its first VM started and
//! when its last wait ended (its time to up), the VMs that did not pass their wait, and each
//! VM's address changes with what its guest reported afterwards.

use std::collections::HashMap;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use super::{Report, StepOutcome};
use crate::plan::{Action, Step, StepId};

/// One group of a run that followed a recovery plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupOutcome {
    /// The group's name.
    pub name: String,
    /// How many of its VMs were started.
    pub started: usize,
    /// From the run's start to the first start of the group, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_start_ms: Option<u64>,
    /// From its first start to the end of its last wait: the group's time to up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_to_up_ms: Option<u64>,
    /// How the group ended.
    pub outcome: StepOutcome,
    /// Its VMs that did not pass their wait.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_passed: Vec<String>,
    /// The address changes of its VMs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<AddressOutcome>,
}

/// One address a recovery plan changed at a VM's start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressOutcome {
    /// The VM.
    pub vm: String,
    /// The guest's interface.
    pub interface: String,
    /// Its address on the source.
    pub old: IpAddr,
    /// The address cloud-init was given.
    pub new: IpAddr,
    /// `true` when the guest reported the new address after its start; `false` when it
    /// reported others (a guest without cloud-init keeps its own configuration: a hook must
    /// change it); `None` when its wait did not read the addresses.
    pub applied: Option<bool>,
}

/// Adds the groups of the steps' recovery plan (nothing when no step belongs to one).
pub fn add_recovery_groups(
    report: &mut Report,
    steps: &[Step],
    outputs: &HashMap<StepId, serde_json::Value>,
) {
    let results: HashMap<&StepId, &super::StepResult> =
        report.steps.iter().map(|r| (&r.id, r)).collect();
    let mut groups = Vec::new();
    for step in steps {
        let Action::FinishGroup { group, vms, .. } = &step.action else {
            continue;
        };
        let mut first_start: Option<u64> = None;
        let mut last_end: Option<u64> = None;
        let mut addresses = Vec::new();
        for (id, name) in vms {
            let start = StepId::of(["start-vm", &id.to_string()]);
            let ready = StepId::of(["ready-vm", &id.to_string()]);
            if let Some(r) = results.get(&start).and_then(|r| r.started_ms) {
                first_start = Some(first_start.map_or(r, |f| f.min(r)));
            }
            if let Some(r) = results.get(&ready)
                && let Some(s) = r.started_ms
            {
                let end = s + r.duration_ms;
                last_end = Some(last_end.map_or(end, |l| l.max(end)));
            }
            let reported: Option<Vec<IpAddr>> = outputs
                .get(&ready)
                .and_then(|o| o.get("addresses"))
                .and_then(|a| serde_json::from_value(a.clone()).ok());
            let Some(Action::StartVm { readdress, .. }) =
                steps.iter().find(|s| s.id == start).map(|s| &s.action)
            else {
                continue;
            };
            for change in readdress {
                addresses.push(AddressOutcome {
                    vm: name.clone(),
                    interface: change.interface.clone(),
                    old: change.old,
                    new: change.new,
                    applied: reported
                        .as_ref()
                        .filter(|r| !r.is_empty())
                        .map(|r| r.contains(&change.new)),
                });
            }
        }
        // A VM whose wait ran and failed, or ended saying it did not pass.
        let not_passed = vms
            .iter()
            .filter(|(id, _)| {
                let ready = StepId::of(["ready-vm", &id.to_string()]);
                let failed = results
                    .get(&ready)
                    .is_some_and(|r| r.outcome == StepOutcome::Failed);
                let passed = outputs
                    .get(&ready)
                    .and_then(|o| o.get("passed"))
                    .and_then(serde_json::Value::as_bool);
                failed || passed == Some(false)
            })
            .map(|(_, name)| name.clone())
            .collect();
        groups.push(GroupOutcome {
            name: group.clone(),
            started: vms.len(),
            first_start_ms: first_start,
            time_to_up_ms: first_start.zip(last_end).map(|(f, l)| l.saturating_sub(f)),
            outcome: results
                .get(&step.id)
                .map_or(StepOutcome::NotRun, |r| r.outcome),
            not_passed,
            addresses,
        });
    }
    report.recovery_groups = groups;
}

/// Appends one line per group (its time to up, the VMs that did not pass) and one per
/// changed address to a report summary.
pub(super) fn render_groups(out: &mut String, groups: &[GroupOutcome]) {
    use std::fmt::Write;
    for g in groups {
        let up = g
            .time_to_up_ms
            .map_or_else(|| "no VM up".to_owned(), super::words::secs);
        let _ = write!(
            out,
            "  group {}: {} VMs started, up in {up} ({})",
            g.name,
            g.started,
            super::words::outcome_word(g.outcome)
        );
        if !g.not_passed.is_empty() {
            let _ = write!(
                out,
                "; did not pass their wait: {}",
                g.not_passed.join(", ")
            );
        }
        out.push('\n');
        for a in &g.addresses {
            let applied = match a.applied {
                Some(true) => "reported by the guest",
                Some(false) => "NOT reported by the guest (no cloud-init? a hook must change it)",
                None => "not read back",
            };
            let _ = writeln!(
                out,
                "    {} {}: {} -> {} ({applied})",
                a.vm, a.interface, a.old, a.new
            );
        }
    }
}
