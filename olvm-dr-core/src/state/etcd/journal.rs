//! A run's journal in etcd: records under sequence-numbered keys, appended by transactions
//! that check the revision of the run's `head` key, so that two writers can never interleave.
//!
//! Appends are group-committed: every appender hands its record to the journal's one writer
//! task (on the store's runtime) and, for a durable record, waits for the transaction that
//! holds it. While one transaction is in flight the records of every step that ends meanwhile
//! queue up, and the next transaction writes all of them (in order, in as few transactions as
//! etcd's limits allow). Each transaction still compares the run's `head` revision and the
//! lock key's lease, and nobody is told its record is durable before the quorum acknowledged
//! the transaction that holds it (and every earlier one).

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use etcd_client::{Compare, CompareOp, TxnOp};
use tokio::sync::{mpsc, oneshot};

use super::blob::PIECE;
use super::{Conn, Shared};
use crate::journal::{JournalReadError, Record, StateDirError};
use crate::state::{Commit, JournalSink};

/// Records written in one transaction at most: etcd allows 128 operations per transaction
/// (`--max-txn-ops`), and one holds a put for `head` and at most one per record.
const BATCH: usize = 120;
/// Bytes of keys and values written in one transaction at most: etcd refuses requests over
/// 1.5 MiB (`--max-request-bytes`). A record over [`PIECE`] is written in parts beforehand, so
/// one record always fits.
const BATCH_BYTES: usize = 1024 * 1024;
/// How long the writer gathers records for a commit at most, from the moment one that is
/// waited for is there (or until a batch is full). Each transaction costs the members a raft
/// round, a write-ahead log entry and its fsync on every one of them, whatever it holds: on a
/// run of many short steps the members' work per transaction, not the wait for it, is what the
/// store costs (on the benchmark's lab this gathering halves the transactions and cuts the
/// members' CPU time by about a fifth, on a machine where they share the CPUs). Holding a
/// commit back is safe: nobody is told a record is durable before its transaction is
/// acknowledged; it only delays the steps that wait for it.
const GATHER: Duration = Duration::from_millis(5);
/// While gathering, the writer stops as soon as no record came for this long: records that
/// come apart (a chain of steps, each waiting for the one before) are held back about this
/// long, not [`GATHER`]; those of many steps ending together are gathered.
const GATHER_QUIET: Duration = Duration::from_millis(1);
/// Marks a record kept in parts: `parts:<count>`.
const PARTS: &[u8] = b"parts:";

fn head_key(s: &Conn, run: &str) -> String {
    format!("{}head", s.run_base(run))
}

fn record_key(s: &Conn, run: &str, seq: u64) -> String {
    format!("{}journal/{seq:012}", s.run_base(run))
}

fn part_key(s: &Conn, run: &str, seq: u64, i: usize) -> String {
    format!("{}parts/{seq:012}/{i:06}", s.run_base(run))
}

/// One record handed to the writer, or a flush.
struct Entry {
    /// The record as JSON; `None` for a flush, which writes nothing of its own and is told once
    /// every record handed over before it is durable.
    json: Option<Vec<u8>>,
    /// Written before the writer waits for more.
    durable: bool,
    /// Told once the record is durable (or cannot be).
    done: Option<oneshot::Sender<Result<(), String>>>,
}

/// Appends to one run's journal, through its writer task.
#[derive(Debug)]
pub(super) struct EtcdJournal {
    /// Keeps the store's runtime (where the writer runs) alive.
    shared: Arc<Shared>,
    to_writer: mpsc::UnboundedSender<Entry>,
}

impl EtcdJournal {
    pub(super) fn open(shared: Arc<Shared>, run: &str) -> Result<Self, StateDirError> {
        shared.writer_lease()?;
        let head = shared.get(&head_key(&shared, run))?;
        let (next, head_rev) = match head {
            Some(kv) => {
                let next = kv
                    .value_str()
                    .ok()
                    .and_then(|v| v.parse().ok())
                    .ok_or_else(|| {
                        shared.unavailable(format!("the journal head of run {run} is damaged"))
                    })?;
                (next, kv.mod_revision())
            }
            None => (0, 0),
        };
        let (to_writer, from_appenders) = mpsc::unbounded_channel();
        let writer = Writer {
            conn: Arc::clone(&shared.conn),
            run: run.to_owned(),
            next,
            head_rev,
            failed: None,
        };
        shared.bridge.spawn(writer.run(from_appenders));
        Ok(Self { shared, to_writer })
    }

    /// Hands `record` to the writer; with `done`, it is told when the record is durable.
    fn send(
        &self,
        record: &Record,
        durable: bool,
        done: Option<oneshot::Sender<Result<(), String>>>,
    ) -> io::Result<()> {
        let json = serde_json::to_vec(record).map_err(io::Error::other)?;
        self.to_writer
            .send(Entry {
                json: Some(json),
                durable,
                done,
            })
            .map_err(|_| self.stopped())
    }

