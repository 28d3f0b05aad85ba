//! `olvm-dr lab up` serves HTTPS with the lab's own CA, which the mapping names and every
//! command verifies the Engines with; a CA file that is not the lab's fails with an error
//! naming the CA; plain HTTP only with `--plain-http`.

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

/// The lab process, killed when the test ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `olvm-dr lab up --dir DIR EXTRA...` and waits for its `lab.json`.
fn lab_up(dir: &Path, extra: &[&str]) -> (Running, serde_json::Value) {
    let child = Command::new(env!("CARGO_BIN_EXE_olvm-dr"))
        .args(["lab", "up", "--vms", "8", "--dir", dir.to_str().unwrap()])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lab = Running(child);
    let state = dir.join("lab.json");
    let deadline = Instant::now() + Duration::from_secs(60);
    while !state.exists() {
        if let Ok(Some(status)) = lab.0.try_wait() {
            panic!("olvm-dr lab up exited early: {status}");
        }
        assert!(Instant::now() < deadline, "the lab did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    // The state file is written whole before the lab announces itself; read it once complete.
    let json = loop {
        if let Ok(v) = serde_json::from_str(&std::fs::read_to_string(&state).unwrap()) {
            break v;
        }
        assert!(Instant::now() < deadline, "lab.json stays unreadable");
        std::thread::sleep(Duration::from_millis(50));
    };
    (lab, json)
}

#[test]
fn the_lab_speaks_https_verified_with_its_ca_and_a_foreign_ca_fails_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let (_lab, state) = lab_up(dir.path(), &[]);
    let ca = dir.path().join("ca.pem");
    assert_eq!(
        state["ca_file"].as_str(),
        Some(std::path::absolute(&ca).unwrap().to_str().unwrap())
    );
    for site in ["primary", "secondary"] {
        let url = state["api_urls"][site].as_str().unwrap();
        assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    }
    let mapping = std::fs::read_to_string(dir.path().join("disaster_recovery_vars.yml")).unwrap();
    for site in ["primary", "secondary"] {
        let key = format!("dr_sites_{site}_ca_file:");
        assert!(
            mapping
                .lines()
                .any(|l| l.starts_with(&key) && l.contains(ca.to_str().unwrap())),
            "{mapping}"
        );
    }
    let conf = dir.path().join("dr.conf");
    let conf = conf.to_str().unwrap();

    // Online validation reaches both Engines over verified TLS.
    let o = olvm_dr(&["-f", conf, "validate"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    // The CA file holds another CA: the handshake fails and the error says to check it.
    std::fs::write(&ca, olvm_dr_sim::LabCa::generate().unwrap().ca_pem()).unwrap();
    let o = olvm_dr(&["-f", conf, "validate"]);
    let out = text(&o);
    assert_ne!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("CA file"), "{out}");
}

#[test]
fn plain_http_only_with_the_option() {
    let dir = tempfile::tempdir().unwrap();
    let (_lab, state) = lab_up(dir.path(), &["--plain-http"]);
    assert!(state["ca_file"].is_null(), "{state}");
    assert!(!dir.path().join("ca.pem").exists());
    for site in ["primary", "secondary"] {
        let url = state["api_urls"][site].as_str().unwrap();
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    }
    let mapping = std::fs::read_to_string(dir.path().join("disaster_recovery_vars.yml")).unwrap();
    assert!(!mapping.contains("_ca_file"), "{mapping}");
    let conf = dir.path().join("dr.conf");
    let o = olvm_dr(&["-f", conf.to_str().unwrap(), "validate"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("DR0501"), "{}", text(&o));
}
