//! The store conformance suite against the local directory store.

use std::sync::Arc;

use olvm_dr_core::journal::StateDirError;
use olvm_dr_core::state::conformance::{Opener, run_all};
use olvm_dr_core::state::{LocalStore, StateStore};

#[test]
fn the_local_directory_passes_the_store_conformance_suite() {
    let dirs = std::cell::RefCell::new(Vec::new());
    let fresh = || -> Opener {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("state");
        dirs.borrow_mut().push(dir);
        Box::new(move |lock| {
            if lock {
                Ok(Arc::new(LocalStore::open(&root)?) as Arc<dyn StateStore>)
            } else {
                LocalStore::open_to_read(&root)
                    .map(|s| Arc::new(s) as Arc<dyn StateStore>)
                    .ok_or_else(|| StateDirError::Io {
                        path: root.clone(),
                        source: std::io::ErrorKind::NotFound.into(),
                    })
            }
        })
    };
    let failures = run_all(&fresh);
    assert!(failures.is_empty(), "{failures:#?}");
}
