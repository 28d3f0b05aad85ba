//! Faults of block storage: a host's device list and a block-domain import (`POST
//! /storagedomains` with `import=true`).
//!
//! For an import, `BackendStorageDomainsResource.addExistingSAN` asks `GetUnregisteredBlockStorageDomains` for
//! the domains on the LUNs the host sees. Its lookup of the requested id falls back to an empty
//! domain (never null), so a domain the host does not see fails later, in
//! `AddExistingBlockStorageDomainCommand.canAddDomain`, when `GetVGInfo` finds no LUNs.

use crate::engine::{EngineError, ErrorKind};

use super::super::ops::Operation;
use super::{OPERATION_FAILED, one};

/// An iSCSI import while the host sees no iSCSI LUN at all: the query has no target to connect
/// to and fails with "Couldn't connect to the specified targets"
/// (`GetUnregisteredBlockStorageDomainsQuery.connectTargets`); the resource turns a failed query
/// into 400 with its message as the detail (`BackendResource.backendFailure`).
pub(crate) fn block_import_no_targets(op: Operation) -> EngineError {
    EngineError::new(ErrorKind::BadRequest, op.as_str())
        .with_status(400)
        .with_fault_text(
            OPERATION_FAILED,
            "Couldn't connect to the specified targets",
        )
}

/// `ACTION_TYPE_FAILED_PROBLEM_WITH_CANDIDATE_INFO` (409, `ErrorType.CONFLICT`): the host sees
/// none of the domain's LUNs (not logged in to its target, or not zoned to it).
pub(crate) fn block_import_not_visible(op: Operation) -> EngineError {
    one(
        ErrorKind::Conflict,
        op,
        409,
        "Cannot add Storage. Failed to get data for Import operation.\n\
         - Check connectivity to the Storage Domain."
            .into(),
    )
}

/// `ACTION_TYPE_FAILED_IMPORT_STORAGE_DOMAIN_EXTERNAL_LUN_DISK_EXIST` (409,
/// `ErrorType.CONFLICT`): a LUN of the domain's volume group is one the Engine already knows
/// as a direct LUN disk (`AddExistingBlockStorageDomainCommand.canAddDomain`).
pub(crate) fn block_import_lun_disk_exists(op: Operation) -> EngineError {
    one(
        ErrorKind::Conflict,
        op,
        409,
        "Cannot add Storage. Part of the Storage Domain LUNs are being used as an External LUN \
         disk. Please remove them first and try again."
            .into(),
    )
}

/// `GET /hosts/{id}/storage` of a host that is not up: `GetDeviceListQuery.isActiveVds` fails
/// the query with this text, naming the host by its address (`VDS.getHostName`), and the
/// resource answers 400 with it as the detail.
pub(crate) fn host_devices_unavailable(op: Operation, host_address: &str) -> EngineError {
    EngineError::new(ErrorKind::BadRequest, op.as_str())
        .with_status(400)
        .with_fault_text(
            OPERATION_FAILED,
            format!("Cannot fetch storage devices, host {host_address} is not UP."),
        )
}
