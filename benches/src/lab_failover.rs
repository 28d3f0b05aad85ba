//! `olvm-dr failover` on an instant lab whose primary has just been lost, as a user runs it
//! after `olvm-dr lab up --vms N` and `olvm-dr lab disaster primary`: the workload of the
//! benchmarks that time the whole command (`failover_cli`, `failover_etcd`).
//!
//! The lab is the one `olvm-dr lab up` starts (`olvm_dr_sim::Lab`, `instant` latency: no time
//! per request or transition), in the benchmark's process on a runtime of its own. The primary
//! is dark the way the lab makes it dark (its Engine port and its hosts' VDSM ports refuse
//! connections), its sanlock leases have expired and replication is stopped, as after a real
//! disaster once the storage has been promoted.

use std::ffi::OsStr;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use olvm_dr_core::{Secret, Site};
use olvm_dr_sim::{Lab, LabOptions, Latency};

/// A lab of `vms` VMs in `dir` whose primary has just been lost.
///
/// # Panics
/// When the lab cannot start (no free loopback ports, `dir` not writable): a benchmark has
/// nothing to measure then.
pub fn lost_primary_lab(rt: &tokio::runtime::Runtime, dir: &Path, vms: usize) -> Lab {
    let options = LabOptions {
        vms: Some(vms),
        latency: Latency::Instant,
        password: Some(Secret::new("bench")),
        ..LabOptions::new(dir)
    };
    let lab = rt.block_on(Lab::start(options)).expect("lab");
    let world = lab.world();
    world.disaster(Site::Primary);
    world.expire_leases(Site::Primary);
    world.stop_all_replication();
    lab
}

/// Runs `olvm-dr -q -f <conf> failover --yes --no-progress <state_args>` in this process (the
/// lab's `dr.conf` gives the mapping and passwords; `state_args` where the run is kept, e.g.
/// `--state-dir DIR` or `--state etcd://…`): its exit code and wall time.
pub fn cli_failover(lab: &Lab, state_args: &[&OsStr]) -> (ExitCode, Duration) {
    let conf = lab.files().dr_conf.clone();
    let mut args: Vec<&OsStr> = vec![
        "olvm-dr".as_ref(),
        "-q".as_ref(),
        "-f".as_ref(),
        conf.as_os_str(),
        "failover".as_ref(),
        "--yes".as_ref(),
        "--no-progress".as_ref(),
    ];
    args.extend_from_slice(state_args);
    let start = Instant::now();
    let code = olvm_dr_cli::run(args);
    (code, start.elapsed())
}
