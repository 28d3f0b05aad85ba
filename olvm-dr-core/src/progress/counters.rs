//! [`RunCounters`]: how far a run is in the terms an operator counts in (domains ready, VMs
//! registered, started, up), how long it has run and how long it will probably still take.
//!
//! The scheduler keeps a [`CounterTracker`] and sends a [`Event::Counters`](super::Event) at most
//! once per [`CounterTracker::EVERY`] of run time (and once at the end), so that a caller that
//! draws them (a progress bar, a Python callback) is never flooded.

use std::collections::HashMap;
use std::time::Duration;

use serde::Serialize;

use crate::plan::{Action, Step, StepId};
use crate::report::StepOutcome;

/// Progress of one kind of work: how many of `total` ended well, how many did not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Tally {
    /// Done (or already done, or skipped by the plan).
    pub done: usize,
    /// Failed, blocked or not run.
    pub failed: usize,
    /// Known so far: registrations, starts and waits join the run when discovery finds the
    /// VMs, so these totals grow during a failover.
    pub total: usize,
}

impl Tally {
    /// Steps that have not ended yet.
    pub fn remaining(&self) -> usize {
        self.total.saturating_sub(self.done + self.failed)
    }
}

/// A run's progress in an operator's terms.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct RunCounters {
    /// Storage domains attached and active on the target.
    pub domains_ready: Tally,
    /// VMs registered.
    pub vms_registered: Tally,
    /// VMs started.
    pub vms_started: Tally,
    /// VMs seen up.
    pub vms_up: Tally,
    /// VMs shut down (a site being released).
    pub vms_stopped: Tally,
    /// Storage domains detached from a site being released.
    pub domains_released: Tally,
    /// Steps that failed so far (any kind of step).
    pub failures: usize,
    /// Steps ended so far.
    pub steps_done: usize,
    /// Steps known so far.
    pub steps_total: usize,
    /// Time since the run (or this resumed part of it) started.
    pub elapsed: Duration,
    /// The time the steps known so far will probably still take, from the pace each kind of
    /// work has had in this run (its steps in flight included); `None` until some work has
    /// ended. Work discovered later is not in it.
    pub eta: Option<Duration>,
}

impl RunCounters {
    /// The tallies with their names as an operator reads them, leaving out those with nothing
    /// to do in this run.
    pub fn tallies(&self) -> Vec<(&'static str, Tally)> {
        [
            ("domains ready", self.domains_ready),
            ("VMs stopped", self.vms_stopped),
            ("domains released", self.domains_released),
            ("VMs registered", self.vms_registered),
            ("started", self.vms_started),
            ("up", self.vms_up),
        ]
        .into_iter()
        .filter(|(_, t)| t.total > 0)
        .collect()
    }

    /// One line: `domains ready 4/4 · VMs registered 120/412 · started 80/300 · up 61/300 ·
    /// failures 0 · elapsed 1m 23s · ETA 2m 10s`.
    pub fn render(&self) -> String {
        self.line(Some(self.elapsed), Duration::ZERO)
    }

    /// The line without the elapsed time (a display that shows its own clock), the ETA less
    /// `since`, the time since these counters were taken: a display redrawn between two
    /// [`Event::Counters`](super::Event) counts down.
    pub fn render_live(&self, since: Duration) -> String {
        self.line(None, since)
    }

    fn line(&self, elapsed: Option<Duration>, since: Duration) -> String {
        let mut parts: Vec<String> = self
            .tallies()
            .into_iter()
            .map(|(name, t)| {
                let failed = if t.failed > 0 {
                    format!(" ({} failed)", t.failed)
                } else {
                    String::new()
                };
                format!("{name} {}/{}{failed}", t.done, t.total)
            })
            .collect();
        parts.push(format!("failures {}", self.failures));
        if let Some(elapsed) = elapsed {
            parts.push(format!("elapsed {}", human(elapsed)));
        }
        parts.push(match self.eta {
            Some(eta) => format!("ETA {}", human(eta.saturating_sub(since))),
            None => "ETA measuring".to_owned(),
        });
        parts.join(" · ")
    }
}

