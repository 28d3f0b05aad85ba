//! `ovirt-dr` compatibility: the binary invoked under that name (a symlink or a copy) reads the
//! command line of the Ansible role's `ovirt-dr` script,
//! `ovirt-dr generate|validate|failover|failback [--conf-file=F] [--log-file=F] [--log-level=L]`,
//! with its defaults (`dr.conf` in the current directory, the `[log]` section) and its prompt
//! for a conf file that does not exist, and turns it into the `olvm-dr` command that does the
//! same work. Results and exit codes are `olvm-dr`'s (the script always exits 0).
//!
//! The script parses its options with Python's `getopt`: long options `conf-file=`,
//! `log-file=`, `log-level=` (as `--opt=V` or `--opt V`, and by any unambiguous prefix), the
//! short option string `"f:log:level:"` (so `-f`, `-o` and `-g` take a value, `-l`, `-e` and
//! `-v` none; only `-f` means something), and parsing stops at the first operand, whatever
//! follows is ignored.

use std::ffi::OsString;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use olvm_dr_core::config::{DrConf, LogLevel, log_file_name, resolve_path};

use crate::exit::Exit;

/// The program name that selects this command line.
pub(crate) const PROGRAM: &str = "ovirt-dr";

/// The conf file the script reads when none is given.
const DEFAULT_CONF: &str = "dr.conf";

/// The actions, in the order the script lists them.
const ACTIONS: [&str; 4] = ["generate", "validate", "failover", "failback"];

/// The long options (each takes a value).
const LONG: [&str; 3] = ["conf-file", "log-file", "log-level"];

/// The script's usage text.
pub(crate) const USAGE: &str = "\
usage: ovirt-dr <generate/validate/failover/failback>
                [--conf-file=dr.conf]
                [--log-file=log_file.log]
                [--log-level=DEBUG/INFO/WARNING/ERROR]

Here is a description of the following actions:
        generate        Generate the mapping var file based on primary setup
        validate        Validate the var file mapping
        failover        Start a failover process to the target setup
        failback        Start a failback process to the source setup

This is olvm-dr answering as ovirt-dr: same command line, dr.conf and files; results and
exit codes are olvm-dr's (0 success, 1 the operation or validation failed, 2 usage or
configuration error). `olvm-dr help` shows everything olvm-dr can do.
";

/// What an `ovirt-dr` command line comes to.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Translated {
    /// Run `olvm-dr` with these arguments; `log_file` (the resolved name) is announced before
    /// and after, as the script does.
    Run {
        args: Vec<OsString>,
        log_file: Option<PathBuf>,
    },
    /// Print this on stdout and exit with the code (help, usage errors).
    Done { stdout: String, exit: Exit },
}

/// `true` when `program` (argv\[0\]) names the `ovirt-dr` command.
pub(crate) fn invoked_as_ovirt_dr(program: &OsString) -> bool {
    Path::new(program)
        .file_stem()
        .is_some_and(|stem| stem == PROGRAM)
}

/// The options as the script's getopt reads them.
#[derive(Debug, Default, PartialEq, Eq)]
struct Options {
    conf_file: Option<String>,
    log_file: Option<String>,
    log_level: Option<String>,
}

/// Reads the options after the action the way Python's `getopt.getopt` does with the script's
/// specification. `Err` is a getopt error (the script prints its usage and exits 2).
fn getopt(args: &[String]) -> Result<Options, String> {
    let mut options = Options::default();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        if arg == "--" || !arg.starts_with('-') || arg == "-" {
            break;
        }
        if let Some(long) = arg.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_owned())),
                None => (long, None),
            };
            let matches: Vec<&str> = LONG
                .iter()
                .copied()
                .filter(|o| o.starts_with(name))
                .collect();
            let option = match (matches.as_slice(), LONG.contains(&name)) {
                (_, true) => name,
                ([one], false) => *one,
                ([], false) => return Err(format!("option --{name} not recognized")),
                (_, false) => return Err(format!("option --{name} not a unique prefix")),
            };
            let value = match inline {
                Some(v) => v,
                None => {
                    i += 1;
                    args.get(i)
                        .cloned()
                        .ok_or_else(|| format!("option --{option} requires argument"))?
                }
            };
            match option {
                "conf-file" => options.conf_file = Some(value),
                "log-file" => options.log_file = Some(value),
                _ => options.log_level = Some(value),
            }
        } else {
            for (at, c) in arg[1..].char_indices() {
                match c {
                    'f' | 'o' | 'g' => {
                        let rest = &arg[1 + at + c.len_utf8()..];
                        let value = if rest.is_empty() {
                            i += 1;
                            args.get(i)
                                .cloned()
                                .ok_or_else(|| format!("option -{c} requires argument"))?
                        } else {
                            rest.to_owned()
                        };
                        if c == 'f' {
                            options.conf_file = Some(value);
                        }
                        break;
                    }
                    'l' | 'e' | 'v' => {}
                    other => return Err(format!("option -{other} not recognized")),
                }
            }
        }
        i += 1;
    }
    Ok(options)
}

