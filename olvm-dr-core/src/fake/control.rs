//! The controls of a [`World`] by name, as its front ends take them: the simulator's control
//! endpoint (JSON), `olvm_dr.testing.World` (Python) and uniffi's `FakeWorld`. Each control
//! checks its input here, once, and says what is wrong in the same words everywhere: an unknown
//! domain, operation, profile or outage, a negative duration, a fraction outside 0 to 1.

use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{
    Hang, Operation, Outage, PairId, RandomFailures, ReplicationDirection, Trigger, World,
};
use crate::Site;
use crate::engine::rest::kind_for;
use crate::engine::{EngineError, ErrorKind, Fault, Id, VmStatus};

/// Why a control was refused; nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ControlError {
    /// The input is malformed or out of range (a negative duration, an unknown name of a
    /// profile, operation or kind).
    #[error("{0}")]
    Invalid(String),
    /// No domain, LUN or VM of the world has the name given.
    #[error("{0}")]
    NotFound(String),
    /// The world is not in a state the control can change (the site holds no written,
    /// writable OVF store of the domain).
    #[error("{0}")]
    Conflict(String),
}

/// A change to the replication of one pair or of every pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplicationChange {
    /// The replica becomes writable (what the storage team does when the source is lost).
    Stop,
    /// The old replica becomes the source, resynchronised and running.
    Reverse,
    /// Replication restarts in its direction after a full copy from its source.
    Resync,
    /// The replica is split off as a writable copy for a drill; the source keeps running.
    Split,
}

impl FromStr for ReplicationChange {
    type Err = ControlError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name {
            "stop" => Ok(Self::Stop),
            "reverse" => Ok(Self::Reverse),
            "resync" => Ok(Self::Resync),
            "split" => Ok(Self::Split),
            other => Err(ControlError::Invalid(format!(
                "unknown replication action '{other}': use stop, reverse, resync or split"
            ))),
        }
    }
}

/// One replication pair as the controls show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PairStatus {
    /// The pair's number.
    pub pair: PairId,
    /// The replicated domains and direct LUNs (aliases) on it.
    pub volumes: Vec<String>,
    /// Which way it copies.
    pub direction: ReplicationDirection,
    /// `true` while it copies (the target is then read-only).
    pub running: bool,
}

/// A fault to inject into one site's Engine (the body of the simulator's
/// `POST /_sim/sites/{site}/faults`). Operations are the `Engine` method names, e.g.
/// `attach_storage_domain`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum FaultSpec {
    /// The next `calls` calls of `operation` fail. `kind` names the error's kind; without it,
    /// `status` (with `detail`) decides the kind as a REST client classifies that answer. With
    /// both, `kind` decides and `status` is the error's HTTP status.
    FailNext {
        /// The Engine method.
        operation: String,
        /// How many calls fail (default 1).
        #[serde(default = "one")]
        calls: u32,
        /// The error kind: `not_found`, `conflict`, `lease_held`, ...
        #[serde(default)]
        kind: Option<String>,
        /// The HTTP status, e.g. 409 or 503.
        #[serde(default)]
        status: Option<u16>,
        /// The Engine's fault detail.
        #[serde(default)]
        detail: String,
        /// The Engine's fault reason (default `Operation Failed`).
        #[serde(default = "operation_failed")]
        reason: String,
    },
    /// A share of the calls fails with transient errors (503, timeouts), deterministically from
    /// `seed`.
    Random {
        /// The share of calls that fail, 0.0 to 1.0.
        fraction: f64,
        /// The seed of the random choice.
        #[serde(default)]
        seed: u64,
        /// Only calls of these methods; none: every call.
        #[serde(default)]
        operations: Option<Vec<String>>,
    },
    /// Calls of `operation` hang.
    Hang {
        /// The Engine method.
        operation: String,
        /// How many of the next calls hang; none: every call.
        #[serde(default)]
        calls: Option<u32>,
        /// How long each hangs; none: forever.
        #[serde(default)]
        seconds: Option<f64>,
    },
    /// The site drops out after `after_calls` more calls to its Engine.
    Drop {
        /// How many more calls the Engine answers first.
        after_calls: u64,
        /// `disaster` (Engine and hosts) or `engine` (the Engine only); default `disaster`.
        #[serde(default = "disaster")]
        outage: String,
    },
}

fn one() -> u32 {
    1
}

