//! Running the `olvm-dr` binary from the lab tests.
#![allow(dead_code, unreachable_pub)]

use std::path::Path;

/// The binary under test.
pub const OLVM_DR: &str = env!("CARGO_BIN_EXE_olvm-dr");

/// Runs `olvm-dr` with `args`; returns its exit code and stdout + stderr.
pub async fn olvm_dr(args: &[&str]) -> (i32, String) {
    let out = tokio::process::Command::new(OLVM_DR)
        .args(args)
        .output()
        .await
        .expect("olvm-dr runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

/// A path as the command line takes it.
pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `olvm-dr -f CONF failover --dry-run --state-dir STATE`.
pub async fn dry_run(conf: &Path, state: &Path) -> (i32, String) {
    olvm_dr(&[
        "-f",
        s(conf),
        "failover",
        "--dry-run",
        "--state-dir",
        s(state),
    ])
    .await
}
