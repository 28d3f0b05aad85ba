//! Storage gates: the pause between "the source is clean" and "import on the target", while
//! replication is reversed and the target side made writable — work outside our control.

use std::path::PathBuf;
use std::time::Duration;

use async_trait::async_trait;
use tokio::time::Instant;

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
/// [`GATE_ENV`], [`GATE_SITE_ENV`] and [`GATE_DESCRIPTION_ENV`] in its environment.
#[derive(Debug, Clone)]
pub struct CommandGate {
    /// The command line.
    pub command: String,
    /// How long it may run.
    pub timeout: Duration,
}

/// The most output of a gate command kept in the journal, in bytes. Array CLIs can be chatty;
/// the end of the output is what explains a failure.
const MAX_OUTPUT: usize = 16 * 1024;

fn tail(bytes: &[u8]) -> String {
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
        ctx.progress(format!(
            "running the storage-ready command: {}",
            self.command
        ));
        let child = tokio::process::Command::new("sh")
            .arg("-c")
            .arg(&self.command)
            .env(GATE_ENV, ctx.step().as_str())
            .env(GATE_SITE_ENV, ctx.site().as_str())
            .env(GATE_DESCRIPTION_ENV, description)
            .stdin(std::process::Stdio::null())
            .kill_on_drop(true)
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
        let stdout = tail(&out.stdout);
        let stderr = tail(&out.stderr);
        let _ = ctx.fact("storage_gate.command", self.command.clone());
        let _ = ctx.fact("storage_gate.stdout", stdout.clone());
        let _ = ctx.fact("storage_gate.stderr", stderr.clone());
        if out.status.success() {
            Ok(format!(
                "the storage-ready command exited with 0: {}",
                self.command
            ))
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
