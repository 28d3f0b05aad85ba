//! The storage gate from the command line: a command, a file, or a question on the terminal.

use std::io::{BufRead, IsTerminal, Write};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use olvm_dr_core::execute::{CommandGate, FileGate, StepContext, StepFailure, StorageGate};

use super::progress::CliReporter;
use crate::flow_args::{AnswerArgs, GateArgs};

/// Asks the operator on the terminal to confirm that storage is ready.
pub(crate) struct PromptGate {
    reporter: Arc<CliReporter>,
    timeout: Duration,
}

#[async_trait]
impl StorageGate for PromptGate {
    async fn wait_ready(
        &self,
        description: &str,
        ctx: &StepContext,
    ) -> Result<String, StepFailure> {
        ctx.progress("waiting for the operator at the storage gate");
        let reporter = self.reporter.clone();
        let description = description.to_owned();
        let gate = ctx.step().as_str().to_owned();
        let ask = tokio::task::spawn_blocking(move || {
            reporter.suspend(|| {
                let mut err = std::io::stderr().lock();
                if is_recovery_question(&gate) {
                    // A recovery plan's group whose waits did not all pass (on_timeout: ask).
                    let _ = writeln!(err, "\n=== Recovery plan: {gate} ===");
                    let _ = writeln!(err, "{description}.");
                    let _ = write!(err, "Type 'ready' to go on: ");
                } else {
                    let _ = writeln!(err, "\n=== Storage gate: {gate} ===");
                    let _ = writeln!(err, "Waiting until {description}.");
                    let _ = writeln!(
                        err,
                        "Do this on the storage arrays now (olvm-dr does not touch them)."
                    );
                    let _ = write!(err, "Type 'ready' when it is done: ");
                }
                let _ = err.flush();
                let mut answer = String::new();
                std::io::stdin()
                    .lock()
                    .read_line(&mut answer)
                    .map(|_| answer.trim().to_owned())
            })
        });
        match tokio::time::timeout(self.timeout, ask).await {
            Ok(Ok(Ok(answer))) if answer == "ready" => {
                Ok("the operator confirmed at the terminal".into())
            }
            Ok(Ok(Ok(answer))) => Err(StepFailure::new(format!(
                "the operator answered '{answer}' instead of 'ready'; rerun to continue"
            ))),
            Ok(Ok(Err(e))) => Err(StepFailure::new(format!("cannot read the terminal: {e}"))),
            Ok(Err(e)) => Err(StepFailure::new(format!("the prompt failed: {e}"))),
            Err(_) => Err(StepFailure::new(format!(
                "nobody confirmed within {} minutes; rerun to continue",
                self.timeout.as_secs() / 60
            ))),
        }
    }
}

/// The gate the options ask for; on a terminal the prompt is the default. `Err` with a message
/// when there is no way to pass it (no option and no terminal).
pub(crate) fn from_args(
    args: &GateArgs,
    reporter: &Arc<CliReporter>,
) -> Result<Arc<dyn StorageGate>, String> {
    let timeout = Duration::from_secs(args.storage_ready_timeout.saturating_mul(60));
    if let Some(command) = &args.storage_ready_command {
        return Ok(Arc::new(CommandGate::new(command.clone(), timeout)));
    }
    if let Some(path) = &args.storage_ready_file {
        return Ok(Arc::new(FileGate {
            path: path.clone(),
            timeout,
        }));
    }
    if args.storage_ready_prompt || std::io::stdin().is_terminal() {
        return Ok(Arc::new(PromptGate {
            reporter: reporter.clone(),
            timeout,
        }));
    }
    Err("the plan waits for storage (replication reversed, new site writable): give --storage-ready-command or --storage-ready-file (stdin is not a terminal to ask)".into())
}

/// Where the answers to a recovery plan's questions come from, besides the terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Answer {
    /// A command that confirms by exiting with 0.
    Command(String),
    /// A file that confirms by existing (`{gate}` naming one per step).
    File(std::path::PathBuf),
}

/// The answer the options give, else the one dr.conf gives (`answer_command`, `answer_file`
/// of `[failover_failback]`); `None` when neither does. The command line's command or file wins
/// over both of dr.conf's.
pub(crate) fn answer_from(
    args: &AnswerArgs,
    conf: Option<&olvm_dr_core::config::DrConf>,
) -> Option<Answer> {
    if let Some(c) = &args.answer_command {
        return Some(Answer::Command(c.clone()));
    }
    if let Some(f) = &args.answer_file {
        return Some(Answer::File(f.clone()));
    }
    let conf = conf?;
    if let Some(c) = &conf.failover.answer_command {
        return Some(Answer::Command(c.value.clone()));
    }
    conf.failover
        .answer_file
        .as_ref()
        .map(|f| Answer::File(f.value.clone()))
}

