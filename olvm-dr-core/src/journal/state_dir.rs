//! The state directory: one locked directory that holds every run's plan, journal and report.
//!
//! ```text
//! <state-dir>/
//!   .lock                       held by the run in progress (exclusive file lock)
//!   runs/<run-id>/plan.json     the plan as approved
//!   runs/<run-id>/journal.jsonl the append-only journal
//!   runs/<run-id>/report.json   the report, rewritten at the end of each segment
//!   runs/<run-id>/report.html   the same report as a self-contained page, written with it
//! ```

use std::fs::{self, File, TryLockError};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::{JournalState, read_journal};
use crate::Site;
use crate::plan::PlanKind;

/// The state directory could not be used.
#[derive(Debug, thiserror::Error)]
pub enum StateDirError {
    /// Another run holds the lock.
    #[error(
        "another olvm-dr run is using the state directory {path} ({holder}); wait for it to end, or use another --state-dir"
    )]
    Busy {
        /// The state directory.
        path: PathBuf,
        /// What the lock file says about its holder.
        holder: String,
    },
    /// Another controller holds the run lock of a shared store (etcd).
    #[error(
        "another olvm-dr controller holds the run lock in {location} ({holder}); wait for it to end; if that controller is dead, its lock expires by itself within the lease time and the run can then be resumed with --resume RUN; nothing was changed"
    )]
    Held {
        /// The store.
        location: String,
        /// Who holds the lock (run, host, user, since).
        holder: String,
    },
    /// The store cannot be reached or answered with an error (etcd: no quorum, refused,
    /// authentication).
    #[error("cannot use the state store {location}: {message}")]
    Unavailable {
        /// The store.
        location: String,
        /// What went wrong.
        message: String,
    },
    /// This controller lost the run lock (its etcd lease expired): it writes nothing more.
    #[error("{0}")]
    LockLost(String),
    /// A file system error.
    #[error("cannot use the state directory {path}: {source}")]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
}

/// An opened, exclusively locked state directory. The lock is released when it is dropped.
#[derive(Debug)]
pub struct StateDir {
    root: PathBuf,
    /// `None` for a directory opened to read only (a dry run).
    _lock: Option<File>,
}

/// One run of a store.
#[derive(Clone)]
pub struct RunDir {
    /// Run id (the directory's name).
    pub id: String,
    /// Where it is: its directory in a local store; in etcd, `etcd://members/prefix/runs/<id>`
    /// (for people, not a file).
    pub path: PathBuf,
    /// The store, when it is not a directory on this machine.
    pub(crate) store: Option<std::sync::Arc<dyn crate::state::StateStore>>,
}

impl std::fmt::Debug for RunDir {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunDir")
            .field("id", &self.id)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl PartialEq for RunDir {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id && self.path == other.path
    }
}

impl Eq for RunDir {}

impl RunDir {
    /// A run of a directory on this machine.
    pub(crate) fn in_dir(id: String, path: PathBuf) -> Self {
        Self {
            id,
            path,
            store: None,
        }
    }

    /// The approved plan (a file of a local store).
    pub fn plan_path(&self) -> PathBuf {
        self.path.join("plan.json")
    }

    /// The journal.
    pub fn journal_path(&self) -> PathBuf {
        self.path.join("journal.jsonl")
    }

    /// The report.
    pub fn report_path(&self) -> PathBuf {
        self.path.join("report.json")
    }

    /// The report as a self-contained HTML page.
    pub fn html_report_path(&self) -> PathBuf {
        self.path.join("report.html")
    }

    /// Any other file of the run (e.g. the VMs recorded as running before a failback).
    pub fn file(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// What the journal says so far, or `None` when it has no records yet (or cannot be
    /// read).
    pub fn state(&self) -> Option<JournalState> {
        let records = match &self.store {
            Some(store) => store.records(&self.id).ok()?,
            None => read_journal(&self.journal_path()).ok()?,
        };
        JournalState::from_records(&records)
    }
}

impl StateDir {
    /// The default location: `olvm-dr` under the user's data directory
    /// (`$XDG_DATA_HOME`, usually `~/.local/share`). Never a temporary directory: the journal of
    /// a failover must survive a reboot of the machine that ran it.
    pub fn default_root() -> Option<PathBuf> {
        dirs::data_dir().map(|d| d.join("olvm-dr"))
    }

