//! The metadata recovery point from the command line, over HTTP, against a simulated lab:
//! `validate` warns about a stale OVF store, `ovf-update --site primary` says when the Engine
//! had nothing to update, writes the stores that changed and waits for the Engine's jobs, and
//! `validate` no longer warns.

use std::path::Path;
use std::time::Duration;

use olvm_dr_core::Site;
use olvm_dr_sim::{Lab, LabOptions};

const OLVM_DR: &str = env!("CARGO_BIN_EXE_olvm-dr");

/// Runs `olvm-dr` with `args`; returns its exit code, stdout and stderr.
async fn olvm_dr(args: &[&str]) -> (i32, String, String) {
    let out = tokio::process::Command::new(OLVM_DR)
        .args(args)
        .output()
        .await
        .expect("olvm-dr runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !stdout.contains("p@ss") && !stderr.contains("p@ss"),
        "no password in the output"
    );
    (out.status.code().unwrap_or(-1), stdout, stderr)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stale_warnings(json: &serde_json::Value) -> Vec<&serde_json::Value> {
    json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "DR0815" && d["severity"] == "warning")
        .collect()
}

/// Stops a running VM with a disk on `sd` through the primary's Engine: a change the Engine's
/// next OVF update writes (`StopVmCommandBase` bumps the VM's configuration generation).
async fn stop_a_vm_on(lab: &Lab, sd: olvm_dr_core::engine::Id) {
    use olvm_dr_core::engine::Engine;
    let vm = lab
        .world()
        .facts()
        .vms
        .iter()
        .find(|v| v.running && v.domains.contains(&sd))
        .expect("a running VM on the domain")
        .id;
    lab.world().engine(Site::Primary).stop_vm(vm).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validate_warns_ovf_update_writes_and_validate_is_clean() {
    let dir = tempfile::tempdir().unwrap();
    let lab = Lab::start(LabOptions::new(dir.path().join("lab")))
        .await
        .unwrap();
    let conf = lab.files().dr_conf.clone();
    let domain = lab.world().facts().domains[0].clone();

    // Fresh: the ages are told as information only.
    let (code, out, err) = olvm_dr(&["-f", s(&conf), "validate", "--output", "json"]).await;
    assert_eq!(code, 0, "{out}{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(stale_warnings(&json).is_empty(), "{out}");

    // Two hours since the primary's Engine last wrote one domain's store: a warning, which
    // the validate contract reports with exit 0 (warnings allowed).
    assert!(
        lab.world()
            .age_ovf_store(Site::Primary, domain.id, Duration::from_secs(2 * 3600))
    );
    let (code, out, err) = olvm_dr(&["-f", s(&conf), "validate", "--output", "json"]).await;
    assert_eq!(code, 0, "{out}{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let w = stale_warnings(&json);
    assert_eq!(w.len(), 1, "{out}");
    assert_eq!(w[0]["site"], "primary");
    assert_eq!(w[0]["entity"], format!("storage domain '{}'", domain.name));
    // A limit above the age accepts it.
    let (code, out, _) = olvm_dr(&[
        "-f",
        s(&conf),
        "validate",
        "--max-ovf-age",
        "180",
        "--output",
        "json",
    ])
    .await;
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(stale_warnings(&json).is_empty(), "{out}");
    // The text output names the domain, the site and the command that fixes it.
    let (_, out, _) = olvm_dr(&["-f", s(&conf), "validate"]).await;
    assert!(out.contains("DR0815"), "{out}");
    assert!(out.contains("olvm-dr ovf-update --site primary"), "{out}");

    // Nothing changed since the store was written: the Engine has nothing to update, the
    // command says so (and succeeds), and the store keeps its age.
    let (code, out, err) = olvm_dr(&["-f", s(&conf), "ovf-update", "--site", "primary"]).await;
    assert_eq!(code, 0, "{out}{err}");
    let line = out
        .lines()
        .find(|l| l.contains(&domain.name))
        .expect("a line for the aged domain");
    assert!(
        line.contains("unchanged  age 2h: the Engine had nothing to update"),
        "{line}"
    );
    let (_, out, _) = olvm_dr(&["-f", s(&conf), "validate", "--output", "json"]).await;
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(stale_warnings(&json).len(), 1, "{out}");

    // A VM on it stopped through the Engine: now the update writes the store.
    stop_a_vm_on(&lab, domain.id).await;
    let (code, out, err) = olvm_dr(&["-f", s(&conf), "ovf-update", "--site", "primary"]).await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("ages by the Engine's clock"), "{out}");
    assert!(
        out.contains(&format!(
            "{} storage domain(s): ",
            lab.world().facts().domains.len()
        )) && out.contains(" unchanged, 0 skipped, 0 failed"),
        "{out}"
    );
    let line = out
        .lines()
        .find(|l| l.contains(&domain.name))
        .expect("a line for the aged domain");
    assert!(line.contains("updated  age 2h -> "), "{line}");

    let (code, out, err) = olvm_dr(&["-f", s(&conf), "validate", "--output", "json"]).await;
    assert_eq!(code, 0, "{out}{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(stale_warnings(&json).is_empty(), "{out}");

    // JSON, and the secondary: it holds none of the mapped domains yet, so nothing is updated
    // and the command fails.
    let (code, out, err) = olvm_dr(&[
        "-f",
        s(&conf),
        "ovf-update",
        "--site",
        "secondary",
        "--output",
        "json",
    ])
    .await;
    assert_eq!(code, 1, "{out}{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["schema"], "olvm-dr/ovf-update/v1");
    assert_eq!(json["site"], "secondary");
    assert_eq!(json["all_updated"], false);
    for d in json["domains"].as_array().unwrap() {
        assert_eq!(d["outcome"], "skipped", "{d}");
        assert!(d["reason"].is_string(), "{d}");
    }

    // The primary down: nothing can be done, and the command says why.
    lab.world().disaster(Site::Primary);
    let (code, out, err) = olvm_dr(&["-f", s(&conf), "ovf-update", "--site", "primary"]).await;
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("cannot read the primary site's API root"),
        "{err}"
    );
    lab.shutdown().await;
}

/// The RPO guard rehearsed in the lab, as an administrator would: `lab ovf-age` through the
/// control endpoint, `validate` warns, `ovf-update` writes the stores, `validate` is quiet.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lab_ovf_age_makes_validate_warn_until_ovf_update() {
    let dir = tempfile::tempdir().unwrap();
    let lab_dir = dir.path().join("lab");
    let lab = Lab::start(LabOptions::new(&lab_dir)).await.unwrap();
    let conf = lab.files().dr_conf.clone();
    let domain = lab.world().facts().domains[1].clone();
    let validate_args = ["-f", s(&conf), "validate", "--output", "json"];
    let validate = || olvm_dr(&validate_args);

    let (code, out, err) = olvm_dr(&[
        "lab",
        "ovf-age",
        &domain.name,
        "--minutes",
        "150",
        "--dir",
        s(&lab_dir),
    ])
    .await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(&format!(
            "storage domain '{}' on the primary site",
            domain.name
        )),
        "{out}"
    );
    let (code, out, err) = validate().await;
    assert_eq!(code, 0, "{out}{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let w = stale_warnings(&json);
    assert_eq!(w.len(), 1, "{out}");
    assert_eq!(w[0]["entity"], format!("storage domain '{}'", domain.name));
    assert!(
        w[0]["message"]
            .as_str()
            .unwrap()
            .contains("last written 2h 30m ago"),
        "{out}"
    );

    stop_a_vm_on(&lab, domain.id).await;
    let (code, out, err) = olvm_dr(&["-f", s(&conf), "ovf-update", "--site", "primary"]).await;
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = validate().await;
    assert_eq!(code, 0, "{out}{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(stale_warnings(&json).is_empty(), "{out}");

    // The secondary does not hold the domain before a failover; an unknown name is refused.
    let (code, _, err) = olvm_dr(&[
        "lab",
        "ovf-age",
        &domain.name,
        "--minutes",
        "60",
        "--site",
        "secondary",
        "--dir",
        s(&lab_dir),
    ])
    .await;
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("was not changed"), "{err}");
    let (code, _, err) = olvm_dr(&[
        "lab",
        "ovf-age",
        "no_such_domain",
        "--minutes",
        "60",
        "--dir",
        s(&lab_dir),
    ])
    .await;
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("no replicated storage domain named 'no_such_domain'"),
        "{err}"
    );
    lab.shutdown().await;
}
