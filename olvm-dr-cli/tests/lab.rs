//! `olvm-dr lab`: start a lab in the background on free ports, query it, declare a disaster,
//! recover, change replication, stop it with SIGTERM.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn olvm_dr(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_olvm-dr"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Stops the lab by its process id (SIGTERM: a clean stop), or kills it if the test fails.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wait_for(path: &Path, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !path.exists() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("olvm-dr lab up exited early: {status}");
        }
        assert!(Instant::now() < deadline, "the lab did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn lab_up_status_disaster_recover_replication_and_stop() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_olvm-dr"))
        .args([
            "lab",
            "up",
            "--vms",
            "12",
            "--seed",
            "5",
            "--lease-timeout",
            "5",
            "--dir",
            d,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lab = Running(child);
    wait_for(&dir.path().join("lab.json"), &mut lab.0);

    let o = olvm_dr(&["lab", "status", "--dir", d]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains("primary    up"), "{out}");
    assert!(out.contains("secondary  up"), "{out}");
    assert!(out.contains("primary_to_secondary"), "{out}");

    // The written files validate (HTTPS, verified with the lab's CA file).
    let conf = dir.path().join("dr.conf");
    let o = olvm_dr(&["-f", conf.to_str().unwrap(), "validate", "--offline"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    let o = olvm_dr(&["lab", "disaster", "primary", "--dir", d]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = olvm_dr(&["lab", "status", "--dir", d, "--output", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["sites"]["primary"]["up"], false);
    assert_eq!(v["sites"]["secondary"]["up"], true);
    // The dark site's leases expire at once, as a rehearsal that does not wait needs.
    let o = olvm_dr(&["lab", "expire-leases", "primary", "--dir", d]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("holds no sanlock lease"), "{}", text(&o));

    let o = olvm_dr(&["lab", "replication", "stop", "--dir", d]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("stopped"));
    let o = olvm_dr(&["lab", "recover", "primary", "--dir", d]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // No failover ran: the secondary uses none of the primary's copies.
    assert!(!text(&o).contains("split brain"), "{}", text(&o));
    let o = olvm_dr(&["lab", "status", "--dir", d]);
    assert!(text(&o).contains("primary    up"), "{}", text(&o));

    // A second lab in the same directory is refused.
    let o = olvm_dr(&["lab", "up", "--dir", d]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("already running"), "{}", text(&o));

    // SIGTERM, by the lab's process id: it stops cleanly and removes its state file.
    let pid = lab.0.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    let output = std::mem::replace(&mut lab.0, Command::new("true").spawn().unwrap())
        .wait_with_output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("two simulated Engines are running"),
        "{stdout}"
    );
    assert!(stdout.contains("5 s lease timeout"), "{stdout}");
    assert!(stdout.contains("olvm-dr lab: stopped"), "{stdout}");
    assert!(!dir.path().join("lab.json").exists());

    let o = olvm_dr(&["lab", "status", "--dir", d]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("no running lab"), "{}", text(&o));
}
