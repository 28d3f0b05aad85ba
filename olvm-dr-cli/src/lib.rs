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
mod ovirt_dr;
mod recovery_plan_arg;
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
/// Engines are reached over their REST API. Invoked as `ovirt-dr` (argv\[0\]), it reads the
/// command line of the Ansible role's `ovirt-dr` script instead.
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
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    if args.first().is_some_and(ovirt_dr::invoked_as_ovirt_dr) {
        return run_as_ovirt_dr(&args, connect);
    }
    run_parsed(args, connect)
}

/// `olvm-dr` invoked as `ovirt-dr`: the script's command line turned into ours (see
/// [`ovirt_dr`]), with the script's `Log file: '...'` lines around the run.
fn run_as_ovirt_dr(args: &[OsString], connect: &Connect<'_>) -> ExitCode {
    let epoch_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    match ovirt_dr::translate(args, &mut ovirt_dr::ask_stdin, epoch_ms) {
        ovirt_dr::Translated::Done { stdout, exit } => {
            output::out(&stdout);
            exit.into()
        }
        ovirt_dr::Translated::Run { args, log_file } => {
            let Some(log_file) = log_file else {
                return run_parsed(args, connect);
            };
            if let Err(message) = ovirt_dr::create_log_dir(&log_file) {
                output::error_line(&message);
                return Exit::Usage.into();
            }
            let line = format!("Log file: '{}'\n", log_file.display());
            output::out(&line);
            let code = run_parsed(args, connect);
            output::out(&line);
            code
        }
    }
}

fn run_parsed(args: Vec<OsString>, connect: &Connect<'_>) -> ExitCode {
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

    #[test]
    fn invoked_as_ovirt_dr_it_answers_the_scripts_command_line() {
        assert_eq!(run(["/usr/bin/ovirt-dr", "--help"]), ExitCode::from(0));
        assert_eq!(run(["/usr/bin/ovirt-dr"]), ExitCode::from(2));
        assert_eq!(run(["ovirt-dr", "frobnicate"]), ExitCode::from(2));
        // The conf file's [validate_vars] names a mapping that is not there: a configuration
        // error of olvm-dr's own validate, reached through the script's command line.
        let dir = tempfile::tempdir().unwrap();
        let conf = dir.path().join("dr.conf");
        std::fs::write(&conf, "[validate_vars]\nvar_file = missing.yml\n").unwrap();
        let arg = format!("--conf-file={}", conf.display());
        assert_eq!(run(["ovirt-dr", "validate", &arg]), ExitCode::from(2));
    }
}
