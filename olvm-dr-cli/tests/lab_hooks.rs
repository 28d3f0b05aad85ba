//! A recovery plan's hooks from the command line against a lab over HTTP: the printed plan
//! shows them, they run in order with the run's facts in their environment, a failing hook that
//! goes on is in the report with its exit status, and a secret of olvm-dr's environment stays
//! out of the hook's environment and of everything journaled and printed.

mod lab_support;

use std::time::Duration;

use lab_support::{OLVM_DR, s};
use olvm_dr_core::Site;
use olvm_dr_sim::{Lab, LabOptions};

/// A value no lab file holds: olvm-dr gets it as its vault password.
const SECRET: &str = "vault-s3cret-4711";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hooks_run_in_order_with_their_environment_and_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let lab = Lab::start(LabOptions::new(dir.path().join("lab")))
        .await
        .unwrap();
    lab.world().set_lease_timeout(Duration::from_secs(2));
    let conf = lab.files().dr_conf.clone();
    let log = dir.path().join("log");
    let l = log.display();
    let plan = dir.path().join("plan.yml");
    let text = format!(
        r#"hooks:
  before_run: "echo \"before_run $OLVM_DR_SITE $OLVM_DR_DIRECTION vault=[$OLVM_DR_VAULT_PASSWORD]\" >> {l}"
  after_run: "echo after_run >> {l}"
groups:
  - name: first
    select:
      names: ["vm00001"]
    start: all
    hooks:
      after:
        command: "echo \"after $OLVM_DR_GROUP\" >> {l}; echo leaked {SECRET}; exit 5"
        on_failure: continue
vms:
  vm00001:
    hooks:
      before_start: "echo \"before_start $OLVM_DR_VM_NAME $OLVM_DR_GROUP\" >> {l}"
"#
    );
    std::fs::write(&plan, text).unwrap();
    let run = |args: Vec<String>| async move {
        let out = tokio::process::Command::new(OLVM_DR)
            .args(&args)
            .env("OLVM_DR_VAULT_PASSWORD", SECRET)
            .output()
            .await
            .expect("olvm-dr runs");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr),
        )
    };
    let args = |more: &[&str]| -> Vec<String> {
        ["-f", s(&conf)]
            .iter()
            .chain(more)
            .map(|a| (*a).to_owned())
            .collect()
    };
    let (code, out) = run(args(&["plan", "failover", "--recovery-plan", s(&plan)])).await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("hook before_run: `echo"), "{out}");
    assert!(out.contains("vm00001: hook before_start"), "{out}");

    lab.world().disaster(Site::Primary);
    lab.world().stop_all_replication();
    let state = dir.path().join("state");
    let (code, out) = run(args(&[
        "failover",
        "--yes",
        "--no-progress",
        "--state-dir",
        s(&state),
        "--recovery-plan",
        s(&plan),
    ]))
    .await;
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("hook after of group first: ") && out.contains("FAILED (exit 5), went on"),
        "{out}"
    );
    let lines: Vec<String> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        lines,
        [
            "before_run secondary failover vault=[]",
            "before_start vm00001 first",
            "after first",
            "after_run"
        ]
    );
    assert!(!out.contains(SECRET), "{out}");
    // What the hooks printed, in the journal and the report; the plan and the steps it adds
    // keep the plan file's commands as written (as for check commands).
    for run in std::fs::read_dir(state.join("runs")).unwrap().flatten() {
        let report = std::fs::read_to_string(run.path().join("report.json")).unwrap_or_default();
        assert!(!report.contains(SECRET), "report.json");
        let html = std::fs::read_to_string(run.path().join("report.html")).unwrap_or_default();
        assert!(!html.contains(SECRET), "report.html");
        if run.file_name().to_string_lossy().starts_with("failover-") {
            assert!(
                html.contains("id=\"recovery-hooks\""),
                "the page lists the hooks"
            );
            assert!(
                html.contains("leaked &lt;redacted&gt;"),
                "with their output"
            );
        }
        let journal = std::fs::read_to_string(run.path().join("journal.jsonl")).unwrap();
        for record in journal.lines().filter(|l| !l.contains("\"steps_added\"")) {
            assert!(!record.contains(SECRET), "{record}");
        }
        assert!(
            journal.contains("leaked <redacted>"),
            "the output is journaled"
        );
    }
    lab.shutdown().await;
}

