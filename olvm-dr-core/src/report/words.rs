//! Words and numbers as every rendering of a report writes them.

use super::{StepOutcome, Verdict};

/// The JSON word of an outcome.
pub(super) fn outcome_word(o: StepOutcome) -> &'static str {
    match o {
        StepOutcome::Done => "done",
        StepOutcome::AlreadyDone => "already_done",
        StepOutcome::Skipped => "skipped",
        StepOutcome::Failed => "failed",
        StepOutcome::Blocked => "blocked",
        StepOutcome::NotRun => "not_run",
    }
}

/// The verdict in capitals, as the text summary prints it.
pub(super) fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Success => "SUCCESS",
        Verdict::Partial => "PARTIAL",
        Verdict::Failed => "FAILED",
    }
}

/// Milliseconds as seconds with one decimal.
pub(super) fn secs(ms: u64) -> String {
    format!("{:.1} s", ms as f64 / 1000.0)
}

/// A signed difference in milliseconds as seconds, `+` for slower.
pub(super) fn signed_secs(ms: i64) -> String {
    format!("{:+.1} s", ms as f64 / 1000.0)
}
