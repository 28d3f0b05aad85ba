//! The three drills and `verify` from the command line, over HTTP, against a simulated lab.
//! The storage administrator is a script that acts on the lab's replication per gate
//! (`OLVM_DR_GATE`, `OLVM_DR_GATE_SITE`), as an array's CLI would.

use std::path::{Path, PathBuf};
use std::time::Duration;

use olvm_dr_core::Site;
use olvm_dr_core::engine::{VmSearch, VmStatus};
use olvm_dr_core::fake::WorldFacts;
use olvm_dr_sim::{Lab, LabOptions};

const OLVM_DR: &str = env!("CARGO_BIN_EXE_olvm-dr");

async fn olvm_dr(args: &[&str]) -> (i32, String) {
    let out = tokio::process::Command::new(OLVM_DR)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .await
        .expect("olvm-dr runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

fn cases(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

async fn running(lab: &Lab, site: Site) -> Vec<String> {
    let mut up: Vec<String> = lab
        .world()
        .dyn_engine(site)
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

/// A lab, its dr.conf, a state directory and a gate script with `cases` (shell `case` arms
/// on "$OLVM_DR_GATE:$OLVM_DR_GATE_SITE", each running `lab replication ...` actions separated
/// by `;`).
struct Rig {
    _dir: tempfile::TempDir,
    lab: Lab,
    conf: PathBuf,
    state: PathBuf,
    gate: String,
}

impl Rig {
    async fn new(cases: impl FnOnce(&WorldFacts) -> Vec<(String, String)>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let lab_dir = dir.path().join("lab");
        let lab = Lab::start(LabOptions::new(&lab_dir)).await.unwrap();
        let cases = cases(lab.world().facts());
        // Sanlock's 80 s would be waited in real time.
        lab.world().set_lease_timeout(Duration::from_secs(2));
        let mut script =
            String::from("#!/bin/sh\nset -e\ncase \"$OLVM_DR_GATE:$OLVM_DR_GATE_SITE\" in\n");
        for (pattern, actions) in &cases {
            script.push_str(&format!("  {pattern})\n"));
            for action in actions.split(';') {
                script.push_str(&format!(
                    "    '{OLVM_DR}' lab replication {} --dir '{}'\n",
                    action.trim(),
                    s(&lab_dir)
                ));
            }
            script.push_str("    ;;\n");
        }
        script.push_str("  *) echo \"unexpected gate $OLVM_DR_GATE at $OLVM_DR_GATE_SITE\" >&2; exit 3 ;;\nesac\n");
        let gate_path = dir.path().join("arrays.sh");
        std::fs::write(&gate_path, script).unwrap();
        Self {
            conf: lab.files().dr_conf.clone(),
            state: dir.path().join("state"),
            gate: format!("sh '{}'", s(&gate_path)),
            lab,
            _dir: dir,
        }
    }

    /// Runs `olvm-dr -f dr.conf ARGS --yes --no-progress --state-dir S --storage-ready-command G`.
    async fn flow(&self, args: &[&str]) -> (i32, String) {
        let mut all = vec!["-f", s(&self.conf)];
        all.extend_from_slice(args);
        all.extend_from_slice(&[
            "--yes",
            "--no-progress",
            "--state-dir",
            s(&self.state),
            "--storage-ready-command",
            &self.gate,
        ]);
        olvm_dr(&all).await
    }

    async fn verify(&self, site: &str) -> (i32, String) {
        olvm_dr(&[
            "-f",
            s(&self.conf),
            "verify",
            "--site",
            site,
            "--state-dir",
            s(&self.state),
        ])
        .await
    }

    fn snapshot(&self, site: Site) -> String {
        serde_json::to_string_pretty(&self.lab.world().snapshot(site)).unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discreet_drill_verify_and_drill_end() {
    let rig = Rig::new(|_| {
        cases(&[
            ("split-replication:secondary", "split"),
            ("resume-replication:secondary", "resync"),
        ])
    })
    .await;
    let primary_before = rig.snapshot(Site::Primary);
    let secondary_before = rig.snapshot(Site::Secondary);
    let was_running = running(&rig.lab, Site::Primary).await;

    let (code, out) = rig
        .flow(&["drill", "start", "--isolate", "unplugged"])
        .await;
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("failover (drill) to secondary: SUCCESS"),
        "{out}"
    );
    assert_eq!(
        rig.snapshot(Site::Primary),
        primary_before,
        "the primary is untouched"
    );
    assert_eq!(running(&rig.lab, Site::Secondary).await, was_running);
    let secondary = rig.lab.world().dyn_engine(Site::Secondary);
    for vm in secondary.vms(&VmSearch::default()).await.unwrap() {
        assert!(
            vm.nics.iter().all(|n| !n.plugged),
            "drill VM {} has a plugged NIC",
            vm.name
        );
    }

    // verify checks what the drill left; a NIC moved by hand onto a network is found.
    let (code, out) = rig.verify("secondary").await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("no differences"), "{out}");
    // The drill's run checked on the primary is refused, naming the site to give.
    let store = olvm_dr_core::flow::RunStore::open(&rig.state).unwrap();
    let run = store.last_run_to(Site::Secondary).unwrap();
    drop(store); // it holds the state directory's lock
    let (code, out) = olvm_dr(&[
        "-f",
        s(&rig.conf),
        "verify",
        "--site",
        "primary",
        "--run",
        &run,
        "--state-dir",
        s(&rig.state),
    ])
    .await;
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(&format!("run {run} brought its workload to the secondary site, not the primary site: give --site secondary")),
        "{out}"
    );
    let victim = secondary
        .vms(&VmSearch::default())
        .await
        .unwrap()
        .into_iter()
        .find(|v| !v.nics.is_empty())
        .unwrap();
    // Someone plugs a drill NIC by hand: the VM may reach its network.
    secondary
        .set_nic_plugged(victim.id, victim.nics[0].id, true)
        .await
        .unwrap();
    let (code, out) = rig.verify("secondary").await;
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!(
            "VM '{}': NIC '{}'",
            victim.name, victim.nics[0].name
        )),
        "{out}"
    );

    // The drill end only touches the secondary and leaves it as it was.
    let (code, out) = rig.flow(&["drill", "end"]).await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("(drill)") && out.contains("SUCCESS"), "{out}");
    assert_eq!(rig.snapshot(Site::Secondary), secondary_before);
    assert_eq!(rig.snapshot(Site::Primary), primary_before);
    rig.lab.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drill_on_a_test_domain_and_its_failback() {
    let test = std::sync::Mutex::new(String::new());
    let rig = Rig::new(|facts| {
        let name = facts
            .domains
            .iter()
            .find(|d| d.storage_type == olvm_dr_core::engine::StorageType::Iscsi)
            .expect(
                "the second data center's domain, with no VM spanning others, to dedicate to tests",
            )
            .name
            .clone();
        *test.lock().unwrap() = name.clone();
        vec![
            (
                "split-replication:secondary".into(),
                format!("split {name}"),
            ),
            (
                "storage-gate:primary".into(),
                format!("reverse {name}; stop {name}"),
            ),
            (
                "restore-replication:primary".into(),
                format!("reverse {name}"),
            ),
        ]
    })
    .await;
    let test = test.into_inner().unwrap();

    let (code, out) = rig
        .flow(&[
            "drill",
            "start",
            "--domains",
            &test,
            "--isolate",
            "unplugged",
        ])
        .await;
    assert_eq!(code, 0, "{out}");
    let in_drill = running(&rig.lab, Site::Secondary).await;
    assert!(!in_drill.is_empty(), "{out}");

    let (code, out) = rig.flow(&["drill", "failback"]).await;
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("failback (drill) to primary: SUCCESS"),
        "{out}"
    );
    let home = running(&rig.lab, Site::Primary).await;
    for vm in &in_drill {
        assert!(home.contains(vm), "{vm} runs at home again");
    }
    assert!(running(&rig.lab, Site::Secondary).await.is_empty());
    rig.lab.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_drill_out_and_home_in_two_invocations() {
    let rig = Rig::new(|_| {
        cases(&[
            ("storage-gate:secondary", "reverse"),
            ("storage-gate:primary", "stop"),
            ("restore-replication:primary", "reverse"),
        ])
    })
    .await;
    let was_running = running(&rig.lab, Site::Primary).await;

    let (code, out) = rig.flow(&["drill", "full", "--stay"]).await;
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("switchover (drill) to secondary: SUCCESS"),
        "{out}"
    );
    assert_eq!(running(&rig.lab, Site::Secondary).await, was_running);

    let (code, out) = rig.flow(&["drill", "full"]).await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("leg 2 of 2"), "{out}");
    assert!(
        out.contains("failback (drill) to primary: SUCCESS"),
        "{out}"
    );
    assert_eq!(running(&rig.lab, Site::Primary).await, was_running);

    let (code, out) = olvm_dr(&["report", "list", "--state-dir", s(&rig.state)]).await;
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.matches("drill-").count(), 2, "{out}");
    rig.lab.shutdown().await;
}
