//! The description of every flow's options (exported macros, so that the bindings make their
//! records from the same fields), the types made from it, and how each becomes a request.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use super::{FlowOptions, OptionError, define_options};
use crate::Site;
use crate::diag::Diagnostic;
use crate::flow::{FlowRequest, FullDrillLeg};
use crate::plan::{self, NicIsolation, ReturnOptions, StopMode};
use crate::recovery_plan::RecoveryPlan;

/// The options of a failover, as one description: calls `$then!` with the type's doc, its name
/// and binding name, the flow, and every field (`name: Type = default`, with its doc).
#[macro_export]
macro_rules! failover_options {
    ($then:ident) => {
        $then! {
            /// The options of a failover: what to register and start on the target.
            Failover as FailoverOptions ("failover") {
                /// Start the VMs that were running (their OVF status says so). Default `true`.
                start_vms: bool = true,
                /// Wait for the started VMs to be up and report those that are not. Default
                /// `true`.
                wait_for_vms: bool = true,
                /// Also register what every other active domain of the target holds (the role's
                /// behaviour). Default `false`: only the mapped domains.
                all_active_domains: bool = false,
                /// Register VMs and templates even if some of their disks are not on the
                /// imported domains (the role's `dr_partial_import`). Default `true`, as the role.
                partial_import: bool = true,
                /// Keep MACs that are out of the target pool's ranges or taken (the Engine then
                /// refuses duplicates) instead of giving such NICs new ones (the role's
                /// `dr_reset_mac_pool`). Default `false`.
                keep_bad_macs: bool = false,
                /// Proceed although the source site still has the domains active (split brain!),
                /// saying why that is safe; the reason is journaled and reported. Default none:
                /// such a failover is refused.
                force_reason: Option<String> = None,
                /// Only these mapped domains (their names on either site). Default none: every
                /// mapped domain.
                domains: Option<Vec<String>> = None,
                /// A recovery plan file (YAML): the order of groups, their waits, re-IP. Default
                /// none: HA VMs first, then the rest.
                recovery_plan: Option<String> = None,
            }
        }
    };
}

/// The options of a cleanup, as one description (see [`failover_options!`]).
#[macro_export]
macro_rules! cleanup_options {
    ($then:ident) => {
        $then! {
            /// The options of a cleanup: how a site's mapped domains are released.
            Cleanup as CleanupOptions ("cleanup") {
                /// Power the VMs off at once (the role's way) instead of a guest shutdown with a
                /// power-off at the deadline. Default `false`.
                power_off: bool = false,
                /// Also remove the VMs the removed domains leave without disks, and their direct
                /// LUNs. Default `false`.
                remove_orphans: bool = false,
                /// Remove domains whose detach is blocked (delete-protected VMs, snapshot
                /// previews) from the Engine's database only. Default `false`: the plan lists
                /// such VMs and is refused.
                force_remove: bool = false,
                /// Only these mapped domains (their names on either site). Default none: every
                /// mapped domain.
                domains: Option<Vec<String>> = None,
            }
        }
    };
}

/// The options of a failback, as one description (see [`failover_options!`]).
#[macro_export]
macro_rules! failback_options {
    ($then:ident) => {
        $then! {
            /// The options of a failback to the site that failed and came back: its failover
            /// part's options, and how the sites are released.
            Failback as FailbackOptions ("failback") {
                /// Start the VMs that were running on the current site. Default `true`.
                start_vms: bool = true,
                /// Wait for the started VMs to be up and report those that are not. Default
                /// `true`.
                wait_for_vms: bool = true,
                /// Also register what every other active domain of the target holds. Default
                /// `false`.
                all_active_domains: bool = false,
                /// Register VMs and templates even if some of their disks are missing. Default
                /// `true`, as the role.
                partial_import: bool = true,
                /// Keep MACs out of the target pool's ranges instead of reassigning them.
                /// Default `false`.
                keep_bad_macs: bool = false,
                /// Proceed although the other site still has the domains active, saying why that
                /// is safe (journaled). Default none.
                force_reason: Option<String> = None,
                /// Only these mapped domains (their names on either site). Default none: every
                /// mapped domain.
                domains: Option<Vec<String>> = None,
                /// Clean the returning site first: it still believes it runs the old domains
                /// (the `ovirt-dr failback` behaviour). Default `true`; `false` when it was
                /// cleaned already.
                clean_returning_site: bool = true,
                /// Remove domains whose detach is blocked from the Engine's database only.
                /// Default `false`.
                force_remove: bool = false,
                /// A recovery plan file (YAML): the order of groups, their waits, re-IP. Default
                /// none: HA VMs first, then the rest.
                recovery_plan: Option<String> = None,
            }
        }
    };
}

