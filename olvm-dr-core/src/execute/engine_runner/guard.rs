//! The split-brain guard: before a target imports anything, find out whether the source still
//! uses the domains, record what was seen, and refuse when it does.
//!
//! Only the absence of any answer from the source Engine (connection refused, no route, connect
//! timeout: [`ErrorKind::Unreachable`]) lets the guard go on; an Engine that answers with an
//! error (an HTTP status, an SSO error, a certificate this client does not trust, a broken
//! connection, a read timeout) is there, so the site is up. And a dark Engine is not proof
//! that its hosts are: then every host the source is known to have is probed on VDSM's port,
//! all at once, and any host that answers makes the guard refuse. The table is in the README
//! ("The split-brain guard").

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::op::Op;
use crate::Site;
use crate::engine::{Engine, ErrorKind, HostStatus, StorageDomainStatus};
use crate::execute::{Completion, StepFailure};
use crate::plan::DomainRef;
use crate::probe::{HOST_PROBE_TIMEOUT, HostEvidence, HostProbe, KnownHost, probe_hosts};

/// How long the guard waits for the source Engine to answer. A dark site does not answer at all
/// (the REST client's connect timeout, 10 s, ends that attempt first); an Engine that accepted
/// the connection but says nothing for 30 s is there, and the guard refuses.
const SOURCE_PROBE_TIMEOUT: Duration = Duration::from_secs(30);

/// What the guard saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuardEvidence {
    /// The source site.
    pub source: Site,
    /// Whether its Engine answered successfully.
    pub source_reachable: bool,
    /// Why it was not contacted or what it answered instead of its version.
    pub source_error: Option<String>,
    /// How the source Engine answered: `answered`, `answered-with-error`, `no-answer` or
    /// `not-contacted`.
    #[serde(default)]
    pub source_answer: String,
    /// Per domain: what the source shows.
    pub domains: Vec<DomainEvidence>,
    /// The source's hosts probed on VDSM's port (when its Engine did not answer).
    #[serde(default)]
    pub hosts: Vec<HostEvidence>,
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

/// What the guard may use besides the source Engine: its known hosts and how to probe them.
pub(crate) struct HostCheck<'a> {
    pub(crate) probe: &'a dyn HostProbe,
    pub(crate) hosts: &'a [KnownHost],
}

/// Why the guard would refuse, before drill and force are considered.
enum Danger {
    /// The source answers and has these domains active.
    ActiveDomains(Vec<String>),
    /// The source Engine answered with an error: it is there.
    EngineAnswered(String),
    /// The source Engine did not answer, but these hosts did.
    HostsAnswered(Vec<String>),
}

