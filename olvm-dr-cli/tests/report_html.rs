//! `olvm-dr report show --html` and `report diff` on the runs `olvm-dr demo` leaves behind; every
//! run writes its report.html next to its report.json.

use std::path::Path;
use std::process::Command;

fn olvm_dr(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_olvm-dr"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The run ids of the state directory's runs whose id starts with `prefix`.
fn runs(state: &Path, prefix: &str) -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(state.join("runs"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(prefix))
        .collect();
    ids.sort();
    ids
}

#[test]
fn every_run_writes_its_page_and_two_runs_compare_in_text_json_and_html() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let (ok, out, err) = olvm_dr(&["demo", "--dir", d]);
    assert!(ok, "{out}\n{err}");
    let state = dir.path().join("state");
    let st = state.to_str().unwrap();
    for entry in std::fs::read_dir(state.join("runs")).unwrap().flatten() {
        let html = std::fs::read_to_string(entry.path().join("report.html"))
            .unwrap_or_else(|e| panic!("{}: {e}", entry.path().display()));
        assert!(
            html.starts_with("<!DOCTYPE html>"),
            "{}",
            entry.path().display()
        );
    }
    let failover = &runs(&state, "failover-")[0];
    let failback = &runs(&state, "failback-")[0];

    let page = dir.path().join("failover.html");
    let (ok, _, err) = olvm_dr(&[
        "report",
        "show",
        failover,
        "--state-dir",
        st,
        "--html",
        page.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert!(err.contains("wrote"), "{err}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert_eq!(
        html,
        std::fs::read_to_string(state.join("runs").join(failover).join("report.html")).unwrap()
    );
    assert!(html.contains("failover to secondary: SUCCESS"));
    assert!(html.contains("class=\"tl-row tl-vm"));
    // The lab's VMs are registered into clusters the page names (not their ids).
    assert!(html.contains("<option value=\"prod-dc"), "{html}");

    let (ok, text, err) = olvm_dr(&["report", "diff", failover, failback, "--state-dir", st]);
    assert!(ok, "{err}");
    assert!(
        text.contains(&format!(
            "before: failover to secondary SUCCESS ({failover}"
        )),
        "{text}"
    );
    assert!(text.contains("  total "), "{text}");
    let (ok, json, _) = olvm_dr(&[
        "report",
        "diff",
        failover,
        failback,
        "--state-dir",
        st,
        "--output",
        "json",
    ]);
    assert!(ok);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["before"]["run_id"], failover.as_str());
    assert_eq!(json["rto"].as_array().unwrap().len(), 6);
    let (ok, page, _) = olvm_dr(&[
        "report",
        "diff",
        failover,
        failback,
        "--state-dir",
        st,
        "--html",
        "-",
    ]);
    assert!(ok);
    assert!(page.contains("id=\"rto-table\""), "{page}");

    let (ok, _, err) = olvm_dr(&["report", "diff", failover, "no-such-run", "--state-dir", st]);
    assert!(!ok);
    assert!(err.contains("there is no run no-such-run"), "{err}");
}
