//! The run clock: milliseconds since a run first started, continuing across resumes.

use std::time::{Duration, SystemTime};

use tokio::time::Instant;

/// Measures a run's time on tokio's clock (so paused-time simulations measure simulated time)
/// and continues where an interrupted segment of the run left off.
#[derive(Debug, Clone, Copy)]
pub struct RunClock {
    origin: Instant,
    base_ms: u64,
}

impl RunClock {
    /// A clock starting at zero now.
    pub fn start() -> Self {
        Self {
            origin: Instant::now(),
            base_ms: 0,
        }
    }

    /// A clock for a resumed run: it starts at `last_t_ms` (the journal's last record) plus the
    /// wall-clock time that passed since `last_at` — the outage went on while nothing ran.
    pub fn resume(last_t_ms: u64, last_at: &str) -> Self {
        let gap = humantime::parse_rfc3339(last_at)
            .ok()
            .and_then(|t| SystemTime::now().duration_since(t).ok())
            .unwrap_or_default();
        Self {
            origin: Instant::now(),
            base_ms: last_t_ms + millis(gap),
        }
    }

    /// Milliseconds since the run first started.
    pub fn now_ms(&self) -> u64 {
        self.base_ms + millis(self.origin.elapsed())
    }
}

/// Whole milliseconds of a duration, saturating.
pub fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The current wall-clock time as RFC 3339 with milliseconds, UTC.
pub fn wall_clock() -> String {
    humantime::format_rfc3339_millis(SystemTime::now()).to_string()
}
