//! [`Step`]: one unit of work of a plan, with its dependencies.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::Action;
use crate::Site;

/// A step's identifier, stable across re-planning: it is derived from what the step acts on
/// (`attach/<domain>`, `register-vm/<id>`), so a resumed run finds its steps again in the journal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StepId(pub String);

impl StepId {
    /// An id from its parts joined with `/`, e.g. `StepId::of(["attach", "data1"])`.
    pub fn of<I, S>(parts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut s = String::new();
        for (i, p) in parts.into_iter().enumerate() {
            if i > 0 {
                s.push('/');
            }
            s.push_str(p.as_ref());
        }
        Self(s)
    }

    /// The id text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StepId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for StepId {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

/// The phases of the DR flows, in the order a flow goes through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Checks before anything changes: split-brain evidence, recording what runs.
    Preflight,
    /// Stopping the VMs of the domains being released.
    Shutdown,
    /// Writing the domains' OVF stores so the replicas carry the latest VM definitions.
    OvfUpdate,
    /// Moving domains to maintenance and detaching them.
    Detach,
    /// Removing domains from the Engine.
    Remove,
    /// Removing what the removed domains left behind.
    Orphans,
    /// Waiting until storage replication is reversed and the target side is writable.
    StorageGate,
    /// iSCSI logins, domain import, attach and activation.
    Storage,
    /// Listing what the activated domains' OVF stores hold.
    Discovery,
    /// Registering templates.
    Templates,
    /// Registering VMs.
    Vms,
    /// Starting VMs.
    Start,
    /// Waiting for started VMs and checking the result.
    Verify,
}

impl Phase {
    /// Human name of the phase.
    pub fn title(self) -> &'static str {
        match self {
            Phase::Preflight => "preflight checks",
            Phase::Shutdown => "shut down VMs",
            Phase::OvfUpdate => "update OVF stores",
            Phase::Detach => "deactivate and detach storage domains",
            Phase::Remove => "remove storage domains",
            Phase::Orphans => "remove orphans",
            Phase::StorageGate => "storage gate",
            Phase::Storage => "import and attach storage domains",
            Phase::Discovery => "discover VMs and templates",
            Phase::Templates => "register templates",
            Phase::Vms => "register VMs",
            Phase::Start => "start VMs",
            Phase::Verify => "wait for VMs and verify",
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.title())
    }
}

/// What the planner found when it looked at the live Engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Planned {
    /// The step has work to do.
    ToDo,
    /// The effect is already in place; the step only verifies it.
    AlreadyDone {
        /// What the planner saw.
        reason: String,
    },
    /// The step will not run.
    Skipped {
        /// Why.
        reason: String,
    },
}

/// One unit of work.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// Stable id.
    pub id: StepId,
    /// The site it acts on.
    pub site: Site,
    /// Its phase.
    pub phase: Phase,
    /// What it does.
    pub action: Action,
    /// Steps that must have succeeded before this one starts. A dependency on a step that adds
    /// steps (an expansion) also waits for everything that step added.
    pub depends_on: Vec<StepId>,
    /// Steps that must have ended, successfully or not, before this one starts (ordering without
    /// requiring success, e.g. start wave 2 after wave 1 whatever became of wave 1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waits_for: Vec<StepId>,
    /// What the planner found.
    pub planned: Planned,
    /// One line for humans, e.g. `attach 'data1' to data center 'Recovery' (master)`.
    pub summary: String,
}

impl Step {
    /// A step with no dependencies that has work to do.
    pub fn new(
        id: StepId,
        site: Site,
        phase: Phase,
        action: Action,
        summary: impl Into<String>,
    ) -> Self {
        Self {
            id,
            site,
            phase,
            action,
            depends_on: Vec::new(),
            waits_for: Vec::new(),
            planned: Planned::ToDo,
            summary: summary.into(),
        }
    }

    /// Adds dependencies.
    #[must_use]
    pub fn after<I: IntoIterator<Item = StepId>>(mut self, deps: I) -> Self {
        for d in deps {
            if !self.depends_on.contains(&d) {
                self.depends_on.push(d);
            }
        }
        self
    }

    /// Adds steps this one waits for without requiring their success.
    #[must_use]
    pub fn after_finished<I: IntoIterator<Item = StepId>>(mut self, steps: I) -> Self {
        for d in steps {
            if !self.waits_for.contains(&d) {
                self.waits_for.push(d);
            }
        }
        self
    }

    /// Marks the step as already done.
    #[must_use]
    pub fn already_done(mut self, reason: impl Into<String>) -> Self {
        self.planned = Planned::AlreadyDone {
            reason: reason.into(),
        };
        self
    }

    /// Marks the step as skipped.
    #[must_use]
    pub fn skipped(mut self, reason: impl Into<String>) -> Self {
        self.planned = Planned::Skipped {
            reason: reason.into(),
        };
        self
    }

    /// Scheduling priority: lower runs first among ready steps. Steps on the critical path of the
    /// recovery (storage, templates, VMs that were running, high-available first) come before
    /// work nobody waits for (registering VMs that were down).
    pub fn priority(&self) -> u32 {
        self.action.priority()
    }
}
