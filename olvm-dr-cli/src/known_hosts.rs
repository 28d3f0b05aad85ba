//! Records the hosts of each site that answers in the state directory, from `validate` (and
//! every run): the split-brain guard probes them when that site's Engine no longer answers.

use std::path::Path;
use std::sync::Arc;

use olvm_dr_core::flow::RunStore;
use olvm_dr_core::{Engine, Site};

use crate::flow::setup;

/// Reads each given site's hosts and records them in the state directory (the option, else
/// `OLVM_DR_STATE_DIR`, else the user's data directory). Best effort: a state directory that
/// cannot be used (busy with a run, not writable) only costs the record, said at debug level.
pub(crate) async fn record(state_dir: Option<&Path>, engines: &[(Site, Arc<dyn Engine>)]) {
    if engines.is_empty() {
        return;
    }
    let Ok(root) = setup::state_dir(state_dir) else {
        return;
    };
    let store = match RunStore::open(&root) {
        Ok(s) => s,
        Err(e) => {
            tracing::debug!(error = %e, "the sites' hosts are not recorded");
            return;
        }
    };
    for (site, engine) in engines {
        match engine.hosts().await {
            Ok(hosts) => {
                if let Err(e) = store.remember_hosts(*site, &hosts) {
                    tracing::warn!(%site, error = %e, "cannot record the site's hosts");
                }
            }
            Err(e) => tracing::debug!(%site, error = %e, "hosts not read"),
        }
    }
}
