//! Failovers with their runs and lock in a real 3-member etcd cluster, each controller a
//! separate `olvm-dr` process with its own working directory, against a lab whose Engines
//! answer over HTTPS: a controller killed (SIGKILL) at ten points and the run resumed by
//! another; two controllers started at once on the same target; a controller paused (SIGSTOP)
//! past its lease while another takes the run over makes no Engine call once continued.
//!
//! The lab runs in this process, so the simulated world's count of the Engine calls it
//! received is what proves what each controller did.

#[path = "../../olvm-dr-core/tests/etcd_support/mod.rs"]
mod etcd_support;
#[path = "../../olvm-dr-core/tests/flow_support/mod.rs"]
mod flow_support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use etcd_support::Cluster;
use flow_support::assert_nothing_done_twice;
use olvm_dr_core::Site;
use olvm_dr_core::fake::{LatencyProfile, Operation, SiteSnapshot};
use olvm_dr_core::journal::Record;
use olvm_dr_core::state::etcd::EtcdStore;
use olvm_dr_core::state::{StateLocation, StateStore};
use olvm_dr_sim::{Lab, LabOptions};

const OLVM_DR: &str = env!("CARGO_BIN_EXE_olvm-dr");
/// The run lock's lease in these tests: short, so a dead or paused controller's lock expires
/// quickly.
const LEASE_TTL: u64 = 2;

/// Every Engine request takes a little time, so a small failover lasts a few seconds and can
/// be interrupted in the middle; transitions stay instant.
fn slow_requests() -> LatencyProfile {
    Operation::ALL
        .iter()
        .fold(LatencyProfile::instant(), |p, op| {
            let d = match op {
                Operation::AttachStorageDomain | Operation::ImportStorageDomain => 250,
                Operation::RegisterVm | Operation::RegisterTemplate | Operation::StartVm => 60,
                _ => 15,
            };
            p.with_request(*op, Duration::from_millis(d))
        })
}

/// A lab after a disaster of the primary, the replicas promoted.
async fn disaster_lab(dir: &Path) -> Lab {
    let options = LabOptions::new(dir);
    let world = options.build_world();
    for site in Site::BOTH {
        world.set_latency(site, slow_requests());
    }
    let lab = Lab::start_with(world, options).await.unwrap();
    lab.world().set_lease_timeout(Duration::from_secs(1));
    lab.world().disaster(Site::Primary);
    lab.world().stop_all_replication();
    lab.world().expire_leases(Site::Primary);
    lab
}

/// `olvm-dr -f CONF failover --yes --no-progress --state URL EXTRA...` in a working directory
/// of its own (also its HOME), started.
fn controller(lab: &Lab, url: &str, extra: &[&str]) -> (Child, tempfile::TempDir) {
    let cwd = tempfile::tempdir().unwrap();
    let child = Command::new(OLVM_DR)
        .arg("-f")
        .arg(&lab.files().dr_conf)
        .args(["failover", "--yes", "--no-progress", "--state", url])
        .args(extra)
        .current_dir(cwd.path())
        .env("HOME", cwd.path())
        .env_remove("OLVM_DR_STATE")
        .env_remove("OLVM_DR_STATE_DIR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("olvm-dr starts");
    (child, cwd)
}

/// Exit code and stdout + stderr of a finished controller.
fn finished(out: Output) -> (i32, String) {
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

/// Waits for `child` without blocking the lab's runtime.
async fn wait(child: Child) -> (i32, String) {
    tokio::task::spawn_blocking(move || finished(child.wait_with_output().unwrap()))
        .await
        .unwrap()
}

/// Runs a controller to its end, starting it again while a dead one's lease still holds the
/// run lock (as an operator would after reading the message).
async fn run_until_not_held(lab: &Lab, url: &str, extra: &[&str]) -> (i32, String) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (child, _cwd) = controller(lab, url, extra);
        let (code, out) = wait(child).await;
        if out.contains("holds the run lock") && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(300)).await;
            continue;
        }
        return (code, out);
    }
}

/// Sends `signal` (`STOP`, `CONT`) to `child`.
fn signal(child: &Child, signal: &str) {
    let status = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(status.success(), "kill -{signal}");
}

/// The store at `url`, opened to read.
fn reader(url: &str) -> EtcdStore {
    let StateLocation::Etcd(location) = StateLocation::parse(url).unwrap() else {
        panic!("{url} is not an etcd URL")
    };
    EtcdStore::connect(&location, false).unwrap()
}

/// The secondary as the Engine holds it, as JSON (what "the same end state" compares). The
/// MACs a registration takes from the pool depend on the order concurrent registrations
/// reach the Engine, in any run: each VM keeps its number of NICs, and no MAC is used twice.
fn end_state(lab: &Lab) -> serde_json::Value {
    let mut snapshot: SiteSnapshot = lab.world().snapshot(Site::Secondary);
    let mut macs: Vec<String> = snapshot
        .vms
        .iter()
        .flat_map(|v| v.macs.iter().flatten().cloned())
        .collect();
    let all = macs.len();
    macs.sort();
    macs.dedup();
    assert_eq!(macs.len(), all, "a MAC used twice: {snapshot:?}");
    for vm in &mut snapshot.vms {
        vm.macs
            .iter_mut()
            .for_each(|m| *m = m.as_ref().map(|_| "set".into()));
    }
    serde_json::to_value(&snapshot).unwrap()
}

/// The only run of the store at `url`, with its journal.
fn only_run(url: &str, context: &str) -> (String, Vec<Record>) {
    let store = reader(url);
    let ids = store.run_ids().unwrap();
    assert_eq!(ids.len(), 1, "{context}: one run, resumed: {ids:?}");
    let records = store.records(&ids[0]).unwrap();
    (ids[0].clone(), records)
}

