//! The store conformance suite: what every [`StateStore`] must do, checked through the trait
//! alone. The local directory and etcd both pass it (`tests/state_conformance.rs`,
//! `tests/etcd_state.rs`).
//!
//! Each check gets a fresh, empty location from the [`Opener`] factory given to [`run_all`].

use std::sync::Arc;

use super::{Scope, StateStore};
use crate::journal::{Record, StateDirError};
use crate::plan::StepId;

/// Opens stores at one (fresh) location: `open(true)` takes the run lock, `open(false)` only
/// reads.
pub type Opener = Box<dyn Fn(bool) -> Result<Arc<dyn StateStore>, StateDirError>>;

/// One check: `Err` says what the store got wrong.
pub type Check = fn(&Opener) -> Result<(), String>;

/// Every check, by name.
pub const CHECKS: &[(&str, Check)] = &[
    ("runs_are_listed_oldest_first", runs_are_listed_oldest_first),
    ("blobs_round_trip_whole_small_and_large", blobs_round_trip),
    ("journal_records_read_back_in_order", journal_round_trip),
    (
        "a_second_writer_is_refused_naming_the_holder",
        second_writer_refused,
    ),
    ("a_reader_reads_but_never_writes", reader_never_writes),
    ("a_removed_run_leaves_nothing", removed_run_leaves_nothing),
];

/// Runs every check, each on a location of its own from `fresh`; the failures, by name.
pub fn run_all(fresh: &dyn Fn() -> Opener) -> Vec<String> {
    CHECKS
        .iter()
        .filter_map(|(name, check)| check(&fresh()).err().map(|e| format!("{name}: {e}")))
        .collect()
}

fn writer(open: &Opener) -> Result<Arc<dyn StateStore>, String> {
    open(true).map_err(|e| format!("cannot open to write: {e}"))
}

fn fact(n: usize) -> Record {
    Record::Fact {
        name: format!("f{n}"),
        value: "v".repeat(n % 7),
        at: "2026-01-01T00:00:00Z".into(),
        t_ms: n as u64,
    }
}

fn ensure(ok: bool, what: impl FnOnce() -> String) -> Result<(), String> {
    if ok { Ok(()) } else { Err(what()) }
}

