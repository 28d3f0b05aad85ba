//! A recovery plan from the command line against a medium lab over HTTP: four groups (one also
//! selecting by tag), a dependency, a check (against the simulator's check endpoint) that fails
//! once then passes, a subnet translation and a VM's own address; the failover is killed inside
//! its groups and resumed; the failback puts the addresses back and selects by the tags the
//! primary's record keeps.

mod lab_support;

use std::net::IpAddr;
use std::path::Path;
use std::time::Duration;

use lab_support::{OLVM_DR, olvm_dr, s};
use olvm_dr_core::Site;
use olvm_dr_core::engine::Id;
use olvm_dr_sim::{Lab, LabOptions};

/// The plan; `tagged` is selected by tag `infra` only, `own` gets its own address.
fn write_plan(path: &Path, control_url: &str, own: &str) {
    let check = format!(
        "python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)' {control_url}/checks/{{name}}"
    );
    let text = format!(
        r#"groups:
  - name: infrastructure
    select:
      names: ["vm0000?"]
      tags: [infra]
    wait:
      for: check
      command: "{check}"
      timeout: 2m
    delay_after: 2s
  - name: databases
    select:
      names: ["vm0001?"]
    wait:
      for: ip
      timeout: 2m
  - name: applications
    select:
      names: ["vm0002?"]
  - name: web
    select:
      names: ["vm0003?"]
    wait:
      on_timeout: continue
vms:
  vm00012:
    after: [vm00011]
  {own}:
    addresses:
      - network: prod-net
        address: 10.201.250.9/16
        gateway: 10.201.0.1
reip:
  networks:
    - network: prod-net
      from: 10.1.0.0/16
      to: 10.201.0.0/16
      gateway: 10.201.0.1
      dns: [10.201.0.53]
"#
    );
    std::fs::write(path, text).unwrap();
}

/// The first address of each VM's guest, by id.
fn addresses(lab: &Lab) -> Vec<(Id, Option<IpAddr>)> {
    lab.world()
        .facts()
        .vms
        .iter()
        .map(|v| {
            let g = lab.world().guest(v.id).unwrap_or_default();
            (v.id, g.interfaces.first().map(|i| i.address))
        })
        .collect()
}

/// The journal of the one failover run in `state`, when it exists.
fn failover_journal(state: &Path) -> Option<String> {
    journal_of(state, "failover-")
}

