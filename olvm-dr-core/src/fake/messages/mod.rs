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
//! | `Locked` | 409 "Related operation is currently in progress" (a lock of the lock table), locked domains, running tasks |
//! | `Conflict` | 409 duplicates (ids, names, MACs, LUNs), master rules, already attached, delete protection |
//! | `LeaseHeld` | 400 `[Cannot acquire host id]` |
//! | `NotFound` | 404, and "doesn't exist" for an entity named in the call |
//! | `BadRequest` | other 400s |

mod block_storage;
mod import;
mod scheduling;
mod storage;
mod storage_format;
mod switch_master;
mod vm;

use crate::engine::{EngineError, ErrorKind, StorageDomainStatus};

use super::ops::Operation;

pub(crate) use block_storage::*;
pub(crate) use import::*;
pub(crate) use scheduling::*;
pub(crate) use storage::*;
pub(crate) use storage_format::*;
pub(crate) use switch_master::*;
pub(crate) use vm::*;

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
///
/// Its kind is what a REST client makes of the same status and text
/// ([`kind_for`](crate::engine::classify::kind_for)), so the fake and a real Engine behind the
/// REST client never name one refusal differently. `kind` says what the constructor means;
/// only [`NotFound`](ErrorKind::NotFound) for an entity named in the call is kept over the
/// classification (the fake knows the call named it; a REST client sees a plain 400).
pub(crate) fn command(
    kind: ErrorKind,
    op: Operation,
    status: u16,
    messages: &[String],
) -> EngineError {
    let fault = crate::engine::Fault::new(OPERATION_FAILED, format!("[{}]", messages.join(", ")));
    let kind = match kind {
        ErrorKind::NotFound => ErrorKind::NotFound,
        _ => crate::engine::classify::kind_for(status, Some(&fault)),
    };
    EngineError::new(kind, op.as_str())
        .with_status(status)
        .with_fault(fault)
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

/// A tag whose name is in use: `AddTagCommand.validate`'s `TAGS_SPECIFY_TAG_IS_IN_USE`
/// ("The specified Tag name already exists." in `AppErrors.properties`), a validation failure,
/// so 409 with the Engine's usual reason.
pub(crate) fn tag_name_in_use(op: Operation) -> EngineError {
    EngineError::new(ErrorKind::Conflict, op.as_str())
        .with_status(409)
        .with_fault_text(OPERATION_FAILED, "[The specified Tag name already exists.]")
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

/// The site's Engine does not answer (disaster, outage or injected drop): no HTTP status, no
/// connection, as when nothing listens any more.
pub(crate) fn unavailable(op: Operation, site: crate::Site) -> EngineError {
    EngineError::new(ErrorKind::Unreachable, op.as_str())
        .with_message(format!("the {site} site's Engine is not answering"))
}

/// The site's Engine died while a call was in flight: the connection was made and broke, so the
/// caller sees a cut-off answer, not a refused connection.
pub(crate) fn connection_lost(op: Operation, site: crate::Site) -> EngineError {
    EngineError::new(ErrorKind::Unavailable, op.as_str()).with_message(format!(
        "the {site} site's Engine went away before it answered"
    ))
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
