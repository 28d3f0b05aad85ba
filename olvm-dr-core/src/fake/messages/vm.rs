//! VM and disk faults.

use crate::engine::{EngineError, ErrorKind, StorageDomainStatus, VmStatus};

use super::super::ops::Operation;
use super::{Action, Subject, cannot, java_status, one, sd_not_exist};

/// The Engine's display name of a VM status (`VAR__VM_STATUS__*`).
fn localized_vm_status(s: VmStatus) -> &'static str {
    match s {
        VmStatus::Down => "Down",
        VmStatus::ImageLocked => "Image Locked",
        VmStatus::Migrating => "Migrating",
        VmStatus::NotResponding => "Not Responding",
        VmStatus::Paused => "Paused",
        VmStatus::PoweringDown => "Powering Down",
        VmStatus::PoweringUp => "Powering Up",
        VmStatus::RebootInProgress => "Reboot in Progress",
        VmStatus::RestoringState => "Restoring State",
        VmStatus::SavingState => "Saving State",
        VmStatus::Suspended => "Suspended",
        VmStatus::Unassigned => "Unassigned",
        VmStatus::Unknown => "Unknown",
        VmStatus::Up => "Up",
        VmStatus::WaitForLaunch => "Wait for Launch",
    }
}

/// `ACTION_TYPE_FAILED_VM_STATUS_ILLEGAL` (409).
pub(crate) fn vm_status_illegal(op: Operation, a: Action, s: VmStatus) -> EngineError {
    one(
        ErrorKind::InvalidState,
        op,
        409,
        format!(
            "Cannot {} VM because the VM is in {} status.",
            a.text(),
            localized_vm_status(s)
        ),
    )
}

/// `ACTION_TYPE_FAILED_VM_IS_LOCKED` (409).
pub(crate) fn vm_locked(op: Operation, a: Action) -> EngineError {
    one(
        ErrorKind::Locked,
        op,
        409,
        format!(
            "Cannot {} VM: VM is locked. Please try again in a few minutes.",
            a.text()
        ),
    )
}

/// `ACTION_TYPE_FAILED_VM_IS_NOT_RUNNING` (409).
pub(crate) fn vm_not_running(op: Operation, a: Action) -> EngineError {
    one(
        ErrorKind::InvalidState,
        op,
        409,
        format!("{} VM is not running.", cannot(a, Subject::Vm)),
    )
}

/// `ACTION_TYPE_FAILED_VM_IS_SAVING_RESTORING` (409).
pub(crate) fn vm_saving_restoring(op: Operation, a: Action) -> EngineError {
    one(
        ErrorKind::Locked,
        op,
        409,
        format!(
            "{} VM is in saving/restoring state.\n-Please try again when the VM is either up or down.",
            cannot(a, Subject::Vm)
        ),
    )
}

/// `ACTION_TYPE_FAILED_VM_IS_RUNNING` (409).
pub(crate) fn vm_running(op: Operation, a: Action) -> EngineError {
    one(
        ErrorKind::InvalidState,
        op,
        409,
        format!("{} VM is running.", cannot(a, Subject::Vm)),
    )
}

/// `VM_CANNOT_REMOVE_VM_WHEN_STATUS_IS_NOT_DOWN` (409).
pub(crate) fn vm_remove_not_down(op: Operation) -> EngineError {
    one(
        ErrorKind::InvalidState,
        op,
        409,
        "Cannot remove VM that its state is not down.\n-Please stop the VM first.".into(),
    )
}

/// `ACTION_TYPE_FAILED_DELETE_PROTECTION_ENABLED` (409).
pub(crate) fn vm_delete_protected(op: Operation) -> EngineError {
    one(
        ErrorKind::Conflict,
        op,
        409,
        "Cannot remove VM. Delete protection is enabled. In order to delete, disable Delete protection first.".into(),
    )
}

/// `SCHEDULING_NO_HOSTS` (400: the message has no error type, so the REST layer's default):
/// the cluster has no UP host, and the scheduler stops before any filter
/// (`SchedulingManager.runFilters`; `fetchHosts` takes the cluster's UP hosts only).
pub(crate) fn no_host_to_run(op: Operation) -> EngineError {
    one(
        ErrorKind::BadRequest,
        op,
        400,
        "There are no hosts to use. Check that the cluster contains at least one host in Up state."
            .into(),
    )
}

/// `ACTION_TYPE_FAILED_STORAGE_DOMAIN_NOT_EXIST` / `..._STATUS_ILLEGAL2` for a VM whose disks'
/// domain is missing (400) or not active (409).
pub(crate) fn vm_disk_domain(
    op: Operation,
    a: Action,
    t: Subject,
    status: Option<StorageDomainStatus>,
) -> EngineError {
    match status {
        None => sd_not_exist(op, a, t, false),
        Some(s) => one(
            ErrorKind::InvalidState,
            op,
            409,
            format!(
                "{} The relevant Storage Domain's status is {}.",
                cannot(a, t),
                java_status(s)
            ),
        ),
    }
}

/// `ACTION_TYPE_FAILED_VM_IS_NOT_DOWN` (409).
pub(crate) fn disk_vm_not_down(op: Operation) -> EngineError {
    one(
        ErrorKind::InvalidState,
        op,
        409,
        "Cannot remove Virtual Disk. At least one of the VMs is not down.".into(),
    )
}

/// `ACTION_TYPE_FAILED_OVF_DISK_NOT_IN_APPLICABLE_STATUS` (409).
pub(crate) fn ovf_disk_not_illegal(op: Operation) -> EngineError {
    one(
        ErrorKind::InvalidState,
        op,
        409,
        "Cannot remove Virtual Disk. The operation can be performed only for OVF disks that are in ILLEGAL status.".into(),
    )
}
