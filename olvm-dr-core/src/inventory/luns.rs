//! The LUNs UP hosts see (`GET /hosts/{id}/storage`), read host by host until every wanted LUN
//! is found.

use std::collections::{HashMap, HashSet};

use futures_util::future::join_all;

use crate::engine::{Engine, EngineError, Host, HostLun, HostStatus};

/// How many hosts are asked at once. Default 8: a host's storage listing makes VDSM scan its
/// devices (seconds on a host with many LUNs), so asking every host of a large site at once
/// would load them all for nothing when the first few already see every LUN; 8 keeps the wait
/// short on small sites and bounded on large ones.
pub const HOST_BATCH: usize = 8;

/// What the UP hosts reported.
#[derive(Debug, Clone, Default)]
pub struct HostLuns {
    /// Each wanted LUN that some host sees, with the first host (by name) that sees it.
    pub found: HashMap<String, (String, HostLun)>,
    /// Hosts whose listing failed, with the error (the others still count).
    pub failures: Vec<(String, EngineError)>,
}

/// Asks the UP hosts among `hosts` (in name order, [`HOST_BATCH`] at a time) for the LUNs they
/// see, until every LUN id in `wanted` is found or every UP host was asked. The first host that
/// sees a LUN wins, as in the role's generator (any one host may fail to see a device).
pub async fn up_host_luns(
    engine: &dyn Engine,
    hosts: &[Host],
    wanted: &HashSet<String>,
) -> HostLuns {
    let mut out = HostLuns::default();
    if wanted.is_empty() {
        return out;
    }
    let mut up: Vec<&Host> = hosts
        .iter()
        .filter(|h| h.status == HostStatus::Up)
        .collect();
    up.sort_by(|a, b| a.name.cmp(&b.name));
    for batch in up.chunks(HOST_BATCH) {
        let answers = join_all(batch.iter().map(|h| engine.host_luns(h.id))).await;
        for (host, answer) in batch.iter().zip(answers) {
            match answer {
                Ok(luns) => {
                    for lun in luns {
                        if wanted.contains(&lun.id) && !out.found.contains_key(&lun.id) {
                            out.found.insert(lun.id.clone(), (host.name.clone(), lun));
                        }
                    }
                }
                Err(e) => out.failures.push((host.name.clone(), e)),
            }
        }
        if out.found.len() == wanted.len() {
            break;
        }
    }
    out
}