fn operation_failed() -> String {
    "Operation Failed".into()
}

fn disaster() -> String {
    "disaster".into()
}

/// `seconds` as a duration; `what` names it in the error.
pub fn seconds(what: &str, seconds: f64) -> Result<Duration, ControlError> {
    Duration::try_from_secs_f64(seconds).map_err(|_| {
        ControlError::Invalid(format!(
            "{what} must be a non-negative number of seconds, not {seconds}"
        ))
    })
}

fn operation(name: &str) -> Result<Operation, ControlError> {
    name.parse()
        .map_err(|e: super::UnknownOperation| ControlError::Invalid(e.to_string()))
}

fn outage(name: &str) -> Result<Outage, ControlError> {
    match name {
        "disaster" => Ok(Outage::Disaster),
        "engine" => Ok(Outage::Engine),
        other => Err(ControlError::Invalid(format!(
            "unknown outage '{other}': use disaster or engine"
        ))),
    }
}

fn error_kind(name: &str) -> Result<ErrorKind, ControlError> {
    ErrorKind::from_name(name).ok_or_else(|| {
        let all: Vec<&str> = ErrorKind::ALL.iter().map(|k| k.as_str()).collect();
        ControlError::Invalid(format!(
            "unknown error kind '{name}': use one of {}",
            all.join(", ")
        ))
    })
}

impl World {
    /// Every replication pair with the domains and direct LUNs on it, in the facts' order.
    pub fn replication_status(&self) -> Vec<PairStatus> {
        let facts = self.facts();
        let mut out: Vec<PairStatus> = Vec::new();
        let names = (facts.domains.iter().map(|d| (d.pair, &d.name)))
            .chain(facts.luns.iter().map(|l| (l.pair, &l.alias)));
        for (pair, name) in names {
            match out.iter_mut().find(|p| p.pair == pair) {
                Some(p) => p.volumes.push(name.clone()),
                None => {
                    let r = self.replication(pair);
                    out.push(PairStatus {
                        pair,
                        volumes: vec![name.clone()],
                        direction: r.direction,
                        running: r.running,
                    });
                }
            }
        }
        out
    }

    /// The pair of the replicated domain or direct LUN `name` (a domain's name or id, a LUN's
    /// alias).
    ///
    /// # Errors
    /// [`ControlError::NotFound`] when the world has none of that name.
    pub fn pair_named(&self, name: &str) -> Result<PairId, ControlError> {
        let f = self.facts();
        (f.domains.iter())
            .find(|d| d.name == name || d.id.to_string() == name)
            .map(|d| d.pair)
            .or_else(|| f.luns.iter().find(|l| l.alias == name).map(|l| l.pair))
            .ok_or_else(|| {
                ControlError::NotFound(format!(
                    "no replicated domain or direct LUN named '{name}' in this world"
                ))
            })
    }

    /// Applies `change` to the pair of `target` (see [`pair_named`](Self::pair_named)), or to
    /// every pair when `None`.
    ///
    /// # Errors
    /// As [`pair_named`](Self::pair_named); nothing changes then.
    pub fn change_replication(
        &self,
        change: ReplicationChange,
        target: Option<&str>,
    ) -> Result<(), ControlError> {
        let pairs = match target {
            Some(name) => vec![self.pair_named(name)?],
            None => self.pairs(),
        };
        for pair in pairs {
            match change {
                ReplicationChange::Stop => self.stop_replication(pair),
                ReplicationChange::Reverse => self.reverse_replication(pair),
                ReplicationChange::Resync => self.resync_replication(pair),
                ReplicationChange::Split => self.isolate_replication(pair),
            }
        }
        Ok(())
    }

    /// A disaster as the storage team handles it: `site` goes dark, its sanlock leases expire
    /// at once and replication stops, so the other site's replicas are writable.
    pub fn lose(&self, site: Site) {
        self.disaster(site);
        self.expire_leases(site);
        self.stop_all_replication();
    }

    /// The id and name of the replicated domain named `name` (or of that id).
    ///
    /// # Errors
    /// [`ControlError::NotFound`] when the world has no such domain.
    pub fn domain_named(&self, name: &str) -> Result<(Id, String), ControlError> {
        (self.facts().domains.iter())
            .find(|d| d.name == name || d.id.to_string() == name)
            .map(|d| (d.id, d.name.clone()))
            .ok_or_else(|| {
                ControlError::NotFound(format!(
                    "no replicated storage domain named '{name}' in this world"
                ))
            })
    }

