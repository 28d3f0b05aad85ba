//! Hints: for every kind of failure the flows know, what it means in DR terms, what to do, and
//! the command that continues the run.
//!
//! A failed step's kind comes from the Engine error kind it met ([`ErrorKind`]) and, where the
//! step's place in the flow says more, from the step itself (a `lease_held` on an attach is the
//! replicas or the other site's hosts, not just "try later"). `docs/diagnostics.md` lists every
//! kind with its hint; a test keeps the two in step.

use crate::Site;
use crate::engine::ErrorKind;
use crate::plan::{Action, PlanKind};

/// What kind of failure a step met, as far as the operator's next action is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailureKind {
    /// An Engine call failed with this kind, in a step where nothing more specific applies.
    Engine(ErrorKind),
    /// An attach or activation met the storage lease past the lease grace (`Cannot acquire host
    /// id`).
    LeaseNotReleased,
    /// The split-brain guard refused: the source site still answers or uses the domains.
    SplitBrainRefused,
    /// A storage gate did not pass (its command failed or timed out, its file did not appear).
    StorageGate,
    /// A started VM did not reach `up` in time.
    VmNotUp,
    /// A VM did not shut down in time during a planned move.
    ShutdownTimedOut,
    /// A VM was registered without disks its source had.
    RegistrationIncomplete,
    /// A cleanup removal was refused by olvm-dr's own safety checks (a VM not down, disks
    /// still in use, delete protection).
    RemovalRefused,
    /// Any other check of olvm-dr's own failed the step (no connection given for a site, an
    /// inconsistent journal, an unexpected domain state).
    Check,
    /// The Engine refused to start a VM because of the state of the site: its scheduler found
    /// no host for it (no UP host, not enough memory or CPUs), or a domain of its disks is not
    /// active.
    StartRefused,
}

impl FailureKind {
    /// Every failure kind the flows know.
    pub fn all() -> Vec<FailureKind> {
        let mut all: Vec<FailureKind> = ErrorKind::ALL.into_iter().map(Self::Engine).collect();
        all.extend([
            Self::LeaseNotReleased,
            Self::SplitBrainRefused,
            Self::StorageGate,
            Self::VmNotUp,
            Self::ShutdownTimedOut,
            Self::RegistrationIncomplete,
            Self::RemovalRefused,
            Self::Check,
            Self::StartRefused,
        ]);
        all
    }

    /// The kind of a failed step: what it did and the Engine error kind it recorded.
    pub fn of(action: &Action, error_kind: Option<&str>) -> Self {
        let engine = error_kind.and_then(ErrorKind::from_name);
        match (action, engine) {
            (Action::SplitBrainGuard { .. }, _) => Self::SplitBrainRefused,
            (Action::StorageGate { .. }, _) => Self::StorageGate,
            (
                Action::AttachDomain { .. } | Action::ImportDomain { .. },
                Some(ErrorKind::LeaseHeld),
            ) => Self::LeaseNotReleased,
            (Action::WaitVmUp { .. }, Some(ErrorKind::Timeout)) => Self::VmNotUp,
            (Action::ShutdownVm { .. }, Some(ErrorKind::Timeout)) => Self::ShutdownTimedOut,
            (Action::RegisterVm { .. }, None) => Self::RegistrationIncomplete,
            (Action::StartVm { .. }, Some(ErrorKind::InvalidState | ErrorKind::BadRequest)) => {
                Self::StartRefused
            }
            (
                Action::RemoveDomain { .. } | Action::RemoveVm { .. } | Action::RemoveDisk { .. },
                None,
            ) => Self::RemovalRefused,
            (_, Some(e)) => Self::Engine(e),
            (_, None) => Self::Check,
        }
    }

    /// The stable name used in `docs/diagnostics.md` (`lease_not_released`, `engine.conflict`).
    pub fn name(self) -> String {
        match self {
            Self::Engine(e) => format!("engine.{e}"),
            Self::LeaseNotReleased => "lease_not_released".into(),
            Self::SplitBrainRefused => "split_brain_refused".into(),
            Self::StorageGate => "storage_gate".into(),
            Self::VmNotUp => "vm_not_up".into(),
            Self::ShutdownTimedOut => "shutdown_timed_out".into(),
            Self::RegistrationIncomplete => "registration_incomplete".into(),
            Self::RemovalRefused => "removal_refused".into(),
            Self::Check => "check".into(),
            Self::StartRefused => "start_refused".into(),
        }
    }

