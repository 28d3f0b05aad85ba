//! Correlation ids: the id an Engine attaches to the jobs and audit-log events of the commands
//! a request runs (the `Correlation-Id` header, kept by the Engine's `CurrentFilter` as
//! `[0-9A-Za-z_-]`, at most 36 characters). A run step sets one for the Engine requests it
//! makes, so that the run's work can be found on the Engine (`GET /jobs?search=correlation_id=…`,
//! `GET /events?search=correlation_id=…`).
//!
//! The id is carried by the task that runs the step ([`scope`]); [`current`] reads it where the
//! request is built. Work spawned onto other tasks does not inherit it.

use std::future::Future;

tokio::task_local! {
    static CORRELATION_ID: String;
}

/// The longest correlation id the Engine keeps (`CurrentFilter` cuts the rest).
pub const MAX_LEN: usize = 36;

/// Runs `fut` with `id` (cleaned to what the Engine keeps) as the correlation id of its Engine
/// requests.
pub async fn scope<F: Future>(id: &str, fut: F) -> F::Output {
    CORRELATION_ID.scope(clean(id), fut).await
}

/// The correlation id of the task's current step, if one is set.
pub fn current() -> Option<String> {
    CORRELATION_ID
        .try_with(Clone::clone)
        .ok()
        .filter(|id| !id.is_empty())
}

/// The correlation id of step `step` of run `run_id`: the run id's last 27 characters (its
/// time stamp and unique suffix), a dash, and 8 hex digits naming the step (FNV-1a of its id),
/// 36 characters at most. Every request of the step carries it; the run's ids share the prefix.
pub fn for_step(run_id: &str, step: &str) -> String {
    let run: String = run_id.chars().filter(|c| allowed(*c)).collect();
    let tail = &run[run.len().saturating_sub(MAX_LEN - 9)..];
    let hash = step.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    format!("{tail}-{hash:08x}")
}

/// `id` as the Engine keeps it: `[0-9A-Za-z_-]` only, at most [`MAX_LEN`] characters.
pub fn clean(id: &str) -> String {
    id.chars().filter(|c| allowed(*c)).take(MAX_LEN).collect()
}

fn allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_ids_fit_the_engine_and_keep_the_run() {
        let run = "failover-secondary-20261204T184700Z-a1b2c3";
        let a = for_step(run, "attach/data1");
        let b = for_step(run, "attach/data2");
        assert!(a.len() <= MAX_LEN && b.len() <= MAX_LEN, "{a}");
        assert_eq!(clean(&a), a);
        assert_ne!(a, b);
        assert!(a.starts_with("ary-20261204T184700Z-a1b2c3-"), "{a}");
        assert_eq!(for_step(run, "attach/data1"), a);
        let short = for_step("in memory", "s");
        assert!(short.starts_with("inmemory-"), "{short}");
        assert_eq!(clean("a b/c:d_e-f"), "abcd_e-f");
    }

    #[tokio::test]
    async fn the_id_is_set_inside_its_scope_only() {
        assert_eq!(current(), None);
        let inside = scope("run 1/step", async { current() }).await;
        assert_eq!(inside.as_deref(), Some("run1step"));
        assert_eq!(current(), None);
    }
}
