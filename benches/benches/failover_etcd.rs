//! What keeping the run in etcd costs: `olvm-dr failover` of 1 000 VMs on an instant lab with a
//! dark primary (`olvm_dr_benches::lab_failover`), once with its plan, journal, report and lock
//! in a local state directory (`--state-dir`) and once in a real 3-member etcd cluster on
//! loopback ports (`--state etcd://…`), which the benchmark starts from the `etcd` binary
//! (Debian `etcd-server`, or `OLVM_DR_ETCD_BIN`) and stops at the end. The lab's Engine
//! durations are zero, so the difference is the store's own cost (quorum-acknowledged journal
//! transactions, the lease and its keep-alive) at its most visible. Target: etcd within 20 % of
//! the directory.
//!
//! A timed `main` (no harness): the two stores alternate, three runs each on a fresh lab, the
//! best of each compared. Run with `cargo bench -p olvm-dr-benches --bench failover_etcd`.

#[path = "../../olvm-dr-core/tests/etcd_support/mod.rs"]
mod etcd_support;

use std::process::ExitCode;
use std::time::Duration;

use etcd_support::Cluster;
use olvm_dr_benches::lab_failover::{cli_failover, lost_primary_lab};
use olvm_dr_core::flow::RunStore;
use olvm_dr_core::report::Verdict;
use olvm_dr_core::state::StateLocation;

const VMS: usize = 1_000;
const RUNS: usize = 3;
/// The most the etcd store may add to the directory's time.
const MAX_OVERHEAD: f64 = 0.20;
/// The run lock's lease time in etcd (the CLI's default).
const LEASE_TTL: u64 = 15;

/// Where one failover keeps its run.
enum Store<'a> {
    Dir,
    Etcd(&'a Cluster),
}

/// One failover on a fresh lab with its run in `store` (prefix `prefix` in etcd): wall time.
/// The run must have succeeded and its report be readable from the store.
fn failover_once(rt: &tokio::runtime::Runtime, store: &Store<'_>, prefix: &str) -> Duration {
    let dir = tempfile::tempdir().expect("temp dir");
    let lab = lost_primary_lab(rt, &dir.path().join("lab"), VMS);
    let (location, option, value) = match store {
        Store::Dir => {
            let state = dir.path().join("state");
            (
                StateLocation::Dir(state.clone()),
                "--state-dir",
                state.into_os_string(),
            )
        }
        Store::Etcd(cluster) => (
            StateLocation::Etcd(cluster.location(prefix, LEASE_TTL)),
            "--state",
            cluster.url(prefix, LEASE_TTL).into(),
        ),
    };
    let text = location.to_string();
    let (code, wall) = cli_failover(&lab, &[option.as_ref(), value.as_os_str()]);
    let runs = RunStore::open_location_to_read(&location).expect("the store opens");
    let run = runs.runs().pop().expect("the failover left a run");
    let report = runs.report(&run.id).expect("its report");
    assert_eq!(
        report.verdict,
        Verdict::Success,
        "{text}: exit {code:?}\n{}",
        report.render_summary()
    );
    assert_eq!(report.vms.len(), VMS);
    rt.block_on(lab.shutdown());
    wall
}

fn main() -> ExitCode {
    // `cargo test --benches` runs bench binaries without `--bench`: one run each is enough there.
    let runs = if std::env::args().any(|a| a == "--bench") {
        RUNS
    } else {
        1
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let cluster = Cluster::start(3);
    let mut local = Duration::MAX;
    let mut etcd = Duration::MAX;
    for i in 0..runs {
        local = local.min(failover_once(&rt, &Store::Dir, ""));
        etcd = etcd.min(failover_once(
            &rt,
            &Store::Etcd(&cluster),
            &format!("bench/{i}"),
        ));
    }
    drop(cluster);
    let overhead = etcd.as_secs_f64() / local.as_secs_f64() - 1.0;
    println!("olvm-dr failover of {VMS} VMs (lab, instant, dark primary), best of {runs} each:");
    println!("  state directory:        {:.2} s", local.as_secs_f64());
    println!("  etcd, 3 loopback members: {:.2} s", etcd.as_secs_f64());
    println!(
        "  overhead of etcd: {:+.1} % (target at most {:.0} %)",
        overhead * 100.0,
        MAX_OVERHEAD * 100.0
    );
    if runs > 1 && overhead > MAX_OVERHEAD {
        eprintln!(
            "the etcd store costs more than {:.0} %",
            MAX_OVERHEAD * 100.0
        );
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