/// The options of a planned switchover, as one description (see [`failover_options!`]).
#[macro_export]
macro_rules! switchover_options {
    ($then:ident) => {
        $then! {
            /// The options of a planned switchover with both sites up: its failover part's
            /// options, and how the current site is released.
            Switchover as SwitchoverOptions ("switchover") {
                /// Start the VMs that were running on the current site. Default `true`.
                start_vms: bool = true,
                /// Wait for the started VMs to be up and report those that are not. Default
                /// `true`.
                wait_for_vms: bool = true,
                /// Also register what every other active domain of the target holds. Default
                /// `false`.
                all_active_domains: bool = false,
                /// Register VMs and templates even if some of their disks are missing. Default
                /// `true`, as the role.
                partial_import: bool = true,
                /// Keep MACs out of the target pool's ranges instead of reassigning them.
                /// Default `false`.
                keep_bad_macs: bool = false,
                /// Proceed although the other site still has the domains active, saying why that
                /// is safe (journaled). Default none.
                force_reason: Option<String> = None,
                /// Only these mapped domains (their names on either site). Default none: every
                /// mapped domain.
                domains: Option<Vec<String>> = None,
                /// Power VMs off when their guest does not shut down in time. Default `false`:
                /// such a VM fails its step and the switchover stops before any domain is
                /// released.
                power_off_after_timeout: bool = false,
                /// Remove domains whose detach is blocked from the Engine's database only.
                /// Default `false`.
                force_remove: bool = false,
                /// A recovery plan file (YAML): the order of groups, their waits, re-IP. Default
                /// none: HA VMs first, then the rest.
                recovery_plan: Option<String> = None,
            }
        }
    };
}

/// The options of a drill's start, as one description (see [`failover_options!`]).
#[macro_export]
macro_rules! drill_options {
    ($then:ident) => {
        $then! {
            /// The options of a drill's start (the discreet failover test).
            Drill as DrillOptions ("drill") {
                /// Where the drill VMs' NICs go: `unplugged` (on their mapped profiles,
                /// unplugged: the guest sees no NIC until one is plugged), `profile=NAME` (a test
                /// network's vNIC profile; `NAME/NETWORK` when the name is on several networks)
                /// or `none` (the mapped production networks: only when those are isolated
                /// already). Default `unplugged`.
                isolation: String = "unplugged",
                /// Only these mapped domains (their names on either site): dedicated test
                /// domains, which a drill failback can then return home. Default none: every
                /// mapped domain.
                domains: Option<Vec<String>> = None,
                /// Start the VMs that were running. Default `true`.
                start_vms: bool = true,
                /// Wait for the started VMs to be up and report those that are not. Default
                /// `true`.
                wait_for_vms: bool = true,
                /// A recovery plan file (YAML): the order of groups, their waits, re-IP. Default
                /// none: HA VMs first, then the rest.
                recovery_plan: Option<String> = None,
            }
        }
    };
}

/// The options of a drill failback, as one description (see [`failover_options!`]).
#[macro_export]
macro_rules! drill_failback_options {
    ($then:ident) => {
        $then! {
            /// The options of a drill failback (a drill's test domains returned home).
            DrillFailback as DrillFailbackOptions ("drill_failback") {
                /// The test domains to return. Default none: those of the last drill on the
                /// other site in the state store.
                domains: Option<Vec<String>> = None,
            }
        }
    };
}

/// The options of a full drill, as one description (see [`failover_options!`]).
#[macro_export]
macro_rules! drill_full_options {
    ($then:ident) => {
        $then! {
            /// The options of a full drill (a planned switchover out and a failback home, both
            /// as a drill).
            DrillFull as DrillFullOptions ("drill_full") {
                /// Stop after the move out: the workload stays on the drill site, and the next
                /// full drill with the same state returns it home. Default `false`.
                stay: bool = false,
                /// On the move out, power off the VMs still up at the shutdown deadline instead
                /// of failing their step. Default `false`.
                power_off_after_timeout: bool = false,
            }
        }
    };
}

crate::failover_options!(define_options);
crate::cleanup_options!(define_options);
crate::failback_options!(define_options);
crate::switchover_options!(define_options);
crate::drill_options!(define_options);
crate::drill_failback_options!(define_options);
crate::drill_full_options!(define_options);

