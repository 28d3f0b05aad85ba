//! `olvm-dr failover` of 200 VMs on an instant lab, as a user runs it after `olvm-dr lab up
//! --vms 200` and `olvm-dr lab disaster primary`: the whole command (mapping and passwords
//! loaded from the lab's `dr.conf`, plan, split-brain guard against the dark primary, storage,
//! registration, start, verification, journal and report in a state directory), timed on the
//! wall clock. Target: 2 s.
//!
//! The lab and the command are `olvm_dr_benches::lab_failover`'s. The phases come from the
//! run's report.
//!
//! With `OLVM_DR_BENCH_ROLE_CMD` set, the same is done once more on a fresh lab for that
//! command (run with `sh -c`, e.g. the `ovirt.ovirt.disaster_recovery` role's failover), and
//! both times are printed. The command gets the lab in its environment: `OLVM_DR_LAB_DIR` (the
//! lab directory, with `lab.json`), `OLVM_DR_LAB_MAPPING` (the role's var file),
//! `OLVM_DR_LAB_PASSWORDS` (its passwords file) and `OLVM_DR_LAB_CONF` (`dr.conf`); it must exit 0.
//!
//! A timed `main` (no harness): best of three runs, each on a fresh lab.
//! Run with `cargo bench -p olvm-dr-benches --bench failover_cli`.

use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use olvm_dr_benches::lab_failover::{cli_failover, lost_primary_lab};
use olvm_dr_core::flow::RunStore;
use olvm_dr_core::plan::Phase;
use olvm_dr_core::report::{Report, Verdict};

const VMS: usize = 200;
const RUNS: usize = 3;
const TARGET: Duration = Duration::from_secs(2);
/// The environment variable that names the Ansible role's command.
const ROLE_CMD: &str = "OLVM_DR_BENCH_ROLE_CMD";

/// CPU time (user and system) this process has used so far: the command and the lab together.
/// `None` where `/proc/self/stat` is not there. Its times are in clock ticks of `USER_HZ`, which
/// Linux fixes at 100 for user space on every architecture it runs on.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold blanks): state is
    // field 3, utime 14, stime 15.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// One `olvm-dr failover`: wall time, CPU time of the command and the lab, and the report.
fn failover_once(rt: &tokio::runtime::Runtime) -> (Duration, Option<Duration>, Report) {
    let dir = tempfile::tempdir().expect("temp dir");
    let lab = lost_primary_lab(rt, &dir.path().join("lab"), VMS);
    let state = dir.path().join("state");
    let cpu_before = cpu_time();
    let (code, wall) = cli_failover(&lab, &["--state-dir".as_ref(), state.as_os_str()]);
    let cpu = cpu_time()
        .zip(cpu_before)
        .map(|(after, before)| after - before);
    let store = RunStore::open_to_read(&state);
    let run = store.runs().pop().expect("the failover left a run");
    let report = store.report(&run.id).expect("its report");
    assert_eq!(
        report.verdict,
        Verdict::Success,
        "exit {code:?}\n{}",
        report.render_summary()
    );
    assert_eq!(report.vms.len(), VMS);
    rt.block_on(lab.shutdown());
    (wall, cpu, report)
}

/// The wall-clock span of the steps of `phases`: from the first start to the last end.
fn span(report: &Report, phases: &[Phase]) -> Duration {
    let steps = report
        .steps
        .iter()
        .filter(|s| phases.contains(&s.phase))
        .filter_map(|s| s.started_ms.map(|at| (at, at + s.duration_ms)));
    let (first, last) = steps.fold((u64::MAX, 0), |(a, b), (s, e)| (a.min(s), b.max(e)));
    Duration::from_millis(last.saturating_sub(first.min(last)))
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

/// The role's command on a fresh lab: its wall time, or why it failed.
fn role_once(rt: &tokio::runtime::Runtime, command: &str) -> Result<Duration, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let lab = lost_primary_lab(rt, &dir.path().join("lab"), VMS);
    let files = lab.files().clone();
    let start = Instant::now();
    let status = Command::new("sh")
        .arg("-c")
        .arg(command)
        .env("OLVM_DR_LAB_DIR", &files.dir)
        .env("OLVM_DR_LAB_MAPPING", &files.mapping)
        .env("OLVM_DR_LAB_PASSWORDS", &files.passwords)
        .env("OLVM_DR_LAB_CONF", &files.dr_conf)
        .status()
        .map_err(|e| format!("cannot run `{command}`: {e}"))?;
    let wall = start.elapsed();
    rt.block_on(lab.shutdown());
    if status.success() {
        Ok(wall)
    } else {
        Err(format!("`{command}` ended with {status}"))
    }
}

fn main() -> ExitCode {
    // `cargo test --benches` runs bench binaries without `--bench`: one run is enough there.
    let runs = if std::env::args().any(|a| a == "--bench") {
        RUNS
    } else {
        1
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (wall, cpu, report) = (0..runs)
        .map(|_| failover_once(&rt))
        .min_by_key(|(wall, ..)| *wall)
        .expect("at least one run");
    let run = Duration::from_millis(report.rto.total_ms);
    println!(
        "olvm-dr failover of {VMS} VMs (lab, instant, dark primary): {} (target {}; best of {runs})",
        secs(wall),
        secs(TARGET)
    );
    println!(
        "  before the run (arguments, mapping, passwords, connect, plan): {}",
        secs(wall.saturating_sub(run))
    );
    println!(
        "  guard and preflight: {}",
        secs(span(&report, &[Phase::Preflight]))
    );
    println!(
        "  domains: {}",
        secs(span(&report, &[Phase::StorageGate, Phase::Storage]))
    );
    println!(
        "  registration: {}",
        secs(span(
            &report,
            &[Phase::Discovery, Phase::Templates, Phase::Vms]
        ))
    );
    println!("  start: {}", secs(span(&report, &[Phase::Start])));
    println!("  verification: {}", secs(span(&report, &[Phase::Verify])));
    println!("  the run (report total): {}", secs(run));
    if let Some(cpu) = cpu {
        // Far less than the wall time means the machine, not olvm-dr, was the limit.
        println!(
            "  CPU time of the command and the lab together: {}",
            secs(cpu)
        );
    }
    if let Ok(command) = std::env::var(ROLE_CMD) {
        match role_once(&rt, &command) {
            Ok(role) => println!(
                "the role's failover on the same lab ({ROLE_CMD}): {} ({:.1}x olvm-dr)",
                secs(role),
                role.as_secs_f64() / wall.as_secs_f64()
            ),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        }
    }
    if runs > 1 && wall > TARGET {
        eprintln!("{} is over the {} target", secs(wall), secs(TARGET));
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
