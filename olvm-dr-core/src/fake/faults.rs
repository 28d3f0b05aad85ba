//! Fault injection for one site's Engine: scripted failures, random transient failures, hangs,
//! and dropping the site mid-run.
//!
//! Operations are named by [`Operation`] (the trait method). Injected errors get their
//! `operation` set to the call they fail, so they look exactly like the Engine's own.

use std::time::Duration;

use tokio::time::Instant;

use crate::engine::{EngineError, ErrorKind};

use super::ops::Operation;
use super::rng::SplitMix64;

/// When a site drop happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// After this many calls to the site (counting every call, failed or not): the next call
    /// finds it gone.
    AfterCalls(u64),
    /// At this instant of tokio's clock.
    At(Instant),
}

/// What a site drop takes down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outage {
    /// Only the Engine stops answering; its hosts keep running VMs and renewing their sanlock
    /// leases (a management outage, or a split brain seen from outside).
    Engine,
    /// The whole site goes dark: Engine and hosts (same as
    /// [`World::disaster`](super::World::disaster)).
    Disaster,
}

/// Fail a random fraction of calls.
#[derive(Debug, Clone)]
pub struct RandomFailures {
    /// Probability in `[0, 1]` that a matching call fails.
    pub fraction: f64,
    /// Seed of the generator that decides. The sequence is deterministic for a given order of
    /// calls (sequential callers get the same failures on every run).
    pub seed: u64,
    /// Only these operations; `None` = all.
    pub operations: Option<Vec<Operation>>,
    /// The errors to pick from (uniformly). Empty = the transient ones of
    /// [`RandomFailures::transient_errors`].
    pub errors: Vec<EngineError>,
}

impl RandomFailures {
    /// Transient failures only, on every operation.
    pub fn transient(fraction: f64, seed: u64) -> Self {
        Self {
            fraction,
            seed,
            operations: None,
            errors: Vec::new(),
        }
    }

    /// The errors a flaky network path between client and Engine produces: a 503 from a proxy
    /// and a timeout. Both are retryable.
    pub fn transient_errors() -> Vec<EngineError> {
        vec![
            EngineError::new(ErrorKind::Unavailable, "")
                .with_status(503)
                .with_message("injected: service unavailable"),
            EngineError::new(ErrorKind::Timeout, "").with_message("injected: request timed out"),
        ]
    }
}

/// Hang calls of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hang {
    /// How many calls hang; `None` = every call from now on.
    pub calls: Option<u32>,
    /// How long each hangs before the Engine processes it normally; `None` = forever (the call
    /// never returns and never takes effect; dropping its future releases the Engine's slot).
    pub duration: Option<Duration>,
}

#[derive(Debug, Clone)]
struct FailNext {
    op: Operation,
    remaining: u32,
    error: EngineError,
}

#[derive(Debug, Clone)]
struct RandomRule {
    spec: RandomFailures,
    rng: SplitMix64,
}

/// What the fault plan says about one call.
#[derive(Debug, Default)]
pub(crate) struct Decision {
    /// Hang before processing: `Some(None)` forever, `Some(Some(d))` for `d`.
    pub(crate) hang: Option<Option<Duration>>,
    /// Fail with this error instead of processing.
    pub(crate) fail: Option<EngineError>,
}

/// The faults injected into one site.
#[derive(Debug, Clone, Default)]
pub(crate) struct FaultPlan {
    fail_next: Vec<FailNext>,
    random: Vec<RandomRule>,
    hangs: Vec<(Operation, Hang)>,
    drop: Option<(Trigger, Outage)>,
    spm_start_failures: u32,
    import_crashes: u32,
}

impl FaultPlan {
    pub(crate) fn fail_next(&mut self, op: Operation, calls: u32, error: EngineError) {
        self.fail_next.push(FailNext {
            op,
            remaining: calls,
            error,
        });
    }

    pub(crate) fn fail_randomly(&mut self, spec: RandomFailures) {
        let rng = SplitMix64::derive(spec.seed, "random-failures");
        self.random.push(RandomRule { spec, rng });
    }

    pub(crate) fn hang(&mut self, op: Operation, hang: Hang) {
        self.hangs.push((op, hang));
    }

    pub(crate) fn drop_site(&mut self, trigger: Trigger, outage: Outage) {
        self.drop = Some((trigger, outage));
    }

    /// The next `times` SPM elections (the first attach to an uninitialized data center) fail.
    pub(crate) fn fail_spm_start(&mut self, times: u32) {
        self.spm_start_failures = self.spm_start_failures.saturating_add(times);
    }

    /// Consumes one injected SPM election failure, if any is pending.
    pub(crate) fn take_spm_failure(&mut self) -> bool {
        let pending = self.spm_start_failures > 0;
        self.spm_start_failures = self.spm_start_failures.saturating_sub(1);
        pending
    }

    /// The Engine dies in the middle of the next `times` file-domain imports, after adding their
    /// storage connection.
    pub(crate) fn crash_imports(&mut self, times: u32) {
        self.import_crashes = self.import_crashes.saturating_add(times);
    }