/// `domains`: `None` and an empty list are every mapped domain; a blank name is refused.
fn selection(
    flow: &'static str,
    domains: Option<&Vec<String>>,
) -> Result<Option<Vec<String>>, OptionError> {
    let Some(names) = domains.filter(|d| !d.is_empty()) else {
        return Ok(None);
    };
    if names.iter().any(|n| n.trim().is_empty()) {
        return Err(OptionError::Invalid {
            flow,
            name: "domains",
            message: "a domain name is empty; give the names of mapped domains".into(),
        });
    }
    Ok(Some(names.clone()))
}

/// `force_reason`: when given, it must say something (it is journaled as the reason).
fn reason(flow: &'static str, reason: Option<&String>) -> Result<Option<String>, OptionError> {
    match reason {
        Some(r) if r.trim().is_empty() => Err(OptionError::Invalid {
            flow,
            name: "force_reason",
            message: "say why the other site is known to be down (it is journaled); leave it out not to force".into(),
        }),
        other => Ok(other.cloned()),
    }
}

/// `recovery_plan`: the plan read from its file; a file that cannot be read or has errors is
/// refused with its diagnostics (file:line:column).
fn recovery_plan(
    flow: &'static str,
    path: Option<&String>,
) -> Result<Option<RecoveryPlan>, OptionError> {
    let Some(path) = path else {
        return Ok(None);
    };
    let invalid = |message: String| OptionError::Invalid {
        flow,
        name: "recovery_plan",
        message,
    };
    let loaded = RecoveryPlan::load(Path::new(path))
        .map_err(|e| invalid(format!("cannot read recovery plan {path}: {e}")))?;
    match loaded.plan {
        Some(plan) if !loaded.diagnostics.iter().any(Diagnostic::is_error) => Ok(Some(plan)),
        _ => {
            let errors: Vec<String> = loaded
                .diagnostics
                .iter()
                .filter(|d| d.is_error())
                .map(ToString::to_string)
                .collect();
            Err(invalid(format!(
                "the recovery plan {path} has errors:\n{}",
                errors.join("\n")
            )))
        }
    }
}

impl Failover {
    /// The planner's options of this failover (also the failover part of `flow`).
    fn planner(&self, flow: &'static str) -> Result<plan::FailoverOptions, OptionError> {
        Ok(plan::FailoverOptions {
            start_vms: self.start_vms,
            wait_for_up: self.wait_for_vms,
            all_active_domains: self.all_active_domains,
            partial_import: self.partial_import,
            reassign_bad_macs: !self.keep_bad_macs,
            force_reason: reason(flow, self.force_reason.as_ref())?,
            domains: selection(flow, self.domains.as_ref())?,
            recovery_plan: recovery_plan(flow, self.recovery_plan.as_ref())?,
            ..plan::FailoverOptions::default()
        })
    }

    /// The request the core plans.
    ///
    /// # Errors
    /// [`OptionError::Invalid`] for a blank domain name, a blank `force_reason`, or a recovery
    /// plan file that cannot be read or has errors.
    pub fn request(&self) -> Result<FlowRequest, OptionError> {
        Ok(FlowRequest::Failover(self.planner(Self::FLOW)?))
    }
}

impl Cleanup {
    /// The request the core plans.
    ///
    /// # Errors
    /// [`OptionError::Invalid`] for a blank domain name.
    pub fn request(&self) -> Result<FlowRequest, OptionError> {
        Ok(FlowRequest::Cleanup(plan::CleanupOptions {
            stop: if self.power_off {
                StopMode::PowerOff
            } else {
                StopMode::GracefulThenPowerOff
            },
            remove_orphans: self.remove_orphans,
            force_remove: self.force_remove,
            domains: selection(Self::FLOW, self.domains.as_ref())?,
            stale: false,
        }))
    }
}

/// The options of a failback or switchover from its failover part: the same domains on both
/// sides, `force_remove` for the release.
fn returning(
    base: ReturnOptions,
    failover: plan::FailoverOptions,
    force_remove: bool,
) -> ReturnOptions {
    let mut o = base;
    o.cleanup.domains.clone_from(&failover.domains);
    o.cleanup.force_remove = force_remove;
    o.failover = failover;
    o
}

