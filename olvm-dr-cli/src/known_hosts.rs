//! Records what a failover needs of each site that answers in the state directory, from
//! `validate` and `generate` (and every run): its hosts, which the split-brain guard probes when
//! that site's Engine no longer answers, and its VMs (disks, NICs, affinity), which a failover
//! from it reports and verifies against when it no longer answers (the Engine lists an
//! unregistered VM without them).

use std::path::Path;
use std::sync::Arc;

use olvm_dr_core::flow::RunStore;
use olvm_dr_core::plan::source_record::read_source_record;
use olvm_dr_core::state::StateLocation;
use olvm_dr_core::{Engine, Site};

/// Reads each given site's hosts and VMs and records them where runs are kept (the option, else
/// `OLVM_DR_STATE`, else `OLVM_DR_STATE_DIR`, else the user's data directory). Best effort: a state directory that
/// cannot be used (busy with a run, not writable) only costs the record, said at debug level.
pub(crate) async fn record(state_dir: Option<&Path>, engines: &[(Site, Arc<dyn Engine>)]) {
    if engines.is_empty() {
        return;
    }
    let option = state_dir.map(|d| d.to_string_lossy().into_owned());
    let Ok(location) = StateLocation::resolve(option.as_deref(), None) else {
        return;
    };
    let store = match RunStore::open_location(&location) {
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
        match read_source_record(engine.as_ref()).await {
            Ok(record) => {
                if let Err(e) = store.remember_source_record(*site, &record) {
                    tracing::warn!(%site, error = %e, "cannot record the site's VMs");
                }
            }
            Err(e) => tracing::debug!(%site, error = %e, "VMs not recorded"),
        }
    }
}
