//! The choices of each flow and of a run, as records with the core's defaults.

use olvm_dr_core::engine::DEFAULT_CONCURRENCY;
use olvm_dr_core::execute::{OnError, SchedulerOptions};
use olvm_dr_core::flow::{Resume, RunOptions};
use olvm_dr_core::plan;

/// Choices of a failover (also the failover part of a failback or switchover).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FailoverOptions {
    /// Start the VMs that were up (their OVF status says so). Default `true`.
    #[uniffi(default = true)]
    pub start_vms: bool,
    /// Wait for started VMs to be up and report those that are not. Default `true`.
    #[uniffi(default = true)]
    pub wait_for_up: bool,
    /// Also register what every other active domain of the target holds (the role's
    /// behaviour). Default `false`: only the mapped domains.
    #[uniffi(default = false)]
    pub all_active_domains: bool,
    /// Register VMs and templates even if some of their disks are missing (the role's
    /// `dr_partial_import`). Default `true`, as the role.
    #[uniffi(default = true)]
    pub partial_import: bool,
    /// Give new MACs to NICs whose MAC is out of the target pool's ranges or taken (the role's
    /// `dr_reset_mac_pool`). Default `true`, as the role.
    #[uniffi(default = true)]
    pub reassign_bad_macs: bool,
    /// Proceed although the source still has the domains active (split-brain guard); the
    /// reason is journaled. Default none: such a failover is refused.
    #[uniffi(default = None)]
    pub force_reason: Option<String>,
    /// Only these mapped domains (by their name on either site). Default: all.
    #[uniffi(default = None)]
    pub domains: Option<Vec<String>>,
}

impl From<FailoverOptions> for plan::FailoverOptions {
    fn from(o: FailoverOptions) -> Self {
        Self {
            start_vms: o.start_vms,
            wait_for_up: o.wait_for_up,
            all_active_domains: o.all_active_domains,
            partial_import: o.partial_import,
            reassign_bad_macs: o.reassign_bad_macs,
            force_reason: o.force_reason,
            domains: o.domains,
            ..Self::default()
        }
    }
}

/// How the VMs of a site being released are stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum StopMode {
    /// Power off at once.
    PowerOff,
    /// Guest shutdown only; a VM still up at the deadline is a failure (the switchover
    /// default: never pull the plug on a running guest).
    Graceful,
    /// Guest shutdown, then power-off at the deadline (the cleanup and failback default).
    GracefulThenPowerOff,
}

impl From<StopMode> for plan::StopMode {
    fn from(m: StopMode) -> Self {
        match m {
            StopMode::PowerOff => Self::PowerOff,
            StopMode::Graceful => Self::Graceful,
            StopMode::GracefulThenPowerOff => Self::GracefulThenPowerOff,
        }
    }
}

/// Choices of a cleanup (releasing a site's mapped domains).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CleanupOptions {
    /// How VMs are stopped. Default: the core's (guest shutdown, power-off at the deadline).
    #[uniffi(default = None)]
    pub stop: Option<StopMode>,
    /// Remove VMs left without disks and their direct-LUN disks. Default `false`.
    #[uniffi(default = false)]
    pub remove_orphans: bool,
    /// Remove domains whose detach is blocked from the Engine's database only. Default `false`.
    #[uniffi(default = false)]
    pub force_remove: bool,
    /// Only these mapped domains (by their name on either site). Default: all.
    #[uniffi(default = None)]
    pub domains: Option<Vec<String>>,
}

impl From<CleanupOptions> for plan::CleanupOptions {
    fn from(o: CleanupOptions) -> Self {
        let d = Self::default();
        Self {
            stop: o.stop.map_or(d.stop, Into::into),
            remove_orphans: o.remove_orphans,
            force_remove: o.force_remove,
            domains: o.domains,
            ..d
        }
    }
}

/// Choices of a failback or a switchover. `None` fields take the flow's own default, which
/// differs between the two (see each field).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReturnOptions {
    /// How the failover part runs. Default: `FailoverOptions`' defaults.
    #[uniffi(default = None)]
    pub failover: Option<FailoverOptions>,
    /// How the VMs of the site being left are stopped. Default: failback
    /// `GracefulThenPowerOff`, switchover `Graceful`.
    #[uniffi(default = None)]
    pub stop: Option<StopMode>,
    /// Remove VMs left without disks on the site being left. Default `false`.
    #[uniffi(default = false)]
    pub remove_orphans: bool,
    /// Remove domains whose detach is blocked from the Engine's database only. Default `false`.
    #[uniffi(default = false)]
    pub force_remove: bool,
    /// Failback only: clean the returning site first. Default `true` (failback), `false`
    /// (switchover).
    #[uniffi(default = None)]
    pub clean_returning_site: Option<bool>,
}

impl ReturnOptions {
    /// The core options, starting from `base` (the flow's defaults).
    pub(crate) fn apply(self, base: plan::ReturnOptions) -> plan::ReturnOptions {
        let mut out = base;
        if let Some(f) = self.failover {
            out.failover = f.into();
        }
        if let Some(stop) = self.stop {
            out.cleanup.stop = stop.into();
        }
        out.cleanup.remove_orphans = self.remove_orphans;
        out.cleanup.force_remove = self.force_remove;
        if let Some(clean) = self.clean_returning_site {
            out.clean_returning_site = clean;
        }
        out
    }
}

/// How a run is executed.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct RunSettings {
    /// Engine calls in flight per site. Default: the core's `DEFAULT_CONCURRENCY`, measured in
    /// the failover benchmark.
    #[uniffi(default = None)]
    pub concurrency: Option<u32>,
    /// Start nothing new after the first failure. Default `false`: everything that does not
    /// depend on a failed step still runs (the role's behaviour, minus hiding failures).
    #[uniffi(default = false)]
    pub stop_on_error: bool,
    /// Always plan a new run, even if an interrupted run of the same flow, target and mapping
    /// is in the state directory. Default `false`: rerunning resumes it.
    #[uniffi(default = false)]
    pub new_run: bool,
    /// Continue this run (its id) of the state directory.
    #[uniffi(default = None)]
    pub resume_run: Option<String>,
}

impl RunSettings {
    /// Which run to continue.
    pub(crate) fn resume(&self) -> Resume {
        match (&self.resume_run, self.new_run) {
            (Some(id), _) => Resume::Run(id.clone()),
            (None, true) => Resume::Never,
            (None, false) => Resume::Auto,
        }
    }

    /// The core run options (reporter and gate are set by the caller).
    pub(crate) fn run_options(&self) -> RunOptions {
        RunOptions {
            concurrency: self
                .concurrency
                .map_or(DEFAULT_CONCURRENCY, |c| (c as usize).max(1)),
            scheduler: SchedulerOptions {
                on_error: if self.stop_on_error {
                    OnError::Stop
                } else {
                    OnError::Continue
                },
                ..SchedulerOptions::default()
            },
            ..RunOptions::default()
        }
    }
}
