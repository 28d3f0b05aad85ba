//! The commands a recovery plan runs around its groups and VMs, and its manual steps.
//!
//! A hook is a command (run by `sh -c`, without olvm-dr's secret variables, its output scrubbed
//! of them) with a timeout and what to do when it fails. A manual step is a question for the
//! operator ("confirm the DNS change"), answered like a storage gate: at the terminal, by a
//! file that appears, or by a command that succeeds.
//!
//! Where they run, in the order of a run's starts:
//!
//! | key | runs |
//! | --- | --- |
//! | `hooks.before_run` | once the storage is in place, before the first group |
//! | `manual` (plan) | after `before_run`, before the first group |
//! | `groups[].hooks.before` | when the previous group ended, before the group's starts |
//! | `groups[].manual` | after the group's `before` hook, before its starts |
//! | `vms.<name>.hooks.before_start` | after the VM's registration, right before its start |
//! | `vms.<name>.hooks.after_ready` | once the VM's wait ended, passed or not |
//! | `groups[].hooks.after` | once the group ended (after its delay), before the next group |
//! | `hooks.after_run` | once the last group (`default`) ended |

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// How long a hook may run unless it says otherwise: long enough for a DNS or load-balancer
/// change through an API, short enough that a hung script does not hold a failover for hours.
pub const DEFAULT_HOOK_TIMEOUT: Duration = Duration::from_secs(600);

/// One command a recovery plan runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hook {
    /// The command line (run by `sh -c`).
    pub command: String,
    /// How long it may run; past it, it is killed and counts as failed.
    #[serde(with = "super::duration_ms")]
    pub timeout: Duration,
    /// What a failure (an exit status other than 0, the timeout, a command that cannot start)
    /// does.
    pub on_failure: OnFailure,
}

impl Hook {
    /// A hook running `command` with the default timeout, stopping the run when it fails.
    pub fn new(command: impl Into<String>) -> Self {
        Self {
            command: command.into(),
            timeout: DEFAULT_HOOK_TIMEOUT,
            on_failure: OnFailure::Stop,
        }
    }

    /// The hook in words, e.g. `` `notify.sh` (within 600 s, on failure: stop) ``.
    pub fn describe(&self) -> String {
        format!(
            "`{}` (within {} s, on failure: {})",
            self.command,
            self.timeout.as_secs(),
            self.on_failure.as_str()
        )
    }
}

/// What a failing hook does to the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnFailure {
    /// Go on; the report shows the failure.
    Continue,
    /// Stop the run here: the steps after the hook do not start, the run ends failed, and the
    /// error says to correct the cause and run the command again.
    #[default]
    Stop,
    /// Ask the operator whether to go on, as a storage gate does; no answer stops the run.
    Ask,
}

impl OnFailure {
    /// The plan file's word for it.
    pub fn as_str(self) -> &'static str {
        match self {
            OnFailure::Continue => "continue",
            OnFailure::Stop => "stop",
            OnFailure::Ask => "ask",
        }
    }
}

/// The hooks and the manual step of the whole plan.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PlanHooks {
    /// Before the first group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before_run: Option<Hook>,
    /// After the last group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_run: Option<Hook>,
    /// A question for the operator before the first group (after `before_run`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manual: Option<String>,
}

/// The hooks and the manual step of one group.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GroupHooks {
    /// Before the group's starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Hook>,
    /// After the group's end (its waits and its delay).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Hook>,
    /// A question for the operator before the group's starts (after `before`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manual: Option<String>,
}

/// The hooks of one VM.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VmHooks {
    /// Right before the VM's start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before_start: Option<Hook>,
    /// Once the VM's wait ended (passed or not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_ready: Option<Hook>,
}

impl PlanHooks {
    /// `true` when the plan has no hook and no manual step.
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }
}

impl GroupHooks {
    /// `true` when the group has no hook and no manual step.
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }
}

impl VmHooks {
    /// `true` when the VM has no hook.
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }
}

/// Where in a run a hook runs; it names the hook in step ids, the journal, the report and the
/// `OLVM_DR_HOOK` variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HookPoint {
    /// `hooks.before_run`.
    BeforeRun,
    /// `hooks.after_run`.
    AfterRun,
    /// A group's `hooks.before`.
    BeforeGroup,
    /// A group's `hooks.after`.
    AfterGroup,
    /// A VM's `hooks.before_start`.
    BeforeStart,
    /// A VM's `hooks.after_ready`.
    AfterReady,
}

impl HookPoint {
    /// The key of the plan file it comes from.
    pub fn as_str(self) -> &'static str {
        match self {
            HookPoint::BeforeRun => "before_run",
            HookPoint::AfterRun => "after_run",
            HookPoint::BeforeGroup => "before",
            HookPoint::AfterGroup => "after",
            HookPoint::BeforeStart => "before_start",
            HookPoint::AfterReady => "after_ready",
        }
    }
}

impl super::RecoveryPlan {
    /// `true` when the plan has any hook or manual step, anywhere.
    pub fn has_hooks(&self) -> bool {
        !self.hooks.is_empty()
            || self.groups.iter().any(|g| !g.hooks.is_empty())
            || self.vms.values().any(|v| !v.hooks.is_empty())
    }

    /// `true` when some hook asks the operator when it fails, or the plan has a manual step:
    /// a run then needs a way to answer (a terminal, a file or a command).
    pub fn needs_operator(&self) -> bool {
        let asks = |h: &Option<Hook>| h.as_ref().is_some_and(|h| h.on_failure == OnFailure::Ask);
        self.hooks.manual.is_some()
            || asks(&self.hooks.before_run)
            || asks(&self.hooks.after_run)
            || self
                .groups
                .iter()
                .any(|g| g.hooks.manual.is_some() || asks(&g.hooks.before) || asks(&g.hooks.after))
            || self
                .vms
                .values()
                .any(|v| asks(&v.hooks.before_start) || asks(&v.hooks.after_ready))
    }

    /// How many places of the plan may ask the operator: its manual steps, the hooks whose
    /// `on_failure` is `ask` and the groups whose `on_timeout` is `ask` (a VM's hook counts
    /// once). More than one needs an answer per step (a file per step, or a command that reads
    /// the step id).
    pub fn operator_questions(&self) -> usize {
        let asks = |h: &Option<Hook>| {
            usize::from(h.as_ref().is_some_and(|h| h.on_failure == OnFailure::Ask))
        };
        let run = usize::from(self.hooks.manual.is_some())
            + asks(&self.hooks.before_run)
            + asks(&self.hooks.after_run);
        let groups: usize = self
            .groups
            .iter()
            .map(|g| {
                usize::from(g.hooks.manual.is_some())
                    + asks(&g.hooks.before)
                    + asks(&g.hooks.after)
                    + usize::from(g.wait.on_timeout == super::OnTimeout::Ask)
            })
            .sum();
        let vms: usize = self
            .vms
            .values()
            .map(|v| asks(&v.hooks.before_start) + asks(&v.hooks.after_ready))
            .sum();
        run + groups + vms
    }
}
