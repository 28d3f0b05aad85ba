//! The etcd store against a real 3-member etcd cluster (feature `etcd`): the store
//! conformance suite, and the run lock's lease.

mod etcd_support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use etcd_support::Cluster;
use olvm_dr_core::journal::{Record, StateDirError};
use olvm_dr_core::state::conformance::{Opener, run_all};
use olvm_dr_core::state::etcd::EtcdStore;
use olvm_dr_core::state::{Scope, StateStore};

fn fact(n: u64) -> Record {
    Record::Fact {
        name: format!("f{n}"),
        value: "v".into(),
        at: "2026-01-01T00:00:00Z".into(),
        t_ms: n,
    }
}

#[test]
fn etcd_passes_the_store_conformance_suite() {
    let cluster = Cluster::start(3);
    let fresh = || -> Opener {
        let location = cluster.location(&format!("conf-{}", uuid::Uuid::new_v4().simple()), 5);
        Box::new(move |lock| {
            Ok(Arc::new(EtcdStore::connect(&location, lock)?) as Arc<dyn StateStore>)
        })
    };
    let failures = run_all(&fresh);
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn one_member_lost_the_store_goes_on_two_lost_it_stops_and_resumes_after_quorum() {
    let mut cluster = Cluster::start(3);
    let location = cluster.location("quorum", 6);
    let store = EtcdStore::connect(&location, true).unwrap();
    store.create_run("r").unwrap();
    let mut journal = store.journal("r").unwrap();
    journal.append(&fact(0), true).unwrap();

    cluster.kill(0);
    // Longer than the lease: the lease is kept alive through the other two members.
    for n in 1..=20 {
        journal.append(&fact(n), true).unwrap();
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(store.lock_lost(), None);

    cluster.kill(1);
    let started = Instant::now();
    let err = journal.append(&fact(99), true).unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(7),
        "{:?}",
        started.elapsed()
    );
    let lost = store
        .lock_lost()
        .expect("a write without quorum loses the lock");
    // Which of the two notices it first depends on timing: the write that found no quorum, or
    // the lease that could not be renewed meanwhile. Both name the quorum as the cause.
    assert!(
        lost.contains("could not be made durable") || lost.contains("quorum did not answer"),
        "{lost}"
    );
    assert!(err.to_string().contains(&location.to_string()), "{err}");
    // Lost for good: nothing more is written, even once the quorum is back.
    cluster.restart(0);
    cluster.restart(1);
    cluster.wait_for_quorum(Duration::from_secs(30));
    assert!(journal.append(&fact(100), true).is_err());
    drop(journal);
    drop(store);

    // Another controller takes over once the old lease is gone, and finds every record that
    // was acknowledged.
    let deadline = Instant::now() + Duration::from_secs(20);
    let second = loop {
        match EtcdStore::connect(&location, true) {
            Ok(s) => break s,
            Err(StateDirError::Held { .. }) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(300));
            }
            Err(e) => panic!("{e}"),
        }
    };
    let mut records = second.records("r").unwrap();
    // The write that timed out was in the remaining member's log: etcd may commit it once the
    // quorum is back. Either way it is true (a record is written after what it records).
    if records.last() == Some(&fact(99)) {
        records.pop();
    }
    assert_eq!(records, (0..=20).map(fact).collect::<Vec<_>>());
    let before = second.records("r").unwrap().len();
    let mut journal = second.journal("r").unwrap();
    journal.append(&fact(21), true).unwrap();
    assert_eq!(second.records("r").unwrap().len(), before + 1);
}

#[test]
fn a_second_controller_is_refused_and_names_the_holder_until_the_lease_expires() {
    let cluster = Cluster::start(3);
    let location = cluster.location("holder", 2);
    let first = EtcdStore::connect(&location, true).unwrap();
    first.set_lock_run("failover-secondary-1").unwrap();
    let err = EtcdStore::connect(&location, true).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, StateDirError::Held { .. }), "{text}");
    for part in ["failover-secondary-1", " on ", " by ", " since "] {
        assert!(text.contains(part), "{text}");
    }
    // Kept alive well past its TTL while the holder lives.
    std::thread::sleep(Duration::from_secs(5));
    assert_eq!(first.lock_lost(), None);
    assert!(EtcdStore::connect(&location, true).is_err());
    first.write(Scope::Store, "x", b"1").unwrap();
    // A holder that ends releases the lock at once.
    drop(first);
    EtcdStore::connect(&location, true).unwrap();
}
