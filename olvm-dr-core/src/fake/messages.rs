//! Every fault the fake returns: the Engine's exact texts, HTTP statuses and our error kinds.
//!
//! Texts come from the oVirt Engine's message bundles (ovirt-engine `AppErrors.properties`,
//! `VdsmErrors.properties`, restapi `Messages.properties`, commit 0111fc6) with `${action}` /
//! `${type}` expanded the way the commands set them (`VAR__ACTION__*`, `VAR__TYPE__*`), and the
//! HTTP status from the message's `ErrorType` (`EngineMessage.java`: CONFLICT → 409,
//! BAD_PARAMETERS → 400; VDSM errors default to 400). A command failure's detail is the message
//! list rendered as a Java list: `[msg1, msg2]` (`BackendResource.backendFailure`).
//!
//! The kind is what the failure means for a caller; a REST client classifies the same status and
//! text the same way:
//!
//! | kind | when |
//! | --- | --- |
//! | `InvalidState` | 409 "status is X", VMs running, host not up, VM status illegal |
//! | `Locked` | 409 "Related operation is currently in progress", locked domains, running tasks |
//! | `Conflict` | 409 duplicates (ids, names, MACs, LUNs), master rules, already attached, delete protection |
//! | `LeaseHeld` | 400 `[Cannot acquire host id]` |
//! | `NotFound` | 404, and "doesn't exist" for an entity named in the call |
//! | `BadRequest` | other 400s |

use crate::engine::{EngineError, ErrorKind, StorageDomainStatus, VmStatus};

use super::ops::Operation;

/// The `reason` of almost every Engine fault.
pub(crate) const OPERATION_FAILED: &str = "Operation Failed";

/// `${action}` of a command (`VAR__ACTION__*` in AppErrors.properties).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Action {
    Activate,
    Add,
    Attach,
    Deactivate,
    Destroy,
    Detach,
    Import,
    Remove,
    Run,
    Shutdown,
    Stop,
    UpdateOvfs,
}

impl Action {
    fn text(self) -> &'static str {
        match self {
            Action::Activate => "activate",
            Action::Add => "add",
            Action::Attach => "attach",
            Action::Deactivate => "deactivate",
            Action::Destroy => "destroy",
            Action::Detach => "detach",
            Action::Import => "import",
            Action::Remove => "remove",
            Action::Run => "run",
            Action::Shutdown => "shutdown",
            Action::Stop => "stop",
            Action::UpdateOvfs => "update OVFs for",
        }
    }
}

/// `${type}` of a command (`VAR__TYPE__*`).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Subject {
    Storage,
    Vm,
    Template,
}

impl Subject {
    fn text(self) -> &'static str {
        match self {
            Subject::Storage => "Storage",
            Subject::Vm => "VM",
            Subject::Template => "Template",
        }
    }
}

/// A command failure: `reason` "Operation Failed", `detail` the Java-list rendering of `messages`.
pub(crate) fn command(
    kind: ErrorKind,
    op: Operation,
    status: u16,
    messages: &[String],
) -> EngineError {
    EngineError::new(kind, op.as_str())
        .with_status(status)
        .with_fault_text(OPERATION_FAILED, format!("[{}]", messages.join(", ")))
}

fn one(kind: ErrorKind, op: Operation, status: u16, message: String) -> EngineError {
    command(kind, op, status, &[message])
}

fn cannot(a: Action, t: Subject) -> String {
    format!("Cannot {} {}.", a.text(), t.text())
}

/// The Engine's CamelCase name of a domain status, as `${status}` shows it
/// (`org.ovirt.engine.core.common.businessentities.StorageDomainStatus`).
pub(crate) fn java_status(s: StorageDomainStatus) -> &'static str {
    match s {
        StorageDomainStatus::Activating => "Activating",
        StorageDomainStatus::Active => "Active",
        StorageDomainStatus::Detaching => "Detaching",
        StorageDomainStatus::Inactive => "Inactive",
        StorageDomainStatus::Locked => "Locked",
        StorageDomainStatus::Maintenance => "Maintenance",
        StorageDomainStatus::Mixed => "Mixed",
        StorageDomainStatus::PreparingForMaintenance => "PreparingForMaintenance",
        StorageDomainStatus::Unattached => "Unattached",
        StorageDomainStatus::Unknown => "Unknown",
    }
}

/// `true` for the statuses the Engine treats as "in process" (`isStorageDomainInProcess`).
pub(crate) fn in_process(s: StorageDomainStatus) -> bool {
    matches!(
        s,
        StorageDomainStatus::Locked
            | StorageDomainStatus::PreparingForMaintenance
            | StorageDomainStatus::Detaching
            | StorageDomainStatus::Activating
    )
}

// ----- REST layer (no command ran) -----

/// A path id that does not exist: 404 with an empty body.
pub(crate) fn not_found(op: Operation, what: impl Into<String>) -> EngineError {
    EngineError::new(ErrorKind::NotFound, op.as_str())
        .on(what)
        .with_status(404)
}

