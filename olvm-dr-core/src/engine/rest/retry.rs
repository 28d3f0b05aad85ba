//! Retries of idempotent requests: exponential backoff with decorrelated jitter, bounded by a
//! count and an overall deadline, on tokio's clock (so tests can pause time).

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use crate::engine::EngineError;

/// When and how often a failed idempotent request (a `GET`) is tried again.
///
/// Only failures whose [`ErrorKind::is_retried_at_once`](crate::ErrorKind::is_retried_at_once)
/// holds are retried: timeouts, broken connections and 502/503/504 (not a connect that is
/// refused or times out: one attempt tells that a site is dark) (an Engine restarting behind its
/// Apache proxy answers 503 for the half minute or so it takes to come up). Mutating requests
/// are never retried here: whether a timed-out attach happened is for the flows to find out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryConfig {
    /// Retries after the first attempt. Default 4: five attempts span about 10 s of backoff,
    /// enough to ride over an Engine or proxy restart without stalling a failover for long.
    pub max_retries: u32,
    /// The smallest pause. Default 250 ms: a loaded Engine recovers in that order of time,
    /// and shorter pauses just add load.
    pub initial_backoff: Duration,
    /// The largest pause. Default 8 s: beyond that an operator watching a failover would
    /// rather see the failure.
    pub max_backoff: Duration,
    /// No retry starts after this much time since the first attempt, and an attempt never
    /// runs past it. Default 180 s: bounds a GET whose attempts each hit the request timeout.
    pub deadline: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            max_retries: 4,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            deadline: Duration::from_secs(180),
        }
    }
}

impl RetryConfig {
    /// No retries at all.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }
}

/// A small deterministic generator (SplitMix64) for the jitter; seeded randomly in production
/// and fixed in tests.
#[derive(Debug, Clone)]
pub(crate) struct Jitter(u64);