    fn stopped(&self) -> io::Error {
        io::Error::other(
            self.shared
                .unavailable("the etcd journal writer stopped".into()),
        )
    }

    /// The record's commit, awaited.
    fn committed(
        &self,
        answer: oneshot::Receiver<Result<(), String>>,
    ) -> impl Future<Output = io::Result<()>> + Send + 'static {
        let stopped = self.stopped().to_string();
        async move {
            match answer.await {
                Ok(written) => written.map_err(io::Error::other),
                Err(_) => Err(io::Error::other(stopped)),
            }
        }
    }
}

impl JournalSink for EtcdJournal {
    fn append(&mut self, record: &Record, durable: bool) -> io::Result<()> {
        if !durable {
            return self.send(record, false, None);
        }
        let (done, answer) = oneshot::channel();
        self.send(record, true, Some(done))?;
        let committed = self.committed(answer);
        // Waits on the store's runtime, where the writer is: this thread only blocks.
        self.shared
            .bridge
            .run(async move { Ok(committed.await) })
            .map_err(io::Error::other)?
    }

    fn submit(&mut self, record: &Record) -> Commit {
        let (done, answer) = oneshot::channel();
        match self.send(record, true, Some(done)) {
            Ok(()) => Box::pin(self.committed(answer)),
            Err(e) => Box::pin(std::future::ready(Err(e))),
        }
    }

    fn flush(&mut self) -> Commit {
        let (done, answer) = oneshot::channel();
        let flush = Entry {
            json: None,
            durable: true,
            done: Some(done),
        };
        match self.to_writer.send(flush) {
            Ok(()) => Box::pin(self.committed(answer)),
            Err(_) => Box::pin(std::future::ready(Err(self.stopped()))),
        }
    }
}

/// The journal's one writer: takes every record handed to it, in order, and writes them.
struct Writer {
    conn: Arc<Conn>,
    run: String,
    /// The sequence number of the next record.
    next: u64,
    /// The revision of `head` as this writer last wrote (or found) it.
    head_rev: i64,
    /// Why a write failed: nothing is written after it (every later append fails the same way),
    /// so the journal never has a gap.
    failed: Option<String>,
}

impl Writer {
    async fn run(mut self, mut from_appenders: mpsc::UnboundedReceiver<Entry>) {
        let mut pending: Vec<Entry> = Vec::new();
        // Records appended without `durable` wait for the next durable one, a flush or a full
        // batch; records still waiting when every appender is gone were never promised (a run
        // flushes its journal before it ends).
        while let Some(entry) = from_appenders.recv().await {
            pending.push(entry);
            // Everything handed over meanwhile (while the last transaction was in flight) goes
            // in the same commit.
            while let Ok(entry) = from_appenders.try_recv() {
                pending.push(entry);
            }
            if !pending.iter().any(|e| e.durable) && pending.len() < BATCH {
                continue;
            }
            // A record is waited for: the records handed over in the next moments join it.
            let until = tokio::time::Instant::now() + GATHER;
            while pending.len() < BATCH {
                let quiet = (tokio::time::Instant::now() + GATHER_QUIET).min(until);
                match tokio::time::timeout_at(quiet, from_appenders.recv()).await {
                    Ok(Some(entry)) => pending.push(entry),
                    Ok(None) | Err(_) => break,
                }
            }
            let entries = std::mem::take(&mut pending);
            self.commit(entries).await;
        }
    }

    /// Writes `entries` in as few transactions as the limits allow, telling each appender once
    /// the transaction with its record is acknowledged, and each flush once all of them are.
    async fn commit(&mut self, entries: Vec<Entry>) {
        let (records, flushes): (Vec<Entry>, Vec<Entry>) =
            entries.into_iter().partition(|e| e.json.is_some());
        let mut rest = records.into_iter().peekable();
        while rest.peek().is_some() {
            let mut batch = Vec::new();
            let mut bytes = 0;
            while let Some(e) = rest.peek() {
                let size = e
                    .json
                    .as_ref()
                    .map_or(0, Vec::len)
                    .min(PIECE + PARTS.len() + 20)
                    + 64;
                if !batch.is_empty() && (batch.len() >= BATCH || bytes + size > BATCH_BYTES) {
                    break;
                }
                bytes += size;
                batch.extend(rest.next());
            }
            let written = match &self.failed {
                Some(why) => Err(why.clone()),
                None => self.write_batch(&batch).await.map_err(|e| e.to_string()),
            };
            if let Err(why) = &written {
                self.failed.get_or_insert_with(|| why.clone());
            }
            for e in batch {
                if let Some(done) = e.done {
                    let _ = done.send(written.clone());
                }
            }
        }
        // Every record handed over before a flush was in a batch above (or an earlier commit);
        // one write that failed fails every later one, so `failed` says whether all are durable.
        let flushed = self.failed.clone().map_or(Ok(()), Err);
        for e in flushes {
            if let Some(done) = e.done {
                let _ = done.send(flushed.clone());
            }
        }
    }