/// A named reference in the body that resolves to nothing: 404, detail `Entity not found: <what>`
/// (restapi `ENTITY_NOT_FOUND_TEMPLATE`), e.g. `Cluster: name=dr-cluster`.
pub(crate) fn entity_not_found(op: Operation, what: &str) -> EngineError {
    EngineError::new(ErrorKind::NotFound, op.as_str())
        .with_status(404)
        .with_fault_text(OPERATION_FAILED, format!("Entity not found: {what}"))
}

/// A required field missing from the request: 400, reason `Incomplete parameters`, detail
/// `<Type> [<fields>] required for add` (restapi `INCOMPLETE_PARAMS_DETAIL_TEMPLATE`).
pub(crate) fn incomplete(op: Operation, entity: &str, fields: &str) -> EngineError {
    EngineError::new(ErrorKind::BadRequest, op.as_str())
        .with_status(400)
        .with_fault_text(
            "Incomplete parameters",
            format!("{entity} [{fields}] required for add"),
        )
}

/// A block-domain import whose id the host does not see among its LUNs
/// (`BackendStorageDomainsResource.addExistingSAN`). Taken from the API reference (§3.2): in the
/// Engine's code the lookup returns an empty entity instead of null, so the exact failure of a
/// real Engine may differ.
pub(crate) fn block_domain_not_visible(op: Operation, id: impl std::fmt::Display) -> EngineError {
    EngineError::new(ErrorKind::NotFound, op.as_str())
        .with_status(404)
        .with_fault_text(
            OPERATION_FAILED,
            format!("Storage Domain id {id} Does not exists"),
        )
}

// ----- storage domains -----

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

// ----- iSCSI -----

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

// ----- import (registration) -----

/// `ACTION_TYPE_FAILED_CLUSTER_CAN_NOT_BE_EMPTY` (400).
pub(crate) fn import_cluster_missing(op: Operation, t: Subject) -> EngineError {
    one(
        ErrorKind::BadRequest,
        op,
        400,
        format!(
            "{} The relevant Cluster doesn't exist.",
            cannot(Action::Import, t)
        ),
    )
}

/// `ACTION_TYPE_FAILED_TEMPLATE_DOES_NOT_EXIST` (400): register the template first.
pub(crate) fn import_template_missing(op: Operation) -> EngineError {
    one(
        ErrorKind::BadRequest,
        op,
        400,
        "Cannot import VM. The relevant Template doesn't exist.".into(),
    )
}

/// `ACTION_TYPE_FAILED_VM_IMAGE_DOES_NOT_EXIST` (400).
pub(crate) fn import_image_missing(op: Operation, t: Subject) -> EngineError {
    one(
        ErrorKind::BadRequest,
        op,
        400,
        format!(
            "{} VM's Image does not exist.\nIn order to import partial VM, select 'allow partial' checkbox.",
            cannot(Action::Import, t)
        ),
    )
}

/// `VM_CANNOT_IMPORT_VM_EXISTS` (409).
pub(crate) fn import_vm_id_exists(op: Operation, existing_name: &str) -> EngineError {
    one(
        ErrorKind::Conflict,
        op,
        409,
        format!(
            "Import VM failed - VM ID already exists in the system. Please remove the VM ({existing_name}) from the system first"
        ),
    )
}

/// `VM_CANNOT_IMPORT_VM_NAME_EXISTS` (409).
pub(crate) fn import_vm_name_exists(op: Operation) -> EngineError {
    one(
        ErrorKind::Conflict,
        op,
        409,
        "Import VM failed - VM Name already exists in the Data Center. Please rename the VM in the Data Center first".into(),
    )
}

/// `VMT_CANNOT_IMPORT_TEMPLATE_EXISTS` (409).
pub(crate) fn import_template_id_exists(op: Operation, existing_name: &str) -> EngineError {
    one(
        ErrorKind::Conflict,
        op,
        409,
        format!(
            "Cannot import Template. Template or VM with the same ID already exists in the system. Please remove the Template or VM ({existing_name}) from the system first"
        ),
    )
}

/// `VM_CANNOT_IMPORT_TEMPLATE_NAME_EXISTS` (409).
pub(crate) fn import_template_name_exists(op: Operation) -> EngineError {
    one(
        ErrorKind::Conflict,
        op,
        409,
        "Import Template failed - Template Name already exists in the system. Please rename the Template in the system first".into(),
    )
}

/// `VMT_CANNOT_IMPORT_TEMPLATE_VERSION_MISSING_BASE` (400).
pub(crate) fn import_template_base_missing(op: Operation) -> EngineError {
    one(
        ErrorKind::BadRequest,
        op,
        400,
        "Cannot import Template Version, Base Template for this Version is missing, please first Import Base Template, or Import Version as Base Template using Clone.".into(),
    )
}

