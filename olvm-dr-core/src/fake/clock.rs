//! Time in the fake: tokio's clock for everything that moves, mapped to wall-clock time where the
//! Engine writes dates, and lazily evaluated state transitions.
//!
//! Everything uses [`tokio::time::Instant`], so a test under `#[tokio::test(start_paused = true)]`
//! runs hours of simulated Engine time instantly and deterministically.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::time::Instant;

use crate::civil::{LocalDateTime, MONTHS, weekday};

/// Maps tokio instants to wall-clock time: `base_system` is the wall time at `base_instant`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WallClock {
    base_instant: Instant,
    base_system: SystemTime,
}

impl WallClock {
    /// Wall time `base_system` corresponds to tokio instant `base_instant`.
    pub(crate) fn new(base_instant: Instant, base_system: SystemTime) -> Self {
        Self {
            base_instant,
            base_system,
        }
    }

    /// The wall-clock time of instant `t`.
    pub(crate) fn wall(&self, t: Instant) -> SystemTime {
        match t.checked_duration_since(self.base_instant) {
            Some(d) => self.base_system + d,
            None => self.base_system - (self.base_instant - t),
        }
    }
}

/// Formats a time the way `java.util.Date.toString()` does in a UTC JVM
/// (`EEE MMM dd HH:mm:ss zzz yyyy`, e.g. `Tue Feb 26 11:56:01 UTC 2019`). The Engine writes this
/// into the `Last Updated` field of an OVF_STORE disk's description
/// (ovirt-engine `ProcessOvfUpdateForStorageDomainCommand.generateOvfStoreDescription`).
pub(crate) fn java_date_utc(t: SystemTime) -> String {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let days = secs.div_euclid(86_400);
    let l = LocalDateTime::of(UNIX_EPOCH + Duration::from_secs(secs.max(0) as u64), 0);
    format!(
        "{} {} {:02} {:02}:{:02}:{:02} UTC {}",
        weekday(days),
        MONTHS[(l.month - 1) as usize],
        l.day,
        l.hour,
        l.minute,
        l.second,
        l.year
    )
}

/// A status that changes by itself over time: a list of intermediate statuses with how long each
/// lasts, then a final one. Stored once when the change starts and evaluated on every read, so
/// nothing runs in the background. With all durations zero the status is the final one at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Transition<S> {
    start: Instant,
    steps: Vec<(S, Duration)>,
    end: S,
}

impl<S: Copy> Transition<S> {
    /// A status that does not change.
    pub(crate) fn settled(status: S, at: Instant) -> Self {
        Self {
            start: at,
            steps: Vec::new(),
            end: status,
        }
    }

    /// Starting at `start`: each of `steps` for its duration, then `end`. Zero-length steps are
    /// dropped.
    pub(crate) fn new(start: Instant, steps: &[(S, Duration)], end: S) -> Self {
        Self {
            start,
            steps: steps
                .iter()
                .copied()
                .filter(|(_, d)| !d.is_zero())
                .collect(),
            end,
        }
    }

    /// The status at time `t`.
    pub(crate) fn at(&self, t: Instant) -> S {
        let mut until = self.start;
        for (status, d) in &self.steps {
            until += *d;
            if t < until {
                return *status;
            }
        }
        self.end
    }

    /// When the final status is reached.
    pub(crate) fn ends_at(&self) -> Instant {
        self.start + self.steps.iter().map(|(_, d)| *d).sum::<Duration>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_date_matches_the_jvm_format() {
        // 2019-02-26T11:56:01Z was a Tuesday.
        let t = UNIX_EPOCH + Duration::from_secs(1_551_182_161);
        assert_eq!(java_date_utc(t), "Tue Feb 26 11:56:01 UTC 2019");
        assert_eq!(java_date_utc(UNIX_EPOCH), "Thu Jan 01 00:00:00 UTC 1970");
        // A leap day.
        let t = UNIX_EPOCH + Duration::from_secs(1_709_164_800);
        assert_eq!(java_date_utc(t), "Thu Feb 29 00:00:00 UTC 2024");
    }

    #[test]
    fn transition_walks_its_steps() {
        let t0 = Instant::now();
        let s = Duration::from_secs(1);
        let tr = Transition::new(t0, &[(1u8, s), (2u8, Duration::ZERO), (3u8, 2 * s)], 9u8);
        assert_eq!(tr.at(t0), 1);
        assert_eq!(tr.at(t0 + s), 3);
        assert_eq!(tr.at(t0 + 3 * s), 9);
        assert_eq!(tr.ends_at(), t0 + 3 * s);
        assert_eq!(Transition::settled(4u8, t0).at(t0), 4);
    }

    #[test]
    fn wall_clock_maps_instants() {
        let t0 = Instant::now();
        let base = UNIX_EPOCH + Duration::from_secs(1000);
        let c = WallClock::new(t0, base);
        assert_eq!(
            c.wall(t0 + Duration::from_secs(5)),
            base + Duration::from_secs(5)
        );
    }
}
