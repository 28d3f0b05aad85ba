//! `olvm-dr report ...`: the reports of runs.

use crate::cli::{GlobalArgs, OutputFormat};
use crate::exit::Exit;
use crate::flow::setup;
use crate::flow_args::ReportCommand;
use crate::output;

pub(crate) fn run(_global: &GlobalArgs, command: &ReportCommand) -> Exit {
    match command {
        ReportCommand::Show {
            run,
            state_dir,
            output: format,
        } => {
            let store = match setup::open_store(state_dir.as_deref()) {
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
            match store.report(&id) {
                Ok(report) => {
                    match format {
                        OutputFormat::Json => output::out(&(report.to_json() + "\n")),
                        OutputFormat::Text => output::out(&report.render_summary()),
                    }
                    Exit::Success
                }
                Err(e) => {
                    output::error_line(&format!(
                        "{e} (a run that was interrupted has no report until it is resumed)"
                    ));
                    Exit::Failure
                }
            }
        }
        ReportCommand::List { state_dir } => {
            let store = match setup::open_store(state_dir.as_deref()) {
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
    }
}
