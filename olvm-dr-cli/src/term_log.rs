//! Log lines on stderr during a run: printed above the progress bar (never through it), and
//! repeated warnings folded into one line with a count.
//!
//! A log line is "the same" as an earlier one when it differs only in its time stamp, numbers,
//! quoted names and ids (a retry of another VM against the same HTTP 503). The first is printed;
//! the next ones are counted, and the count is printed as one line at most every
//! [`FOLD_WINDOW`], when the run ends, or when the line stops repeating.

use std::io::Write;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::ProgressBar;
use tracing_subscriber::fmt::MakeWriter;

/// How long repeats of a line are only counted before their count is printed.
pub(crate) const FOLD_WINDOW: Duration = Duration::from_secs(10);

/// The bar log lines go above, while a run shows one.
static BAR: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// The folding state of stderr's log lines.
static FOLD: Mutex<Fold> = Mutex::new(Fold::new());

/// From now on log lines go above `bar`.
pub(crate) fn attach(bar: ProgressBar) {
    *lock(&BAR) = Some(bar);
}

/// Log lines go to stderr again; a pending count of repeats is printed first.
pub(crate) fn detach() {
    let pending = lock(&FOLD).flush();
    for line in pending {
        emit(&line);
    }
    *lock(&BAR) = None;
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// One line out: above the bar when there is one, else on stderr.
fn emit(line: &str) {
    match lock(&BAR).as_ref() {
        Some(bar) if !bar.is_hidden() => bar.println(line),
        _ => {
            let _ = writeln!(std::io::stderr().lock(), "{line}");
        }
    }
}

/// Repeats of log lines, by their masked text.
struct Fold {
    /// The masked text of the line being repeated, its first words, when it was last printed
    /// and how many repeats were counted since.
    current: Option<Repeat>,
}

struct Repeat {
    key: String,
    gist: String,
    since: Instant,
    count: usize,
}

impl Fold {
    const fn new() -> Self {
        Self { current: None }
    }

    /// The lines to print for `line` (none when it only repeats the last one).
    fn take(&mut self, line: &str, now: Instant) -> Vec<String> {
        let key = key_of(line);
        let mut out = Vec::new();
        if let Some(r) = self.current.as_mut()
            && r.key == key
        {
            r.count += 1;
            if now.duration_since(r.since) >= FOLD_WINDOW {
                out.push(r.summary());
                r.count = 0;
                r.since = now;
            }
            return out;
        }
        out.extend(self.flush());
        out.push(line.to_owned());
        self.current = Some(Repeat {
            gist: gist_of(line),
            key,
            since: now,
            count: 0,
        });
        out
    }

    /// The count of repeats not printed yet.
    fn flush(&mut self) -> Vec<String> {
        match self.current.take() {
            Some(r) if r.count > 0 => vec![r.summary()],
            _ => Vec::new(),
        }
    }
}

impl Repeat {
    fn summary(&self) -> String {
        let times = if self.count == 1 { "time" } else { "times" };
        format!(
            "  (the line above repeated {} more {times}, for other entities or attempts: {})",
            self.count, self.gist
        )
    }
}

/// The line without ANSI colours and its time stamp, with numbers, quoted names and ids
/// masked.
fn key_of(line: &str) -> String {
    let plain = strip_ansi(line);
    let rest = plain
        .split_once(' ')
        .filter(|(first, _)| first.contains(':') && first.contains('T'))
        .map_or(plain.as_str(), |(_, rest)| rest);
    olvm_dr_core::report::mask_names(rest)
        .chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect()
}

/// The line's level and message, shortened, to say what repeated.
fn gist_of(line: &str) -> String {
    let plain = strip_ansi(line);
    let words: Vec<&str> = plain.split_whitespace().skip(1).take(8).collect();
    words.join(" ")
}

fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // CSI: ESC [ ... final byte in @..~
            for d in chars.by_ref() {
                if ('@'..='~').contains(&d) && d != '[' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The writer `tracing` formats stderr's log lines into.
pub(crate) struct TermLog;

impl<'a> MakeWriter<'a> for TermLog {
    type Writer = LineBuffer;

    fn make_writer(&'a self) -> Self::Writer {
        LineBuffer(Vec::new())
    }
}

/// One formatted log event, sent line by line when dropped.
pub(crate) struct LineBuffer(Vec<u8>);

impl Write for LineBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for LineBuffer {
    fn drop(&mut self) {
        let text = String::from_utf8_lossy(&self.0);
        let now = Instant::now();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let out = lock(&FOLD).take(line, now);
            for l in out {
                emit(&l);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warn(at: &str, vm: &str, retry: u32) -> String {
        format!(
            "2026-12-05T05:10:{at}Z  \x1b[33mWARN\x1b[0m retrying after a transient failure operation=\"start_vm\" retry={retry} error=start_vm failed for VM '{vm}' (unavailable, HTTP 503)"
        )
    }

    #[test]
    fn repeats_differing_only_in_time_names_and_numbers_are_counted_not_printed() {
        let mut fold = Fold::new();
        let t0 = Instant::now();
        assert_eq!(fold.take(&warn("01.1", "web1", 1), t0).len(), 1);
        for n in 0..5 {
            assert!(
                fold.take(&warn("02.5", &format!("db{n}"), 2), t0)
                    .is_empty()
            );
        }
        // After the window, the count is printed once.
        let later = fold.take(&warn("12.0", "web9", 1), t0 + FOLD_WINDOW);
        assert_eq!(later.len(), 1);
        assert!(later[0].contains("repeated 6 more times"), "{later:?}");
        assert!(
            later[0].contains("retrying after a transient failure"),
            "{later:?}"
        );
        // Another line: nothing pending, so only that line.
        let other = fold.take(
            "2026-12-05T05:10:13Z ERROR something else",
            t0 + FOLD_WINDOW,
        );
        assert_eq!(other, ["2026-12-05T05:10:13Z ERROR something else"]);
        // A repeat then another line: the count comes before the new line.
        fold.take(
            "2026-12-05T05:10:14Z ERROR something else",
            t0 + FOLD_WINDOW,
        );
        let next = fold.take(&warn("15.0", "web1", 1), t0 + FOLD_WINDOW);
        assert_eq!(next.len(), 2);
        assert!(next[0].contains("repeated 1 more time,"), "{next:?}");
        assert_eq!(fold.flush(), Vec::<String>::new(), "nothing pending");
    }
}
