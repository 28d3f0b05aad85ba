//! Showing a run's progress: a progress bar on a terminal, plain lines otherwise.

use std::io::Write;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use olvm_dr_core::progress::{Event, Reporter};
use olvm_dr_core::report::StepOutcome;

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ProgressMode {
    /// A bar on stderr (a terminal), with failures printed above it.
    Bar,
    /// One line per finished step and per progress message, on stderr.
    Lines,
    /// Nothing.
    Silent,
}

/// The CLI's [`Reporter`].
pub(crate) struct CliReporter {
    mode: ProgressMode,
    /// Drawn from the first event on (so nothing is drawn while the plan waits for approval).
    bar: std::sync::OnceLock<ProgressBar>,
    start: Instant,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    total: u64,
    done: u64,
    failed: u64,
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
            state: Mutex::new(State::default()),
        }
    }

    /// The bar, created on first use in bar mode.
    fn bar(&self) -> Option<&ProgressBar> {
        if self.mode != ProgressMode::Bar {
            return None;
        }
        Some(self.bar.get_or_init(|| {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{elapsed_precise} [{bar:30}] {pos}/{len} steps  {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
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

    /// Stops the bar (leaving the final line).
    pub(crate) fn finish(&self) {
        if let Some(bar) = self.bar.get() {
            bar.finish_and_clear();
        }
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
}

impl Reporter for CliReporter {
    fn event(&self, event: &Event) {
        if self.mode == ProgressMode::Silent {
            return;
        }
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match event {
            Event::RunStarted { total, .. } => {
                state.total = *total as u64;
                if let Some(bar) = self.bar() {
                    bar.set_length(state.total);
                }
            }
            Event::StepsAdded { added, .. } => {
                state.total += *added as u64;
                if let Some(bar) = self.bar() {
                    bar.set_length(state.total);
                }
            }
            Event::PhaseStarted { phase } => match self.bar() {
                Some(bar) => bar.set_message(phase.title()),
                None => self.line(&format!("--- {}", phase.title())),
            },
            Event::StepStarted { .. } => {}
            Event::StepProgress { message, .. } => match self.bar() {
                Some(bar) => bar.set_message(message.clone()),
                None => self.line(message),
            },
            Event::StepFinished {
                outcome,
                summary,
                error,
                duration,
                ..
            } => {
                state.done += 1;
                if let Some(bar) = self.bar() {
                    bar.set_position(state.done);
                }
                let failed = matches!(outcome, StepOutcome::Failed);
                state.failed += u64::from(failed);
                let secs = duration.as_secs_f64();
                let show = self.mode != ProgressMode::Bar || failed;
                if show {
                    let mut text = format!("{:<8} {summary} ({secs:.1} s)", outcome_word(*outcome));
                    if let Some(e) = error.as_ref().filter(|_| !outcome.is_success()) {
                        text.push_str(&format!(": {e}"));
                    }
                    self.line(&text);
                }
            }
            Event::RunFinished { .. } => {}
        }
    }
}
