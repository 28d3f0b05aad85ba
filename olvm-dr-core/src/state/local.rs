//! [`LocalStore`]: runs in a state directory on this machine (the default store).

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::{JournalSink, Scope, StateStore};
use crate::journal::{Journal, JournalReadError, Record, StateDir, StateDirError, read_journal};

/// A state directory as a [`StateStore`]: today's files (`runs/<id>/plan.json`,
/// `journal.jsonl`, `report.json`), locked with a file lock for as long as it is open to write.
/// Its lock is never lost while the process lives, so its writes are never fenced.
#[derive(Debug)]
pub struct LocalStore {
    dir: StateDir,
}

impl LocalStore {
    /// Opens (creating it if needed) and locks the state directory at `root`.
    ///
    /// # Errors
    /// [`StateDirError::Busy`] when another run holds it; [`StateDirError::Io`].
    pub fn open(root: &Path) -> Result<Self, StateDirError> {
        Ok(Self {
            dir: StateDir::open(root)?,
        })
    }

    /// An existing state directory, to read only (no lock; writes fail). `None` when `root`
    /// does not exist.
    pub fn open_to_read(root: &Path) -> Option<Self> {
        StateDir::open_to_read(root).map(|dir| Self { dir })
    }

    /// The directory.
    pub fn root(&self) -> &Path {
        self.dir.root()
    }

    fn blob_path(&self, scope: Scope<'_>, name: &str) -> PathBuf {
        match scope {
            Scope::Store => self.dir.root().join(name),
            Scope::Run(id) => self.run_location(id).join(name),
        }
    }

    fn refuse_unlocked(&self) -> Result<(), StateDirError> {
        if self.dir.is_locked() {
            Ok(())
        } else {
            Err(StateDirError::Io {
                path: self.dir.root().to_owned(),
                source: io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    "opened to read only (no run lock)",
                ),
            })
        }
    }
}

impl StateStore for LocalStore {
    fn location(&self) -> String {
        self.dir.root().display().to_string()
    }

    fn run_location(&self, id: &str) -> PathBuf {
        self.dir.root().join("runs").join(id)
    }

    fn local_root(&self) -> Option<&Path> {
        Some(self.dir.root())
    }

    fn run_ids(&self) -> Result<Vec<String>, StateDirError> {
        Ok(self.dir.runs().into_iter().map(|r| r.id).collect())
    }

    fn create_run(&self, id: &str) -> Result<(), StateDirError> {
        self.refuse_unlocked()?;
        let path = self.run_location(id);
        let io_err = |source| StateDirError::Io {
            path: path.clone(),
            source,
        };
        if path.exists() {
            return Err(io_err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                "a run with this id exists",
            )));
        }
        crate::journal::private::create_dir(&path).map_err(io_err)
    }

    fn remove_run(&self, id: &str) -> Result<(), StateDirError> {
        self.refuse_unlocked()?;
        let path = self.run_location(id);
        match fs::remove_dir_all(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(StateDirError::Io { path, source }),
        }
    }

    fn read(&self, scope: Scope<'_>, name: &str) -> Result<Option<Vec<u8>>, StateDirError> {
        let path = self.blob_path(scope, name);
        match fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(StateDirError::Io { path, source }),
        }
    }

    fn write(&self, scope: Scope<'_>, name: &str, bytes: &[u8]) -> Result<(), StateDirError> {
        self.refuse_unlocked()?;
        write_atomically(&self.blob_path(scope, name), bytes)
    }

    fn records(&self, id: &str) -> Result<Vec<Record>, JournalReadError> {
        let path = self.run_location(id).join("journal.jsonl");
        match read_journal(&path) {
            Err(JournalReadError::Io { source, .. })
                if source.kind() == io::ErrorKind::NotFound =>
            {
                Ok(Vec::new())
            }
            other => other,
        }
    }

    fn journal(&self, id: &str) -> Result<Box<dyn JournalSink>, StateDirError> {
        self.refuse_unlocked()?;
        let path = self.run_location(id).join("journal.jsonl");
        Journal::open(&path)
            .map(|j| Box::new(j) as Box<dyn JournalSink>)
            .map_err(|source| StateDirError::Io { path, source })
    }

    fn lock_lost(&self) -> Option<String> {
        None
    }

    fn set_lock_run(&self, id: &str) -> Result<(), StateDirError> {
        self.dir.describe_holder(id)
    }
}

/// Writes a file atomically: a temporary file in the same directory, synced, then renamed.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), StateDirError> {
    let io_err = |path: &Path, source| StateDirError::Io {
        path: path.to_owned(),
        source,
    };
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let mut f = crate::journal::private::file_options()
        .create(true)
        .write(true)
        .truncate(true)
        .open(&tmp)
        .map_err(|e| io_err(&tmp, e))?;
    f.write_all(bytes)
        .and_then(|()| f.sync_all())
        .map_err(|e| io_err(&tmp, e))?;
    fs::rename(&tmp, path).map_err(|e| io_err(path, e))
}