/// `ACTION_TYPE_FAILED_IMPORT_DISKS_ALREADY_EXIST` (409).
pub(crate) fn import_disks_exist(op: Operation, t: Subject, alias: &str) -> EngineError {
    one(
        ErrorKind::Conflict,
        op,
        409,
        format!(
            "{} The following disks already exist: {alias}. Please import as a clone.",
            cannot(Action::Import, t)
        ),
    )
}

/// `ACTION_TYPE_FAILED_CANNOT_ADD_IFACE_DUE_TO_MAC_DUPLICATES` (409). The NIC list is rendered
/// by `ReplacementUtils.replaceWith`: each name after a tab, joined by `,` and a newline, at most
/// five then `...`.
pub(crate) fn import_mac_duplicates(op: Operation, nics: &[String]) -> EngineError {
    let mut items: Vec<String> = nics.iter().take(5).map(|n| format!("\t{n}")).collect();
    if nics.len() > 5 {
        items.push("\t...".into());
    }
    one(
        ErrorKind::Conflict,
        op,
        409,
        format!(
            "Cannot import Virtual Machine, because that action would create duplicates in target MAC pool, which are not allowed. Either allow duplicate MACs in MAC Pool, or allow reassignment of bad MACs during import. Problematic NICs are {}",
            items.join(",\n")
        ),
    )
}

/// `MAC_POOL_NOT_ENOUGH_MAC_ADDRESSES` (409).
pub(crate) fn not_enough_macs(op: Operation) -> EngineError {
    one(
        ErrorKind::Conflict,
        op,
        409,
        "Cannot import VM. Not enough MAC addresses left in MAC Address Pool.".into(),
    )
}

/// `ACTION_TYPE_FAILED_DISK_LUN_INVALID` (400).
pub(crate) fn import_lun_invalid(op: Operation) -> EngineError {
    one(
        ErrorKind::BadRequest,
        op,
        400,
        "Cannot import VM. The provided LUN is not visible by the specified host, please check storage server connectivity.".into(),
    )
}

/// `ACTION_TYPE_FAILED_DISK_LUN_IS_ALREADY_IN_USE` (409).
pub(crate) fn import_lun_in_use(op: Operation) -> EngineError {
    one(
        ErrorKind::Conflict,
        op,
        409,
        "Cannot import VM. The provided lun is used by another disk.".into(),
    )
}

/// A registration mapping list with the same `from` twice: the Engine's REST layer builds a map
/// with `Collectors.toMap` and fails with an unexpected exception (HTTP 500).
pub(crate) fn duplicate_mapping(op: Operation, what: &str, from: &str) -> EngineError {
    EngineError::new(ErrorKind::Internal, op.as_str())
        .with_status(500)
        .with_message(format!("duplicate {what} mapping for '{from}'"))
}

// ----- VMs -----

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

/// `SCHEDULING_ALL_HOSTS_FILTERED_OUT` (409): no host of the cluster can run the VM.
pub(crate) fn no_host_to_run(op: Operation) -> EngineError {
    one(
        ErrorKind::InvalidState,
        op,
        409,
        "Cannot run VM. There is no host that satisfies current scheduling constraints. See below for details:".into(),
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

// ----- disks -----

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

// ----- the site itself -----

/// The site's Engine does not answer (disaster, outage or injected drop): no HTTP status.
pub(crate) fn unavailable(op: Operation, site: crate::Site) -> EngineError {
    EngineError::new(ErrorKind::Unavailable, op.as_str())
        .with_message(format!("the {site} site's Engine is not answering"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_texts_use_engine_camel_case_and_java_list() {
        let e = sd_status(
            Operation::DetachStorageDomain,
            Action::Detach,
            StorageDomainStatus::Active,
        );
        assert_eq!(
            e.detail(),
            "[Cannot detach Storage. The relevant Storage Domain's status is Active.]"
        );
        assert_eq!(
            (e.kind, e.http_status),
            (ErrorKind::InvalidState, Some(409))
        );
        let e = sd_status(
            Operation::ActivateStorageDomain,
            Action::Activate,
            StorageDomainStatus::Locked,
        );
        assert_eq!(e.kind, ErrorKind::Locked);
        assert_eq!(
            e.detail(),
            "[Cannot activate Storage. Related operation is currently in progress. Please try again later.]"
        );
    }

    #[test]
    fn mac_duplicate_list_is_bounded() {
        let nics: Vec<String> = (1..=7).map(|i| format!("nic{i}")).collect();
        let e = import_mac_duplicates(Operation::RegisterVm, &nics[..2]);
        assert!(
            e.detail()
                .ends_with("Problematic NICs are \tnic1,\n\tnic2]")
        );
        let e = import_mac_duplicates(Operation::RegisterVm, &nics);
        assert!(e.detail().ends_with("\tnic5,\n\t...]"));
    }

    #[test]
    fn lease_error_is_retryable_400() {
        let e = cannot_acquire_host_id(Operation::AttachStorageDomain);
        assert_eq!(e.detail(), "[Cannot acquire host id]");
        assert_eq!(e.http_status, Some(400));
        assert!(e.is_retryable());
    }
}
