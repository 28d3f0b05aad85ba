//! The recovery plan file: the order in which VMs come back, what each group waits for, which
//! VMs start, how their addresses change on the other site, and the commands run around them.
//!
//! It is optional and separate from the mapping file (which stays the role's, untouched). A
//! plan is YAML:
//!
//! ```yaml
//! groups:                      # in order; VMs in no group form a last group, "default"
//!   - name: infrastructure
//!     select:                  # any of these matches (a VM matching two groups is an error)
//!       names: ["dns*", "ad0?"]      # globs: * and ?
//!       clusters: [prod-cluster]
//!       affinity_labels: [tier-0]
//!       tags: [infra]
//!     wait:                    # before the next group starts (default: up, 10 minutes, stop)
//!       for: check             # up | ip (the guest agent reports an address) | check
//!       command: "nc -z {address} 53"  # for `check`; {address} and {name} are filled in
//!       timeout: 5m
//!       on_timeout: ask        # continue | stop | ask
//!     delay_after: 30s
//!     start: recorded          # recorded (the VMs that ran) | all | none
//!     hooks:                   # before the group's starts, after its end
//!       before: "/opt/dr/open-firewall.sh"
//!       after: { command: "/opt/dr/dns-switch.sh", on_failure: continue }
//!     manual: "confirm the DNS change"     # asked before the group's starts
//! vms:
//!   app01:
//!     after: [db01, db02]      # within the group order: same or earlier groups
//!     start: true              # overrides the group's `start`
//!     hooks:
//!       before_start: "lb-drain {name}"    # a command, or {command, timeout, on_failure}
//!       after_ready:
//!         command: "/opt/dr/register-dns.sh"
//!         timeout: 2m          # default 10 minutes
//!         on_failure: ask      # continue | stop (the default; resumable) | ask
//!     addresses:               # its own addresses on the other site (back on failback)
//!       - network: prod-net    # or interface: eth0
//!         address: 10.201.80.10/16
//!         gateway: 10.201.0.1
//!         dns: [10.201.0.53]
//! hooks:                       # the whole run: before the first group, after the last
//!   before_run: "/opt/dr/notify.sh start"
//!   after_run: "/opt/dr/notify.sh end"
//! manual: "confirm the network team opened the firewall"   # before the first group
//! reip:
//!   in_drills: false           # drills keep the old addresses unless true
//!   networks:
//!     - network: prod-net      # the source network the NICs were on
//!       from: 10.1.0.0/16
//!       to: 10.201.0.0/16      # host part kept: 10.1.4.7 -> 10.201.4.7
//!       gateway: 10.201.0.1
//!       dns: [10.201.0.53]
//! ```
//!
//! [`RecoveryPlan::from_str`] reads it offline with a diagnostic (file:line:column, code) for
//! every problem; [`assign`] puts a site's VMs in their groups and orders them. The hooks and
//! manual steps, where they run and what their commands see: [`hooks`].

mod assign;
mod describe;
mod glob;
pub mod hooks;
mod read;
mod subnet;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::diag::Diagnostic;
use crate::mapping::yaml::Budget;
use crate::plan::source_record::RecordedVm;

pub use assign::{AssignedGroup, Assignment, VmFacts, assign};
pub use glob::Glob;
pub use hooks::{DEFAULT_HOOK_TIMEOUT, GroupHooks, Hook, HookPoint, OnFailure, PlanHooks, VmHooks};
pub use subnet::{Subnet, SubnetError};

/// The name of the group of the VMs no group selects.
pub const DEFAULT_GROUP: &str = "default";

/// A recovery plan.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RecoveryPlan {
    /// The groups, in order.
    pub groups: Vec<Group>,
    /// Rules for single VMs, by name.
    pub vms: BTreeMap<String, VmRule>,
    /// How addresses change on the other site.
    pub reip: Reip,
    /// The commands run before and after the run, and its manual step.
    #[serde(default, skip_serializing_if = "PlanHooks::is_empty")]
    pub hooks: PlanHooks,
}

