//! The `olvm-dr` command line: a thin layer over `olvm-dr-core`.
//!
//! [`run`] parses the arguments, sets up logging, runs the subcommand and maps its outcome to
//! the process exit code ([`Exit`]). Results go to stdout, logs to stderr or the log file.

mod cli;
mod commands;
mod conf;
mod connect;
mod drill_args;
mod exit;
mod flow;
mod flow_args;
mod known_hosts;
mod logging;
mod output;
mod secrets;
mod term_log;
mod vault_password;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;

pub use cli::{Cli, ColorChoice, Command, OutputFormat};
pub use connect::{Connect, rest as connect_rest};
pub use exit::Exit;

/// Runs `olvm-dr` with `args` (the first is the program name) and returns the exit code:
/// 0 success or valid, 1 the operation or validation failed, 2 usage or configuration error.
/// Engines are reached over their REST API.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    run_with(args, &connect::rest)
}

/// [`run`], reaching each site's Engine through `connect` (for tests and programs that embed
/// the command: an in-process fake world, a simulator, a recording proxy).
pub fn run_with<I, T>(args: I, connect: &Connect<'_>) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version to stdout (exit 0) and usage errors to stderr (2).
            let _ = e.print();
            return if e.use_stderr() {
                Exit::Usage.into()
            } else {
                Exit::Success.into()
            };
        }
    };
    let _guard = match logging::init(&cli.global) {
        Ok(guard) => guard,
        Err(message) => {
            output::error_line(&message);
            return Exit::Usage.into();
        }
    };
    commands::dispatch(&cli, connect).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_maps_outcomes_to_exit_codes_in_process() {
        assert_eq!(run(["olvm-dr", "--version"]), ExitCode::from(0));
        assert_eq!(
            run(["olvm-dr", "validate", "--offline", "/no/such/file.yml"]),
            ExitCode::from(2)
        );
        assert_eq!(run(["olvm-dr", "frobnicate"]), ExitCode::from(2));
        let example = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/disaster_recovery_vars.yml"
        );
        assert_eq!(
            run([
                "olvm-dr",
                "validate",
                "--offline",
                "--output",
                "json",
                example
            ]),
            ExitCode::from(0)
        );
    }
}