    /// Makes the OVF store of the replicated domain `domain` (name or id) on `site` look
    /// `seconds` older (see [`age_ovf_store`](Self::age_ovf_store)); `false` when nothing
    /// changed.
    ///
    /// # Errors
    /// [`ControlError::NotFound`] for an unknown domain, [`ControlError::Invalid`] for a
    /// negative `seconds`.
    pub fn age_ovf_store_named(
        &self,
        site: Site,
        domain: &str,
        seconds: f64,
    ) -> Result<bool, ControlError> {
        let by = self::seconds("the age", seconds)?;
        let (id, _) = self.domain_named(domain)?;
        Ok(self.age_ovf_store(site, id, by))
    }

    /// Sets the sanlock lease timeout in seconds.
    ///
    /// # Errors
    /// [`ControlError::Invalid`] for a negative or non-finite `seconds`.
    pub fn set_lease_timeout_seconds(&self, seconds: f64) -> Result<(), ControlError> {
        self.set_lease_timeout(self::seconds("the lease timeout", seconds)?);
        Ok(())
    }

    /// Sets `site`'s latency profile by name (`instant` or `realistic`).
    ///
    /// # Errors
    /// [`ControlError::Invalid`] for another name.
    pub fn set_latency_named(&self, site: Site, profile: &str) -> Result<(), ControlError> {
        self.set_latency(site, profile.parse::<super::Latency>()?.profile());
        Ok(())
    }

    /// Injects `fault` into `site`'s Engine.
    ///
    /// # Errors
    /// [`ControlError::Invalid`] for an unknown operation, kind or outage, a `fail_next`
    /// without `kind` or `status`, a fraction outside 0 to 1 or negative seconds; nothing is
    /// injected then.
    pub fn inject(&self, site: Site, fault: FaultSpec) -> Result<(), ControlError> {
        match fault {
            FaultSpec::FailNext {
                operation: op,
                calls,
                kind,
                status,
                detail,
                reason,
            } => {
                let op = operation(&op)?;
                let fault = Fault::new(reason, detail);
                let kind = match (kind, status) {
                    (Some(k), _) => error_kind(&k)?,
                    (None, Some(s)) => kind_for(s, Some(&fault)),
                    (None, None) => {
                        return Err(ControlError::Invalid(
                            "fail_next needs kind= or status=".into(),
                        ));
                    }
                };
                let mut error = EngineError::new(kind, op.as_str()).with_fault(fault);
                if let Some(s) = status {
                    error = error.with_status(s);
                }
                self.fail_next(site, op, calls, error);
            }
            FaultSpec::Random {
                fraction,
                seed,
                operations,
            } => {
                if !(0.0..=1.0).contains(&fraction) {
                    return Err(ControlError::Invalid(format!(
                        "fraction must be between 0.0 and 1.0, not {fraction}"
                    )));
                }
                let operations = operations
                    .map(|ops| ops.iter().map(|o| operation(o)).collect())
                    .transpose()?;
                let spec = RandomFailures {
                    operations,
                    ..RandomFailures::transient(fraction, seed)
                };
                self.fail_randomly(site, spec);
            }
            FaultSpec::Hang {
                operation: op,
                calls,
                seconds,
            } => {
                let op = operation(&op)?;
                let duration = seconds.map(|s| self::seconds("seconds", s)).transpose()?;
                self.hang(site, op, Hang { calls, duration });
            }
            FaultSpec::Drop {
                after_calls,
                outage: name,
            } => {
                let outage = outage(&name)?;
                let at = self.calls(site) + after_calls;
                self.drop_site(site, Trigger::AfterCalls(at), outage);
            }
        }
        Ok(())
    }

    /// Powers off the VM named `vm` through `site`'s Engine, as an administrator would by hand;
    /// `false` when it was down already.
    ///
    /// # Errors
    /// [`StopVmError::NotFound`] when `site` has no such VM; [`StopVmError::Engine`] when the
    /// Engine refuses.
    pub async fn stop_vm_named(&self, site: Site, vm: &str) -> Result<bool, StopVmError> {
        let (id, status) = (self.snapshot(site).vms.iter())
            .find(|v| v.name == vm)
            .map(|v| (v.id, v.status))
            .ok_or_else(|| {
                StopVmError::NotFound(ControlError::NotFound(format!(
                    "no VM named '{vm}' on the {site} site"
                )))
            })?;
        if status == VmStatus::Down {
            return Ok(false);
        }
        self.dyn_engine(site).stop_vm(id).await?;
        Ok(true)
    }
}

