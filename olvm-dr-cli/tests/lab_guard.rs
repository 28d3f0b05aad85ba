//! The split-brain guard from the command line against a lab, over HTTP: a primary that answers
//! with an error is up; an Engine-only outage is refused because the primary's hosts still
//! answer on VDSM's port; a whole-site disaster proceeds, decided in well under a second.

mod lab_support;

use std::path::Path;

use lab_support::{dry_run, olvm_dr, s};
use olvm_dr_core::Site;
use olvm_dr_sim::{Lab, LabOptions};

/// How many of the world's replicated domains the secondary knows.
async fn imported(lab: &Lab) -> usize {
    let known = lab
        .world()
        .dyn_engine(Site::Secondary)
        .storage_domains()
        .await
        .unwrap();
    lab.world()
        .facts()
        .domains
        .iter()
        .filter(|d| known.iter().any(|k| k.id == d.id))
        .count()
}

async fn lab(dir: &Path) -> Lab {
    let lab = Lab::start(LabOptions::new(dir.join("lab"))).await.unwrap();
    lab.world()
        .set_lease_timeout(std::time::Duration::from_secs(2));
    lab
}

async fn failover(conf: &Path, state: &Path) -> (i32, String) {
    olvm_dr(&[
        "-f",
        s(conf),
        "failover",
        "--yes",
        "--no-progress",
        "--state-dir",
        s(state),
    ])
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_primary_that_refuses_the_password_is_up_and_the_failover_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let lab = lab(dir.path()).await;
    let files = lab.files().clone();
    // No disaster: the primary is up and uses its domains. Someone promotes the replicas and
    // the primary's password in the passwords file is wrong.
    lab.world().stop_all_replication();
    let passwords = std::fs::read_to_string(&files.passwords).unwrap();
    let wrong: String = passwords
        .lines()
        .map(|l| {
            if l.starts_with("dr_sites_primary_password:") {
                "dr_sites_primary_password: 'wrong'".to_owned()
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert_ne!(wrong, passwords);
    std::fs::write(&files.passwords, wrong + "\n").unwrap();

    // A dry run says the real run would be refused, and writes nothing.
    let dry_state = dir.path().join("dry-state");
    let (code, out) = dry_run(&files.dr_conf, &dry_state).await;
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("(dry run: nothing was changed)"), "{out}");
    assert!(out.contains("a real run would be refused"), "{out}");
    assert!(out.contains("unauthenticated"), "{out}");
    assert!(!dry_state.exists(), "a dry run creates no state directory");

    let (code, out) = failover(&files.dr_conf, &dir.path().join("state")).await;
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("refusing to import"), "{out}");
    assert!(out.contains("the primary Engine is up"), "{out}");
    assert!(out.contains("unauthenticated"), "{out}");
    assert!(out.contains("password"), "{out}");
    assert_eq!(imported(&lab).await, 0, "nothing was imported");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_engine_only_outage_is_refused_and_a_whole_site_disaster_goes_through() {
    let dir = tempfile::tempdir().unwrap();
    let lab = lab(dir.path()).await;
    let files = lab.files().clone();
    let lab_dir = dir.path().join("lab");
    let state = dir.path().join("state");

    // validate records the primary's hosts for the guard.
    let (code, out) = olvm_dr(&[
        "-f",
        s(&files.dr_conf),
        "validate",
        "--state-dir",
        s(&state),
    ])
    .await;
    assert!(code == 0 || code == 1, "{out}");
    let known = std::fs::read_to_string(state.join("known-hosts.json")).unwrap();
    assert!(known.contains("\"127."), "{known}");

    let (code, out) = olvm_dr(&[
        "lab",
        "disaster",
        "primary",
        "--engine-only",
        "--dir",
        s(&lab_dir),
    ])
    .await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("its hosts still run"), "{out}");
    lab.world().stop_all_replication();

    let (code, out) = failover(&files.dr_conf, &state).await;
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("the primary Engine does not answer"), "{out}");
    assert!(out.contains("but its hosts '"), "{out}");
    assert!(out.contains("(127."), "{out}");
    assert_eq!(imported(&lab).await, 0, "nothing was imported");

    // Now the whole site goes dark: nothing answers, the guard proceeds at once.
    let (code, out) = olvm_dr(&["lab", "disaster", "primary", "--dir", s(&lab_dir)]).await;
    assert_eq!(code, 0, "{out}");
    // A dry run in an existing state directory takes no lock and makes no run.
    let before = entries(&state);
    let (code, out) = dry_run(&files.dr_conf, &state).await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("the primary Engine does not answer"), "{out}");
    assert_eq!(entries(&state), before, "a dry run writes nothing");
    let (code, out) = olvm_dr(&[
        "-f",
        s(&files.dr_conf),
        "failover",
        "--yes",
        "--no-progress",
        "--new-run",
        "--state-dir",
        s(&state),
        "--output",
        "json",
    ])
    .await;
    assert_eq!(code, 0, "{out}");
    let start = out.find("{\n").unwrap();
    let end = out.rfind('}').unwrap();
    let report: serde_json::Value = serde_json::from_str(&out[start..=end]).unwrap();
    assert_eq!(report["facts"]["split_brain.decision"], "proceed");
    let evidence = report["facts"]["split_brain.evidence"].as_str().unwrap();
    assert!(
        evidence.contains("did not answer: Connection refused"),
        "{evidence}"
    );
    let guard = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "guard/split-brain")
        .unwrap();
    let ms = guard["duration_ms"].as_u64().unwrap();
    assert!(ms < 1000, "the guard took {ms} ms");
    assert_eq!(imported(&lab).await, lab.world().facts().domains.len());
    assert_private(&state);
}

/// Every file and directory under `dir`, with its size, sorted.
fn entries(dir: &Path) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let m = e.metadata().unwrap();
            if m.is_dir() {
                todo.push(e.path());
            }
            out.push((
                e.path().display().to_string(),
                if m.is_dir() { 0 } else { m.len() },
            ));
        }
    }
    out.sort();
    out
}

/// The state directory and what is in it are the owner's only: directories 0700, files 0600.
fn assert_private(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(dir), 0o700, "{}", dir.display());
    let mut files = 0;
    for (path, _) in entries(dir) {
        let p = Path::new(&path);
        let want = if p.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode(p), want, "{path}");
        files += usize::from(!p.is_dir());
    }
    assert!(
        files >= 4,
        "the lock, the known hosts, and a run's plan, journal, report"
    );
}
