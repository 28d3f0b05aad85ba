//! Printing results to stdout and errors to stderr: the only place that writes to them.

mod json;
mod text;

use std::io::{IsTerminal, Write};

pub(crate) use json::print_json;
pub(crate) use text::print_text;

use crate::cli::ColorChoice;

/// Whether text output gets colours.
pub(crate) fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal()
        }
    }
}

/// A result line on stdout.
pub(crate) fn out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

/// An error line on stderr: `olvm-dr: error: ...`.
pub(crate) fn error_line(message: &str) {
    let _ = writeln!(std::io::stderr().lock(), "olvm-dr: error: {message}");
}

/// A warning on stderr: `olvm-dr: warning: ...`.
pub(crate) fn warning_line(message: &str) {
    let _ = writeln!(std::io::stderr().lock(), "olvm-dr: warning: {message}");
}

/// A note on stderr: `olvm-dr: note: ...`.
pub(crate) fn note_line(message: &str) {
    let _ = writeln!(std::io::stderr().lock(), "olvm-dr: note: {message}");
}
