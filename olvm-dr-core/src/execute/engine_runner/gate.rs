//! Storage gates: the pause between "the source is clean" and "import on the target", while
//! replication is reversed and the target side made writable — work outside our control.

use std::path::PathBuf;
use std::time::Duration;

use async_trait::async_trait;
use tokio::time::Instant;

use crate::Secret;
use crate::execute::{StepContext, StepFailure};

/// Decides when storage is ready. The CLI adds an interactive prompt; the core provides a
/// command and a file gate.
#[async_trait]
pub trait StorageGate: Send + Sync {
    /// Returns once storage is ready, with a description of what confirmed it (it goes to the
    /// journal), or fails when it does not get ready in time.
    async fn wait_ready(&self, description: &str, ctx: &StepContext)
    -> Result<String, StepFailure>;
}

/// The environment variable that names the gate a [`CommandGate`]'s command is run for: the
/// gate step's id (one of [`crate::plan::gates`]), so one script can serve every gate of a plan.
pub const GATE_ENV: &str = "OLVM_DR_GATE";
/// The environment variable with the site the gate's step belongs to (the site whose storage
/// must become ready: `primary` or `secondary`).
pub const GATE_SITE_ENV: &str = "OLVM_DR_GATE_SITE";
/// The environment variable with the gate's description, for humans and logs.
pub const GATE_DESCRIPTION_ENV: &str = "OLVM_DR_GATE_DESCRIPTION";
/// The placeholder a [`FileGate`] path may contain; it becomes the gate step's id.
pub const GATE_PLACEHOLDER: &str = "{gate}";

/// Runs a command (through `sh -c`, e.g. a storage array's CLI that reverses replication) and
/// continues when it exits with 0. Its output is recorded in the journal. The command sees
/// [`GATE_ENV`], [`GATE_SITE_ENV`] and [`GATE_DESCRIPTION_ENV`] in its environment, and none of
/// olvm-dr's secret variables ([`SECRET_VARIABLES`](crate::config::env::SECRET_VARIABLES));
/// their values, and the secrets given with [`redacting`](Self::redacting), are replaced by
/// `<redacted>` in the output (and the command line) before they reach the journal.
#[derive(Debug, Clone)]
pub struct CommandGate {
    /// The command line.
    pub command: String,
    /// How long it may run.
    pub timeout: Duration,
    /// Secrets to keep out of the journal should the command print them.
    pub redact: Vec<Secret>,
}

impl CommandGate {
    /// A gate running `command`, for at most `timeout`.
    pub fn new(command: impl Into<String>, timeout: Duration) -> Self {
        Self {
            command: command.into(),
            timeout,
            redact: Vec::new(),
        }
    }

    /// Also redacts these secrets (e.g. the sites' passwords) from what is journaled.
    #[must_use]
    pub fn redacting(mut self, secrets: impl IntoIterator<Item = Secret>) -> Self {
        self.redact.extend(secrets);
        self
    }

    /// The command as it is started: `sh -c COMMAND`, stdin closed, the gate's variables set and
    /// the secret ones removed.
    fn command(&self, gate: &str, site: &str, description: &str) -> tokio::process::Command {
        let mut command = shell(&self.command);
        command
            .env(GATE_ENV, gate)
            .env(GATE_SITE_ENV, site)
            .env(GATE_DESCRIPTION_ENV, description);
        command
    }

    /// `text` with every known secret replaced by `<redacted>`.
    fn redacted(&self, text: &str) -> String {
        scrub(text, &self.redact)
    }
}

/// `sh -c command`, with no input and none of the secret variables of the environment
/// (`OLVM_DR_*PASSWORD*`, the vault password), killed when dropped.
pub(super) fn shell(line: &str) -> tokio::process::Command {
    let mut command = tokio::process::Command::new("sh");
    command
        .arg("-c")
        .arg(line)
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    for name in crate::config::env::SECRET_VARIABLES {
        command.env_remove(name);
    }
    command
}

/// `text` with `redact` and the secret variables' values replaced by `<redacted>`.
pub(super) fn scrub(text: &str, redact: &[Secret]) -> String {
    let from_env = crate::config::env::SECRET_VARIABLES
        .iter()
        .filter_map(|name| crate::config::env::get(name));
    let mut out = text.to_owned();
    for secret in redact.iter().map(|s| s.expose().to_owned()).chain(from_env) {
        if !secret.is_empty() {
            out = out.replace(&secret, Secret::REDACTED);
        }
    }
    out
}

/// The most output of a gate command kept in the journal, in bytes. Array CLIs can be chatty;
/// the end of the output is what explains a failure.
const MAX_OUTPUT: usize = 16 * 1024;