/// A group of VMs that come back together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// Its name (unique in the plan).
    pub name: String,
    /// Which VMs it holds.
    pub select: Selector,
    /// What the next group waits for.
    pub wait: Wait,
    /// A pause after the wait, before the next group.
    #[serde(with = "duration_ms")]
    pub delay_after: Duration,
    /// Which of its VMs start.
    pub start: StartPolicy,
    /// The commands run before and after it, and its manual step.
    #[serde(default, skip_serializing_if = "GroupHooks::is_empty")]
    pub hooks: GroupHooks,
}

/// Which VMs a group holds: those matching any of the criteria.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Selector {
    /// VM names (globs).
    pub names: Vec<Glob>,
    /// Cluster names (on the source site).
    pub clusters: Vec<String>,
    /// Affinity label names.
    pub affinity_labels: Vec<String>,
    /// Tag names.
    pub tags: Vec<String>,
}

impl Selector {
    /// `true` when nothing is selected by it.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
            && self.clusters.is_empty()
            && self.affinity_labels.is_empty()
            && self.tags.is_empty()
    }
}

/// What a group waits for before the next one starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wait {
    /// The condition.
    pub until: WaitFor,
    /// How long it may take.
    #[serde(with = "duration_ms")]
    pub timeout: Duration,
    /// What happens when it does not hold in time.
    pub on_timeout: OnTimeout,
}

impl Default for Wait {
    /// Every started VM up, within 10 minutes, else stop.
    fn default() -> Self {
        Self {
            until: WaitFor::Up,
            timeout: Duration::from_secs(600),
            on_timeout: OnTimeout::Stop,
        }
    }
}

/// The condition a group waits for, for each of its started VMs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "for", rename_all = "snake_case")]
pub enum WaitFor {
    /// The VM is `up`.
    Up,
    /// The guest agent reports an IP address.
    Ip,
    /// A command succeeds (exit 0); `{address}` and `{name}` are replaced by the VM's first
    /// reported address and its name.
    Check {
        /// The command (run by `sh -c`).
        command: String,
    },
}

/// What happens when a group's wait does not hold in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnTimeout {
    /// Go on with the next group (the report says which VMs did not pass).
    Continue,
    /// Stop the run (resumable).
    Stop,
    /// Ask the operator, as a storage gate does.
    Ask,
}

/// Which VMs of a group start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StartPolicy {
    /// Those that ran on the source (its OVF store, or the record of a failback).
    #[default]
    Recorded,
    /// All of them.
    All,
    /// None of them.
    None,
}

/// Rules for one VM.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VmRule {
    /// VMs that must pass their group's wait before this one starts.
    pub after: Vec<String>,
    /// Start it or not, whatever its group says.
    pub start: Option<bool>,
    /// The commands run right before its start and once its wait ended.
    #[serde(default, skip_serializing_if = "VmHooks::is_empty")]
    pub hooks: VmHooks,
    /// Its addresses on the other site, per interface or network (before any subnet
    /// translation of the same interface).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<VmAddress>,
}

/// One address a VM gets on the other site: on a failover to the secondary, the guest's
/// interface is configured with it through cloud-init; on a failback, the interface returns to
/// the address the primary's record of the VM has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VmAddress {
    /// Which interface of the guest.
    pub nic: NicRef,
    /// The address.
    pub address: std::net::IpAddr,
    /// Its prefix length.
    pub prefix: u8,
    /// The gateway on the other site's network.
    pub gateway: Option<std::net::IpAddr>,
    /// The DNS servers on the other site's network.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dns: Vec<std::net::IpAddr>,
}

/// How a per-VM address names the guest interface it configures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NicRef {
    /// The guest's name of the interface (`eth0`), as cloud-init configures it.
    Interface(String),
    /// The interface whose NIC is on this source network (its guest name is taken from the
    /// addresses the guest reported on the source).
    Network(String),
}