impl Failback {
    /// The request the core plans.
    ///
    /// # Errors
    /// As [`Failover::request`].
    pub fn request(&self) -> Result<FlowRequest, OptionError> {
        let failover = Failover {
            start_vms: self.start_vms,
            wait_for_vms: self.wait_for_vms,
            all_active_domains: self.all_active_domains,
            partial_import: self.partial_import,
            keep_bad_macs: self.keep_bad_macs,
            force_reason: self.force_reason.clone(),
            domains: self.domains.clone(),
            recovery_plan: self.recovery_plan.clone(),
        }
        .planner(Self::FLOW)?;
        let mut o = returning(ReturnOptions::failback(), failover, self.force_remove);
        o.clean_returning_site = self.clean_returning_site;
        Ok(FlowRequest::Failback(o))
    }
}

impl Switchover {
    /// The request the core plans.
    ///
    /// # Errors
    /// As [`Failover::request`].
    pub fn request(&self) -> Result<FlowRequest, OptionError> {
        let failover = Failover {
            start_vms: self.start_vms,
            wait_for_vms: self.wait_for_vms,
            all_active_domains: self.all_active_domains,
            partial_import: self.partial_import,
            keep_bad_macs: self.keep_bad_macs,
            force_reason: self.force_reason.clone(),
            domains: self.domains.clone(),
            recovery_plan: self.recovery_plan.clone(),
        }
        .planner(Self::FLOW)?;
        let mut o = returning(ReturnOptions::switchover(), failover, self.force_remove);
        if self.power_off_after_timeout {
            o.cleanup.stop = StopMode::GracefulThenPowerOff;
        }
        Ok(FlowRequest::Switchover(o))
    }
}

impl Drill {
    /// The request the core plans (a drill's start).
    ///
    /// # Errors
    /// [`OptionError::Invalid`] for an isolation that is not `none`, `unplugged` or
    /// `profile=NAME[/NETWORK]`, or a blank domain name.
    pub fn request(&self) -> Result<FlowRequest, OptionError> {
        let isolation = self
            .isolation
            .parse()
            .map_err(|message| OptionError::Invalid {
                flow: Self::FLOW,
                name: "isolation",
                message,
            })?;
        Ok(FlowRequest::DrillStart(plan::FailoverOptions {
            start_vms: self.start_vms,
            wait_for_up: self.wait_for_vms,
            drill: true,
            isolation,
            domains: selection(Self::FLOW, self.domains.as_ref())?,
            recovery_plan: recovery_plan(Self::FLOW, self.recovery_plan.as_ref())?,
            ..plan::FailoverOptions::default()
        }))
    }
}

impl DrillFailback {
    /// The request the core plans. Without `domains`, a front end first takes those of the
    /// last drill on the other site from the state store.
    ///
    /// # Errors
    /// [`OptionError::Invalid`] for a blank domain name.
    pub fn request(&self) -> Result<FlowRequest, OptionError> {
        let mut o = ReturnOptions::failback();
        if let Some(d) = selection(Self::FLOW, self.domains.as_ref())? {
            o.failover.domains = Some(d.clone());
            o.cleanup.domains = Some(d);
        }
        Ok(FlowRequest::DrillFailback(o))
    }
}

impl DrillFull {
    /// The request of `leg` of a full drill to `drill_site`, and the site it brings the
    /// workload to.
    pub fn leg(&self, leg: FullDrillLeg, drill_site: Site) -> (FlowRequest, Site) {
        let options = leg.options(self.power_off_after_timeout);
        let request = match leg {
            FullDrillLeg::Out => FlowRequest::Switchover(options),
            FullDrillLeg::Home => FlowRequest::Failback(options),
        };
        (request, leg.target(drill_site))
    }
}

impl FromStr for NicIsolation {
    type Err = String;

    /// `none`, `unplugged` or `profile=NAME` (`NAME/NETWORK` when the profile name is on
    /// several networks).
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "none" => Ok(NicIsolation::None),
            "unplugged" => Ok(NicIsolation::Unplugged),
            _ => match s.strip_prefix("profile=") {
                Some(name)
                    if !name.trim().is_empty()
                        && !name.ends_with('/')
                        && !name.starts_with('/') =>
                {
                    Ok(NicIsolation::Profile(name.to_owned()))
                }
                _ => Err(format!(
                    "'{s}' is not none, unplugged or profile=NAME (NAME/NETWORK when the name is on several networks)"
                )),
            },
        }
    }
}

impl fmt::Display for NicIsolation {
    /// As [`NicIsolation::from_str`] reads it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NicIsolation::None => f.write_str("none"),
            NicIsolation::Unplugged => f.write_str("unplugged"),
            NicIsolation::Profile(name) => write!(f, "profile={name}"),
        }
    }
}

#[cfg(test)]
mod tests;