/// The journal of the one run in `state` whose id starts with `kind`, when it exists.
fn journal_of(state: &Path, kind: &str) -> Option<String> {
    let runs = std::fs::read_dir(state.join("runs")).ok()?;
    runs.flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with(kind))
        .and_then(|e| std::fs::read_to_string(e.path().join("journal.jsonl")).ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recovery_plan_from_the_command_line_killed_resumed_and_failed_back() {
    let dir = tempfile::tempdir().unwrap();
    let lab_dir = dir.path().join("lab");
    let state = dir.path().join("state");
    let lab = Lab::start(LabOptions {
        size: olvm_dr_sim::WorldSize::Medium,
        ..LabOptions::new(&lab_dir)
    })
    .await
    .unwrap();
    lab.world().set_lease_timeout(Duration::from_secs(2));
    let conf = lab.files().dr_conf.clone();
    let plan = dir.path().join("recovery_plan.yml");
    let before = addresses(&lab);
    let facts = lab.world().facts();
    let running_with_address = |prefix: &str| {
        facts
            .vms
            .iter()
            .zip(&before)
            .find(|(v, (_, a))| {
                v.running
                    && v.name.starts_with(prefix)
                    && a.is_some_and(|a| a.to_string().starts_with("10.1."))
                    && lab.world().guest(v.id).is_some_and(|g| g.cloud_init)
            })
            .map(|(v, _)| v.clone())
            .expect("a running VM with cloud-init and an address on prod-net")
    };
    // A running VM of the default group that only its tag puts in `infrastructure`.
    let tagged = running_with_address("vm0004");
    let own = running_with_address("vm0002");
    let primary = lab.world().dyn_engine(Site::Primary);
    let infra = primary.add_tag("infra", "").await.unwrap();
    primary.assign_tag(tagged.id, infra.id).await.unwrap();
    write_plan(&plan, &lab.control_url(Site::Primary), &own.name);
    // Each infrastructure VM's service fails its first check.
    for v in lab
        .world()
        .facts()
        .vms
        .iter()
        .filter(|v| v.name.starts_with("vm0000"))
    {
        lab.world().fail_checks(v.id, 1);
    }

    // Online validation records what the primary shows (its guests' addresses among it).
    let (code, out) = olvm_dr(&[
        "-f",
        s(&conf),
        "validate",
        "--state-dir",
        s(&state),
        "--recovery-plan",
        s(&plan),
    ])
    .await;
    assert!(code == 0 || code == 1, "{out}");
    assert!(!out.contains("DR130"), "the plan fits the lab: {out}");

    let (code, out) = olvm_dr(&[
        "-f",
        s(&conf),
        "plan",
        "failover",
        "--recovery-plan",
        s(&plan),
    ])
    .await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Recovery plan:"), "{out}");
    assert!(out.contains("1. infrastructure: names vm0000?"), "{out}");
    assert!(out.contains("vm00012 starts after vm00011"), "{out}");
    assert!(
        out.contains("re-IP on prod-net: 10.1.0.0/16 -> 10.201.0.0/16"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "{}, the NIC on prod-net: 10.201.250.9/16, gateway 10.201.0.1",
            own.name
        )),
        "{out}"
    );

    lab.world().disaster(Site::Primary);
    lab.world().stop_all_replication();
    let failover = [
        "-f",
        s(&conf),
        "failover",
        "--yes",
        "--no-progress",
        "--state-dir",
        s(&state),
        "--recovery-plan",
        s(&plan),
    ];
    // Killed once the first group's waits have begun.
    let mut child = tokio::process::Command::new(OLVM_DR)
        .args(failover)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    loop {
        if failover_journal(&state).is_some_and(|j| j.contains("\"step\":\"ready-vm/")) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the run never reached its groups"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().await.unwrap();

    let (code, out) = olvm_dr(&failover).await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("failover to secondary: SUCCESS"), "{out}");
    assert!(out.contains("  group infrastructure: "), "{out}");
    assert!(out.contains(" -> 10.201."), "{out}");
    let journal = failover_journal(&state).unwrap();
    assert!(journal.contains("\"resumed\":true"), "one run, resumed");
    assert!(
        out.contains(" -> 10.201.250.9"),
        "the VM's own address is reported: {out}"
    );
    // The steps of the groups are planned during the run: the journal has them.
    assert!(
        journal.contains(&format!(
            "start VM '{}' (group 'infrastructure')",
            tagged.name
        )),
        "the tag put {} in infrastructure",
        tagged.name
    );

    let moved = addresses(&lab);
    let own_now = moved
        .iter()
        .find(|(id, _)| *id == own.id)
        .and_then(|(_, a)| *a);
    assert_eq!(
        own_now,
        Some("10.201.250.9".parse().unwrap()),
        "{}",
        own.name
    );
    let mut changed = 0;
    for ((id, old), (_, now)) in before.iter().zip(&moved) {
        if let (Some(IpAddr::V4(old)), Some(IpAddr::V4(now))) = (old, now)
            && old != now
        {
            assert_eq!((old.octets()[1], now.octets()[1]), (1, 201), "VM {id}");
            changed += 1;
        }
    }
    assert!(changed > 0, "some guests were readdressed");

    // Failback with the same plan: the addresses go back.
    // The storage first: the primary comes back to read-only copies.
    lab.world().reverse_all_replication();
    lab.world().recover(Site::Primary);
    let gate = format!("'{OLVM_DR}' lab replication stop --dir '{}'", s(&lab_dir));
    let (code, out) = olvm_dr(&[
        "-f",
        s(&conf),
        "failback",
        "--yes",
        "--no-progress",
        "--state-dir",
        s(&state),
        "--storage-ready-command",
        &gate,
        "--recovery-plan",
        s(&plan),
    ])
    .await;
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        addresses(&lab),
        before,
        "the failback restored every address"
    );
    // The secondary's copy of the tagged VM has no tags: the primary's record (kept by
    // validate) puts it in infrastructure again.
    let journal = journal_of(&state, "failback-").expect("the failback's journal");
    assert!(
        journal.contains(&format!(
            "start VM '{}' (group 'infrastructure')",
            tagged.name
        )),
        "the primary's tag put {} in infrastructure on the failback",
        tagged.name
    );
    lab.shutdown().await;
}