    /// What the failure means and what to do, without the command that continues the run.
    pub fn advice(self) -> &'static str {
        use ErrorKind as E;
        match self {
            Self::LeaseNotReleased => {
                "The target's hosts could not take the domain's storage lease after the lease grace: either the replicas are still read-only (replication not split or promoted: promote them on the arrays), or hosts of the other site still hold the lease (they are alive: fence them or power them off)."
            }
            Self::SplitBrainRefused => {
                "The split-brain guard found the source site alive (its Engine answers, a mapped domain is active there, or one of its hosts answers): running both sites on the same data would corrupt it. Make sure the source is down (fence its hosts), or, only when you know it is, force the run with --force --reason \"...\"."
            }
            Self::StorageGate => {
                "The storage arrays were not confirmed ready (the storage-ready command failed or timed out, or the ready file did not appear): the replicas are not known to be in the state the next steps need. Do the array change by hand (for the lab: olvm-dr lab replication ...), then continue."
            }
            Self::VmNotUp => {
                "The VM was started but did not reach up in time: the guest may be slow to boot or stuck (console, host capacity, a network or disk it waits for). Look at the VM on the target Engine; the run does not start it twice."
            }
            Self::ShutdownTimedOut => {
                "The VM did not shut down within the deadline and a planned move never pulls the plug: shut it down in the guest or from the Engine (or power it off when you accept the data loss)."
            }
            Self::RegistrationIncomplete => {
                "The VM was registered without disks its source had: a domain holding its images is missing or inactive on the target, so the VM is not started. Attach and activate that domain, then register its disks, or remove the VM and continue."
            }
            Self::RemovalRefused => {
                "olvm-dr kept something to avoid losing data (a VM not down, disks still in use, delete protection, a domain still attached). Resolve what the message names on that Engine, then continue."
            }
            Self::Check => {
                "One of olvm-dr's own checks stopped the step; the message says what it found. Fix that, then continue."
            }
            Self::StartRefused => {
                "The target Engine refused to start the VM: its scheduler found no host for it (no UP host in the cluster, or every host short of memory under the cluster's overcommit or of CPUs; the Engine's text names each host and why), or a domain holding its disks is not active. Make room (activate or add hosts, raise the cluster's memory overcommit, stop less important VMs) or activate the domain, then continue; olvm-dr validate checks the target's capacity beforehand (DR1000, DR1001)."
            }
            Self::Engine(e) => match e {
                E::NotFound => {
                    "Something the step needs is not on the Engine (removed, renamed, or the mapping names another one): check the mapping against the site (olvm-dr validate)."
                }
                E::Conflict => {
                    "The Engine refused because of existing state (a name or id already used, a MAC taken, a master-domain rule): the Engine's text says which; resolve it on the Engine or in the mapping."
                }
                E::InvalidState => {
                    "The entity was not in a state that allows the step (e.g. a domain still active, a VM not down): the Engine's text says which state; bring it there on the Engine."
                }
                E::Locked => {
                    "Another operation on the same entity was still running on the Engine and the retries ran out: wait for the Engine's tasks to end (Tasks tab, GET /jobs), then continue."
                }
                E::LeaseHeld => {
                    "The storage lease was still held by another site's hosts when the retries ran out: make sure they are fenced and the replicas are writable."
                }
                E::Unauthenticated => {
                    "The Engine refused the credentials (wrong or expired password, locked account): fix the passwords file, then continue."
                }
                E::Forbidden => {
                    "The Engine user lacks a permission for this step: give the user the SuperUser role on the system (or the role the step needs), then continue."
                }
                E::BadRequest => {
                    "The Engine rejected the request as malformed: usually a mapping value the Engine does not accept; check the mapping (olvm-dr validate) and the Engine's text."
                }
                E::Timeout => {
                    "The Engine did not answer, or the awaited state did not come, in time: the Engine may be overloaded; look at its tasks, then continue (the step is not done twice)."
                }
                E::Unavailable => {
                    "The Engine (or the proxy in front of it) could not serve the request after retries (HTTP 502/503/504, a broken connection): check the Engine's health, then continue."
                }
                E::Internal => {
                    "The Engine failed internally (HTTP 500): its engine.log has the cause; fix it there, then continue."
                }
                E::Protocol => {
                    "The Engine's answer could not be understood (wrong content type, an unexpected body): check that the URL points at the Engine's API (…/ovirt-engine/api) and not at a proxy page."
                }
                E::Unsupported => {
                    "The Engine does not offer this operation (API too old, a capability missing): upgrade the Engine or leave the feature out."
                }
                E::Unreachable => {
                    "Nothing answered at the Engine's address (connection refused, no route, name not resolved): if this is the target, the site you recover to is not reachable from here; check the network, the URL and the Engine service."
                }
                E::Certificate => {
                    "The Engine's TLS certificate could not be verified (unknown issuer, name mismatch, expired): give the right CA file (dr_sites_*_ca_file) or the host name the certificate names."
                }
            },
        }
    }
}