impl NicRef {
    /// The guest interface it names, given the VM's record on the source: an interface name as
    /// written; a network, the interface the guest reported for the NIC on that network.
    pub fn interface(&self, record: Option<&RecordedVm>) -> Option<String> {
        match self {
            NicRef::Interface(name) => Some(name.clone()),
            NicRef::Network(network) => {
                let record = record?;
                let mac = record
                    .nics
                    .iter()
                    .filter(|n| {
                        n.network_profile
                            .as_ref()
                            .is_some_and(|(net, _)| net == network)
                    })
                    .find_map(|n| n.mac.clone())?;
                record
                    .addresses
                    .iter()
                    .find(|a| a.mac.as_deref() == Some(mac.as_str()))
                    .map(|a| a.interface.clone())
            }
        }
    }
}

impl fmt::Display for NicRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NicRef::Interface(name) => write!(f, "interface {name}"),
            NicRef::Network(network) => write!(f, "the NIC on {network}"),
        }
    }
}

/// How addresses change on the other site.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Reip {
    /// Subnet translations, per source network.
    pub networks: Vec<SubnetTranslation>,
    /// Apply them in drills too (an isolated test network usually keeps the old addresses).
    pub in_drills: bool,
}

/// One subnet translation: addresses in `from` on `network` move to `to`, host part kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubnetTranslation {
    /// The source network's name.
    pub network: String,
    /// The source subnet.
    pub from: Subnet,
    /// The target subnet (same family and prefix length).
    pub to: Subnet,
    /// The gateway on the target network.
    pub gateway: Option<std::net::IpAddr>,
    /// The DNS servers on the target network.
    pub dns: Vec<std::net::IpAddr>,
}

impl SubnetTranslation {
    /// `address` moved from `from` to `to`, when it is in `from`.
    pub fn forward(&self, address: std::net::IpAddr) -> Option<std::net::IpAddr> {
        subnet::translate(&self.from, &self.to, address)
    }

    /// `address` moved back from `to` to `from` (a failback), when it is in `to`.
    pub fn back(&self, address: std::net::IpAddr) -> Option<std::net::IpAddr> {
        subnet::translate(&self.to, &self.from, address)
    }
}

/// What reading a recovery plan gave.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The file it came from.
    pub file: Option<PathBuf>,
    /// The plan; `None` when the file has errors.
    pub plan: Option<RecoveryPlan>,
    /// What reading found.
    pub diagnostics: Vec<Diagnostic>,
}

impl RecoveryPlan {
    /// Reads a recovery plan's text (`file` names it in diagnostics). The plan is `None` when
    /// any diagnostic is an error.
    pub fn from_str(text: &str, file: Option<&Path>) -> Loaded {
        let (plan, findings) = read::read(text, file, Budget::default());
        let diagnostics = findings.into_sorted();
        let failed = diagnostics.iter().any(Diagnostic::is_error);
        Loaded {
            file: file.map(Path::to_path_buf),
            plan: plan.filter(|_| !failed),
            diagnostics,
        }
    }

    /// Reads the recovery plan file at `path`.
    ///
    /// # Errors
    /// The I/O error when the file cannot be read.
    pub fn load(path: &Path) -> std::io::Result<Loaded> {
        let text = std::fs::read_to_string(path)?;
        Ok(Self::from_str(&text, Some(path)))
    }

    /// The translation of `address` on source network `network`, if a rule covers it.
    pub fn translate(&self, network: &str, address: std::net::IpAddr) -> Option<std::net::IpAddr> {
        self.reip
            .networks
            .iter()
            .filter(|t| t.network == network)
            .find_map(|t| subnet::translate(&t.from, &t.to, address))
    }

    /// The reverse translation (for a failback): an address in a rule's `to` goes back to its
    /// `from`.
    pub fn translate_back(
        &self,
        network: &str,
        address: std::net::IpAddr,
    ) -> Option<std::net::IpAddr> {
        self.reip
            .networks
            .iter()
            .filter(|t| t.network == network)
            .find_map(|t| subnet::translate(&t.to, &t.from, address))
    }
}

/// Durations as whole milliseconds in JSON.
mod duration_ms {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(crate::execute::millis(*d))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        Ok(Duration::from_millis(u64::deserialize(d)?))
    }
}

#[cfg(test)]
mod tests;
