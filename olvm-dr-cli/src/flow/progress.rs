//! Showing a run's progress in an operator's terms (domains ready, VMs registered, started, up,
//! failures, elapsed, ETA): a two-line bar on a terminal with log lines above it, plain lines
//! a few seconds apart otherwise.

use std::collections::HashSet;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use olvm_dr_core::progress::{Event, Reporter, RunCounters};
use olvm_dr_core::report::{StepOutcome, mask_names};

use crate::term_log;

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ProgressMode {
    /// A bar on stderr (a terminal): the counters and the latest news, log lines above it.
    Bar,
    /// Plain lines on stderr: the counters at most every [`LINE_EVERY`], each phase, and the
    /// first failure of each kind.
    Lines,
    /// Plain lines for every step that ends, and the counters as in [`Lines`](Self::Lines)
    /// (`-v`, `demo --steps`).
    Steps,
    /// Nothing.
    Silent,
}

/// Plain progress lines come at most this often (phases and new kinds of failure excepted):
/// enough to see a run move in a CI log, few enough to read.
pub(crate) const LINE_EVERY: Duration = Duration::from_secs(5);

/// The CLI's [`Reporter`].
pub(crate) struct CliReporter {
    mode: ProgressMode,
    /// Drawn from the first event on (so nothing is drawn while the plan waits for approval).
    bar: std::sync::OnceLock<ProgressBar>,
    start: Instant,
    live: Arc<Mutex<Live>>,
    lines: Mutex<Lines>,
}

/// The latest counters and when they came, read by the bar at every tick.
#[derive(Default)]
struct Live {
    counters: Option<(RunCounters, Instant)>,
}

impl Live {
    /// The counters' line with the ETA counted down since they came.
    fn render(&self) -> String {
        match &self.counters {
            None => "starting".to_owned(),
            Some((c, at)) => c.render_live(at.elapsed()),
        }
    }
}

/// What plain lines have said, to say it once.
#[derive(Default)]
struct Lines {
    last: Option<Instant>,
    failures_seen: HashSet<String>,
    failures_folded: usize,
}

fn outcome_word(o: StepOutcome) -> &'static str {
    match o {
        StepOutcome::Done => "done",
        StepOutcome::AlreadyDone => "already",
        StepOutcome::Skipped => "skipped",
        StepOutcome::Failed => "FAILED",
        StepOutcome::Blocked => "blocked",
        StepOutcome::NotRun => "not run",
    }
}

impl CliReporter {
    pub(crate) fn new(mode: ProgressMode) -> Self {
        Self {
            mode,
            bar: std::sync::OnceLock::new(),
            start: Instant::now(),
            live: Arc::new(Mutex::new(Live::default())),
            lines: Mutex::new(Lines::default()),
        }
    }

