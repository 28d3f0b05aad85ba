//! Plans: the DR flows as data first.
//!
//! A [`Plan`] is the ordered list of [`Step`]s a flow will take, with their dependencies, made from
//! the mapping and the live state of the sites. It prints as a tree for the operator and as JSON
//! with a content hash; [`execute`](crate::execute) runs it.

mod action;
pub mod cleanup;
pub mod drill;
pub mod failback;
pub mod failover;
pub mod gates;
mod problems;
mod render;
mod render_hooks;
mod render_recovery;
pub(crate) mod selection;
pub mod source_record;
mod step;

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use action::{
    Action, AddressChange, DiscoveredVm, DomainRef, ExpectedDisk, ExpectedNic, ExpectedVm, HookVm,
    StopMode,
};
pub use cleanup::{CleanupOptions, plan_cleanup};
pub use drill::{DrillEndOptions, plan_drill, plan_drill_end};
pub use failback::{ReturnOptions, plan_failback, plan_switchover};
pub use failover::{FailoverOptions, MappingSource, NicIsolation, plan_failover};
pub use problems::PlanningError;
pub use render::RenderOptions;
pub use step::{Phase, Planned, Step, StepId};

use crate::Site;
use crate::engine::Registration;

/// The version of the plan's JSON layout. Bumped when a field changes meaning.
pub const PLAN_SCHEMA: u32 = 1;

/// Which flow a plan is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanKind {
    /// Bring the replicated domains, templates and VMs up on the target after a disaster.
    Failover,
    /// Release the mapped domains of a site.
    Cleanup,
    /// Return to the site that failed: clean it, then fail over to it.
    Failback,
    /// Planned move with both sites up and no data loss.
    Switchover,
}

impl PlanKind {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            PlanKind::Failover => "failover",
            PlanKind::Cleanup => "cleanup",
            PlanKind::Failback => "failback",
            PlanKind::Switchover => "switchover",
        }
    }
}

impl PlanKind {
    /// How people call a run of this flow: `failover to secondary`, `cleanup (drill) of
    /// secondary`.
    pub fn title(self, drill: bool, target: Site) -> String {
        let drill = if drill { " (drill)" } else { "" };
        match self {
            PlanKind::Cleanup => format!("{self}{drill} of {target}"),
            _ => format!("{self}{drill} to {target}"),
        }
    }
}

impl std::fmt::Display for PlanKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The planner's probe of the source Engine that got no answer (connection refused, no route,
/// connect timeout).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceUnanswered {
    /// When, in milliseconds since the Unix epoch.
    pub at_ms: u64,
    /// What the client reported.
    pub error: String,
}

impl SourceUnanswered {
    /// How long the planner's "no answer" stands in for the guard's own probe of the source.
    /// A run executes right after its plan; a resume or a plan run later asks again. The
    /// source's hosts are probed either way.
    pub const REUSE: std::time::Duration = std::time::Duration::from_secs(60);

    /// Its age while it may still be reused ([`Self::REUSE`]).
    pub fn recent_age(&self) -> Option<std::time::Duration> {
        self.age().filter(|a| *a <= Self::REUSE)
    }

    /// How long ago it was seen, `None` when the clock went backwards.
    pub fn age(&self) -> Option<std::time::Duration> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?;
        now.checked_sub(std::time::Duration::from_millis(self.at_ms))
    }
}

/// How VMs and templates are registered, fixed at planning time from the mapping.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RegistrationSettings {
    /// Sent with every VM registration.
    pub vm: Registration,
    /// Sent with every template registration.
    pub template: Registration,
    /// For each of `vm.vnic_profile_mappings` (and the template's, the same list): the target
    /// data center of the profile it leads to, `None` when that is not known at planning time
    /// (a profile given by name only, or none). Empty when the mappings apply to every data
    /// center (a drill's isolation).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vnic_dcs: Vec<Option<String>>,
}

impl RegistrationSettings {
    /// `registration` (the VM's or the template's settings) for an entity registered into
    /// target data center `target_dc`: the vNIC profile mappings that lead to other data
    /// centers' profiles are left out, and those of `target_dc` come before those whose data
    /// center is not known. The Engine applies the first mapping whose source network and
    /// profile names match a NIC (`ImportVmCommandBase`, `VnicProfileMappingEntity` look-up),
    /// and two data centers may use the same names for different networks: another data
    /// center's mapping would put the NIC on a profile its cluster does not have, i.e. none.
    pub fn for_data_center(
        &self,
        registration: &Registration,
        target_dc: Option<&str>,
    ) -> Registration {
        let Some(dc) = target_dc else {
            return registration.clone();
        };
        if self.vnic_dcs.is_empty() {
            return registration.clone();
        }
        let mut own = Vec::new();
        let mut any = Vec::new();
        for (i, m) in registration.vnic_profile_mappings.iter().enumerate() {
            match self.vnic_dcs.get(i).and_then(Option::as_deref) {
                Some(d) if d == dc => own.push(m.clone()),
                Some(_) => {}
                None => any.push(m.clone()),
            }
        }
        own.extend(any);
        Registration {
            vnic_profile_mappings: own,
            ..registration.clone()
        }
    }
}

