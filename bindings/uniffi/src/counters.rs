//! A run's counters in an operator's terms, as the `Counters` progress event carries them.

use olvm_dr_core::progress;

/// Progress of one kind of work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct Tally {
    /// Done (or already done, or skipped by the plan).
    pub done: u64,
    /// Failed, blocked or not run.
    pub failed: u64,
    /// Known so far (registrations, starts and waits join the run when discovery finds the VMs).
    pub total: u64,
}

/// How far a run is: domains ready, VMs registered, started, up (or, releasing a site, VMs
/// stopped and domains released), failures so far, elapsed time and the estimated time left.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RunCounters {
    /// Storage domains attached and active on the target.
    pub domains_ready: Tally,
    /// VMs registered.
    pub vms_registered: Tally,
    /// VMs started.
    pub vms_started: Tally,
    /// VMs seen up.
    pub vms_up: Tally,
    /// VMs shut down.
    pub vms_stopped: Tally,
    /// Storage domains detached from a site being released.
    pub domains_released: Tally,
    /// Steps that failed so far.
    pub failures: u64,
    /// Steps ended so far.
    pub steps_done: u64,
    /// Steps known so far.
    pub steps_total: u64,
    /// Time since the run started, in milliseconds.
    pub elapsed_ms: u64,
    /// The estimated time left for the steps known so far, from the pace measured in this run;
    /// `None` until some work has ended.
    pub eta_ms: Option<u64>,
    /// The counters as one line for humans.
    pub text: String,
}

fn tally(t: progress::Tally) -> Tally {
    Tally {
        done: t.done as u64,
        failed: t.failed as u64,
        total: t.total as u64,
    }
}

fn millis(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl From<&progress::RunCounters> for RunCounters {
    fn from(c: &progress::RunCounters) -> Self {
        Self {
            domains_ready: tally(c.domains_ready),
            vms_registered: tally(c.vms_registered),
            vms_started: tally(c.vms_started),
            vms_up: tally(c.vms_up),
            vms_stopped: tally(c.vms_stopped),
            domains_released: tally(c.domains_released),
            failures: c.failures as u64,
            steps_done: c.steps_done as u64,
            steps_total: c.steps_total as u64,
            elapsed_ms: millis(c.elapsed),
            eta_ms: c.eta.map(millis),
            text: c.render(),
        }
    }
}
