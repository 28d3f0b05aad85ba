//! [`Op`]: one step's dealings with an Engine — calls with per-call deadlines and retries of
//! transient failures, polling with deadlines, and the statistics the step reports.

use std::future::Future;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use tokio::time::Instant;

use super::FlowTimeouts;
use crate::engine::{EngineError, EngineResult, ErrorKind};
use crate::execute::{Completion, StepContext, StepFailure, StepRun};

/// What a poll saw.
pub(crate) enum Seen<T> {
    /// The awaited state: stop polling.
    Ready(T),
    /// Not yet; the text says what was seen (for the timeout message and progress).
    Pending(String),
}

/// Per-step helper around Engine calls.
pub(crate) struct Op<'a> {
    pub(crate) ctx: &'a StepContext,
    pub(crate) t: &'a FlowTimeouts,
    attempts: AtomicU32,
    lease_wait: Mutex<Duration>,
}

impl<'a> Op<'a> {
    pub(crate) fn new(ctx: &'a StepContext, t: &'a FlowTimeouts) -> Self {
        Self {
            ctx,
            t,
            attempts: AtomicU32::new(1),
            lease_wait: Mutex::new(Duration::ZERO),
        }
    }

    /// Wraps the step's result with the statistics gathered.
    pub(crate) fn finish(&self, result: Result<Completion, StepFailure>) -> StepRun {
        StepRun {
            result,
            attempts: self.attempts.load(Ordering::Relaxed),
            lease_wait: *self
                .lease_wait
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        }
    }

    /// One Engine call under the per-call deadline; transient failures (locked, unavailable,
    /// timeout) are retried with exponential backoff within the retry window. `operation` names
    /// the call in the timeout error.
    pub(crate) async fn call<T, F, Fut>(&self, operation: &'static str, mut f: F) -> EngineResult<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = EngineResult<T>>,
    {
        let start = Instant::now();
        let mut backoff = Duration::from_millis(500);
        loop {
            let result = match tokio::time::timeout(self.t.call, f()).await {
                Ok(r) => r,
                Err(_) => Err(EngineError::new(ErrorKind::Timeout, operation)
                    .with_message(format!("no answer within {} s", self.t.call.as_secs()))),
            };
            match result {
                Err(e)
                    if e.is_retryable()
                        && e.kind != ErrorKind::LeaseHeld
                        && start.elapsed() + backoff < self.t.retry_window =>
                {
                    self.ctx
                        .progress(format!("retrying after a transient failure: {e}"));
                    self.attempts.fetch_add(1, Ordering::Relaxed);
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(15));
                }
                other => return other,
            }
        }
    }

    /// Like [`Op::call`] for a call that acquires a storage domain's sanlock lease (attach,
    /// activate). A real Engine blocks inside such a call while sanlock watches the other site's
    /// lease records (about 80 s after a failover); the whole time spent in it counts as the
    /// step's lease wait. While the Engine refuses because the lease cannot be taken (e.g. a
    /// replica still read-only), keeps trying for up to the lease grace, showing progress.
    pub(crate) async fn call_through_lease<T, F, Fut>(
        &self,
        operation: &'static str,
        mut f: F,
    ) -> EngineResult<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = EngineResult<T>>,
    {
        let start = Instant::now();
        loop {
            match self.call(operation, &mut f).await {
                Err(e)
                    if e.kind == ErrorKind::LeaseHeld && start.elapsed() < self.t.lease_grace =>
                {
                    let elapsed = start.elapsed();
                    self.ctx.progress(format!(
                        "storage lease still held by the other site's hosts; waiting ({} s of {} s): {}",
                        elapsed.as_secs(),
                        self.t.lease_grace.as_secs(),
                        e.detail()
                    ));
                    let pause = Duration::from_secs(5)
                        .min(self.t.lease_grace.saturating_sub(elapsed))
                        .max(Duration::from_millis(100));
                    tokio::time::sleep(pause).await;
                    self.attempts.fetch_add(1, Ordering::Relaxed);
                }
                other => {
                    let mut lw = self
                        .lease_wait
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    *lw += start.elapsed();
                    return other;
                }
            }
        }
    }

    /// Polls `check` until it sees the awaited state or `deadline` passes. Intervals start at
    /// `poll_min` and double up to `poll_max`.
    pub(crate) async fn poll<T, F, Fut>(
        &self,
        what: &str,
        deadline: Duration,
        mut check: F,
    ) -> Result<T, StepFailure>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = EngineResult<Seen<T>>>,
    {
        let start = Instant::now();
        let mut interval = self.t.poll_min;
        let mut reported = Instant::now();
        loop {
            let last = match self
                .call("poll", &mut check)
                .await
                .map_err(StepFailure::from)?
            {
                Seen::Ready(v) => return Ok(v),
                Seen::Pending(seen) => seen,
            };
            if start.elapsed() >= deadline {
                return Err(StepFailure {
                    message: format!(
                        "waited {} s for {what}; last seen: {last}",
                        deadline.as_secs()
                    ),
                    kind: Some(ErrorKind::Timeout),
                });
            }
            if reported.elapsed() >= Duration::from_secs(10) {
                self.ctx.progress(format!(
                    "waiting for {what} ({} s): {last}",
                    start.elapsed().as_secs()
                ));
                reported = Instant::now();
            }
            let remaining = deadline.saturating_sub(start.elapsed());
            tokio::time::sleep(interval.min(remaining).max(Duration::from_millis(1))).await;
            interval = (interval * 2).min(self.t.poll_max);
        }
    }
}