/// Settings of the start phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartSettings {
    /// Start the VMs whose OVF status was `up` (the role's behaviour).
    pub start_vms: bool,
    /// Wait for started VMs to be `up` and report those that are not.
    pub wait_for_up: bool,
}

impl Default for StartSettings {
    fn default() -> Self {
        Self {
            start_vms: true,
            wait_for_up: true,
        }
    }
}

/// How serious a planning note is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NoteLevel {
    /// The operator should know.
    Info,
    /// Something will not be done, or done differently than one might expect.
    Warning,
}

/// Something the planner wants the operator to read before approving the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanNote {
    /// How serious.
    pub level: NoteLevel,
    /// The text.
    pub text: String,
}

/// An ordered set of steps with dependencies, ready to execute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// JSON layout version ([`PLAN_SCHEMA`]).
    pub schema: u32,
    /// The flow.
    pub kind: PlanKind,
    /// The site the flow brings the workload to (or cleans, for cleanup).
    pub target: Site,
    /// The other site.
    pub source: Site,
    /// SHA-256 of the mapping file the plan was made from.
    pub mapping_sha256: String,
    /// How registrations are done.
    pub registration: RegistrationSettings,
    /// How VMs are started.
    pub start: StartSettings,
    /// Notes for the operator.
    pub notes: Vec<PlanNote>,
    /// The steps, in a valid execution order.
    pub steps: Vec<Step>,
    /// A drill (rehearsal): reports and journals say so.
    #[serde(default)]
    pub drill: bool,
    /// Where a drill put every NIC, for the verification after the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isolation: Option<crate::verify::Isolation>,
    /// The mapped domains the plan is restricted to (names on either site); `None` = all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domains: Option<Vec<String>>,
    /// The source Engine gave no answer when the plan was made (a failover or drill): the
    /// split-brain guard reuses this instead of waiting for it again when it runs soon after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_unanswered: Option<SourceUnanswered>,
    /// What the source showed of its VMs when the plan was made (their disks, NICs and
    /// affinity), when it answered: the registrations are planned and checked against it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_record: Option<source_record::SourceRecord>,
    /// The recovery plan that orders the starts (groups, waits, dependencies, re-IP); `None`:
    /// high-available VMs first, then the others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery: Option<crate::recovery_plan::RecoveryPlan>,
    /// For a run back to the primary whose recovery plan gives VMs their own addresses or
    /// selects by tag: the primary's record of those VMs, and of its tagged VMs (kept in the
    /// state directory when it last answered), by name. Their interfaces return to the
    /// addresses it has; its tags stand for the tags the secondary's copies do not carry.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub return_record: std::collections::BTreeMap<String, source_record::RecordedVm>,
    /// SHA-256 of everything above (hex); see [`Plan::compute_hash`].
    pub hash: String,
}

/// A plan's steps do not form a valid graph.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// Two steps share an id.
    #[error("two steps have the id '{0}'")]
    DuplicateStep(StepId),
    /// A step depends on a step that does not exist.
    #[error("step '{step}' depends on unknown step '{missing}'")]
    UnknownDependency {
        /// The step.
        step: StepId,
        /// The dependency.
        missing: StepId,
    },
    /// The dependencies form a cycle.
    #[error("the dependencies of step '{0}' form a cycle")]
    Cycle(StepId),
}

impl Plan {
    /// The tags a recovery plan's groups select VM `name` by: `recorded` (what the source's
    /// record has); when it has none (a VM registered on the secondary carries no tags), those
    /// of the primary's record on a run back to the primary ([`Plan::return_record`]).
    pub(crate) fn selection_tags(&self, name: &str, recorded: &[String]) -> Vec<String> {
        if !recorded.is_empty() {
            return recorded.to_vec();
        }
        self.return_record
            .get(name)
            .map(|r| r.tags.clone())
            .unwrap_or_default()
    }

    /// A plan with no steps yet.
    pub fn new(kind: PlanKind, target: Site, mapping_sha256: impl Into<String>) -> Self {
        Self {
            schema: PLAN_SCHEMA,
            kind,
            target,
            source: target.other(),
            mapping_sha256: mapping_sha256.into(),
            registration: RegistrationSettings::default(),
            start: StartSettings::default(),
            notes: Vec::new(),
            steps: Vec::new(),
            drill: false,
            isolation: None,
            domains: None,
            source_unanswered: None,
            source_record: None,
            recovery: None,
            return_record: std::collections::BTreeMap::new(),
            hash: String::new(),
        }
    }

