//! Storage domain faults: states, master rules, import, removal, sanlock, mounts.

use crate::engine::{EngineError, ErrorKind, StorageDomainStatus};

use super::super::ops::Operation;
use super::{Action, Subject, cannot, in_process, java_status, one};

/// `ACTION_TYPE_FAILED_STORAGE_DOMAIN_STATUS_ILLEGAL2` (409), or
/// `ACTION_TYPE_FAILED_OBJECT_LOCKED` (409, `Locked`) when the domain is mid-transition, as
/// `StorageDomainCommandBase.checkStorageDomainStatus` decides.
pub(crate) fn sd_status(op: Operation, a: Action, status: StorageDomainStatus) -> EngineError {
    if in_process(status) {
        sd_locked(op, a)
    } else {
        one(
            ErrorKind::InvalidState,
            op,
            409,
            format!(
                "Cannot {} Storage. The relevant Storage Domain's status is {}.",
                a.text(),
                java_status(status)
            ),
        )
    }
}

/// `ACTION_TYPE_FAILED_OBJECT_LOCKED` (409).
pub(crate) fn sd_locked(op: Operation, a: Action) -> EngineError {
    one(
        ErrorKind::Locked,
        op,
        409,
        format!(
            "Cannot {} Storage. Related operation is currently in progress. Please try again later.",
            a.text()
        ),
    )
}

/// `ACTION_TYPE_FAILED_STORAGE_DOMAIN_STATUS_ILLEGAL` (409): a pool mapping exists, i.e. the
/// domain is attached to a data center of this Engine.
pub(crate) fn sd_attached(op: Operation, a: Action) -> EngineError {
    one(
        ErrorKind::Conflict,
        op,
        409,
        format!(
            "{} The relevant Storage Domain is inaccessible.\n-Please handle Storage Domain issues and retry the operation.",
            cannot(a, Subject::Storage)
        ),
    )
}

/// `ACTION_TYPE_FAILED_STORAGE_DOMAIN_NOT_EXIST` (400) for a domain named in the call.
pub(crate) fn sd_not_exist(op: Operation, a: Action, t: Subject, named: bool) -> EngineError {
    let kind = if named {
        ErrorKind::NotFound
    } else {
        ErrorKind::BadRequest
    };
    one(
        kind,
        op,
        400,
        format!("{} Storage Domain doesn't exist.", cannot(a, t)),
    )
}

/// `ACTION_TYPE_FAILED_STORAGE_DOMAIN_ALREADY_EXIST` (409): import of a domain the Engine knows.
pub(crate) fn sd_already_exists(op: Operation) -> EngineError {
    one(
        ErrorKind::Conflict,
        op,
        409,
        "Cannot add Storage. The Storage Domain already exists.".into(),
    )
}

/// `ACTION_TYPE_FAILED_STORAGE_DOMAIN_NAME_ALREADY_EXIST` (409).
pub(crate) fn sd_name_in_use(op: Operation) -> EngineError {
    one(
        ErrorKind::Conflict,
        op,
        409,
        "Cannot add Storage. The Storage Domain name is already in use.".into(),
    )
}

/// `ERROR_CANNOT_ADD_STORAGE_POOL_WITHOUT_DATA_DOMAIN` (409).
pub(crate) fn first_domain_must_be_data(op: Operation) -> EngineError {
    one(
        ErrorKind::Conflict,
        op,
        409,
        "Cannot attach Storage Domain.\n-Please attach Data Domain to the Data Center first."
            .into(),
    )
}

/// `ACTION_TYPE_FAILED_MASTER_STORAGE_DOMAIN_NOT_ACTIVE` (409).
pub(crate) fn master_not_active(op: Operation, a: Action) -> EngineError {
    one(
        ErrorKind::Conflict,
        op,
        409,
        format!(
            "Failed to {} Storage due to an error on the Data Center master Storage Domain.\n-Please activate the master Storage Domain first.",
            a.text()
        ),
    )
}

/// `ACTION_TYPE_FAILED_NO_VDS_IN_POOL` (409).
pub(crate) fn no_active_host(op: Operation, a: Action, t: Subject) -> EngineError {
    one(
        ErrorKind::InvalidState,
        op,
        409,
        format!(
            "{} There is no active Host in the Data Center.",
            cannot(a, t)
        ),
    )
}

/// `ACTION_TYPE_FAILED_STORAGE_POOL_STATUS_ILLEGAL` (409).
pub(crate) fn pool_status_illegal(op: Operation, a: Action, t: Subject) -> EngineError {
    one(
        ErrorKind::InvalidState,
        op,
        409,
        format!("{} Unknown Data Center status.", cannot(a, t)),
    )
}

/// `ACTION_TYPE_FAILED_DETECTED_ACTIVE_VMS` (409).
pub(crate) fn active_vms(op: Operation) -> EngineError {
    one(
        ErrorKind::InvalidState,
        op,
        409,
        "Cannot deactivate Storage. VMs in a state other than \"Down\" or \"Suspended\" were detected.\n-Please ensure all VMs associated with this Storage Domain are stopped and in the Down or Suspended state first.".into(),
    )
}