fn usage_error(message: &str) -> Translated {
    Translated::Done {
        stdout: format!("ovirt-dr: {message}\nUse 'ovirt-dr --help' for more information.\n"),
        exit: Exit::Usage,
    }
}

fn level_name(level: LogLevel) -> &'static str {
    match level {
        LogLevel::Debug => "DEBUG",
        LogLevel::Info => "INFO",
        LogLevel::Warning => "WARNING",
        LogLevel::Error => "ERROR",
    }
}

/// Turns `args` (argv\[0\] first) into what to do. `ask` answers the script's question for a
/// conf file that does not exist (`None` at the end of input: a usage error); `epoch_ms`
/// fills `{}` in the log file name.
pub(crate) fn translate(
    args: &[OsString],
    ask: &mut dyn FnMut(&str) -> Option<String>,
    epoch_ms: u128,
) -> Translated {
    let args: Vec<String> = args
        .iter()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let Some(action) = args.first() else {
        return usage_error("missing action operand");
    };
    if action == "--help" || action == "-h" {
        return Translated::Done {
            stdout: USAGE.into(),
            exit: Exit::Success,
        };
    }
    if !ACTIONS.contains(&action.as_str()) {
        return Translated::Done {
            stdout: format!("\tError: action '{action}' is not defined\n{USAGE}"),
            exit: Exit::Usage,
        };
    }
    let options = match getopt(&args[1..]) {
        Ok(o) => o,
        Err(e) => {
            return Translated::Done {
                stdout: format!("ovirt-dr: {e}\n{USAGE}"),
                exit: Exit::Usage,
            };
        }
    };
    let mut conf_file = options
        .conf_file
        .clone()
        .unwrap_or_else(|| DEFAULT_CONF.into());
    while !Path::new(&conf_file).is_file() {
        let question = format!(
            "Conf file '{conf_file}' does not exist. Please provide the configuration file location: "
        );
        match ask(&question) {
            Some(answer) => conf_file = answer.trim().to_owned(),
            None => return usage_error(&format!("the conf file '{conf_file}' does not exist")),
        }
    }
    // The [log] section fills what the command line leaves out; a conf file with errors is
    // reported by olvm-dr itself, with positions, when it reads the file.
    let conf = DrConf::load(Path::new(&conf_file)).ok().map(|(c, _)| c);
    let base = Path::new(&conf_file)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let log_file = options.log_file.clone().or_else(|| {
        conf.as_ref()
            .and_then(|c| c.log.log_file.as_ref())
            .map(|v| v.value.clone())
    });
    let log_level = options.log_level.clone().or_else(|| {
        conf.as_ref()
            .and_then(|c| c.log.log_level.as_ref())
            .map(|v| level_name(v.value).to_owned())
    });
    let mut out: Vec<OsString> = vec!["olvm-dr".into(), "--conf-file".into(), conf_file.into()];
    let mut announced = None;
    // validate writes to stdout only, as the script's validator does.
    if action != "validate" {
        let level = log_level
            .unwrap_or_else(|| "DEBUG".into())
            .to_ascii_uppercase();
        if !["DEBUG", "INFO", "WARNING", "ERROR"].contains(&level.as_str()) {
            return usage_error("log level must be 'DEBUG' 'INFO' 'WARNING' 'ERROR'");
        }
        out.extend(["--log-level".into(), level.into()]);
        if let Some(raw) = log_file.filter(|f| !f.trim().is_empty()) {
            let named = if options.log_file.is_some() {
                PathBuf::from(log_file_name(&raw, epoch_ms))
            } else {
                resolve_path(&log_file_name(&raw, epoch_ms), &base)
            };
            out.extend(["--log-file".into(), named.clone().into_os_string()]);
            announced = Some(named);
        }
    }
    out.push(action.into());
    match action.as_str() {
        // The script neither asks before a failover nor lets one be declined.
        "failover" => out.push("--yes".into()),
        // The script's failback pauses for the operator once the storage must be switched.
        "failback" => out.extend(["--yes".into(), "--storage-ready-prompt".into()]),
        _ => {}
    }
    Translated::Run {
        args: out,
        log_file: announced,
    }
}

/// The question for a missing conf file, asked on stdout and answered on stdin.
pub(crate) fn ask_stdin(question: &str) -> Option<String> {
    crate::output::out(question);
    let mut answer = String::new();
    match std::io::stdin().lock().read_line(&mut answer) {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(answer),
    }
}

/// Creates the log file's directory, as the script does before a run.
pub(crate) fn create_log_dir(path: &Path) -> Result<(), String> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() && !dir.exists() => std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create the log directory {}: {e}", dir.display())),
        _ => Ok(()),
    }
}

#[cfg(test)]
#[path = "ovirt_dr_tests.rs"]
mod tests;
