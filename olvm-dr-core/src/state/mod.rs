//! Where runs live: one store trait for every place a run's plan, journal records, report and
//! the run lock are kept, with two implementations:
//!
//! - [`LocalStore`]: a state directory on this machine (the default; see
//!   [`StateDir`](crate::journal::StateDir) for its layout), locked with a file lock;
//! - `EtcdStore` (feature `etcd`): a prefix in an etcd cluster (v3 API) whose members span both
//!   sites and a witness, so the runs and their lock survive the loss of the controller's own
//!   site. Its lock is an etcd lease kept alive while the run works.
//!
//! A store that holds the run lock fences its writes: once the lock is lost (an etcd lease that
//! expired), [`StateStore::lock_lost`] says so and every write fails, so a controller that lost
//! its lock makes no further change (see [`FencedEngine`](crate::engine::FencedEngine)).

#[cfg(feature = "conformance")]
pub mod conformance;
#[cfg(feature = "etcd")]
pub mod etcd;
mod local;
mod location;
mod named;

use std::path::PathBuf;

pub use local::LocalStore;
pub use location::{DEFAULT_LEASE_TTL, EtcdLocation, StateLocation, StateLocationError};
pub use named::DEFAULT_CONF;

use crate::journal::{JournalReadError, Record, StateDirError};

/// What a store keeps a blob for: the whole store, or one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    /// The store itself (e.g. the sites' known hosts).
    Store,
    /// One run, by id.
    Run(&'a str),
}

/// Appends records to one run's journal.
pub trait JournalSink: Send + std::fmt::Debug {
    /// Appends `record`. With `durable`, the record and every earlier one are durable when this
    /// returns (synced to disk; acknowledged by the etcd quorum); without, they may be kept back
    /// until the next durable append.
    ///
    /// # Errors
    /// The record could not be written (a file system error; the run lock was lost; no quorum).
    fn append(&mut self, record: &Record, durable: bool) -> std::io::Result<()>;

    /// Appends `record` durably without waiting here: the returned future ends once the record
    /// and every earlier one are durable (or cannot be). A store that commits several records
    /// together (etcd) queues it, so that records appended while a commit is in flight share
    /// the next one; by default it is appended as [`append`](Self::append) with `durable`
    /// would, before this returns, and the future is already finished.
    fn submit(&mut self, record: &Record) -> Commit {
        let written = self.append(record, true);
        Box::pin(std::future::ready(written))
    }

    /// Makes every record appended so far durable, those appended without `durable` too: the
    /// returned future ends once they are (or cannot be). A run ends with a flush, so that the
    /// records it appended without waiting (results nothing in the run relies on) are durable
    /// before it returns.
    fn flush(&mut self) -> Commit;
}

/// A record's commit: ends once the record is durable.
pub type Commit =
    std::pin::Pin<Box<dyn std::future::Future<Output = std::io::Result<()>> + Send + 'static>>;

/// One place runs are written and read. Every implementation passes the store conformance
/// suite (`conformance` module, feature `conformance`).
///
/// Writes need the run lock (a store opened to read only refuses them) and, once the lock is
/// lost, fail. Blobs are written whole and atomically: a reader sees the old or the new bytes.
pub trait StateStore: Send + Sync + std::fmt::Debug {
    /// Where the store is, for people: a directory, or `etcd://endpoints/prefix`.
    fn location(&self) -> String;

    /// Where a run is, for people (its directory in a local store).
    fn run_location(&self, id: &str) -> PathBuf;

    /// The directory, when this store is a directory on this machine (its runs are
    /// directories); `None` for a shared store.
    fn local_root(&self) -> Option<&std::path::Path>;

    /// The ids of every run, oldest first.
    ///
    /// # Errors
    /// The store cannot be read.
    fn run_ids(&self) -> Result<Vec<String>, StateDirError>;

    /// Creates run `id` (empty). An id in use is an error.
    ///
    /// # Errors
    /// The store cannot be written, or the id is in use.
    fn create_run(&self, id: &str) -> Result<(), StateDirError>;

    /// Removes run `id` and everything it holds (a new run that never started).
    ///
    /// # Errors
    /// The store cannot be written.
    fn remove_run(&self, id: &str) -> Result<(), StateDirError>;

    /// The blob `name` of `scope`, `None` when there is none.
    ///
    /// # Errors
    /// The store cannot be read.
    fn read(&self, scope: Scope<'_>, name: &str) -> Result<Option<Vec<u8>>, StateDirError>;

    /// Replaces the blob `name` of `scope`, durably.
    ///
    /// # Errors
    /// The store cannot be written.
    fn write(&self, scope: Scope<'_>, name: &str, bytes: &[u8]) -> Result<(), StateDirError>;

    /// Every record of run `id`'s journal, in order (none when it has no journal yet).
    ///
    /// # Errors
    /// The journal cannot be read or is damaged.
    fn records(&self, id: &str) -> Result<Vec<Record>, JournalReadError>;

    /// A writer of run `id`'s journal.
    ///
    /// # Errors
    /// The journal cannot be opened for appending.
    fn journal(&self, id: &str) -> Result<Box<dyn JournalSink>, StateDirError>;

    /// Why the run lock this store held is lost, `None` while it holds it (or never held one).
    /// Cheap: callers check it before every mutating Engine call.
    fn lock_lost(&self) -> Option<String>;

    /// Records which run holds the lock (the lock names it to other controllers).
    ///
    /// # Errors
    /// The store cannot be written.
    fn set_lock_run(&self, id: &str) -> Result<(), StateDirError>;
}
