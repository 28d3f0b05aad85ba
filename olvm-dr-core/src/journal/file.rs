//! Writing and reading journal files: append-only JSON lines, synced to disk per record that
//! matters.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::Record;
use crate::state::{JournalSink, StateStore};

/// Where a journal's records go.
#[derive(Debug)]
enum Sink {
    /// An append-only file.
    File { file: File, path: PathBuf },
    /// A run of a [`StateStore`] that is not a directory on this machine (etcd).
    Store {
        writer: Box<dyn JournalSink>,
        store: Arc<dyn StateStore>,
        run: String,
    },
    /// Memory only (tests and throw-away runs).
    Memory(Vec<Record>),
}

/// An append-only run journal.
///
/// Records that the run depends on ([`Journal::append`] with `durable = true`: step results, added
/// steps, facts) are written and `fdatasync`ed before the call returns, so a run killed at any
/// moment leaves a journal that holds every completed step. Writes are done inline (no background
/// thread): a journal append never lets a paused tokio clock jump, which keeps simulated runs
/// deterministic.
#[derive(Debug)]
pub struct Journal {
    sink: Mutex<Sink>,
}

/// A journal could not be read.
#[derive(Debug, thiserror::Error)]
pub enum JournalReadError {
    /// The file could not be read.
    #[error("cannot read journal {path}: {source}")]
    Io {
        /// The journal file.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// A shared store (etcd) could not be read, or holds a record that is not valid.
    #[error("cannot read the journal in {location}: {message}")]
    Store {
        /// The store and run.
        location: String,
        /// What went wrong.
        message: String,
    },
    /// A line in the middle of the file is not a valid record (a cut-off last line is tolerated:
    /// that is how a killed run leaves it).
    #[error("journal {path} is damaged at line {line}: {message}")]
    Damaged {
        /// The journal file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

impl Journal {
    /// Opens `path` for appending, creating it (and its directory) if needed.
    pub fn open(path: &Path) -> io::Result<Self> {
        if let Some(dir) = path.parent() {
            super::private::create_dir(dir)?;
        }
        let file = super::private::file_options()
            .create(true)
            .append(true)
            .open(path)?;
        Ok(Self {
            sink: Mutex::new(Sink::File {
                file,
                path: path.to_owned(),
            }),
        })
    }

    /// The journal of run `run` in `store`, appended through the store (its writes fenced by
    /// the store's run lock).
    ///
    /// # Errors
    /// The store cannot open the journal for appending.
    pub fn in_store(
        store: Arc<dyn StateStore>,
        run: &str,
    ) -> Result<Self, crate::journal::StateDirError> {
        Ok(Self {
            sink: Mutex::new(Sink::Store {
                writer: store.journal(run)?,
                store,
                run: run.to_owned(),
            }),
        })
    }

    /// Why this journal can no longer be written by this controller (its store's run lock was
    /// lost), `None` while it can.
    pub fn lock_lost(&self) -> Option<String> {
        match &*self.lock() {
            Sink::Store { store, .. } => store.lock_lost(),
            Sink::File { .. } | Sink::Memory(_) => None,
        }
    }

    /// A journal kept in memory only.
    pub fn memory() -> Self {
        Self {
            sink: Mutex::new(Sink::Memory(Vec::new())),
        }
    }

    /// The file, for file journals.
    pub fn path(&self) -> Option<PathBuf> {
        match &*self.lock() {
            Sink::File { path, .. } => Some(path.clone()),
            Sink::Store { .. } | Sink::Memory(_) => None,
        }
    }

    /// Appends one record; with `durable`, the record (and every earlier one) is on disk when
    /// this returns.
    pub fn append(&self, record: &Record, durable: bool) -> io::Result<()> {
        let mut sink = self.lock();
        match &mut *sink {
            Sink::File { file, .. } => {
                let mut line = serde_json::to_vec(record).map_err(io::Error::other)?;
                line.push(b'\n');
                file.write_all(&line)?;
                if durable {
                    file.sync_data()?;
                }
                Ok(())
            }
            Sink::Store { writer, .. } => writer.append(record, durable),
            Sink::Memory(records) => {
                records.push(record.clone());
                Ok(())
            }
        }
    }

    /// Appends one record durably without waiting here for a store that commits records
    /// together (etcd): the returned future ends once the record and every earlier one are
    /// durable. A file or memory journal appends (and syncs) it before this returns, as
    /// [`append`](Self::append) with `durable` does, and the future is already finished.
    pub fn submit(&self, record: &Record) -> crate::state::Commit {
        let mut sink = self.lock();
        match &mut *sink {
            Sink::Store { writer, .. } => writer.submit(record),
            Sink::File { .. } | Sink::Memory(_) => {
                drop(sink);
                Box::pin(std::future::ready(self.append(record, true)))
            }
        }
    }

    /// Makes every record appended so far durable, those appended without `durable` too (see
    /// [`JournalSink::flush`]): a file is synced before this returns; a store's future ends once
    /// its commit is acknowledged.
    pub fn flush(&self) -> crate::state::Commit {
        let mut sink = self.lock();
        match &mut *sink {
            Sink::Store { writer, .. } => writer.flush(),
            Sink::File { file, .. } => Box::pin(std::future::ready(file.sync_data())),
            Sink::Memory(_) => Box::pin(std::future::ready(Ok(()))),
        }
    }

    /// The records so far: from memory, or read back from the file.
    pub fn records(&self) -> Result<Vec<Record>, JournalReadError> {
        let path = match &*self.lock() {
            Sink::Memory(records) => return Ok(records.clone()),
            Sink::Store { store, run, .. } => return store.records(run),
            Sink::File { path, .. } => path.clone(),
        };
        read_journal(&path)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Sink> {
        self.sink
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl JournalSink for Journal {
    fn append(&mut self, record: &Record, durable: bool) -> io::Result<()> {
        Journal::append(self, record, durable)
    }

    fn submit(&mut self, record: &Record) -> crate::state::Commit {
        Journal::submit(self, record)
    }

    fn flush(&mut self) -> crate::state::Commit {
        Journal::flush(self)
    }
}

/// Waits for a record's commit. On a multi-thread runtime it is awaited, so the task's worker
/// thread goes on with other tasks meanwhile and the records of steps that end meanwhile share
/// the next commit. On a current-thread runtime (or none) the thread blocks until it ends, as a
/// synchronous append would: a paused tokio clock (simulated runs) then never jumps ahead while
/// the journal writes, which keeps such runs deterministic.
pub async fn wait_commit(commit: crate::state::Commit) -> io::Result<()> {
    if commit_blocks() {
        block_on(commit)
    } else {
        commit.await
    }
}

/// Whether a commit is waited for by blocking the thread (see [`wait_commit`]).
pub(crate) fn commit_blocks() -> bool {
    tokio::runtime::Handle::try_current().map_or(true, |h| {
        h.runtime_flavor() == tokio::runtime::RuntimeFlavor::CurrentThread
    })
}

/// Runs `f` to its end on this thread, parking it while `f` waits (a commit is ended by
/// another thread: the journal's writer, or nothing when it is already finished).
pub(crate) fn block_on<F: std::future::Future>(f: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl std::task::Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = std::task::Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = std::task::Context::from_waker(&waker);
    let mut f = std::pin::pin!(f);
    loop {
        if let std::task::Poll::Ready(out) = f.as_mut().poll(&mut cx) {
            return out;
        }
        std::thread::park();
    }
}

/// Reads every record of a journal file. A damaged *last* line (a write cut short by a kill) is
/// ignored; damage anywhere else is an error.
pub fn read_journal(path: &Path) -> Result<Vec<Record>, JournalReadError> {
    let io_err = |source| JournalReadError::Io {
        path: path.to_owned(),
        source,
    };
    let file = File::open(path).map_err(io_err)?;
    let mut lines: Vec<String> = Vec::new();
    for line in BufReader::new(file).lines() {
        lines.push(line.map_err(io_err)?);
    }
    let last = lines.iter().rposition(|l| !l.trim().is_empty());
    let mut records = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Record>(line) {
            Ok(r) => records.push(r),
            Err(_) if Some(i) == last => break,
            Err(e) => {
                return Err(JournalReadError::Damaged {
                    path: path.to_owned(),
                    line: i + 1,
                    message: e.to_string(),
                });
            }
        }
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::StepId;

    fn started(step: &str) -> Record {
        Record::StepStarted {
            step: StepId::from(step),
            at: "2026-01-01T00:00:00Z".into(),
            t_ms: 1,
        }
    }

    #[test]
    fn appends_and_reads_back_tolerating_a_cut_last_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("runs/r1/journal.jsonl");
        let j = Journal::open(&path).unwrap();
        j.append(&started("a"), true).unwrap();
        j.append(&started("b"), false).unwrap();
        drop(j);
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        f.write_all(b"{\"record\":\"step_sta").unwrap();
        drop(f);
        let records = read_journal(&path).unwrap();
        assert_eq!(records, vec![started("a"), started("b")]);

        // Damage in the middle is reported with its line.
        std::fs::write(&path, "{\"record\":\"nope\"}\n{\"record\":\"step_started\",\"step\":\"a\",\"at\":\"x\",\"t_ms\":1}\n")
            .unwrap();
        let err = read_journal(&path).unwrap_err();
        assert!(
            matches!(err, JournalReadError::Damaged { line: 1, .. }),
            "{err}"
        );
    }
}