/// A plan with manual steps at the run and at a group, with no terminal: `--answer-file`
/// with `{gate}` waits for one file per step, `--answer-command` runs once per step with the
/// step id in `OLVM_DR_GATE`; without either the run is refused before it changes anything.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manual_steps_are_answered_by_a_file_or_a_command() {
    for by_command in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let lab = Lab::start(LabOptions::new(dir.path().join("lab")))
            .await
            .unwrap();
        lab.world().set_lease_timeout(Duration::from_secs(2));
        let conf = lab.files().dr_conf.clone();
        let log = dir.path().join("log");
        let l = log.display();
        let plan = dir.path().join("plan.yml");
        std::fs::write(
            &plan,
            format!(
                r#"hooks:
  before_run: "echo before_run >> {l}"
manual: "confirm the DNS change"
groups:
  - name: first
    select:
      names: ["vm00001"]
    start: all
    manual: "check the load balancer"
vms:
  vm00001:
    hooks:
      before_start: "echo before_start >> {l}"
"#
            ),
        )
        .unwrap();
        lab.world().disaster(Site::Primary);
        lab.world().stop_all_replication();
        let state = dir.path().join("state");
        let answers = dir.path().join("answers");
        let mut args: Vec<String> = [
            "-f",
            s(&conf),
            "failover",
            "--yes",
            "--no-progress",
            "--state-dir",
            s(&state),
            "--recovery-plan",
            s(&plan),
        ]
        .iter()
        .map(|a| (*a).to_owned())
        .collect();
        let run = |args: Vec<String>| async move {
            let out = tokio::process::Command::new(OLVM_DR)
                .args(&args)
                .stdin(std::process::Stdio::null())
                .output()
                .await
                .expect("olvm-dr runs");
            (
                out.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&out.stdout).into_owned()
                    + &String::from_utf8_lossy(&out.stderr),
            )
        };
        if !by_command {
            // No way to answer: refused, nothing done.
            let (code, out) = run(args.clone()).await;
            assert_eq!(code, 2, "{out}");
            assert!(out.contains("--answer-command or --answer-file"), "{out}");
            assert!(!log.exists(), "nothing ran");
            // One file for two questions would answer both at once: refused.
            let mut one = args.clone();
            one.extend(["--answer-file".into(), s(&answers.join("ok")).to_owned()]);
            let (code, out) = run(one).await;
            assert_eq!(code, 2, "{out}");
            assert!(out.contains("put {gate} in the answer file"), "{out}");
        }
        if by_command {
            args.extend([
                "--answer-command".into(),
                format!("echo \"answer $OLVM_DR_GATE\" >> {l}"),
            ]);
        } else {
            // The files appear while the run waits: the group's only after the run's.
            std::fs::create_dir_all(answers.join("manual/group")).unwrap();
            let (dir, log) = (answers.clone(), log.clone());
            tokio::spawn(async move {
                for (wait_for, file, line) in [
                    ("before_run", "manual/run.ok", "answer manual/run"),
                    (
                        "answer manual/run",
                        "manual/group/first.ok",
                        "answer manual/group/first",
                    ),
                ] {
                    loop {
                        let text = std::fs::read_to_string(&log).unwrap_or_default();
                        if text.lines().any(|l| l == wait_for) {
                            break;
                        }
                        tokio::time::sleep(Duration::from_millis(200)).await;
                    }
                    let mut text = std::fs::read_to_string(&log).unwrap();
                    text.push_str(line);
                    text.push('\n');
                    std::fs::write(&log, text).unwrap();
                    std::fs::write(dir.join(file), "").unwrap();
                }
            });
            args.extend([
                "--answer-file".into(),
                format!("{}/{{gate}}.ok", answers.display()),
            ]);
        }
        let (code, out) = run(args).await;
        assert_eq!(code, 0, "{out}");
        let lines: Vec<String> = std::fs::read_to_string(&log)
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect();
        assert_eq!(
            lines,
            [
                "before_run",
                "answer manual/run",
                "answer manual/group/first",
                "before_start"
            ],
            "by command: {by_command}"
        );
        lab.shutdown().await;
    }
}