/// `ACTION_TYPE_FAILED_HOSTED_ENGINE_STORAGE` (409).
pub(crate) fn hosted_engine_storage(op: Operation, a: Action) -> EngineError {
    one(
        ErrorKind::Conflict,
        op,
        409,
        format!(
            "{} The storage selected contains the self hosted engine.",
            cannot(a, Subject::Storage)
        ),
    )
}

/// `ERROR_CANNOT_DEACTIVATE_MASTER_WITH_NON_DATA_DOMAINS` (409).
pub(crate) fn master_with_non_data_domains(op: Operation) -> EngineError {
    one(
        ErrorKind::Conflict,
        op,
        409,
        "Cannot deactivate a Master Storage Domain while there are active non-data domains in the Data Center.\n-Please deactivate all the non-data domains first.".into(),
    )
}

/// `ERROR_CANNOT_DEACTIVATE_MASTER_WITH_LOCKED_DOMAINS` (409).
pub(crate) fn master_with_locked_domains(op: Operation) -> EngineError {
    one(
        ErrorKind::Locked,
        op,
        409,
        "You are trying to deactivate a Master storage domain while there are locked domains in the Data Center. Please wait for the operations on those domains to finish first.".into(),
    )
}

/// `ERROR_CANNOT_DEACTIVATE_MASTER_DOMAIN_WITH_TASKS_ON_POOL` (409).
pub(crate) fn master_with_tasks(op: Operation, tasks: &str) -> EngineError {
    one(
        ErrorKind::Locked,
        op,
        409,
        format!(
            "Cannot deactivate Master Data Domain while there are running tasks on its Data Center.\n-Tasks running: {tasks}\n-Please wait until tasks will finish and try again."
        ),
    )
}

/// `ERROR_CANNOT_DEACTIVATE_DOMAIN_WITH_TASKS` (409).
pub(crate) fn domain_with_tasks(op: Operation, tasks: &str) -> EngineError {
    one(
        ErrorKind::Locked,
        op,
        409,
        format!(
            "Cannot deactivate Storage while there are running tasks on this Storage.\n-Tasks running: {tasks}\n-Please wait until tasks will finish and try again."
        ),
    )
}

/// `ERROR_CANNOT_DETACH_LAST_STORAGE_DOMAIN` (409).
pub(crate) fn detach_master_with_others(op: Operation) -> EngineError {
    one(
        ErrorKind::Conflict,
        op,
        409,
        "Cannot detach the master Storage Domain from the Data Center while there are other storage domains attached to it.\n-Please try to activate another Storage Domain in the Data Center.".into(),
    )
}

/// `ACTION_TYPE_FAILED_STORAGE_DELETE_PROTECTED` (409), one message of a detach refusal.
pub(crate) fn delete_protected_on_domain(a: Action, names: &[String]) -> String {
    format!(
        "{} The following VMs/Templates are delete protected: {}.",
        cannot(a, Subject::Storage),
        names.join(",")
    )
}

/// `ACTION_TYPE_FAILED_STORAGE_DELETE_VMS_IN_PREVIEW` (409), one message of a detach refusal.
pub(crate) fn previewing_on_domain(a: Action, names: &[String]) -> String {
    format!(
        "{} The following VMs are previewing a snapshot: {}.",
        cannot(a, Subject::Storage),
        names.join(",")
    )
}

/// `CANNOT_REMOVE_STORAGE_DOMAIN_HOST_NOT_UP` (409).
pub(crate) fn remove_host_not_up(op: Operation, host: &str) -> EngineError {
    one(
        ErrorKind::InvalidState,
        op,
        409,
        format!("Cannot remove Storage. Host {host} is not up."),
    )
}

/// `ACTION_TYPE_FAILED_FORMAT_STORAGE_DOMAIN_WITH_ATTACHED_DATA_DOMAIN` (409).
pub(crate) fn format_attached(op: Operation) -> EngineError {
    one(
        ErrorKind::Conflict,
        op,
        409,
        "Cannot remove Storage.\n The Storage Domain metadata indicates it is already attached to a Data Center hence cannot be formatted.\n To remove the Storage Domain one should either remove it without the format option or attach it to an existing Data Center, detach it, and try again.".into(),
    )
}

/// `ERROR_CANNOT_DESTROY_LAST_STORAGE_DOMAIN` (409).
pub(crate) fn destroy_master_without_successor(op: Operation) -> EngineError {
    one(
        ErrorKind::Conflict,
        op,
        409,
        "Cannot destroy the master Storage Domain from the Data Center without another active Storage Domain to take its place.\n-Either activate another Storage Domain in the Data Center, or remove the Data Center.\n-If you have problems with the master Data Domain, consider following the recovery process described in the documentation, or contact your system administrator.".into(),
    )
}

