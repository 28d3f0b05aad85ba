//! The DR cycle from the command line, over HTTP, against a simulated lab: disaster, failover,
//! the primary comes back, failback through a storage-ready command. Each step is the
//! `olvm-dr` binary run as an operator would run it.

use std::path::Path;

use olvm_dr_core::Site;
use olvm_dr_core::engine::{VmSearch, VmStatus};
use olvm_dr_sim::{Lab, LabOptions};

const OLVM_DR: &str = env!("CARGO_BIN_EXE_olvm-dr");
/// The vault password every command of the test has in its environment.
const ENV_SECRET: &str = "env-vault-secret-42";

/// Runs `olvm-dr` with `args`; returns its exit code and stdout.
async fn olvm_dr(args: &[&str]) -> (i32, String) {
    let out = tokio::process::Command::new(OLVM_DR)
        .args(args)
        // A secret in olvm-dr's environment never reaches the storage-ready command, nor the
        // journal through its output.
        .env("OLVM_DR_VAULT_PASSWORD", ENV_SECRET)
        .output()
        .await
        .expect("olvm-dr runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("p@ss"), "no password in the output");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned() + &stderr,
    )
}

async fn running(lab: &Lab, site: Site) -> Vec<String> {
    let engine = lab.world().dyn_engine(site);
    let mut up: Vec<String> = engine
        .vms(&VmSearch {
            status: Some(VmStatus::Up),
            ..VmSearch::default()
        })
        .await
        .unwrap()
        .into_iter()
        .filter(|v| !v.is_hosted_engine())
        .map(|v| v.name)
        .collect();
    up.sort();
    up
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_cycle_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let lab_dir = dir.path().join("lab");
    let state = dir.path().join("state");
    let lab = Lab::start(LabOptions::new(&lab_dir)).await.unwrap();
    // Sanlock's 80 s would make the test wait in real time; the failover still waits for it.
    lab.world()
        .set_lease_timeout(std::time::Duration::from_secs(2));
    let conf = lab.files().dr_conf.clone();
    let was_running = running(&lab, Site::Primary).await;
    assert!(!was_running.is_empty());

    let (code, out) = olvm_dr(&["-f", s(&conf), "validate", "--offline"]).await;
    assert_eq!(code, 0, "{out}");

    // Disaster; the storage admin promotes the replicas.
    assert_eq!(
        olvm_dr(&["lab", "disaster", "primary", "--dir", s(&lab_dir)])
            .await
            .0,
        0
    );
    assert_eq!(
        olvm_dr(&["lab", "replication", "stop", "--dir", s(&lab_dir)])
            .await
            .0,
        0
    );

    let (code, out) = olvm_dr(&[
        "-f",
        s(&conf),
        "failover",
        "--yes",
        "--state-dir",
        s(&state),
        "--output",
        "json",
        "--no-progress",
    ])
    .await;
    assert_eq!(code, 0, "{out}");
    let json_end = out.rfind('}').unwrap();
    let report: serde_json::Value =
        serde_json::from_str(&out[..=json_end]).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(report["verdict"], "success");
    // Without a terminal: the operator's counters as plain lines, not one line per step.
    let vms = report["vms"].as_array().unwrap().len();
    assert!(
        out.contains(&format!("VMs registered {vms}/{vms}")) && out.contains("failures 0"),
        "{out}"
    );
    assert!(!out.contains("] done "), "{out}");
    assert_eq!(
        report["verification"]["differences"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(running(&lab, Site::Secondary).await, was_running);

    let (code, out) = olvm_dr(&["report", "show", "--state-dir", s(&state)]).await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("failover to secondary: SUCCESS"), "{out}");
    // What the guard saw is shown, not only kept in the JSON.
    assert!(
        out.contains("split-brain guard: proceed; what it saw: the primary Engine did not answer"),
        "{out}"
    );

    // Replication runs toward the primary, then the primary comes back: to copies it cannot
    // write, so its Engine elects no SPM and restarts nothing there (the other order would let
    // it take the copies over while the secondary runs on them).
    assert_eq!(
        olvm_dr(&["lab", "replication", "reverse", "--dir", s(&lab_dir)])
            .await
            .0,
        0
    );
    assert_eq!(
        olvm_dr(&["lab", "recover", "primary", "--dir", s(&lab_dir)])
            .await
            .0,
        0
    );
    let running_now = running(&lab, Site::Secondary).await;

    // Failback; the storage-ready command promotes the primary's copies.
    let gate = format!(
        "echo \"vault=${{OLVM_DR_VAULT_PASSWORD:-none}} literal={ENV_SECRET}\"; '{OLVM_DR}' lab replication stop --dir '{}'",
        s(&lab_dir)
    );
    let (code, out) = olvm_dr(&[
        "-f",
        s(&conf),
        "failback",
        "--yes",
        "--state-dir",
        s(&state),
        "--no-progress",
        "--storage-ready-command",
        &gate,
    ])
    .await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("failback to primary: SUCCESS"), "{out}");
    assert_eq!(running(&lab, Site::Primary).await, running_now);
    assert!(running(&lab, Site::Secondary).await.is_empty());
    let failback = std::fs::read_dir(state.join("runs"))
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with("failback-"))
        .unwrap();
    let report = std::fs::read_to_string(failback.path().join("report.json")).unwrap();
    let journal = std::fs::read_to_string(failback.path().join("journal.jsonl")).unwrap();
    let page = std::fs::read_to_string(failback.path().join("report.html")).unwrap();
    assert!(report.contains("vault=none literal=<redacted>"), "{report}");
    assert!(page.contains("vault=none literal=&lt;redacted&gt;"));
    for text in [&report, &journal, &page] {
        assert!(
            !text.contains(ENV_SECRET),
            "the secret reached the run's files"
        );
    }

    let (code, out) = olvm_dr(&["report", "list", "--state-dir", s(&state)]).await;
    assert_eq!(code, 0);
    assert_eq!(
        out.lines().filter(|l| l.contains("success")).count(),
        2,
        "{out}"
    );
    lab.shutdown().await;
}
