//! `olvm-dr demo` runs the whole cycle on its embedded lab and leaves the runs behind.

use std::process::Command;

#[test]
fn demo_runs_the_whole_cycle_and_keeps_its_runs() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_olvm-dr"))
        .args(["demo", "--dir"])
        .arg(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "exit {:?}\n{stdout}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("failover to secondary: SUCCESS"),
        "{stdout}"
    );
    assert!(stdout.contains("failback to primary: SUCCESS"), "{stdout}");
    assert!(dir.path().join("disaster_recovery_vars.yml").is_file());

    let list = Command::new(env!("CARGO_BIN_EXE_olvm-dr"))
        .args(["report", "list", "--state-dir"])
        .arg(dir.path().join("state"))
        .output()
        .unwrap();
    assert!(
        list.status.success(),
        "{}",
        String::from_utf8_lossy(&list.stderr)
    );
    let text = String::from_utf8_lossy(&list.stdout);
    assert!(text.contains("failover-secondary-"), "{text}");
    assert!(text.contains("failback-primary-"), "{text}");
}
