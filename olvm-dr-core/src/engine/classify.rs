//! HTTP status (and fault text) → [`ErrorKind`], in one place: the REST client classifies the
//! Engine's answers with it and the fake Engine its own faults, so one refusal has one kind
//! whichever Engine gave it.
//!
//! | HTTP | kind |
//! | --- | --- |
//! | 400 | `bad_request` |
//! | 401 | `unauthenticated` |
//! | 403 | `forbidden` |
//! | 404 | `not_found` |
//! | 408 | `timeout` |
//! | 409 | `locked` when the detail says the object is busy ("Related operation is currently in progress", "is locked. Please try again", running tasks, locked domains, saving/restoring), `invalid_state` when it blames a status ("status is", "VM is running", "VM is not running", "is not down", "because the VM is in"), `conflict` otherwise |
//! | 429, 502, 503, 504 | `unavailable` |
//! | 500 | `internal` |
//! | other 4xx / 5xx | `bad_request` / `internal` |
//! | anything else | `protocol` |
//!
//! Before the status, a sanlock failure in the fault (reference §6.4: "Cannot acquire host id",
//! "Could not obtain lock", "Wrong Master domain or its version", "Cannot retrieve SPM status",
//! "Not SPM") makes any error status `lease_held`: the Engine reports these VDSM errors as 400
//! or 500, but they mean "the other site still holds the lease", which a later retry can fix.
//! A failed action inside a 2xx answer is classified as if it were a 400 (the Engine's default
//! status for a failing command).

use crate::engine::{ErrorKind, Fault};

/// VDSM texts meaning a storage lease is held elsewhere (reference §6.4).
const LEASE_TEXTS: &[&str] = &[
    "Cannot acquire host id",
    "Could not obtain lock",
    "Wrong Master domain or its version",
    "Cannot retrieve SPM status",
    "Not SPM",
];

/// 409 details meaning "busy, try again" (`ACTION_TYPE_FAILED_OBJECT_LOCKED`, `..._VM_IS_LOCKED`,
/// `..._DISK_IS_LOCKED`, `..._DOMAIN_OVF_ON_UPDATE`, `ERROR_CANNOT_DEACTIVATE_DOMAIN_WITH_TASKS`,
/// `ERROR_CANNOT_DEACTIVATE_MASTER_DOMAIN_WITH_TASKS_ON_POOL`,
/// `ERROR_CANNOT_DEACTIVATE_MASTER_WITH_LOCKED_DOMAINS`, `..._VM_IS_SAVING_RESTORING`,
/// `ACTION_TYPE_FAILED_STORAGE_POOL_HAS_RUNNING_TASKS`): the refusal names something
/// that ends by itself.
const LOCKED_TEXTS: &[&str] = &[
    "Related operation is currently in progress",
    "is locked. Please try again",
    "OVF data is currently being updated",
    "running tasks",
    "there are locked domains",
    "saving/restoring state",
];

/// 409 details blaming the entity's state (`..._STORAGE_DOMAIN_STATUS_ILLEGAL2`,
/// `..._VDS_STATUS_ILLEGAL`, `..._VM_IS_RUNNING`, `..._VM_IS_NOT_RUNNING`, `..._VM_IS_NOT_DOWN`,
/// `..._VM_STATUS_ILLEGAL`, `..._DETECTED_ACTIVE_VMS`, `..._NO_VDS_IN_POOL`,
/// `..._STORAGE_POOL_STATUS_ILLEGAL`, `CANNOT_REMOVE_STORAGE_DOMAIN_HOST_NOT_UP`,
/// `SCHEDULING_ALL_HOSTS_FILTERED_OUT`, and the OVF_STORE disk removal that needs an ILLEGAL
/// disk).
const STATE_TEXTS: &[&str] = &[
    "status is",
    "VM is running",
    "VM is not running",
    "is not down",
    "because the VM is in",
    "VMs in a state other than",
    "There is no active Host in the Data Center",
    "Unknown Data Center status",
    "is not up.",
    "There is no host that satisfies current scheduling constraints",
    "in ILLEGAL status",
];

/// The one mapping from an HTTP status and the Engine's fault to an [`ErrorKind`].
pub fn kind_for(status: u16, fault: Option<&Fault>) -> ErrorKind {
    let text = |needles: &[&str]| {
        fault.is_some_and(|f| {
            needles
                .iter()
                .any(|n| f.detail.contains(n) || f.reason.contains(n))
        })
    };
    let status = if (200..300).contains(&status) {
        400
    } else {
        status
    };
    if (400..600).contains(&status) && !matches!(status, 401 | 403 | 404) && text(LEASE_TEXTS) {
        return ErrorKind::LeaseHeld;
    }
    match status {
        400 => ErrorKind::BadRequest,
        401 => ErrorKind::Unauthenticated,
        403 => ErrorKind::Forbidden,
        404 => ErrorKind::NotFound,
        408 => ErrorKind::Timeout,
        409 if text(LOCKED_TEXTS) => ErrorKind::Locked,
        409 if text(STATE_TEXTS) => ErrorKind::InvalidState,
        409 => ErrorKind::Conflict,
        429 | 502..=504 => ErrorKind::Unavailable,
        500 => ErrorKind::Internal,
        405..=499 => ErrorKind::BadRequest,
        501..=599 => ErrorKind::Internal,
        _ => ErrorKind::Protocol,
    }
}