fn lab_dir(root: &Path, name: &str) -> PathBuf {
    root.join(name)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failover_killed_at_ten_points_is_resumed_by_another_process_to_the_same_end() {
    let cluster = Cluster::start(3);
    let root = tempfile::tempdir().unwrap();

    // The uninterrupted run: its end state, and how many Engine calls it makes.
    let reference_lab = disaster_lab(&lab_dir(root.path(), "reference")).await;
    let url = cluster.url("reference", LEASE_TTL);
    let (child, _cwd) = controller(&reference_lab, &url, &[]);
    let (code, out) = wait(child).await;
    assert_eq!(code, 0, "{out}");
    let expected = end_state(&reference_lab);
    let total_calls = reference_lab.world().calls(Site::Secondary);
    let (_, records) = only_run(&url, "reference");
    assert_nothing_done_twice(&records);
    reference_lab.shutdown().await;

    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for point in 0..10 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        // Killed once it has made between a twentieth and nine tenths of the calls of an
        // uninterrupted run: a point in its work, whatever the machine's speed.
        let kill_at = total_calls * (50 + x % 850) / 1000;
        let context = format!("point {point} (after {kill_at} of {total_calls} calls)");
        let lab = disaster_lab(&lab_dir(root.path(), &format!("lab-{point}"))).await;
        let url = cluster.url(&format!("kill-{point}"), LEASE_TTL);

        let (mut first, _first_cwd) = controller(&lab, &url, &[]);
        while lab.world().calls(Site::Secondary) < kill_at {
            assert!(
                first.try_wait().unwrap().is_none(),
                "{context}: the first controller ended before it was killed"
            );
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        first.kill().unwrap();
        first.wait().unwrap();
        let calls_when_killed = lab.world().calls(Site::Secondary);

        let (code, out) = run_until_not_held(&lab, &url, &[]).await;
        assert_eq!(code, 0, "{context}: {out}");
        assert!(
            lab.world().calls(Site::Secondary) > calls_when_killed,
            "{context}: the second controller did the rest"
        );
        assert_eq!(end_state(&lab), expected, "{context}: the same end state");
        let (_, records) = only_run(&url, &context);
        assert!(
            records
                .iter()
                .any(|r| matches!(r, Record::RunFinished { .. })),
            "{context}: the run finished"
        );
        assert_nothing_done_twice(&records);
        lab.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_two_controllers_started_at_once_exactly_one_runs_and_the_other_names_it() {
    let cluster = Cluster::start(3);
    let root = tempfile::tempdir().unwrap();
    let lab = disaster_lab(&lab_dir(root.path(), "lab")).await;
    let url = cluster.url("both", LEASE_TTL);

    let (a, _a_cwd) = controller(&lab, &url, &[]);
    let (b, _b_cwd) = controller(&lab, &url, &[]);
    let (a, b) = tokio::join!(wait(a), wait(b));
    let (winner, loser) = match (a.0, b.0) {
        (0, _) => (a, b),
        (_, 0) => (b, a),
        _ => panic!("neither ran:\n{}\n---\n{}", a.1, b.1),
    };
    assert_ne!(loser.0, 0, "both ran:\n{}\n---\n{}", winner.1, loser.1);
    assert!(
        loser
            .1
            .contains("another olvm-dr controller holds the run lock in etcd://")
            && loser.1.contains(" on ")
            && loser.1.contains(" by ")
            && loser.1.contains(" since ")
            && loser.1.contains("nothing was changed"),
        "{}",
        loser.1
    );
    let (run, records) = only_run(&url, "both");
    assert!(
        loser.1.contains(&format!("run {run} ")) || loser.1.contains("run (starting) "),
        "the holder is named: {}",
        loser.1
    );
    assert_nothing_done_twice(&records);
    lab.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_controller_paused_past_its_lease_makes_no_engine_call_once_continued() {
    let cluster = Cluster::start(3);
    let root = tempfile::tempdir().unwrap();
    let lab = disaster_lab(&lab_dir(root.path(), "lab")).await;
    let url = cluster.url("paused", LEASE_TTL);

    let (first, _first_cwd) = controller(&lab, &url, &[]);
    // Paused in the middle of its work: once its run is journaled and it has called the
    // secondary's Engine a while.
    let deadline = Instant::now() + Duration::from_secs(30);
    let run = loop {
        assert!(
            Instant::now() < deadline,
            "the first controller never got going"
        );
        let ids = reader(&url).run_ids().unwrap();
        if let Some(id) = ids.first()
            && lab.world().calls(Site::Secondary) > 20
        {
            break id.clone();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    signal(&first, "STOP");
    // Its lease runs out while it sleeps.
    tokio::time::sleep(Duration::from_secs(LEASE_TTL + 1)).await;

    // A second controller takes the run over and finishes it.
    let (code, out) = run_until_not_held(&lab, &url, &["--resume", &run]).await;
    assert_eq!(code, 0, "{out}");
    let (resumed, records) = only_run(&url, "paused");
    assert_eq!(resumed, run);
    assert_nothing_done_twice(&records);
    let calls = [
        lab.world().calls(Site::Primary),
        lab.world().calls(Site::Secondary),
    ];

    // The first one, continued, finds its lease lost and stops before any Engine call.
    signal(&first, "CONT");
    let (code, out) = wait(first).await;
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("lost the run lock"), "{out}");
    assert_eq!(
        [
            lab.world().calls(Site::Primary),
            lab.world().calls(Site::Secondary)
        ],
        calls,
        "no Engine call after it was continued: {out}"
    );
    let (_, after) = only_run(&url, "paused");
    assert_eq!(after.len(), records.len(), "nor a journal record");
    lab.shutdown().await;
}
