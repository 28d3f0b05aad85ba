//! The storage gate from the command line: a command, a file, or a question on the terminal.

use std::io::{BufRead, IsTerminal, Write};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use olvm_dr_core::execute::{CommandGate, FileGate, StepContext, StepFailure, StorageGate};

use super::progress::CliReporter;
use crate::flow_args::GateArgs;

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
