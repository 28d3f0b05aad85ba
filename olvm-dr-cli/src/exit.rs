//! [`Exit`]: the documented exit codes.

use std::process::ExitCode;

/// How `olvm-dr` ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: success; the file is valid (warnings allowed).
    Success,
    /// 1: the operation failed, or validation found errors.
    Failure,
    /// 2: usage or configuration error (bad arguments, a file missing or unreadable).
    Usage,
}

impl Exit {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Failure => 1,
            Exit::Usage => 2,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e.code())
    }
}

/// The `--help` text that lists the exit codes.
pub(crate) const EXIT_CODES_HELP: &str =
    "Exit codes: 0 success (valid), 1 failed (invalid), 2 usage or configuration error.";
