//! Putting a site's VMs into the plan's groups, in order, and checking the plan against them:
//! a VM two groups select, a dependency on a VM of a later group, names the site does not have.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{DEFAULT_GROUP, RecoveryPlan, StartPolicy, Wait};
use crate::diag::{Diagnostic, Location};
use crate::validate::codes;

/// What the plan's selectors look at in one VM (as its source site has it).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VmFacts {
    /// Name.
    pub name: String,
    /// Its cluster's name.
    pub cluster: String,
    /// Its affinity labels' names.
    pub affinity_labels: Vec<String>,
    /// Its tags' names.
    pub tags: Vec<String>,
}

/// One group with its VMs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssignedGroup {
    /// The group's name ([`DEFAULT_GROUP`] for the VMs no group selects).
    pub name: String,
    /// Its VMs, by name, sorted.
    pub vms: Vec<String>,
    /// What the next group waits for.
    pub wait: Wait,
    /// Which of its VMs start.
    pub start: StartPolicy,
}

/// The VMs in their groups, in the plan's order, the default group last (when it has VMs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assignment {
    /// The groups.
    pub groups: Vec<AssignedGroup>,
}

impl Assignment {
    /// The index of the group of `vm`.
    pub fn group_of(&self, vm: &str) -> Option<usize> {
        self.groups
            .iter()
            .position(|g| g.vms.binary_search_by(|v| v.as_str().cmp(vm)).is_ok())
    }
}

/// Assigns `vms` to the groups of `plan`. Errors: a VM selected by two groups, a dependency on
/// a VM of a later group. Warnings: a name (VM, cluster, label, tag) the VMs do not have.
pub fn assign(plan: &RecoveryPlan, vms: &[VmFacts]) -> (Assignment, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let mut groups: Vec<AssignedGroup> = plan
        .groups
        .iter()
        .map(|g| AssignedGroup {
            name: g.name.clone(),
            vms: Vec::new(),
            wait: g.wait.clone(),
            start: g.start,
        })
        .collect();
    let mut default = AssignedGroup {
        name: DEFAULT_GROUP.to_owned(),
        vms: Vec::new(),
        wait: Wait::default(),
        start: StartPolicy::Recorded,
    };
    for vm in vms {
        let matching: Vec<usize> = plan
            .groups
            .iter()
            .enumerate()
            .filter(|(_, g)| {
                let s = &g.select;
                s.names.iter().any(|n| n.matches(&vm.name))
                    || s.clusters.contains(&vm.cluster)
                    || s.affinity_labels
                        .iter()
                        .any(|l| vm.affinity_labels.contains(l))
                    || s.tags.iter().any(|t| vm.tags.contains(t))
            })
            .map(|(i, _)| i)
            .collect();
        match matching.as_slice() {
            [] => default.vms.push(vm.name.clone()),
            [i] => groups[*i].vms.push(vm.name.clone()),
            [i, ..] => {
                let names: Vec<&str> = matching
                    .iter()
                    .map(|i| plan.groups[*i].name.as_str())
                    .collect();
                problems.push(
                    Diagnostic::error(
                        codes::RECOVERY_VM_IN_TWO_GROUPS,
                        format!(
                            "VM '{}' is selected by groups '{}'",
                            vm.name,
                            names.join("', '")
                        ),
                    )
                    .at(entity(&vm.name))
                    .with_hint("narrow the selectors so that each VM is in one group"),
                );
                groups[*i].vms.push(vm.name.clone());
            }
        }
    }
    if !default.vms.is_empty() {
        groups.push(default);
    }
    for g in &mut groups {
        g.vms.sort();
    }
    let assignment = Assignment { groups };
    check_dependencies(plan, &assignment, &mut problems);
    check_names(plan, vms, &mut problems);
    (assignment, problems)
}

fn entity(vm: &str) -> Location {
    Location {
        entity: Some(format!("VM '{vm}'")),
        ..Location::default()
    }
}

fn check_dependencies(plan: &RecoveryPlan, a: &Assignment, problems: &mut Vec<Diagnostic>) {
    for (vm, rule) in &plan.vms {
        let Some(mine) = a.group_of(vm) else { continue };
        for dep in &rule.after {
            if let Some(theirs) = a.group_of(dep)
                && theirs > mine
            {
                problems.push(
                    Diagnostic::error(
                        codes::RECOVERY_DEPENDENCY_ORDER,
                        format!(
                            "VM '{vm}' (group '{}') comes after '{dep}', which is in the later group '{}'",
                            a.groups[mine].name, a.groups[theirs].name
                        ),
                    )
                    .at(entity(vm))
                    .with_hint(format!(
                        "move '{dep}' to group '{}' or earlier, or '{vm}' to group '{}' or later",
                        a.groups[mine].name, a.groups[theirs].name
                    )),
                );
            }
        }
    }
}

fn check_names(plan: &RecoveryPlan, vms: &[VmFacts], problems: &mut Vec<Diagnostic>) {
    let names: BTreeSet<&str> = vms.iter().map(|v| v.name.as_str()).collect();
    let clusters: BTreeSet<&str> = vms.iter().map(|v| v.cluster.as_str()).collect();
    let labels: BTreeSet<&str> = vms
        .iter()
        .flat_map(|v| v.affinity_labels.iter().map(String::as_str))
        .collect();
    let tags: BTreeSet<&str> = vms
        .iter()
        .flat_map(|v| v.tags.iter().map(String::as_str))
        .collect();
    let mut unknown: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for g in &plan.groups {
        let s = &g.select;
        for n in s
            .names
            .iter()
            .filter(|n| !vms.iter().any(|v| n.matches(&v.name)))
        {
            unknown
                .entry("VM name or pattern")
                .or_default()
                .push(n.as_str().to_owned());
        }
        for (kind, list, known) in [
            ("cluster", &s.clusters, &clusters),
            ("affinity label", &s.affinity_labels, &labels),
            ("tag", &s.tags, &tags),
        ] {
            for x in list.iter().filter(|x| !known.contains(x.as_str())) {
                unknown.entry(kind).or_default().push(x.clone());
            }
        }
    }
    for (vm, rule) in &plan.vms {
        for n in std::iter::once(vm).chain(&rule.after) {
            if !names.contains(n.as_str()) {
                unknown.entry("VM").or_default().push(n.clone());
            }
        }
    }
    for (kind, mut list) in unknown {
        list.sort();
        list.dedup();
        problems.push(
            Diagnostic::warning(
                codes::RECOVERY_UNKNOWN_NAME,
                format!(
                    "the recovery plan names {kind}s that no VM of the site has: '{}'",
                    list.join("', '")
                ),
            )
            .with_hint("correct the names, or remove them from the plan"),
        );
    }
}