/// The command that continues a run of this flow: a rerun of the same command skips what is
/// done (every step is an ensure) and resumes an interrupted run.
pub fn continue_command(kind: PlanKind, drill: bool, target: Site) -> String {
    match (kind, drill) {
        (PlanKind::Failover, false) => format!("olvm-dr failover --target {target}"),
        (PlanKind::Failover, true) => "olvm-dr drill start".to_owned(),
        (PlanKind::Cleanup, false) => format!("olvm-dr cleanup --site {target}"),
        (PlanKind::Cleanup, true) => "olvm-dr drill end".to_owned(),
        (PlanKind::Failback, false) => format!("olvm-dr failback --target {target}"),
        (PlanKind::Failback, true) => "olvm-dr drill failback".to_owned(),
        (PlanKind::Switchover, false) => format!("olvm-dr switchover --target {target}"),
        (PlanKind::Switchover, true) => "olvm-dr drill full".to_owned(),
    }
}

/// The hint of a failure of `kind` in a run of this flow: its advice and the command that
/// continues the run.
pub fn hint(kind: FailureKind, flow: PlanKind, drill: bool, target: Site) -> String {
    format!(
        "{} Then continue with: {} (with the same options; finished steps are not redone).",
        kind.advice(),
        continue_command(flow, drill, target)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_distinct_name_and_advice_and_an_engine_kind_maps_to_its_own() {
        let all = FailureKind::all();
        let names: std::collections::HashSet<String> = all.iter().map(|k| k.name()).collect();
        assert_eq!(names.len(), all.len(), "{names:?}");
        for k in &all {
            assert!(k.advice().len() > 40, "{k:?}");
        }
        assert_eq!(
            FailureKind::Engine(ErrorKind::Conflict).name(),
            "engine.conflict"
        );
        assert_eq!(FailureKind::LeaseNotReleased.name(), "lease_not_released");
        for e in ErrorKind::ALL {
            assert_eq!(ErrorKind::from_name(e.as_str()), Some(e));
        }
        assert_eq!(ErrorKind::from_name("new_kind"), None);
        assert_eq!(
            FailureKind::of(&Action::Barrier, Some("new_kind")),
            FailureKind::Check
        );
    }

    #[test]
    fn a_hint_ends_with_the_command_that_continues_the_flow() {
        let h = hint(
            FailureKind::LeaseNotReleased,
            PlanKind::Failover,
            false,
            Site::Secondary,
        );
        assert!(h.contains("promote them on the arrays"), "{h}");
        assert!(h.contains("fence them"), "{h}");
        assert!(h.contains("olvm-dr failover --target secondary"), "{h}");
        assert!(
            hint(FailureKind::Check, PlanKind::Cleanup, true, Site::Secondary)
                .contains("olvm-dr drill end")
        );
    }
}