impl Jitter {
    pub(crate) fn new(seed: Option<u64>) -> Self {
        Self(seed.unwrap_or_else(|| uuid::Uuid::new_v4().as_u64_pair().0))
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Decorrelated-jitter backoff: each pause is uniform between the initial pause and three
/// times the previous one, capped (the scheme object_store and the AWS architecture blog use:
/// it spreads concurrent clients apart better than plain exponential jitter).
#[derive(Debug, Clone)]
pub(crate) struct Backoff {
    initial: Duration,
    max: Duration,
    previous: Duration,
    jitter: Jitter,
}

impl Backoff {
    pub(crate) fn new(config: &RetryConfig, jitter: Jitter) -> Self {
        Self {
            initial: config.initial_backoff,
            max: config.max_backoff.max(config.initial_backoff),
            previous: config.initial_backoff,
            jitter,
        }
    }

    /// The next pause.
    pub(crate) fn next_pause(&mut self) -> Duration {
        let low = self.initial.as_secs_f64();
        let high = (self.previous.as_secs_f64() * 3.0).max(low);
        let pause = low + (high - low) * self.jitter.unit();
        let pause = Duration::from_secs_f64(pause).min(self.max);
        self.previous = pause;
        pause
    }
}

/// Runs `attempt` until it succeeds, fails with a non-retryable error, or the retry budget
/// (count or deadline) is spent. Each attempt gets the time left before the deadline; each
/// retry is logged at warn level with the operation, the attempt number, the pause and the
/// error (which never holds a credential).
pub(crate) async fn with_retries<T, F, Fut>(
    config: &RetryConfig,
    jitter: Jitter,
    operation: &'static str,
    mut attempt: F,
) -> Result<T, EngineError>
where
    F: FnMut(Duration) -> Fut,
    Fut: Future<Output = Result<T, EngineError>>,
{
    let start = Instant::now();
    let deadline = start + config.deadline;
    let mut backoff = Backoff::new(config, jitter);
    let mut retries = 0;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let error = match attempt(left).await {
            Ok(v) => return Ok(v),
            Err(e) => e,
        };
        if !error.kind.is_retried_at_once() || retries >= config.max_retries {
            return Err(error);
        }
        let pause = backoff.next_pause();
        if Instant::now() + pause >= deadline {
            return Err(error);
        }
        retries += 1;
        tracing::warn!(
            operation,
            retry = retries,
            of = config.max_retries,
            pause_ms = pause.as_millis() as u64,
            error = %error,
            "retrying after a transient failure"
        );
        tokio::time::sleep(pause).await;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;
    use crate::engine::ErrorKind;

    fn config() -> RetryConfig {
        RetryConfig {
            max_retries: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(2),
            deadline: Duration::from_secs(60),
        }
    }

    #[test]
    fn pauses_stay_in_bounds_and_are_reproducible() {
        let c = config();
        let mut a = Backoff::new(&c, Jitter::new(Some(7)));
        let mut b = Backoff::new(&c, Jitter::new(Some(7)));
        let mut previous = c.initial_backoff;
        for _ in 0..50 {
            let p = a.next_pause();
            assert_eq!(p, b.next_pause());
            assert!(p >= c.initial_backoff && p <= c.max_backoff, "{p:?}");
            assert!(p <= (previous * 3).max(c.initial_backoff));
            previous = p;
        }
    }

    #[tokio::test(start_paused = true)]
    async fn retries_only_retryable_errors_up_to_the_limit() {
        let calls = AtomicU32::new(0);
        let r: Result<(), _> = with_retries(&config(), Jitter::new(Some(1)), "vms", |_| async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(EngineError::new(ErrorKind::Unavailable, "vms"))
        })
        .await;
        assert_eq!(r.unwrap_err().kind, ErrorKind::Unavailable);
        assert_eq!(
            calls.load(Ordering::SeqCst),
            4,
            "one attempt plus three retries"
        );

        calls.store(0, Ordering::SeqCst);
        let r: Result<(), _> = with_retries(&config(), Jitter::new(Some(1)), "vms", |_| async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(EngineError::new(ErrorKind::NotFound, "vms"))
        })
        .await;
        assert_eq!(r.unwrap_err().kind, ErrorKind::NotFound);
        assert_eq!(calls.load(Ordering::SeqCst), 1);

        for kind in [ErrorKind::Unreachable, ErrorKind::Certificate] {
            calls.store(0, Ordering::SeqCst);
            let r: Result<(), _> =
                with_retries(&config(), Jitter::new(Some(1)), "api_info", |_| async {
                    calls.fetch_add(1, Ordering::SeqCst);
                    Err(EngineError::new(kind, "api_info"))
                })
                .await;
            assert_eq!(r.unwrap_err().kind, kind);
            assert_eq!(calls.load(Ordering::SeqCst), 1, "{kind}: one attempt");
        }

        calls.store(0, Ordering::SeqCst);
        let r = with_retries(&config(), Jitter::new(Some(1)), "vms", |_| async {
            if calls.fetch_add(1, Ordering::SeqCst) < 2 {
                Err(EngineError::new(ErrorKind::Timeout, "vms"))
            } else {
                Ok(42)
            }
        })
        .await;
        assert_eq!(r.unwrap(), 42);
    }

    #[tokio::test(start_paused = true)]
    async fn the_deadline_bounds_attempts_and_pauses() {
        let c = RetryConfig {
            max_retries: 100,
            deadline: Duration::from_secs(3),
            ..config()
        };
        let start = Instant::now();
        let mut budgets = Vec::new();
        let r: Result<(), _> = with_retries(&c, Jitter::new(Some(3)), "vms", |left| {
            budgets.push(left);
            async { Err(EngineError::new(ErrorKind::Unavailable, "vms")) }
        })
        .await;
        assert!(r.is_err());
        assert!(start.elapsed() < Duration::from_secs(3));
        assert!(budgets.len() > 2 && budgets.len() < 100);
        assert!(
            budgets.windows(2).all(|w| w[1] < w[0]),
            "each attempt gets what is left"
        );
    }
}