/// The gate that answers a recovery plan's questions by `answer`, each within `minutes`.
/// `questions` is how many places of the plan may ask: a file without `{gate}` is refused
/// when there are several, as one file would answer them all at once.
pub(crate) fn answer_gate(
    answer: &Answer,
    minutes: u64,
    questions: usize,
) -> Result<Arc<dyn StorageGate>, String> {
    let timeout = Duration::from_secs(minutes.saturating_mul(60));
    match answer {
        Answer::Command(command) => Ok(Arc::new(CommandGate::new(command.clone(), timeout))),
        Answer::File(path) => {
            let gate = FileGate {
                path: path.clone(),
                timeout,
            };
            if questions > 1 && !gate.is_per_gate() {
                return Err(format!(
                    "the recovery plan may ask {questions} times: put {placeholder} in the answer file (e.g. {example}) so each manual step or ask waits for its own file",
                    placeholder = olvm_dr_core::execute::GATE_PLACEHOLDER,
                    example = path
                        .with_file_name(format!("{}.ok", olvm_dr_core::execute::GATE_PLACEHOLDER))
                        .display()
                ));
            }
            Ok(Arc::new(gate))
        }
    }
}

/// The question on the terminal for a command with no gate options (a failover whose
/// recovery plan asks when a group's wait times out); `None` when stdin is not a terminal.
pub(crate) fn terminal_prompt(reporter: &Arc<CliReporter>) -> Option<Arc<dyn StorageGate>> {
    std::io::stdin().is_terminal().then(|| {
        Arc::new(PromptGate {
            reporter: reporter.clone(),
            timeout: Duration::from_secs(240 * 60),
        }) as Arc<dyn StorageGate>
    })
}

/// `true` for the steps of a recovery plan that ask the operator: a group whose waits did not
/// all pass, a manual step, a failed hook whose policy is to ask.
fn is_recovery_question(step: &str) -> bool {
    ["group/", "manual/", "hook/"]
        .iter()
        .any(|p| step.starts_with(p))
}

/// Passes the questions of a recovery plan (steps `group/…`, `manual/…`, `hook/…`) at `groups` and every other
/// gate at `storage` (refused when there is none).
struct ByStep {
    storage: Option<Arc<dyn StorageGate>>,
    groups: Arc<dyn StorageGate>,
}

#[async_trait]
impl StorageGate for ByStep {
    async fn wait_ready(
        &self,
        description: &str,
        ctx: &StepContext,
    ) -> Result<String, StepFailure> {
        if is_recovery_question(ctx.step().as_str()) {
            return self.groups.wait_ready(description, ctx).await;
        }
        match &self.storage {
            Some(g) => g.wait_ready(description, ctx).await,
            None => Err(StepFailure::new(
                "the plan has a storage gate but this command cannot pass one",
            )),
        }
    }
}

/// A gate that sends the recovery plan's group questions to `groups` and the storage gates to
/// `storage`.
pub(crate) fn by_step(
    storage: Option<Arc<dyn StorageGate>>,
    groups: Arc<dyn StorageGate>,
) -> Arc<dyn StorageGate> {
    Arc::new(ByStep { storage, groups })
}

#[cfg(test)]
mod tests {
    use super::*;
    use olvm_dr_core::config::{ConfValue, DrConf};

    fn args(command: Option<&str>, file: Option<&str>) -> AnswerArgs {
        AnswerArgs {
            answer_command: command.map(str::to_owned),
            answer_file: file.map(std::path::PathBuf::from),
            answer_timeout: 1,
        }
    }

    #[test]
    fn the_command_line_answer_wins_over_dr_conf() {
        let mut conf = DrConf::default();
        conf.failover.answer_file = Some(ConfValue {
            value: "/conf/{gate}".into(),
            line: 3,
        });
        assert_eq!(answer_from(&args(None, None), None), None);
        assert_eq!(
            answer_from(&args(None, None), Some(&conf)),
            Some(Answer::File("/conf/{gate}".into()))
        );
        assert_eq!(
            answer_from(&args(Some("true"), None), Some(&conf)),
            Some(Answer::Command("true".into()))
        );
        conf.failover.answer_command = Some(ConfValue {
            value: "confirm.sh".into(),
            line: 4,
        });
        assert_eq!(
            answer_from(&args(None, None), Some(&conf)),
            Some(Answer::Command("confirm.sh".into()))
        );
    }

    #[test]
    fn one_file_for_several_questions_is_refused() {
        let one = Answer::File("/run/dr/ok".into());
        assert!(answer_gate(&one, 1, 1).is_ok());
        let e = answer_gate(&one, 1, 2).err().unwrap();
        assert!(e.contains("/run/dr/{gate}.ok"), "{e}");
        assert!(answer_gate(&Answer::File("/run/dr/{gate}".into()), 1, 5).is_ok());
    }
}