    /// The bar, created on first use in bar mode.
    fn bar(&self) -> Option<&ProgressBar> {
        if self.mode != ProgressMode::Bar {
            return None;
        }
        Some(self.bar.get_or_init(|| {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            let live = Arc::clone(&self.live);
            let style = ProgressStyle::with_template(
                "{spinner} {elapsed_precise} [{bar:20}] {counters}\n  {wide_msg}",
            )
            .map(|s| {
                s.with_key(
                    "counters",
                    move |_: &ProgressState, w: &mut dyn std::fmt::Write| {
                        let text = live
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .render();
                        let _ = w.write_str(&text);
                    },
                )
            })
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(200));
            term_log::attach(bar.clone());
            bar
        }))
    }

    /// Runs `f` with the bar hidden (for a question on the terminal).
    pub(crate) fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match self.bar.get() {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }

    /// Stops the bar (clearing it; the summary follows) and prints what plain lines folded.
    pub(crate) fn finish(&self) {
        if let Some(bar) = self.bar.get() {
            bar.finish_and_clear();
        }
        term_log::detach();
        let lines = self.lock_lines();
        if lines.failures_folded > 0 {
            self.line(&format!(
                "{} more failures like those above (the summary groups them)",
                lines.failures_folded
            ));
        }
    }

    fn lock_lines(&self) -> std::sync::MutexGuard<'_, Lines> {
        self.lines
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn line(&self, text: &str) {
        match self.bar() {
            Some(bar) => bar.println(text),
            None => {
                let elapsed = self.start.elapsed().as_secs_f64();
                let _ = writeln!(std::io::stderr().lock(), "[{elapsed:8.1} s] {text}");
            }
        }
    }

    /// A plain line unless one was printed less than [`LINE_EVERY`] ago (`force` prints anyway).
    fn periodic_line(&self, text: &str, force: bool) {
        let mut lines = self.lock_lines();
        let due = force || lines.last.is_none_or(|l| l.elapsed() >= LINE_EVERY);
        if due {
            lines.last = Some(Instant::now());
            drop(lines);
            self.line(text);
        }
    }

    /// A failure as it happens: on the bar or in plain lines, the first of each kind in full,
    /// the others counted (the summary at the end groups them all).
    fn failure(&self, summary: &str, error: Option<&str>, secs: f64) {
        let error = error.unwrap_or("no reason recorded");
        let key = format!("{}|{}", mask_names(summary), mask_names(error));
        let mut lines = self.lock_lines();
        if self.mode != ProgressMode::Steps && !lines.failures_seen.insert(key) {
            lines.failures_folded += 1;
            return;
        }
        drop(lines);
        self.line(&format!("FAILED   {summary} ({secs:.1} s): {error}"));
    }
}

impl Reporter for CliReporter {
    fn event(&self, event: &Event) {
        if self.mode == ProgressMode::Silent {
            return;
        }
        match event {
            Event::RunStarted { total, .. } => {
                if let Some(bar) = self.bar() {
                    bar.set_length(*total as u64);
                }
            }
            Event::StepsAdded { .. } | Event::StepStarted { .. } | Event::RunFinished { .. } => {}
            Event::PhaseStarted { phase } => match self.bar() {
                Some(bar) => bar.set_message(phase.title()),
                None => self.periodic_line(&format!("--- {}", phase.title()), true),
            },
            Event::StepProgress { message, .. } => match self.bar() {
                Some(bar) => bar.set_message(message.clone()),
                None if self.mode == ProgressMode::Steps => self.line(message),
                None => self.periodic_line(message, false),
            },
            Event::Counters(c) => {
                self.live
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .counters = Some((c.clone(), Instant::now()));
                match self.bar() {
                    Some(bar) => {
                        bar.set_length(c.steps_total as u64);
                        bar.set_position(c.steps_done as u64);
                    }
                    None => {
                        let last = c.steps_done == c.steps_total;
                        self.periodic_line(&c.render(), last);
                    }
                }
            }
            Event::StepFinished {
                outcome,
                summary,
                error,
                duration,
                ..
            } => {
                let secs = duration.as_secs_f64();
                if *outcome == StepOutcome::Failed {
                    self.failure(summary, error.as_deref(), secs);
                } else if self.mode == ProgressMode::Steps {
                    let mut text = format!("{:<8} {summary} ({secs:.1} s)", outcome_word(*outcome));
                    if let Some(e) = error.as_ref().filter(|_| !outcome.is_success()) {
                        text.push_str(&format!(": {e}"));
                    }
                    self.line(&text);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_lines_print_the_first_failure_of_each_kind_and_count_the_rest() {
        let r = CliReporter::new(ProgressMode::Lines);
        for vm in ["web1", "web2", "web3"] {
            r.failure(
                &format!("register VM '{vm}'"),
                Some(&format!(
                    "register_vm failed for VM '{vm}' (conflict, HTTP 409)"
                )),
                0.1,
            );
        }
        r.failure("start VM 'db1'", Some("start_vm failed"), 0.1);
        let lines = r.lock_lines();
        assert_eq!(lines.failures_seen.len(), 2);
        assert_eq!(lines.failures_folded, 2);
    }
}
