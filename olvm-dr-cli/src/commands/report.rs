//! `olvm-dr report ...`: the reports of runs.

use std::path::Path;

use olvm_dr_core::flow::RunStore;
use olvm_dr_core::report::{Report, ReportDiff};

use crate::cli::{GlobalArgs, OutputFormat};
use crate::exit::Exit;
use crate::flow::setup;
use crate::flow_args::{ReportCommand, state_option};
use crate::output;

pub(crate) fn run(global: &GlobalArgs, command: &ReportCommand) -> Exit {
    match command {
        ReportCommand::Show {
            run,
            state_dir,
            output: format,
            html,
            state,
        } => {
            let option = state_option(state.as_deref(), state_dir.as_deref());
            let store = match setup::open_store_for_reports(global, option.as_deref()) {
                Ok(s) => s,
                Err(exit) => return exit,
            };
            let id = match run
                .clone()
                .or_else(|| store.runs().last().map(|r| r.id.clone()))
            {
                Some(id) => id,
                None => {
                    output::error_line("there are no runs in the state directory");
                    return Exit::Failure;
                }
            };
            let report = match stored_report(&store, &id) {
                Ok(r) => r,
                Err(exit) => return exit,
            };
            if let Some(path) = html {
                return write_html(path, &report.render_html());
            }
            match format {
                OutputFormat::Json => output::out(&(report.to_json() + "\n")),
                OutputFormat::Text => output::out(&report.render_summary()),
            }
            Exit::Success
        }
        ReportCommand::List { state_dir, state } => {
            let option = state_option(state.as_deref(), state_dir.as_deref());
            let store = match setup::open_store_for_reports(global, option.as_deref()) {
                Ok(s) => s,
                Err(exit) => return exit,
            };
            let mut text = String::new();
            for run in store.runs() {
                let status = match run.state() {
                    None => "no journal".to_owned(),
                    Some(s) => match s.finished {
                        Some(v) => format!("{v:?}").to_lowercase(),
                        None => "interrupted (resumable)".to_owned(),
                    },
                };
                text.push_str(&format!("{}  {status}\n", run.id));
            }
            if text.is_empty() {
                text.push_str("no runs\n");
            }
            output::out(&text);
            Exit::Success
        }
        ReportCommand::Diff {
            before,
            after,
            state_dir,
            output: format,
            html,
            state,
        } => {
            let option = state_option(state.as_deref(), state_dir.as_deref());
            let store = match setup::open_store_for_reports(global, option.as_deref()) {
                Ok(s) => s,
                Err(exit) => return exit,
            };
            let (a, b) = match (stored_report(&store, before), stored_report(&store, after)) {
                (Ok(a), Ok(b)) => (a, b),
                (Err(exit), _) | (_, Err(exit)) => return exit,
            };
            let diff = ReportDiff::new(&a, &b);
            if let Some(path) = html {
                return write_html(path, &diff.render_html());
            }
            match format {
                OutputFormat::Json => output::out(&(diff.to_json() + "\n")),
                OutputFormat::Text => output::out(&diff.render_text()),
            }
            Exit::Success
        }
    }
}

/// The stored report of run `id`, or the exit after saying why there is none.
fn stored_report(store: &RunStore, id: &str) -> Result<Report, Exit> {
    store.report(id).map_err(|e| {
        output::error_line(&format!(
            "{e} (a run that was interrupted has no report until it is resumed)"
        ));
        Exit::Failure
    })
}

/// Writes an HTML page to `path` (`-`: stdout).
fn write_html(path: &Path, page: &str) -> Exit {
    if path == Path::new("-") {
        output::out(page);
        return Exit::Success;
    }
    match std::fs::write(path, page) {
        Ok(()) => {
            output::note_line(&format!("wrote {}", path.display()));
            Exit::Success
        }
        Err(e) => {
            output::error_line(&format!("cannot write {}: {e}", path.display()));
            Exit::Failure
        }
    }
}
