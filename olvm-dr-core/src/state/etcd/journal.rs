//! A run's journal in etcd: one key per record, appended by transactions that check the
//! revision of the run's `head` key, so that two writers can never interleave.

use std::io;
use std::sync::Arc;

use etcd_client::{Compare, CompareOp, TxnOp};

use super::Shared;
use super::blob::PIECE;
use crate::journal::{JournalReadError, Record, StateDirError};
use crate::state::JournalSink;

/// Records written in one transaction at most (etcd allows 128 operations per transaction).
const BATCH: usize = 60;
/// Marks a record kept in parts: `parts:<count>`.
const PARTS: &[u8] = b"parts:";

fn head_key(s: &Shared, run: &str) -> String {
    format!("{}head", s.run_base(run))
}

fn record_key(s: &Shared, run: &str, seq: u64) -> String {
    format!("{}journal/{seq:012}", s.run_base(run))
}

fn part_key(s: &Shared, run: &str, seq: u64, i: usize) -> String {
    format!("{}parts/{seq:012}/{i:06}", s.run_base(run))
}

/// Appends to one run's journal.
#[derive(Debug)]
pub(super) struct EtcdJournal {
    shared: Arc<Shared>,
    run: String,
    /// The sequence number of the next record.
    next: u64,
    /// The revision of `head` as this writer last wrote (or found) it.
    head_rev: i64,
    /// Records not yet written (appended without `durable`).
    pending: Vec<Record>,
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
        Ok(Self {
            shared,
            run: run.to_owned(),
            next,
            head_rev,
            pending: Vec::new(),
        })
    }

    fn flush(&mut self) -> Result<(), StateDirError> {
        let records = std::mem::take(&mut self.pending);
        for batch in records.chunks(BATCH) {
            self.write_batch(batch)?;
        }
        Ok(())
    }

    fn write_batch(&mut self, batch: &[Record]) -> Result<(), StateDirError> {
        let s = &*self.shared;
        let mut ops = Vec::with_capacity(batch.len() + 1);
        let mut first = None;
        for (n, record) in batch.iter().enumerate() {
            let seq = self.next + n as u64;
            let json = serde_json::to_vec(record).map_err(|e| s.unavailable(e.to_string()))?;
            let value = if json.len() <= PIECE {
                json
            } else {
                let pieces: Vec<&[u8]> = json.chunks(PIECE).collect();
                for (i, piece) in pieces.iter().enumerate() {
                    s.txn(
                        Vec::new(),
                        vec![TxnOp::put(
                            part_key(s, &self.run, seq, i),
                            piece.to_vec(),
                            None,
                        )],
                    )?;
                }
                [PARTS, pieces.len().to_string().as_bytes()].concat()
            };
            first.get_or_insert_with(|| value.clone());
            ops.push(TxnOp::put(record_key(s, &self.run, seq), value, None));
        }
        let next = self.next + batch.len() as u64;
        let head = head_key(s, &self.run);
        ops.push(TxnOp::put(head.clone(), next.to_string(), None));
        let compares = vec![Compare::mod_revision(
            head.clone(),
            CompareOp::Equal,
            self.head_rev,
        )];
        match s.txn_revision(compares, ops)? {
            Some(revision) => {
                self.head_rev = revision;
                self.next = next;
                Ok(())
            }
            None => {
                // Our own write whose answer was lost (and then retried) finds the journal as
                // it wrote it; anything else is another writer.
                let now = s.get(&head)?;
                let ours = now
                    .as_ref()
                    .is_some_and(|kv| kv.value_str().ok() == Some(next.to_string().as_str()))
                    && s.get(&record_key(s, &self.run, self.next))?
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

impl JournalSink for EtcdJournal {
    fn append(&mut self, record: &Record, durable: bool) -> io::Result<()> {
        self.pending.push(record.clone());
        if durable || self.pending.len() >= BATCH {
            self.flush().map_err(io::Error::other)?;
        }
        Ok(())
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
        let record = serde_json::from_slice(&bytes)
            .map_err(|e| fail(format!("record {seq} is not valid: {e}")))?;
        out.push(record);
    }
    Ok(out)
}
