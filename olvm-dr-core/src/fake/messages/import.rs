//! Registration (import) faults.

use crate::engine::{EngineError, ErrorKind};

use super::super::ops::Operation;
use super::{Action, Subject, cannot, one};

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
