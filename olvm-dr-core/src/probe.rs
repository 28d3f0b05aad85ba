//! Probes of a site's hypervisor hosts, for the split-brain guard: an Engine that does not answer
//! is not proof that its hosts are down (an Engine-only outage leaves them running VMs on the
//! domains), so the guard asks each host the source is known to have whether VDSM listens.

use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::Site;
use crate::engine::Host;
use futures_util::future::join_all;

/// VDSM's management port: the Engine reaches every host there
/// (`VdsStatic.DEFAULT_PORT = 54321` in ovirt-engine's `backend/manager/modules/common`).
pub const VDSM_PORT: u16 = 54321;

/// How long one host has to accept the connection. A host on the site's network answers a SYN
/// in milliseconds; 2 s covers a loaded network without making a blackholed host (one that
/// drops SYNs) delay the guard much. Every host is probed at the same time.
pub const HOST_PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// A host of a site, as its Engine last listed it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct KnownHost {
    /// Its name in the Engine.
    pub name: String,
    /// The address the Engine reaches it at (a name or an IP address).
    pub address: String,
}

impl From<&Host> for KnownHost {
    fn from(h: &Host) -> Self {
        Self {
            name: h.name.clone(),
            address: h.address.clone(),
        }
    }
}

/// The hosts known per site.
pub type KnownHosts = BTreeMap<Site, Vec<KnownHost>>;

/// What one probe found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeOutcome {
    /// `true` when the host accepted the connection: something runs there.
    pub answered: bool,
    /// What happened, e.g. `accepted a connection on port 54321` or `connection refused`.
    pub detail: String,
}

/// Asks one host whether VDSM listens.
#[async_trait]
pub trait HostProbe: Send + Sync {
    /// Probes `address`:`port`, giving up after `timeout`.
    async fn probe(&self, address: &str, port: u16, timeout: Duration) -> ProbeOutcome;
}

/// The real probe: a TCP connect. An accepted connection is an answer; a refused connection,
/// no route, a name that does not resolve, or no answer within the timeout are not (a refusal
/// comes from a kernel with nothing on the port, which is also what a site whose hosts were
/// powered off behind a router that answers for them looks like; the guard's README table says
/// so).
#[derive(Debug, Default, Clone, Copy)]
pub struct TcpHostProbe;

#[async_trait]
impl HostProbe for TcpHostProbe {
    async fn probe(&self, address: &str, port: u16, timeout: Duration) -> ProbeOutcome {
        let connect = tokio::net::TcpStream::connect((address, port));
        match tokio::time::timeout(timeout, connect).await {
            Ok(Ok(_stream)) => ProbeOutcome {
                answered: true,
                detail: format!("accepted a connection on port {port}"),
            },
            Ok(Err(e)) => ProbeOutcome {
                answered: false,
                detail: e.to_string(),
            },
            Err(_) => ProbeOutcome {
                answered: false,
                detail: format!("no answer within {} ms", timeout.as_millis()),
            },
        }
    }
}

/// What the guard found on one host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostEvidence {
    /// The host's name.
    pub name: String,
    /// The address probed.
    pub address: String,
    /// Whether it answered.
    pub answered: bool,
    /// What happened.
    pub detail: String,
}

/// Probes every host at once, each with `timeout`, and returns what each did in the order given.
pub async fn probe_hosts(
    probe: &dyn HostProbe,
    hosts: &[KnownHost],
    timeout: Duration,
) -> Vec<HostEvidence> {
    let probes = hosts.iter().map(|h| async move {
        let outcome = probe.probe(&h.address, VDSM_PORT, timeout).await;
        HostEvidence {
            name: h.name.clone(),
            address: h.address.clone(),
            answered: outcome.answered,
            detail: outcome.detail,
        }
    });
    join_all(probes).await
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    #[tokio::test]
    async fn a_listening_port_answers_and_a_closed_one_does_not_within_a_second() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let open = listener.local_addr().unwrap().port();
        let closed = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let started = Instant::now();
        let yes = TcpHostProbe
            .probe("127.0.0.1", open, HOST_PROBE_TIMEOUT)
            .await;
        let no = TcpHostProbe
            .probe("127.0.0.1", closed, HOST_PROBE_TIMEOUT)
            .await;
        assert!(yes.answered, "{yes:?}");
        assert!(!no.answered, "{no:?}");
        assert!(started.elapsed() < Duration::from_secs(1));
    }
}