/// VDSM `AcquireHostIdFailure` (400, `LeaseHeld`): sanlock could not acquire the domain's host
/// id, because hosts of another site still hold (or held until moments ago) its lease, or
/// because the volume is a read-only replica on which sanlock cannot write its lease.
pub(crate) fn cannot_acquire_host_id(op: Operation) -> EngineError {
    one(
        ErrorKind::LeaseHeld,
        op,
        400,
        "Cannot acquire host id".into(),
    )
}

/// VDSM `ProblemWhileTryingToMountTarget` (400): the export is not reachable from the host.
pub(crate) fn mount_failed(op: Operation) -> EngineError {
    one(
        ErrorKind::BadRequest,
        op,
        400,
        "Problem while trying to mount target".into(),
    )
}

/// VDSM `StorageDomainDoesNotExist` (400): the volume no longer holds a domain (formatted).
pub(crate) fn sd_unreachable(op: Operation) -> EngineError {
    one(
        ErrorKind::BadRequest,
        op,
        400,
        "Storage domain cannot be reached. Please ensure it is accessible from the host(s).".into(),
    )
}

/// VDSM `StorageDomainActionError` (400): a storage write failed (e.g. formatting a read-only
/// replica).
pub(crate) fn storage_action_failed(op: Operation) -> EngineError {
    one(
        ErrorKind::BadRequest,
        op,
        400,
        "Error in storage domain action".into(),
    )
}

/// `CANNOT_REMOVE_STORAGE_DOMAIN_INVALID_HOST_ID` (400).
pub(crate) fn remove_invalid_host(op: Operation) -> EngineError {
    one(
        ErrorKind::NotFound,
        op,
        400,
        "Can not Remove Storage Domain - the underlying Host ID is invalid.".into(),
    )
}

/// `ACTION_TYPE_FAILED_STORAGE_DOMAIN_TYPE_ILLEGAL` (400).
pub(crate) fn sd_type_illegal(op: Operation, a: Action) -> EngineError {
    one(
        ErrorKind::BadRequest,
        op,
        400,
        format!(
            "{} Storage Domain type is illegal.",
            cannot(a, Subject::Storage)
        ),
    )
}

/// `ACTION_TYPE_FAILED_VDS_STATUS_ILLEGAL` (409) of the storage connection an import adds
/// first (`AddStorageServerConnectionCommand`).
pub(crate) fn import_host_not_up(op: Operation) -> EngineError {
    one(
        ErrorKind::InvalidState,
        op,
        409,
        "Cannot add Storage Connection. Operation can be performed only when Host status is Up."
            .into(),
    )
}

/// VDSM `iSCSIDiscoveryError` (400).
pub(crate) fn iscsi_discovery_failed(op: Operation) -> EngineError {
    one(
        ErrorKind::BadRequest,
        op,
        400,
        "Failed discovery of iSCSI targets".into(),
    )
}

/// VDSM `iSCSILoginError` (400).
pub(crate) fn iscsi_login_failed(op: Operation) -> EngineError {
    one(
        ErrorKind::BadRequest,
        op,
        400,
        "Failed to login to iSCSI node".into(),
    )
}

/// VDSM `ISCSI_LOGIN_AUTH_ERROR` (400).
pub(crate) fn iscsi_login_auth_failed(op: Operation) -> EngineError {
    one(
        ErrorKind::BadRequest,
        op,
        400,
        "Failed to login to iSCSI node due to authorization failure".into(),
    )
}

/// VDSM-side `ENGINE_ERROR_CREATING_STORAGE_POOL` (400, `VdsmErrors.properties`): the first
/// attach to an uninitialized data center creates the storage pool
/// (`AddStoragePoolWithStoragesCommand`), and no host could create it or start as its SPM.
pub(crate) fn cannot_create_storage_pool(op: Operation) -> EngineError {
    one(
        ErrorKind::BadRequest,
        op,
        400,
        "Cannot create Storage Pool, please check all hosts can connect to the storage domains."
            .into(),
    )
}

/// `ERROR_CANNOT_DESTROY_LAST_STORAGE_DOMAIN_HOST_NOT_ACTIVE` (409): destroying the master
/// elects a new one, which needs an up host in the data center
/// (`ForceRemoveStorageDomainCommand.validate`).
pub(crate) fn destroy_master_without_host(op: Operation) -> EngineError {
    one(
        ErrorKind::Conflict,
        op,
        409,
        "In order to complete the operation a new master Storage Domain needs to be elected, which requires at least one active Host in the Data Center.\n-Please make sure one of the Hosts is active in the Data Center first.".into(),
    )
}

/// `ACTION_TYPE_FAILED_STORAGE_CONNECTION_ALREADY_EXISTS` (409) from
/// `AddStorageServerConnectionCommand.validate`, which a file import runs first: the domain
/// name is that of the domain using the connection, empty when none does.
pub(crate) fn storage_connection_exists(
    op: Operation,
    id: crate::engine::Id,
    domain: &str,
) -> EngineError {
    one(
        ErrorKind::Conflict,
        op,
        409,
        format!(
            "Cannot add Storage Connection. Storage connection {id} already exists for {domain}."
        ),
    )
}