    /// Adds a note.
    pub fn note(&mut self, level: NoteLevel, text: impl Into<String>) {
        self.notes.push(PlanNote {
            level,
            text: text.into(),
        });
    }

    /// The SHA-256 (hex) of the plan's content: everything but the `hash` field itself. Secrets
    /// are not part of plans, so the hash never depends on one.
    pub fn compute_hash(&self) -> String {
        let mut copy = self.clone();
        copy.hash.clear();
        let json = serde_json::to_vec(&copy).unwrap_or_default();
        hex(&Sha256::digest(&json))
    }

    /// Checks the graph and stores the content hash. Call once the steps are complete.
    pub fn seal(&mut self) -> Result<(), PlanError> {
        check_graph(&self.steps, &HashSet::new())?;
        self.hash = self.compute_hash();
        Ok(())
    }

    /// The first 12 characters of the hash, for display.
    pub fn short_hash(&self) -> &str {
        &self.hash[..self.hash.len().min(12)]
    }

    /// The step with this id.
    pub fn step(&self, id: &StepId) -> Option<&Step> {
        self.steps.iter().find(|s| &s.id == id)
    }
}

/// Checks that `steps` have unique ids, that every dependency is among them or in `known`, and
/// that they form no cycle.
pub fn check_graph(steps: &[Step], known: &HashSet<StepId>) -> Result<(), PlanError> {
    let mut index: HashMap<&StepId, usize> = HashMap::with_capacity(steps.len());
    for (i, s) in steps.iter().enumerate() {
        if known.contains(&s.id) || index.insert(&s.id, i).is_some() {
            return Err(PlanError::DuplicateStep(s.id.clone()));
        }
    }
    for s in steps {
        for d in s.depends_on.iter().chain(&s.waits_for) {
            if !index.contains_key(d) && !known.contains(d) {
                return Err(PlanError::UnknownDependency {
                    step: s.id.clone(),
                    missing: d.clone(),
                });
            }
        }
    }
    // Iterative three-colour DFS over the new steps (dependencies on `known` steps cannot close a
    // cycle: known steps never depend on new ones).
    let mut colour = vec![0u8; steps.len()];
    for start in 0..steps.len() {
        if colour[start] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        colour[start] = 1;
        while let Some((node, next)) = stack.pop() {
            let deps = &steps[node].depends_on;
            let waits = &steps[node].waits_for;
            if next < deps.len() + waits.len() {
                stack.push((node, next + 1));
                let target = if next < deps.len() {
                    &deps[next]
                } else {
                    &waits[next - deps.len()]
                };
                if let Some(&dep) = index.get(target) {
                    match colour[dep] {
                        0 => {
                            colour[dep] = 1;
                            stack.push((dep, 0));
                        }
                        1 => return Err(PlanError::Cycle(steps[dep].id.clone())),
                        _ => {}
                    }
                }
            } else {
                colour[node] = 2;
            }
        }
    }
    Ok(())
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn barrier(id: &str, deps: &[&str]) -> Step {
        Step::new(
            id.into(),
            Site::Secondary,
            Phase::Storage,
            Action::Barrier,
            id,
        )
        .after(deps.iter().map(|d| StepId::from(*d)))
    }

    #[test]
    fn seal_checks_graph_and_hash_ignores_itself() {
        let mut plan = Plan::new(PlanKind::Failover, Site::Secondary, "abc");
        plan.steps = vec![barrier("a", &[]), barrier("b", &["a"])];
        plan.seal().unwrap();
        assert_eq!(plan.hash.len(), 64);
        assert_eq!(plan.hash, plan.compute_hash());
        let before = plan.hash.clone();
        plan.steps[1].summary = "changed".into();
        assert_ne!(before, plan.compute_hash());
    }

    #[test]
    fn rejects_duplicates_unknown_dependencies_and_cycles() {
        let none = HashSet::new();
        assert_eq!(
            check_graph(&[barrier("a", &[]), barrier("a", &[])], &none),
            Err(PlanError::DuplicateStep("a".into()))
        );
        assert!(matches!(
            check_graph(&[barrier("a", &["x"])], &none),
            Err(PlanError::UnknownDependency { .. })
        ));
        assert!(matches!(
            check_graph(
                &[
                    barrier("a", &["c"]),
                    barrier("b", &["a"]),
                    barrier("c", &["b"])
                ],
                &none
            ),
            Err(PlanError::Cycle(_))
        ));
        let known: HashSet<StepId> = ["x".into()].into();
        assert!(check_graph(&[barrier("a", &["x"])], &known).is_ok());
    }
}
