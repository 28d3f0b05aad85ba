//! A file-domain import that meets a storage connection to its export which no domain uses: an
//! earlier import the Engine did not finish added it (`BackendStorageDomainsResource.addDomain`
//! adds the connection first and removes it only when the add fails while the Engine runs).
//! Adding a second connection to the export fails (`AddStorageServerConnectionCommand`,
//! `ACTION_TYPE_FAILED_STORAGE_CONNECTION_ALREADY_EXISTS`, 409), so the import is made again
//! through the existing connection, by id, which the Engine allows.

use crate::engine::{EngineError, ErrorKind, Id};

/// The Engine's text around the connection id: "Cannot add Storage Connection. Storage
/// connection ${connectionId} already exists for ${storageDomainName}."
const BEFORE_ID: &str = "Storage connection ";
const AFTER_ID: &str = " already exists for";

/// The id of the existing connection a failed import names, when it failed for that reason.
pub(crate) fn existing_connection(e: &EngineError) -> Option<Id> {
    if e.kind != ErrorKind::Conflict {
        return None;
    }
    let detail = e.detail();
    let rest = &detail[detail.find(BEFORE_ID)? + BEFORE_ID.len()..];
    rest[..rest.find(AFTER_ID)?].parse().ok()
}

/// What to do when the import through the existing connection `id` failed as well.
pub(crate) fn cleanup_hint(id: Id) -> String {
    format!(
        "storage connection {id} to this export exists without a domain (left by an import that did not finish) and importing through it failed too: remove it (DELETE /ovirt-engine/api/storageconnections/{id}, or Administration Portal > Storage > Storage Connections), then run again"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conflict(detail: &str) -> EngineError {
        EngineError::new(ErrorKind::Conflict, "import_storage_domain")
            .with_fault_text("Operation Failed", detail)
    }

    #[test]
    fn reads_the_connection_id_from_the_engines_text() {
        let id = Id::from_u128(0x1234);
        let e = conflict(&format!(
            "[Cannot add Storage Connection. Storage connection {id} already exists for .]"
        ));
        assert_eq!(existing_connection(&e), Some(id));
        let other = conflict("[Cannot add Storage. The Storage Domain already exists.]");
        assert_eq!(existing_connection(&other), None);
    }
}