    /// Consumes one injected import crash, if any is pending.
    pub(crate) fn take_import_crash(&mut self) -> bool {
        let pending = self.import_crashes > 0;
        self.import_crashes = self.import_crashes.saturating_sub(1);
        pending
    }

    /// Consumes one injected failure of `op` (from [`FaultPlan::fail_next`] only, never a random
    /// one) for a command the Engine runs internally inside another: the attach runs
    /// `ActivateStorageDomain` itself (`AttachStorageDomainToPoolCommand.attemptToActivateDomain`).
    pub(crate) fn take_internal_failure(&mut self, op: Operation) -> Option<EngineError> {
        let i = self.fail_next.iter().position(|f| f.op == op)?;
        let f = &mut self.fail_next[i];
        let mut e = f.error.clone();
        e.operation = op.as_str();
        f.remaining = f.remaining.saturating_sub(1);
        if f.remaining == 0 {
            self.fail_next.remove(i);
        }
        Some(e)
    }

    pub(crate) fn clear(&mut self) {
        *self = Self::default();
    }

    /// The pending drop, if it is due given `calls` calls so far and the time `now`; it fires
    /// once. Returns the outage and when it happened.
    pub(crate) fn due_drop(&mut self, calls: u64, now: Instant) -> Option<(Outage, Instant)> {
        let (trigger, outage) = self.drop?;
        let at = match trigger {
            Trigger::AfterCalls(n) if calls > n => now,
            Trigger::At(t) if now >= t => t,
            _ => return None,
        };
        self.drop = None;
        Some((outage, at))
    }

    /// The instant of a pending time-triggered drop.
    pub(crate) fn drop_time(&self) -> Option<Instant> {
        match self.drop {
            Some((Trigger::At(t), _)) => Some(t),
            _ => None,
        }
    }

    /// Consumes what applies to one call of `op`.
    pub(crate) fn decide(&mut self, op: Operation) -> Decision {
        let mut d = Decision::default();
        if let Some(i) = self.hangs.iter().position(|(o, _)| *o == op) {
            let (_, hang) = &mut self.hangs[i];
            d.hang = Some(hang.duration);
            if let Some(n) = &mut hang.calls {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    self.hangs.remove(i);
                }
            }
        }
        if let Some(i) = self.fail_next.iter().position(|f| f.op == op) {
            let f = &mut self.fail_next[i];
            d.fail = Some(f.error.clone());
            f.remaining = f.remaining.saturating_sub(1);
            if f.remaining == 0 {
                self.fail_next.remove(i);
            }
        } else {
            for rule in &mut self.random {
                let applies = rule
                    .spec
                    .operations
                    .as_ref()
                    .is_none_or(|ops| ops.contains(&op));
                if applies && rule.rng.chance(rule.spec.fraction) {
                    let errors = if rule.spec.errors.is_empty() {
                        RandomFailures::transient_errors()
                    } else {
                        rule.spec.errors.clone()
                    };
                    d.fail = Some(errors[rule.rng.index(errors.len())].clone());
                    break;
                }
            }
        }
        if let Some(e) = &mut d.fail {
            e.operation = op.as_str();
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fail_next_counts_down_and_names_the_operation() {
        let mut p = FaultPlan::default();
        p.fail_next(
            Operation::AttachStorageDomain,
            2,
            EngineError::new(ErrorKind::Locked, "x"),
        );
        for _ in 0..2 {
            let e = p.decide(Operation::AttachStorageDomain).fail.unwrap();
            assert_eq!(e.operation, "attach_storage_domain");
        }
        assert!(p.decide(Operation::AttachStorageDomain).fail.is_none());
        assert!(p.decide(Operation::Vms).fail.is_none());
    }

    #[test]
    fn random_failures_are_seeded_and_transient() {
        let run = || {
            let mut p = FaultPlan::default();
            p.fail_randomly(RandomFailures::transient(0.3, 11));
            (0..200)
                .map(|_| p.decide(Operation::Vm).fail.map(|e| e.kind))
                .collect::<Vec<_>>()
        };
        let a = run();
        assert_eq!(a, run());
        let failed = a.iter().flatten().count();
        assert!((30..90).contains(&failed), "{failed}");
        assert!(a.iter().flatten().all(|k| k.is_retryable()));
    }

    #[test]
    fn drops_fire_once() {
        let now = Instant::now();
        let mut p = FaultPlan::default();
        p.drop_site(Trigger::AfterCalls(3), Outage::Engine);
        assert!(p.due_drop(3, now).is_none());
        assert_eq!(p.due_drop(4, now), Some((Outage::Engine, now)));
        assert!(p.due_drop(5, now).is_none());
        p.hang(
            Operation::Vm,
            Hang {
                calls: Some(1),
                duration: None,
            },
        );
        assert_eq!(p.decide(Operation::Vm).hang, Some(None));
        assert_eq!(p.decide(Operation::Vm).hang, None);
    }
}