pub(super) fn tail(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    if text.len() <= MAX_OUTPUT {
        return text.into_owned();
    }
    let mut start = text.len() - MAX_OUTPUT;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    format!("[... {start} bytes cut ...]{}", &text[start..])
}

#[async_trait]
impl StorageGate for CommandGate {
    async fn wait_ready(
        &self,
        description: &str,
        ctx: &StepContext,
    ) -> Result<String, StepFailure> {
        let shown = self.redacted(&self.command);
        ctx.progress(format!("running the storage-ready command: {shown}"));
        let child = self
            .command(ctx.step().as_str(), ctx.site().as_str(), description)
            .output();
        let out = match tokio::time::timeout(self.timeout, child).await {
            Ok(Ok(out)) => out,
            Ok(Err(e)) => {
                return Err(StepFailure::new(format!(
                    "cannot run the storage-ready command: {e}"
                )));
            }
            Err(_) => {
                return Err(StepFailure::new(format!(
                    "the storage-ready command did not end within {} s",
                    self.timeout.as_secs()
                )));
            }
        };
        let stdout = self.redacted(&tail(&out.stdout));
        let stderr = self.redacted(&tail(&out.stderr));
        let _ = ctx.fact("storage_gate.command", shown.clone());
        let _ = ctx.fact("storage_gate.stdout", stdout.clone());
        let _ = ctx.fact("storage_gate.stderr", stderr.clone());
        if out.status.success() {
            Ok(format!("the storage-ready command exited with 0: {shown}"))
        } else {
            Err(StepFailure::new(format!(
                "the storage-ready command failed ({}); stderr: {}",
                out.status,
                stderr.trim()
            )))
        }
    }
}

/// Waits until a file exists (created by whoever reversed replication). A path containing
/// [`GATE_PLACEHOLDER`] names one file per gate (`/run/dr/{gate}.ready` waits for
/// `/run/dr/storage-gate.ready` at the failback's gate, see [`crate::plan::gates`]); without it, every gate of a plan waits
/// for the same file.
#[derive(Debug, Clone)]
pub struct FileGate {
    /// The file, possibly with [`GATE_PLACEHOLDER`].
    pub path: PathBuf,
    /// How long to wait.
    pub timeout: Duration,
}

impl FileGate {
    /// The file the gate step `gate` waits for.
    pub fn path_for(&self, gate: &str) -> PathBuf {
        let text = self.path.to_string_lossy();
        if text.contains(GATE_PLACEHOLDER) {
            PathBuf::from(text.replace(GATE_PLACEHOLDER, gate))
        } else {
            self.path.clone()
        }
    }

    /// `true` when every gate has its own file.
    pub fn is_per_gate(&self) -> bool {
        self.path.to_string_lossy().contains(GATE_PLACEHOLDER)
    }
}

#[async_trait]
impl StorageGate for FileGate {
    async fn wait_ready(
        &self,
        description: &str,
        ctx: &StepContext,
    ) -> Result<String, StepFailure> {
        let path = self.path_for(ctx.step().as_str());
        let start = Instant::now();
        let mut reported = Instant::now() - Duration::from_secs(60);
        loop {
            if tokio::fs::try_exists(&path).await.unwrap_or(false) {
                return Ok(format!("{} exists", path.display()));
            }
            if start.elapsed() >= self.timeout {
                return Err(StepFailure::new(format!(
                    "{} did not appear within {} s",
                    path.display(),
                    self.timeout.as_secs()
                )));
            }
            if reported.elapsed() >= Duration::from_secs(30) {
                ctx.progress(format!(
                    "{description}; waiting for {} to exist",
                    path.display()
                ));
                reported = Instant::now();
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_runs_without_the_secret_variables_and_with_the_gate_ones() {
        let gate = CommandGate::new("true", Duration::from_secs(1));
        let command = gate.command("storage-gate", "primary", "replication reversed");
        let envs: Vec<(String, Option<String>)> = command
            .as_std()
            .get_envs()
            .map(|(k, v)| {
                (
                    k.to_string_lossy().into_owned(),
                    v.map(|v| v.to_string_lossy().into_owned()),
                )
            })
            .collect();
        for name in crate::config::env::SECRET_VARIABLES {
            assert!(
                envs.contains(&((*name).to_owned(), None)),
                "{name} is removed: {envs:?}"
            );
        }
        assert!(envs.contains(&(GATE_ENV.to_owned(), Some("storage-gate".into()))));
    }

    #[test]
    fn given_secrets_are_redacted_wherever_they_appear() {
        let gate = CommandGate::new("x", Duration::from_secs(1))
            .redacting([Secret::new("s3cret-pw"), Secret::new("")]);
        assert_eq!(
            gate.redacted("login admin s3cret-pw; again s3cret-pw"),
            "login admin <redacted>; again <redacted>"
        );
    }
}
