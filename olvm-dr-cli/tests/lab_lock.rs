//! The Engine-held run lock from the command line against a lab, over HTTP: a lock another
//! controller holds refuses the run (the simulator answers the Engine's 409), `--break-lock`
//! takes it, and the run's report says so.

mod lab_support;

use lab_support::{olvm_dr, s};
use olvm_dr_core::engine::rest::RestEngine;
use olvm_dr_core::flow::lock::{LockHolder, RUN_LOCK_TAG};
use olvm_dr_core::{Engine, ErrorKind, Site};
use olvm_dr_sim::{Lab, LabOptions};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_held_elsewhere_refuses_the_run_until_broken() {
    let dir = tempfile::tempdir().unwrap();
    let lab = Lab::start(LabOptions::new(dir.path().join("lab")))
        .await
        .unwrap();
    lab.world()
        .set_lease_timeout(std::time::Duration::from_secs(2));
    let conf = lab.files().dr_conf.clone();
    let state = dir.path().join("state");
    lab.world().disaster(Site::Primary);
    lab.world().stop_all_replication();

    // Another controller, elsewhere, holds the lock on the secondary Engine.
    let other = RestEngine::connect(&lab.site_connection(Site::Secondary)).unwrap();
    let holder = LockHolder {
        run: "failover-secondary-20260101T000000Z-0a0b0c".into(),
        host: "controller-2".into(),
        user: "ops".into(),
        since: "2026-01-01T00:00:00Z".into(),
    };
    other
        .add_tag(RUN_LOCK_TAG, &serde_json::to_string(&holder).unwrap())
        .await
        .unwrap();
    // The name is taken: the Engine's 409, over HTTP.
    let e = other.add_tag(RUN_LOCK_TAG, "x").await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Conflict, "{e}");
    assert_eq!(e.http_status, Some(409));
    assert_eq!(e.detail(), "[The specified Tag name already exists.]");

    let run = |extra: &'static [&'static str]| {
        let mut args = vec![
            "-f".to_owned(),
            s(&conf).to_owned(),
            "failover".into(),
            "--yes".into(),
            "--no-progress".into(),
            "--state-dir".into(),
            s(&state).to_owned(),
        ];
        args.extend(extra.iter().map(|a| (*a).to_owned()));
        args
    };
    let args = run(&[]);
    let (code, out) = olvm_dr(&args.iter().map(String::as_str).collect::<Vec<_>>()).await;
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("another olvm-dr run holds the lock on the secondary Engine")
            && out.contains("controller-2")
            && out.contains("--break-lock"),
        "{out}"
    );
    assert!(
        !state.join("runs").exists()
            || std::fs::read_dir(state.join("runs"))
                .unwrap()
                .next()
                .is_none(),
        "no run was made"
    );

    let args = run(&["--break-lock"]);
    let (code, out) = olvm_dr(&args.iter().map(String::as_str).collect::<Vec<_>>()).await;
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(
            "taken over from run failover-secondary-20260101T000000Z-0a0b0c on controller-2"
        ),
        "{out}"
    );
    let (code, out) = olvm_dr(&["report", "show", "--state-dir", s(&state)]).await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("broken with --break-lock"), "{out}");
    // Released at the end.
    let tags = other.tags().await.unwrap();
    assert!(!tags.iter().any(|t| t.name == RUN_LOCK_TAG), "{tags:?}");
    other.close().await.unwrap();
}