fn runs_are_listed_oldest_first(open: &Opener) -> Result<(), String> {
    let s = writer(open)?;
    ensure(s.run_ids().map_err(|e| e.to_string())?.is_empty(), || {
        "a fresh store lists runs".into()
    })?;
    for id in ["run-b", "run-a", "run-c"] {
        s.create_run(id).map_err(|e| e.to_string())?;
        // Runs created within the same instant still list in creation order in etcd; a
        // directory orders by modification time, so give it a tick.
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let ids = s.run_ids().map_err(|e| e.to_string())?;
    ensure(ids == ["run-b", "run-a", "run-c"], || {
        format!("runs listed as {ids:?}")
    })?;
    ensure(s.create_run("run-a").is_err(), || {
        "a run id in use was created again".into()
    })
}

fn blobs_round_trip(open: &Opener) -> Result<(), String> {
    let s = writer(open)?;
    s.create_run("r").map_err(|e| e.to_string())?;
    let read = |scope, name| s.read(scope, name).map_err(|e| e.to_string());
    ensure(read(Scope::Run("r"), "plan.json")?.is_none(), || {
        "a missing blob was found".into()
    })?;
    s.write(Scope::Run("r"), "plan.json", b"{\"small\":1}")
        .map_err(|e| e.to_string())?;
    ensure(
        read(Scope::Run("r"), "plan.json")?.as_deref() == Some(b"{\"small\":1}".as_slice()),
        || "a small blob did not read back".into(),
    )?;
    // Larger than one etcd request may be (1.5 MiB by default).
    let large: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    s.write(Scope::Run("r"), "plan.json", &large)
        .map_err(|e| e.to_string())?;
    ensure(
        read(Scope::Run("r"), "plan.json")?.as_deref() == Some(large.as_slice()),
        || "a 3 MB blob did not read back whole".into(),
    )?;
    s.write(Scope::Run("r"), "plan.json", b"again")
        .map_err(|e| e.to_string())?;
    ensure(
        read(Scope::Run("r"), "plan.json")?.as_deref() == Some(b"again".as_slice()),
        || "a large blob replaced by a small one did not read back".into(),
    )?;
    s.write(Scope::Store, "known-hosts.json", b"{}")
        .map_err(|e| e.to_string())?;
    ensure(
        read(Scope::Store, "known-hosts.json")?.as_deref() == Some(b"{}".as_slice()),
        || "a blob of the store did not read back".into(),
    )
}

fn journal_round_trip(open: &Opener) -> Result<(), String> {
    let s = writer(open)?;
    s.create_run("r").map_err(|e| e.to_string())?;
    ensure(
        s.records("r").map_err(|e| e.to_string())?.is_empty(),
        || "a new run has records".into(),
    )?;
    let mut expected = Vec::new();
    {
        let mut j = s.journal("r").map_err(|e| e.to_string())?;
        for n in 0..150 {
            let r = fact(n);
            j.append(&r, n % 3 == 0 || n == 149)
                .map_err(|e| e.to_string())?;
            expected.push(r);
        }
        // A record larger than one etcd request may be.
        let big = Record::StepOutput {
            step: StepId::from("discover"),
            output: serde_json::Value::String("x".repeat(2_000_000)),
            at: "2026-01-01T00:00:00Z".into(),
            t_ms: 1,
        };
        j.append(&big, true).map_err(|e| e.to_string())?;
        expected.push(big.clone());
        // Records appended without waiting, one of them in parts, are all there once the
        // journal is flushed.
        for n in 150..153 {
            j.append(&fact(n), false).map_err(|e| e.to_string())?;
            expected.push(fact(n));
        }
        j.append(&big, false).map_err(|e| e.to_string())?;
        expected.push(big);
        j.append(&fact(153), false).map_err(|e| e.to_string())?;
        expected.push(fact(153));
        crate::journal::block_on(j.flush()).map_err(|e| e.to_string())?;
        let records = s.records("r").map_err(|e| e.to_string())?;
        ensure(records == expected, || {
            format!(
                "after a flush, {} records read back of {} written",
                records.len(),
                expected.len()
            )
        })?;
    }
    // A new writer (a resumed segment) continues the same journal.
    let mut j = s.journal("r").map_err(|e| e.to_string())?;
    j.append(&fact(1000), true).map_err(|e| e.to_string())?;
    expected.push(fact(1000));
    let records = s.records("r").map_err(|e| e.to_string())?;
    ensure(records.len() == expected.len(), || {
        format!("{} records read, {} written", records.len(), expected.len())
    })?;
    ensure(records == expected, || {
        "the records read back differ from those written".into()
    })
}

fn second_writer_refused(open: &Opener) -> Result<(), String> {
    let first = writer(open)?;
    first.set_lock_run("run-42").map_err(|e| e.to_string())?;
    match open(true) {
        Ok(_) => return Err("a second writer was let in".into()),
        Err(e @ (StateDirError::Busy { .. } | StateDirError::Held { .. })) => {
            let text = e.to_string();
            ensure(text.contains("run-42"), || {
                format!("the refusal does not name the run holding the lock: {text}")
            })?;
        }
        Err(e) => return Err(format!("a second writer failed, but not as refused: {e}")),
    }
    ensure(first.lock_lost().is_none(), || {
        "the first writer lost its lock to a refused second one".into()
    })?;
    drop(first);
    writer(open).map(|_| ())
}

fn reader_never_writes(open: &Opener) -> Result<(), String> {
    let w = writer(open)?;
    w.create_run("r").map_err(|e| e.to_string())?;
    w.journal("r")
        .and_then(|mut j| {
            j.append(&fact(1), true)
                .map_err(|e| StateDirError::LockLost(e.to_string()))
        })
        .map_err(|e| e.to_string())?;
    w.write(Scope::Run("r"), "report.json", b"{}")
        .map_err(|e| e.to_string())?;
    // A reader needs no lock: it works while the writer holds it.
    let r = open(false).map_err(|e| format!("cannot open to read: {e}"))?;
    ensure(r.run_ids().map_err(|e| e.to_string())? == ["r"], || {
        "the reader does not see the run".into()
    })?;
    ensure(
        r.records("r").map_err(|e| e.to_string())? == vec![fact(1)],
        || "the reader does not see the journal".into(),
    )?;
    ensure(
        r.read(Scope::Run("r"), "report.json")
            .map_err(|e| e.to_string())?
            .as_deref()
            == Some(b"{}".as_slice()),
        || "the reader does not see the report".into(),
    )?;
    ensure(
        r.write(Scope::Run("r"), "report.json", b"x").is_err(),
        || "the reader wrote a blob".into(),
    )?;
    ensure(r.create_run("s").is_err(), || {
        "the reader created a run".into()
    })?;
    ensure(r.journal("r").is_err(), || {
        "the reader opened a journal to append".into()
    })?;
    ensure(r.lock_lost().is_none(), || {
        "a reader that never held a lock says it lost one".into()
    })
}

fn removed_run_leaves_nothing(open: &Opener) -> Result<(), String> {
    let s = writer(open)?;
    s.create_run("r").map_err(|e| e.to_string())?;
    s.write(Scope::Run("r"), "plan.json", b"{}")
        .map_err(|e| e.to_string())?;
    s.journal("r")
        .and_then(|mut j| {
            j.append(&fact(1), true)
                .map_err(|e| StateDirError::LockLost(e.to_string()))
        })
        .map_err(|e| e.to_string())?;
    s.remove_run("r").map_err(|e| e.to_string())?;
    ensure(s.run_ids().map_err(|e| e.to_string())?.is_empty(), || {
        "the removed run is still listed".into()
    })?;
    ensure(
        s.read(Scope::Run("r"), "plan.json")
            .map_err(|e| e.to_string())?
            .is_none(),
        || "the removed run's plan is still there".into(),
    )?;
    ensure(
        s.records("r").map_err(|e| e.to_string())?.is_empty(),
        || "the removed run's journal is still there".into(),
    )?;
    // Its id can be used again.
    s.create_run("r").map_err(|e| e.to_string())
}
