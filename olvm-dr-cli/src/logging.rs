//! Logs: `tracing` to stderr, or to the log file (`--log-file`, `{}` = epoch milliseconds).

use std::fs::OpenOptions;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use olvm_dr_core::config::{env, log_file_name};
use tracing::level_filters::LevelFilter;
use tracing_subscriber::EnvFilter;

use std::io::IsTerminal;

use crate::cli::{ColorChoice, GlobalArgs};

/// Nothing to keep alive today; returned so that a buffered writer can be added without
/// changing callers.
pub(crate) struct LogGuard;

/// Installs the global subscriber. A second call in the same process (tests) keeps the first.
pub(crate) fn init(global: &GlobalArgs) -> Result<LogGuard, String> {
    let to_file = global.log_file.is_some();
    // Default: warnings on stderr (the results are on stdout), everything in a log file.
    let base = match global.log_level.as_deref() {
        Some("DEBUG") => LevelFilter::DEBUG,
        Some("INFO") => LevelFilter::INFO,
        Some("ERROR") => LevelFilter::ERROR,
        Some(_) => LevelFilter::WARN,
        None if to_file => LevelFilter::DEBUG,
        None => LevelFilter::WARN,
    };
    let level = if global.quiet > 0 {
        LevelFilter::ERROR
    } else {
        raise(base, global.verbose)
    };
    let filter = match env::get(env::LOG) {
        Some(directives) => EnvFilter::try_new(directives)
            .map_err(|e| format!("{} is not a valid log filter: {e}", env::LOG))?,
        None => EnvFilter::default().add_directive(level.into()),
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    match &global.log_file {
        Some(path) => {
            let epoch_ms = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_millis());
            let path = std::path::PathBuf::from(log_file_name(&path.to_string_lossy(), epoch_ms));
            // A directory that does not exist is a typo far more often than a wish: say so
            // before anything runs instead of creating it (or losing the log).
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
                && !dir.is_dir()
            {
                return Err(format!(
                    "cannot write the log file {}: the directory {} does not exist; create it or give another --log-file",
                    path.display(),
                    dir.display()
                ));
            }
            let mut options = OpenOptions::new();
            options.create(true).append(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let file = options
                .open(&path)
                .map_err(|e| format!("cannot open log file {}: {e}", path.display()))?;
            let _ = builder
                .with_ansi(false)
                .with_writer(Mutex::new(file))
                .try_init();
        }
        None => {
            // Colour only on a terminal, and only when --color and NO_COLOR allow it.
            let ansi = match global.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
                }
            };
            // Above the progress bar while a run shows one, repeats folded.
            let _ = builder
                .with_ansi(ansi)
                .with_writer(crate::term_log::TermLog)
                .try_init();
        }
    }
    Ok(LogGuard)
}

fn raise(level: LevelFilter, steps: u8) -> LevelFilter {
    let order = [
        LevelFilter::ERROR,
        LevelFilter::WARN,
        LevelFilter::INFO,
        LevelFilter::DEBUG,
        LevelFilter::TRACE,
    ];
    let at = order.iter().position(|l| *l == level).unwrap_or(1);
    order[(at + usize::from(steps)).min(order.len() - 1)]
}