    async fn write_batch(&mut self, batch: &[Entry]) -> Result<(), StateDirError> {
        let s = &*self.conn;
        let mut puts: Vec<(String, Vec<u8>)> = Vec::new();
        // Consecutive records share one key, as JSON lines (a record's JSON holds no newline)
        // of at most `PIECE` bytes, under the sequence number of the first: a key (and its
        // index and revision entries on every member) costs the members more than its bytes,
        // and most records are small. A record over `PIECE` has a key of its own, in parts.
        let mut lines: Vec<u8> = Vec::new();
        let mut lines_seq = self.next;
        for (n, entry) in batch.iter().enumerate() {
            let seq = self.next + n as u64;
            let json = entry.json.as_deref().unwrap_or_default();
            if !lines.is_empty() && (json.len() > PIECE || lines.len() + 1 + json.len() > PIECE) {
                puts.push((
                    record_key(s, &self.run, lines_seq),
                    std::mem::take(&mut lines),
                ));
            }
            if json.len() <= PIECE {
                if lines.is_empty() {
                    lines_seq = seq;
                } else {
                    lines.push(b'\n');
                }
                lines.extend_from_slice(json);
                continue;
            }
            let pieces: Vec<&[u8]> = json.chunks(PIECE).collect();
            for (i, piece) in pieces.iter().enumerate() {
                s.txn(
                    Vec::new(),
                    vec![TxnOp::put(
                        part_key(s, &self.run, seq, i),
                        piece.to_vec(),
                        None,
                    )],
                )
                .await?;
            }
            let value = [PARTS, pieces.len().to_string().as_bytes()].concat();
            puts.push((record_key(s, &self.run, seq), value));
        }
        if !lines.is_empty() {
            puts.push((record_key(s, &self.run, lines_seq), lines));
        }
        // The value under the first record's key, to know our own write again.
        let first = puts.first().map(|(_, value)| value.clone());
        let mut ops: Vec<TxnOp> = puts
            .into_iter()
            .map(|(key, value)| TxnOp::put(key, value, None))
            .collect();
        let next = self.next + batch.len() as u64;
        let head = head_key(s, &self.run);
        ops.push(TxnOp::put(head.clone(), next.to_string(), None));
        let compares = vec![Compare::mod_revision(
            head.clone(),
            CompareOp::Equal,
            self.head_rev,
        )];
        match s.txn_revision(compares, ops).await? {
            Some(revision) => {
                self.head_rev = revision;
                self.next = next;
                Ok(())
            }
            None => {
                // Our own write whose answer was lost (and then retried) finds the journal as
                // it wrote it; anything else is another writer.
                let now = s.get(&head).await?;
                let ours = now
                    .as_ref()
                    .is_some_and(|kv| kv.value_str().ok() == Some(next.to_string().as_str()))
                    && s.get(&record_key(s, &self.run, self.next))
                        .await?
                        .is_some_and(|kv| Some(kv.value()) == first.as_deref());
                match now {
                    Some(kv) if ours => {
                        self.head_rev = kv.mod_revision();
                        self.next = next;
                        Ok(())
                    }
                    _ => Err(StateDirError::LockLost(format!(
                        "the journal of run {} in {} was written by another controller; this controller writes nothing more",
                        self.run, s.display
                    ))),
                }
            }
        }
    }
}

/// Every record of run `run`, in order, as of one revision.
pub(super) fn records(s: &Shared, run: &str) -> Result<Vec<Record>, JournalReadError> {
    let location = format!("{} run {run}", s.display);
    let fail = |message: String| JournalReadError::Store {
        location: location.clone(),
        message,
    };
    let prefix = format!("{}journal/", s.run_base(run));
    let (kvs, revision) = s.list(&prefix, false).map_err(|e| fail(e.to_string()))?;
    let mut out = Vec::with_capacity(kvs.len());
    for kv in kvs {
        let seq: u64 = kv
            .key_str()
            .ok()
            .and_then(|k| k.strip_prefix(&prefix))
            .and_then(|k| k.parse().ok())
            .ok_or_else(|| fail("a journal key is not a sequence number".into()))?;
        // A key holds one record, maybe in parts, or several as JSON lines.
        let bytes = match kv.value().strip_prefix(PARTS) {
            Some(count) => {
                let count: usize = std::str::from_utf8(count)
                    .ok()
                    .and_then(|c| c.parse().ok())
                    .ok_or_else(|| fail(format!("record {seq} is damaged")))?;
                let mut whole = Vec::new();
                for i in 0..count {
                    let part = s
                        .get_at(&part_key(s, run, seq, i), revision)
                        .map_err(|e| fail(e.to_string()))?
                        .ok_or_else(|| fail(format!("record {seq} misses part {i}")))?;
                    whole.extend(part);
                }
                whole
            }
            None => kv.value().to_vec(),
        };
        for (n, line) in bytes.split(|b| *b == b'\n').enumerate() {
            let record = serde_json::from_slice(line)
                .map_err(|e| fail(format!("record {} is not valid: {e}", seq + n as u64)))?;
            out.push(record);
        }
    }
    Ok(out)
}