    /// Creates `root` if needed and takes its lock. Fails with [`StateDirError::Busy`] when
    /// another run holds it.
    pub fn open(root: &Path) -> Result<Self, StateDirError> {
        let io_err = |source| StateDirError::Io {
            path: root.to_owned(),
            source,
        };
        super::private::create_dir(&root.join("runs")).map_err(io_err)?;
        let lock_path = root.join(".lock");
        let lock = super::private::file_options()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&lock_path)
            .map_err(io_err)?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let holder = fs::read_to_string(&lock_path).unwrap_or_default();
                let holder = if holder.trim().is_empty() {
                    "unknown process".to_owned()
                } else {
                    holder.trim().to_owned()
                };
                return Err(StateDirError::Busy {
                    path: root.to_owned(),
                    holder,
                });
            }
            Err(TryLockError::Error(e)) => return Err(io_err(e)),
        }
        write_holder(&lock, None);
        Ok(Self {
            root: root.to_owned(),
            _lock: Some(lock),
        })
    }

    /// An existing state directory, to read only: no lock is taken and nothing is created (a
    /// dry run looks for the run it would resume, and writes nothing). `None` when `root` does
    /// not exist.
    pub fn open_to_read(root: &Path) -> Option<Self> {
        root.is_dir().then(|| Self {
            root: root.to_owned(),
            _lock: None,
        })
    }

    /// The directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether this directory is opened to write (its lock held).
    pub fn is_locked(&self) -> bool {
        self._lock.is_some()
    }

    /// Names run `id` in the lock file, for a second run that finds the directory busy.
    pub(crate) fn describe_holder(&self, id: &str) -> Result<(), StateDirError> {
        if let Some(lock) = &self._lock {
            write_holder(lock, Some(id));
        }
        Ok(())
    }

    /// Creates the directory of a new run.
    pub fn new_run(
        &self,
        kind: PlanKind,
        target: Site,
        drill: bool,
    ) -> Result<RunDir, StateDirError> {
        let id = new_run_id(kind, target, drill);
        let path = self.root.join("runs").join(&id);
        super::private::create_dir(&path).map_err(|source| StateDirError::Io {
            path: path.clone(),
            source,
        })?;
        Ok(RunDir::in_dir(id, path))
    }

    /// The run with this id.
    pub fn run(&self, id: &str) -> Option<RunDir> {
        let path = self.root.join("runs").join(id);
        path.is_dir().then(|| RunDir::in_dir(id.to_owned(), path))
    }

    /// Every run, oldest first.
    pub fn runs(&self) -> Vec<RunDir> {
        let mut runs: Vec<(std::time::SystemTime, RunDir)> = fs::read_dir(self.root.join("runs"))
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.path().is_dir())
            .map(|e| {
                let created = e
                    .metadata()
                    .and_then(|m| m.modified())
                    .unwrap_or(std::time::UNIX_EPOCH);
                (
                    created,
                    RunDir::in_dir(e.file_name().to_string_lossy().into_owned(), e.path()),
                )
            })
            .collect();
        runs.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.id.cmp(&b.1.id)));
        runs.into_iter().map(|(_, r)| r).collect()
    }

    /// The newest unfinished run of this flow, target and mapping, drill or not: the one a
    /// rerun of the same command resumes.
    pub fn resumable(
        &self,
        kind: PlanKind,
        target: Site,
        drill: bool,
        mapping_sha256: &str,
    ) -> Option<RunDir> {
        self.runs().into_iter().rev().find(|r| {
            r.state().is_some_and(|s| {
                s.finished.is_none()
                    && s.kind == kind
                    && s.target == target
                    && s.drill == drill
                    && s.mapping_sha256 == mapping_sha256
            })
        })
    }
}

/// A new run's id: `[drill-]<kind>-<target>-<UTC time>-<6 hex digits>`.
pub(crate) fn new_run_id(kind: PlanKind, target: Site, drill: bool) -> String {
    let stamp: String = humantime::format_rfc3339_seconds(std::time::SystemTime::now())
        .to_string()
        .chars()
        .filter(|c| *c != '-' && *c != ':')
        .collect();
    let suffix = &uuid::Uuid::new_v4().simple().to_string()[..6];
    let drill = if drill { "drill-" } else { "" };
    format!("{drill}{kind}-{target}-{stamp}-{suffix}")
}

/// Rewrites the lock file: this process, and the run it works on when known.
fn write_holder(mut lock: &File, run: Option<&str>) {
    use std::io::Seek;
    let mut text = format!("pid {}", std::process::id());
    if let Some(run) = run {
        text.push_str(&format!(
            ": {}",
            crate::flow::lock::LockHolder::this_process(run)
        ));
    }
    let _ = lock.set_len(0);
    let _ = lock.rewind();
    let _ = lock.write_all(text.as_bytes());
    let _ = lock.sync_data();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_open_is_refused_while_the_first_holds_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let first = StateDir::open(dir.path()).unwrap();
        let err = StateDir::open(dir.path()).unwrap_err();
        assert!(matches!(err, StateDirError::Busy { .. }), "{err}");
        assert!(
            err.to_string()
                .contains(&format!("pid {}", std::process::id()))
        );
        drop(first);
        let again = StateDir::open(dir.path()).unwrap();
        let run = again
            .new_run(PlanKind::Failover, Site::Secondary, false)
            .unwrap();
        assert!(run.id.starts_with("failover-secondary-"));
        assert_eq!(again.runs(), vec![run.clone()]);
        assert!(run.state().is_none());
    }
}
