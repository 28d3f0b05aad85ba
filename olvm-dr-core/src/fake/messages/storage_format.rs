//! The fault of a storage format a data center cannot attach.

use crate::engine::{EngineError, ErrorKind, StorageFormat};

use super::super::ops::Operation;
use super::{Action, Subject, cannot, one};

/// `ACTION_TYPE_FAILED_STORAGE_DOMAIN_FORMAT_ILLEGAL` (409, `ErrorType.CONFLICT`): the domain's
/// format is newer than the data center's compatibility level allows
/// (`StorageDomainToPoolRelationValidator.isStorageDomainFormatCorrectForDC`; `${storageFormat}`
/// is the Java enum's name, `V5`).
pub(crate) fn sd_format_illegal(op: Operation, a: Action, format: StorageFormat) -> EngineError {
    one(
        ErrorKind::Conflict,
        op,
        409,
        format!(
            "{} Storage Domain format {format} is illegal.",
            cannot(a, Subject::Storage)
        ),
    )
}