/// Why [`World::stop_vm_named`] did not stop the VM.
#[derive(Debug, thiserror::Error)]
pub enum StopVmError {
    /// No VM of that name on the site.
    #[error(transparent)]
    NotFound(ControlError),
    /// The Engine refused.
    #[error(transparent)]
    Engine(#[from] EngineError),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Engine as _;
    use crate::fake::WorldBuilder;

    #[test]
    fn a_replication_change_by_name_reaches_only_that_pair() {
        let w = WorldBuilder::small(1).build();
        let name = w.facts().domains[0].name.clone();
        w.change_replication(ReplicationChange::Stop, Some(&name))
            .unwrap();
        let status = w.replication_status();
        let stopped: Vec<_> = status.iter().filter(|p| !p.running).collect();
        assert_eq!(stopped.len(), 1);
        assert!(stopped[0].volumes.contains(&name));
        let e = w
            .change_replication(ReplicationChange::Stop, Some("nope"))
            .unwrap_err();
        assert!(matches!(e, ControlError::NotFound(_)), "{e}");
        assert_eq!(
            w.replication_status().iter().filter(|p| !p.running).count(),
            1
        );
    }

    #[test]
    fn bad_faults_are_refused_with_what_is_wrong() {
        let w = WorldBuilder::small(1).build();
        let bad = [
            (
                FaultSpec::FailNext {
                    operation: "attach_storage_domain".into(),
                    calls: 1,
                    kind: None,
                    status: None,
                    detail: String::new(),
                    reason: operation_failed(),
                },
                "kind= or status=",
            ),
            (
                FaultSpec::FailNext {
                    operation: "attach_storage_domain".into(),
                    calls: 1,
                    kind: Some("sad".into()),
                    status: None,
                    detail: String::new(),
                    reason: operation_failed(),
                },
                "unknown error kind 'sad'",
            ),
            (
                FaultSpec::Hang {
                    operation: "fly".into(),
                    calls: None,
                    seconds: None,
                },
                "'fly' is not an Engine operation",
            ),
            (
                FaultSpec::Random {
                    fraction: 1.5,
                    seed: 0,
                    operations: None,
                },
                "between 0.0 and 1.0",
            ),
            (
                FaultSpec::Drop {
                    after_calls: 0,
                    outage: "flood".into(),
                },
                "unknown outage 'flood'",
            ),
        ];
        for (fault, text) in bad {
            let e = w.inject(Site::Primary, fault).unwrap_err();
            assert!(e.to_string().contains(text), "{e}");
        }
        assert!(w.set_lease_timeout_seconds(-1.0).is_err());
        assert!(w.set_latency_named(Site::Primary, "slow").is_err());
    }

    #[tokio::test]
    async fn an_injected_failure_is_what_the_engine_answers_next() {
        let w = WorldBuilder::small(1).build();
        let fault = FaultSpec::FailNext {
            operation: "data_centers".into(),
            calls: 1,
            kind: None,
            status: Some(409),
            detail: "[busy]".into(),
            reason: operation_failed(),
        };
        w.inject(Site::Primary, fault).unwrap();
        let e = w.engine(Site::Primary).data_centers().await.unwrap_err();
        assert_eq!(e.http_status, Some(409));
        assert_eq!(e.kind, kind_for(409, e.fault.as_ref()));
        assert!(w.engine(Site::Primary).data_centers().await.is_ok());
    }

    #[tokio::test]
    async fn stopping_a_vm_by_name_says_whether_it_ran() {
        let w = WorldBuilder::small(1).build();
        let snapshot = w.snapshot(Site::Primary);
        let up = snapshot.vms.iter().find(|v| v.status == VmStatus::Up);
        let name = up.map(|v| v.name.clone()).unwrap();
        assert!(w.stop_vm_named(Site::Primary, &name).await.unwrap());
        assert!(!w.stop_vm_named(Site::Primary, &name).await.unwrap());
        let e = w.stop_vm_named(Site::Primary, "nope").await.unwrap_err();
        assert!(matches!(e, StopVmError::NotFound(_)), "{e}");
    }
}
