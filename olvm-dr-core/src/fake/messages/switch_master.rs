//! Faults of `POST /datacenters/{dc}/setmaster` (`SwitchMasterStorageDomainCommand.validate`),
//! with `${action}` "switch master" and `${type}` "storage domain"
//! (`VAR__ACTION__SWITCH_MASTER`, `VAR__TYPE__STORAGE__DOMAIN__SWITCH_MASTER`).

use crate::engine::{EngineError, ErrorKind};

use super::super::ops::Operation;
use super::one;

const CANNOT: &str = "Cannot switch master storage domain.";

/// `ACTION_TYPE_FAILED_STORAGE_POOL_NOT_EXIST` (400).
pub(crate) fn switch_master_no_pool(op: Operation) -> EngineError {
    one(
        ErrorKind::BadRequest,
        op,
        400,
        "Data Center doesn't exist.".into(),
    )
}

/// `ACTION_TYPE_FAILED_SWITCH_MASTER_STORAGE_DOMAIN_NOT_SUPPORTED` (400): a data center below
/// compatibility version 4.5 (`FeatureSupported.isSwitchMasterStorageDomainOperationSupported`).
pub(crate) fn switch_master_not_supported(op: Operation) -> EngineError {
    one(
        ErrorKind::BadRequest,
        op,
        400,
        format!("{CANNOT} Switch master storage domain operation is not supported."),
    )
}

/// `ACTION_TYPE_FAILED_STORAGE_DOMAIN_ALREADY_MASTER` (409).
pub(crate) fn switch_master_already(op: Operation) -> EngineError {
    one(
        ErrorKind::Conflict,
        op,
        409,
        format!("{CANNOT} The storage domain is already the master storage domain."),
    )
}

/// `ACTION_TYPE_FAILED_STORAGE_DOMAIN_NOT_IN_STORAGE_POOL` (409).
pub(crate) fn switch_master_not_in_pool(op: Operation) -> EngineError {
    one(
        ErrorKind::Conflict,
        op,
        409,
        format!("{CANNOT} The selected Storage Domain is not part of the Data Center."),
    )
}

/// `ACTION_TYPE_FAILED_STORAGE_DOMAIN_MUST_BE_ACTIVE` (409), naming the domain. A REST client
/// reads no status word in it, so it is a conflict to both.
pub(crate) fn switch_master_not_active(op: Operation, name: &str) -> EngineError {
    one(
        ErrorKind::Conflict,
        op,
        409,
        format!("{CANNOT} Storage domain {name} must be active."),
    )
}

/// `ACTION_TYPE_FAILED_ACTION_IS_SUPPORTED_ONLY_FOR_DATA_DOMAINS` (400): an ISO or export
/// domain, or a backup domain.
pub(crate) fn switch_master_not_data(op: Operation) -> EngineError {
    one(
        ErrorKind::BadRequest,
        op,
        400,
        format!("{CANNOT} Action is only applicable for Data domains."),
    )
}

/// `ACTION_TYPE_FAILED_STORAGE_POOL_HAS_RUNNING_TASKS` (409).
pub(crate) fn switch_master_pool_tasks(op: Operation) -> EngineError {
    one(
        ErrorKind::Locked,
        op,
        409,
        format!("{CANNOT} The storage pool has running tasks."),
    )
}