/// Gathers the evidence and decides.
pub(crate) async fn split_brain_guard(
    op: &Op<'_>,
    source: Option<&dyn Engine>,
    source_site: Site,
    domains: &[DomainRef],
    force_reason: Option<&str>,
    drill: bool,
    hosts: HostCheck<'_>,
) -> Result<Completion, StepFailure> {
    let mut evidence = GuardEvidence {
        source: source_site,
        source_reachable: false,
        source_error: None,
        source_answer: String::new(),
        domains: Vec::new(),
        hosts: Vec::new(),
        decision: String::new(),
    };
    let mut danger = None;
    let mut dark = false;
    match source {
        None => {
            evidence.source_answer = "not-contacted".into();
            evidence.source_error = Some(format!(
                "not contacted: no connection to the {source_site} site was given"
            ));
            dark = true;
        }
        // One attempt (the REST client does not repeat a refused connect), so a dark site is
        // known at once.
        Some(engine) => match tokio::time::timeout(SOURCE_PROBE_TIMEOUT, engine.api_info()).await {
            Err(_) => {
                let text = format!(
                    "no answer within {} s on an open connection",
                    SOURCE_PROBE_TIMEOUT.as_secs()
                );
                evidence.source_answer = "answered-with-error".into();
                evidence.source_error = Some(text.clone());
                danger = Some(Danger::EngineAnswered(text));
            }
            Ok(Err(e)) if e.kind.is_no_answer() => {
                evidence.source_answer = "no-answer".into();
                evidence.source_error = Some(e.to_string());
                dark = true;
            }
            Ok(Err(e)) => {
                evidence.source_answer = "answered-with-error".into();
                evidence.source_error = Some(e.to_string());
                danger = Some(Danger::EngineAnswered(answered_hint(&e)));
            }
            Ok(Ok(_)) => {
                evidence.source_reachable = true;
                evidence.source_answer = "answered".into();
                evidence.domains = inspect(op, engine, domains).await?;
                let active: Vec<String> = evidence
                    .domains
                    .iter()
                    .filter(|d| d.in_use())
                    .map(|d| format!("'{}' ({} hosts up)", d.name, d.hosts_up))
                    .collect();
                if !active.is_empty() {
                    danger = Some(Danger::ActiveDomains(active));
                }
            }
        },
    }
    if dark {
        evidence.hosts = probe_hosts(hosts.probe, hosts.hosts, HOST_PROBE_TIMEOUT).await;
        let up: Vec<String> = evidence
            .hosts
            .iter()
            .filter(|h| h.answered)
            .map(|h| format!("'{}' ({})", h.name, h.address))
            .collect();
        if !up.is_empty() {
            danger = Some(Danger::HostsAnswered(up));
        }
    }
    evidence.decision = match (&danger, drill, force_reason) {
        (None, _, _) => "proceed",
        (Some(_), true, _) => "proceed-drill",
        (Some(_), false, Some(_)) => "proceed-forced",
        (Some(_), false, None) => "refuse",
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
    if evidence.decision == "proceed-forced" {
        let _ = op.ctx.fact("split_brain.forced_by", operator());
        let _ = op.ctx.fact(
            "split_brain.forced_at",
            crate::civil::format_date_time_millis(std::time::SystemTime::now(), 0),
        );
    }
    if evidence.decision == "refuse"
        && let Some(danger) = danger
    {
        return Err(StepFailure {
            message: refusal(source_site, &danger, &text),
            kind: Some(ErrorKind::Conflict),
        });
    }
    let output = serde_json::to_value(&evidence).map_err(|e| StepFailure::new(e.to_string()))?;
    Ok(Completion::Done {
        output: Some(output),
    })
}

/// Who forced the run: `user@host` as the process sees them (`USER` or `LOGNAME`, and the
/// kernel's host name), for the journal and the report.
fn operator() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown user".into());
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_default();
    if host.is_empty() {
        user
    } else {
        format!("{user}@{host}")
    }
}

/// What to do about an Engine that answered with an error.
fn answered_hint(e: &crate::EngineError) -> String {
    let fix = match e.kind {
        ErrorKind::Unauthenticated | ErrorKind::Forbidden => {
            "fix the site's user name or password (the passwords file)"
        }
        ErrorKind::Certificate => "fix the site's CA file (dr_sites_*_ca_file)",
        _ => "find out why it fails",
    };
    format!("it answered: {e}; {fix}")
}

fn refusal(site: Site, danger: &Danger, seen: &str) -> String {
    let force = format!(
        "or, if you are certain that the {site} site's hosts are off and its storage is fenced, rerun with --force --reason \"...\""
    );
    match danger {
        Danger::ActiveDomains(names) => format!(
            "refusing to import: the {site} site answers and still has {} active. Importing them here too \
             would put two sites on the same data (split brain). Shut the {site} site's hosts down (or run \
             cleanup / switchover instead), {force}. What was seen: {seen}",
            names.join(", ")
        ),
        Danger::EngineAnswered(what) => format!(
            "refusing to import: the {site} Engine is up ({what}). An Engine that answers, even with an \
             error, is not a dark site, and its hosts may still use the domains. Fix what it answered and \
             rerun (the guard then sees whether the domains are in use), {force}. What was seen: {seen}"
        ),
        Danger::HostsAnswered(names) => format!(
            "refusing to import: the {site} Engine does not answer, but its hosts {} do (VDSM port): an \
             Engine-only outage leaves the hosts running VMs on the domains. Power those hosts off (or \
             fence them), {force}. What was seen: {seen}",
            names.join(", ")
        ),
    }
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
    } else if e.source_answer == "answered-with-error" {
        parts.push(format!(
            "the {} Engine answered with an error ({})",
            e.source,
            e.source_error.as_deref().unwrap_or("unknown")
        ));
    } else {
        parts.push(format!(
            "the {} Engine did not answer ({})",
            e.source,
            e.source_error.as_deref().unwrap_or("unknown")
        ));
        if e.hosts.is_empty() {
            parts.push(format!("no known {} hosts to probe", e.source));
        }
        for h in &e.hosts {
            parts.push(format!(
                "host '{}' ({}:{}) {}: {}",
                h.name,
                h.address,
                crate::probe::VDSM_PORT,
                if h.answered {
                    "answered"
                } else {
                    "did not answer"
                },
                h.detail
            ));
        }
    }
    parts.join("; ")
}