/// `45s`, `3m 05s`, `1h 02m`.
pub fn human(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {:02}s", s / 60, s % 60),
        _ => format!("{}h {:02}m", s / 3600, (s % 3600) / 60),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    DomainReady,
    VmRegistered,
    VmStarted,
    VmUp,
    VmStopped,
    DomainReleased,
}

const KINDS: [Kind; 6] = [
    Kind::DomainReady,
    Kind::VmRegistered,
    Kind::VmStarted,
    Kind::VmUp,
    Kind::VmStopped,
    Kind::DomainReleased,
];

fn kind_of(action: &Action) -> Option<Kind> {
    Some(match action {
        Action::AttachDomain { .. } => Kind::DomainReady,
        Action::RegisterVm { .. } => Kind::VmRegistered,
        Action::StartVm { .. } => Kind::VmStarted,
        Action::WaitVmUp { .. } => Kind::VmUp,
        Action::ShutdownVm { .. } => Kind::VmStopped,
        Action::DetachDomain { .. } => Kind::DomainReleased,
        _ => return None,
    })
}

#[derive(Debug, Clone, Copy, Default)]
struct Pace {
    tally: Tally,
    first_start_ms: Option<u64>,
    last_end_ms: u64,
}

/// Counts a run's steps by kind as they are planned and end. Owned by the scheduler.
#[derive(Debug, Default)]
pub struct CounterTracker {
    kinds: HashMap<StepId, Kind>,
    pace: HashMap<Kind, Pace>,
    failures: usize,
    steps_done: usize,
    steps_total: usize,
    last_sent_ms: Option<u64>,
}

impl CounterTracker {
    /// Counters are sent at most this often (run time), and at the end of the run.
    pub const EVERY: Duration = Duration::from_secs(1);

    /// A step joined the run.
    pub fn planned(&mut self, step: &Step) {
        self.steps_total += 1;
        if let Some(kind) = kind_of(&step.action) {
            self.kinds.insert(step.id.clone(), kind);
            self.pace.entry(kind).or_default().tally.total += 1;
        }
    }

    /// A step ended at `end_ms` (run clock). `started_ms` is `None` for steps that never ran
    /// (skipped, blocked) and for results restored from an earlier part of the run.
    pub fn ended(
        &mut self,
        id: &StepId,
        outcome: StepOutcome,
        started_ms: Option<u64>,
        end_ms: u64,
    ) {
        self.steps_done += 1;
        if outcome == StepOutcome::Failed {
            self.failures += 1;
        }
        let Some(kind) = self.kinds.get(id) else {
            return;
        };
        let pace = self.pace.entry(*kind).or_default();
        if outcome.is_success() {
            pace.tally.done += 1;
        } else {
            pace.tally.failed += 1;
        }
        if let Some(start) = started_ms {
            pace.first_start_ms = Some(pace.first_start_ms.map_or(start, |f| f.min(start)));
            pace.last_end_ms = pace.last_end_ms.max(end_ms);
        }
    }

    /// The counters when they are due (a first time, then every [`Self::EVERY`]), or always
    /// with `force`.
    pub fn due(&mut self, now_ms: u64, force: bool) -> Option<RunCounters> {
        let every = u64::try_from(Self::EVERY.as_millis()).unwrap_or(u64::MAX);
        let due = force || self.last_sent_ms.is_none_or(|last| now_ms >= last + every);
        if !due {
            return None;
        }
        self.last_sent_ms = Some(now_ms);
        Some(self.counters(now_ms))
    }

    /// The counters now.
    pub fn counters(&self, now_ms: u64) -> RunCounters {
        let tally = |k: Kind| self.pace.get(&k).map(|p| p.tally).unwrap_or_default();
        RunCounters {
            domains_ready: tally(Kind::DomainReady),
            vms_registered: tally(Kind::VmRegistered),
            vms_started: tally(Kind::VmStarted),
            vms_up: tally(Kind::VmUp),
            vms_stopped: tally(Kind::VmStopped),
            domains_released: tally(Kind::DomainReleased),
            failures: self.failures,
            steps_done: self.steps_done,
            steps_total: self.steps_total,
            elapsed: Duration::from_millis(now_ms),
            eta: self.eta(now_ms),
        }
    }

