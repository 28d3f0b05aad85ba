//! Whether a data center of the site being cleaned has an SPM, decided when its domains are
//! released rather than when the run was planned.
//!
//! Moving a domain to maintenance and detaching it are SPM commands
//! (`DeactivateStorageDomainCommand`, `DetachStorageDomainFromPoolCommand`): without an SPM they
//! cannot succeed, and a cleanup that may remove domains from the Engine's database only takes
//! that way instead. A site back from a disaster shows every data center `problematic` until its
//! monitoring heard from the hosts (`IrsProxyImpl.updatingTimerElapsed` marks the domains
//! `unknown`, and an `unknown` master makes the pool `NonResponsive`,
//! `calcStoragePoolStatusByDomainsStatus`); a data center whose master is on storage the site can
//! write elects an SPM then and must be released normally. So the decision waits until the
//! master's status is settled.

use std::time::Duration;

use tokio::time::Instant;

use super::op::{Op, Seen};
use crate::engine::{Engine, HostStatus, Id, SpmStatus, StorageDomainStatus};
use crate::execute::StepFailure;

/// How long a master may stay `unknown` or `locked` before the data center counts as without an
/// SPM: a master on a read-only replica is reported by every host, goes to reconstruction after
/// the domain failure timeout (`StorageDomainFailureTimeoutInMinutes`, 5 minutes by default),
/// which fails while another domain is still a candidate and is tried again one timeout later;
/// one more minute covers the storage-pool cycles.
const MASTER_SETTLES: Duration = Duration::from_secs(11 * 60);

/// What the data center's master and hosts show once the master settled.
enum Settled {
    /// An UP host of the data center holds the SPM role.
    Spm,
    /// None does; the text says what was seen.
    NoSpm(String),
}

/// Why `dc` has no SPM now, or `None` when it has one. Waits while its master is `unknown` or
/// `locked` (at most [`MASTER_SETTLES`]); a master still unsettled then counts as no SPM.
///
/// # Errors
/// A [`StepFailure`] when the Engine cannot be read.
pub(crate) async fn missing_spm(
    op: &Op<'_>,
    engine: &dyn Engine,
    dc: Id,
    dc_name: &str,
) -> Result<Option<String>, StepFailure> {
    let start = Instant::now();
    let settled = op
        .poll(
            &format!("the master domain of '{dc_name}' to settle (does it have an SPM?)"),
            MASTER_SETTLES + Duration::from_secs(60),
            || async {
                let domains = engine.attached_storage_domains(dc).await?;
                let master = domains.iter().find(|d| d.master);
                let unsettled = master.and_then(|m| {
                    m.status.filter(|s| {
                        matches!(
                            s,
                            StorageDomainStatus::Unknown | StorageDomainStatus::Locked
                        )
                    })
                });
                if let (Some(m), Some(s)) = (master, unsettled) {
                    if start.elapsed() < MASTER_SETTLES {
                        return Ok(Seen::Pending(format!("master '{}' is {s}", m.name)));
                    }
                    return Ok(Seen::Ready(Settled::NoSpm(format!(
                        "its master '{}' was still {s} after {} min",
                        m.name,
                        MASTER_SETTLES.as_secs() / 60
                    ))));
                }
                let (clusters, hosts) = tokio::try_join!(engine.clusters(), engine.hosts())?;
                let in_dc = |c: Option<Id>| {
                    c.and_then(|c| clusters.iter().find(|x| x.id == c))
                        .and_then(|x| x.data_center)
                        == Some(dc)
                };
                let spm = hosts.iter().any(|h| {
                    h.status == HostStatus::Up && h.spm == SpmStatus::Spm && in_dc(h.cluster)
                });
                Ok(Seen::Ready(if spm {
                    Settled::Spm
                } else {
                    Settled::NoSpm(match master {
                        Some(m) => format!(
                            "no host is its SPM (its master '{}' is {})",
                            m.name,
                            m.status
                                .map_or("without a status".into(), |s| s.to_string())
                        ),
                        None => "no host is its SPM (it has no master domain)".into(),
                    })
                }))
            },
        )
        .await?;
    Ok(match settled {
        Settled::Spm => None,
        Settled::NoSpm(why) => Some(format!("data center '{dc_name}' has no SPM: {why}")),
    })
}
