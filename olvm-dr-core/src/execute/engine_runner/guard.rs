//! The split-brain guard: before a target imports anything, find out whether the source still
//! uses the domains, record what was seen, and refuse when it does.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::op::Op;
use crate::Site;
use crate::engine::{Engine, ErrorKind, HostStatus, StorageDomainStatus};
use crate::execute::{Completion, StepFailure};
use crate::plan::DomainRef;

/// How long the guard waits for the source Engine to answer before calling it unreachable.
/// A dark site does not answer at all; 30 s keeps the guard from adding much to the outage.
const SOURCE_PROBE_TIMEOUT: Duration = Duration::from_secs(30);

/// What the guard saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuardEvidence {
    /// The source site.
    pub source: Site,
    /// Whether its Engine answered, and if not, why.
    pub source_reachable: bool,
    /// Why it was not contacted or did not answer.
    pub source_error: Option<String>,
    /// Per domain: what the source shows.
    pub domains: Vec<DomainEvidence>,
    /// The decision: `proceed`, `proceed-forced`, `proceed-drill` or `refuse`.
    pub decision: String,
}

/// What the source shows for one domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainEvidence {
    /// The domain's name on the source.
    pub name: String,
    /// Its status there (`active`, `maintenance`, `unattached`, `absent`, ...).
    pub status: String,
    /// Hosts up in the data center it is attached to.
    pub hosts_up: usize,
}

impl DomainEvidence {
    fn in_use(&self) -> bool {
        self.status == StorageDomainStatus::Active.as_str()
    }
}

/// Gathers the evidence and decides.
pub(crate) async fn split_brain_guard(
    op: &Op<'_>,
    source: Option<&dyn Engine>,
    source_site: Site,
    domains: &[DomainRef],
    force_reason: Option<&str>,
    drill: bool,
) -> Result<Completion, StepFailure> {
    let mut evidence = GuardEvidence {
        source: source_site,
        source_reachable: false,
        source_error: None,
        domains: Vec::new(),
        decision: String::new(),
    };
    match source {
        None => {
            evidence.source_error = Some(format!(
                "not contacted: no connection to the {source_site} site was given"
            ))
        }
        Some(engine) => match tokio::time::timeout(SOURCE_PROBE_TIMEOUT, engine.api_info()).await {
            Err(_) => {
                evidence.source_error = Some(format!(
                    "no answer within {} s",
                    SOURCE_PROBE_TIMEOUT.as_secs()
                ))
            }
            Ok(Err(e)) => evidence.source_error = Some(e.to_string()),
            Ok(Ok(_)) => {
                evidence.source_reachable = true;
                evidence.domains = inspect(op, engine, domains).await?;
            }
        },
    }
    let in_use: Vec<&DomainEvidence> = evidence.domains.iter().filter(|d| d.in_use()).collect();
    evidence.decision = match (in_use.is_empty(), drill, force_reason) {
        (true, _, _) => "proceed",
        (false, true, _) => "proceed-drill",
        (false, false, Some(_)) => "proceed-forced",
        (false, false, None) => "refuse",
    }
    .to_owned();

    let text = describe(&evidence);
    let _ = op.ctx.fact("split_brain.evidence", text.clone());
    let _ = op
        .ctx
        .fact("split_brain.decision", evidence.decision.clone());
    if let Some(reason) = force_reason {
        let _ = op.ctx.fact("split_brain.force_reason", reason);
    }
    if evidence.decision == "refuse" {
        let names: Vec<String> = in_use
            .iter()
            .map(|d| format!("'{}' ({} hosts up)", d.name, d.hosts_up))
            .collect();
        return Err(StepFailure {
            message: format!(
                "refusing to import: the {source_site} site answers and still has {} active. Importing them here too \
                 would put two sites on the same data (split brain). Shut the {source_site} site's hosts down (or run \
                 cleanup / switchover instead), or if you are certain the {source_site} site's storage is fenced, rerun \
                 with --force --reason \"...\". What was seen: {text}",
                names.join(", ")
            ),
            kind: Some(ErrorKind::Conflict),
        });
    }
    let output = serde_json::to_value(&evidence).map_err(|e| StepFailure::new(e.to_string()))?;
    Ok(Completion::Done {
        output: Some(output),
    })
}

async fn inspect(
    op: &Op<'_>,
    engine: &dyn Engine,
    domains: &[DomainRef],
) -> Result<Vec<DomainEvidence>, StepFailure> {
    let all = op
        .call("storage_domains", || engine.storage_domains())
        .await?;
    let clusters = op.call("clusters", || engine.clusters()).await?;
    let hosts = op.call("hosts", || engine.hosts()).await?;
    let mut out = Vec::new();
    for domain in domains {
        let found = domain
            .id
            .and_then(|id| all.iter().find(|d| d.id == id))
            .or_else(|| all.iter().find(|d| d.name == domain.name));
        let Some(d) = found else {
            out.push(DomainEvidence {
                name: domain.name.clone(),
                status: "absent".into(),
                hosts_up: 0,
            });
            continue;
        };
        let Some(&dc) = d.data_centers.first() else {
            out.push(DomainEvidence {
                name: domain.name.clone(),
                status: "unattached".into(),
                hosts_up: 0,
            });
            continue;
        };
        let status = match op
            .call("attached_storage_domain", || {
                engine.attached_storage_domain(dc, d.id)
            })
            .await
        {
            Ok(a) => a
                .status
                .map_or_else(|| "unknown".to_owned(), |s| s.as_str().to_owned()),
            Err(e) if e.kind == ErrorKind::NotFound => "unattached".to_owned(),
            Err(e) => return Err(e.into()),
        };
        let hosts_up = hosts
            .iter()
            .filter(|h| {
                h.status == HostStatus::Up
                    && h.cluster
                        .and_then(|c| clusters.iter().find(|cl| cl.id == c))
                        .and_then(|cl| cl.data_center)
                        == Some(dc)
            })
            .count();
        out.push(DomainEvidence {
            name: domain.name.clone(),
            status,
            hosts_up,
        });
    }
    Ok(out)
}

fn describe(e: &GuardEvidence) -> String {
    let mut parts = Vec::new();
    if e.source_reachable {
        parts.push(format!("the {} Engine answered", e.source));
        for d in &e.domains {
            parts.push(format!(
                "domain '{}' is {} there ({} hosts up)",
                d.name, d.status, d.hosts_up
            ));
        }
    } else {
        parts.push(format!(
            "the {} Engine did not answer ({})",
            e.source,
            e.source_error.as_deref().unwrap_or("unknown")
        ));
    }
    parts.join("; ")
}