    /// Each kind's remaining steps at the pace its ended steps had (wall time per ended step,
    /// so the Engine's concurrency is in it); a kind with no ended step yet goes at the mean
    /// pace of the others. The kinds' spans are added up: a pessimistic estimate, as the
    /// operator's plans need.
    fn eta(&self, now_ms: u64) -> Option<Duration> {
        let per_step = |p: &Pace| -> Option<f64> {
            let ended = p.tally.done + p.tally.failed;
            let start = p.first_start_ms?;
            let end = if p.tally.remaining() > 0 {
                now_ms
            } else {
                p.last_end_ms
            };
            (ended > 0).then(|| end.saturating_sub(start) as f64 / ended as f64)
        };
        let measured: Vec<f64> = KINDS
            .iter()
            .filter_map(|k| self.pace.get(k))
            .filter_map(per_step)
            .collect();
        if measured.is_empty() {
            return None;
        }
        let mean = measured.iter().sum::<f64>() / measured.len() as f64;
        let ms: f64 = KINDS
            .iter()
            .filter_map(|k| self.pace.get(k))
            .map(|p| p.tally.remaining() as f64 * per_step(p).unwrap_or(mean))
            .sum();
        Some(Duration::from_millis(ms.round() as u64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Site;
    use crate::engine::Id;
    use crate::plan::Phase;

    fn start(n: u128) -> Step {
        Step::new(
            StepId::of(["start-vm", &n.to_string()]),
            Site::Secondary,
            Phase::Start,
            Action::StartVm {
                vm: Id::from_u128(n),
                name: format!("vm{n}"),
                wave: 2,
                group: None,
                initialization: None,
                readdress: Vec::new(),
            },
            "start",
        )
    }

    #[test]
    fn counts_by_kind_and_estimates_the_rest_from_the_pace_so_far() {
        let mut t = CounterTracker::default();
        let steps: Vec<Step> = (0..10).map(start).collect();
        for s in &steps {
            t.planned(s);
        }
        t.planned(&Step::new(
            "barrier".into(),
            Site::Secondary,
            Phase::Start,
            Action::Barrier,
            "b",
        ));
        assert_eq!(t.counters(0).eta, None, "nothing measured yet");
        // Four starts ended within 4 s: 1 s each, so 6 left take about 6 s.
        for (i, s) in steps.iter().take(4).enumerate() {
            let outcome = if i == 3 {
                StepOutcome::Failed
            } else {
                StepOutcome::Done
            };
            t.ended(&s.id, outcome, Some(0), 1000 * (i as u64 + 1));
        }
        let c = t.counters(4000);
        assert_eq!(
            c.vms_started,
            Tally {
                done: 3,
                failed: 1,
                total: 10
            }
        );
        assert_eq!(c.failures, 1);
        assert_eq!((c.steps_done, c.steps_total), (4, 11));
        assert_eq!(c.eta, Some(Duration::from_secs(6)));
        let line = c.render();
        assert_eq!(
            line,
            "started 3/10 (1 failed) · failures 1 · elapsed 4s · ETA 6s"
        );
        assert_eq!(
            c.render_live(Duration::from_secs(2)),
            "started 3/10 (1 failed) · failures 1 · ETA 4s"
        );
        assert_eq!(
            RunCounters::default().render_live(Duration::from_secs(300)),
            "failures 0 · ETA measuring"
        );
    }

    #[test]
    fn counters_are_due_once_per_second_unless_forced() {
        let mut t = CounterTracker::default();
        assert!(t.due(0, false).is_some());
        assert!(t.due(500, false).is_none());
        assert!(t.due(500, true).is_some());
        assert!(t.due(1499, false).is_none());
        assert!(t.due(1500, false).is_some());
    }

    #[test]
    fn durations_read_as_an_operator_says_them() {
        assert_eq!(human(Duration::from_secs(45)), "45s");
        assert_eq!(human(Duration::from_secs(185)), "3m 05s");
        assert_eq!(human(Duration::from_secs(3720)), "1h 02m");
    }
}
