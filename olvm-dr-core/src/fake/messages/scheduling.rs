//! Faults of the scheduler (starting a VM) and of the registration checks against the target
//! cluster.

use crate::engine::{EngineError, ErrorKind};
use crate::scheduling::Refusal;

use super::super::ops::Operation;
use super::{Action, Subject, cannot, command, one};

/// Why a scheduler filter dropped one host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HostFiltered {
    /// A resource filter of the core's computation (`CPU`, `Memory`).
    Resources(Refusal),
    /// The `Network` filter (`NetworkPolicyUnit.validateRequiredNetworksAvailable`): the names
    /// of the networks of the VM's plugged vNICs that the host does not carry.
    Network(Vec<String>),
}

impl HostFiltered {
    fn filter_name(&self) -> &'static str {
        match self {
            HostFiltered::Resources(r) => r.filter_name(),
            HostFiltered::Network(_) => "Network",
        }
    }

    /// The `VAR__DETAIL__*` text of the filter.
    fn detail(&self) -> String {
        match self {
            HostFiltered::Resources(Refusal::Cpu) => {
                "it has an insufficient amount of CPU cores to run the VM".to_owned()
            }
            HostFiltered::Resources(Refusal::Memory { available }) => format!(
                "its available memory is too low ({} MB) to run the VM",
                available >> 20
            ),
            HostFiltered::Network(missing) => {
                format!("network(s) {} are missing", missing.join(", "))
            }
        }
    }
}

/// `SCHEDULING_ALL_HOSTS_FILTERED_OUT` (409, `CONFLICT`) followed by one
/// `SCHEDULING_HOST_FILTERED_REASON_WITH_DETAIL` per host (`SchedulingManager.runFilters`,
/// `getReasonMessages`), each with its filter's detail (`VAR__DETAIL__NOT_ENOUGH_CORES` from
/// `CPUPolicyUnit`, `VAR__DETAIL__NOT_ENOUGH_MEMORY` from `MemoryPolicyUnit` with the host's
/// scheduling memory in MB, `VAR__DETAIL__NETWORK_MISSING` from `NetworkPolicyUnit`).
pub(crate) fn all_hosts_filtered_out(
    op: Operation,
    hosts: &[(String, HostFiltered)],
) -> EngineError {
    let mut lines = vec![format!(
        "{} There is no host that satisfies current scheduling constraints. See below for details:",
        cannot(Action::Run, Subject::Vm)
    )];
    for (host, filtered) in hosts {
        lines.push(format!(
            "The host {host} did not satisfy internal filter {} because {}.",
            filtered.filter_name(),
            filtered.detail()
        ));
    }
    command(ErrorKind::InvalidState, op, 409, &lines)
}

/// `ACTION_TYPE_FAILED_VM_CANNOT_IMPORT_VM_ARCHITECTURE_NOT_SUPPORTED_BY_CLUSTER` (400,
/// `NOT_SUPPORTED`): the VM's architecture (from its guest OS) is not the cluster's
/// (`ImportVmCommandBase.validateVdsCluster`).
pub(crate) fn import_architecture_unsupported(op: Operation) -> EngineError {
    one(
        ErrorKind::BadRequest,
        op,
        400,
        format!(
            "{} The selected cluster doesn't support VM architecture",
            cannot(Action::Import, Subject::Vm)
        ),
    )
}

/// `NON_DEFAULT_BIOS_TYPE_FOR_X86_ONLY` (409, `CONFLICT`): a VM with another BIOS type than
/// i440fx SeaBIOS into a cluster that is not x86 (`VmValidator.isBiosTypeSupported`).
pub(crate) fn bios_type_for_x86_only(op: Operation) -> EngineError {
    one(
        ErrorKind::Conflict,
        op,
        409,
        "Q35 chipset is allowed for x86 architecture only.".into(),
    )
}
