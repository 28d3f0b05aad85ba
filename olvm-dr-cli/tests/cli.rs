//! End-to-end: the built `olvm-dr` binary on the fixtures, checking exit codes and output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fixture(rel: &str) -> PathBuf {
    root().join("olvm-dr-core/tests/fixtures").join(rel)
}

fn olvm_dr(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_olvm-dr"))
        .args(args)
        .current_dir(std::env::temp_dir())
        .env_remove("OLVM_DR_VAULT_PASSWORD")
        .env_remove("OLVM_DR_PRIMARY_PASSWORD")
        .env_remove("OLVM_DR_SECONDARY_PASSWORD")
        .env_remove("OLVM_DR_LOG")
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn path(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

#[test]
fn the_readme_example_is_valid() {
    let example = root().join("examples/disaster_recovery_vars.yml");
    let o = olvm_dr(&["validate", "--offline", path(&example)]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("valid: 0 errors, 0 warnings"));
}

#[test]
fn an_invalid_file_exits_1_with_position_code_and_hint() {
    let f = fixture("mapping/broken/01-missing-space-after-colon.yml");
    let o = olvm_dr(&["validate", "--offline", "--color", "never", path(&f)]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("26:3  error    DR0101  missing space after ':'"),
        "{out}"
    );
    assert!(
        out.contains("hint: write 'dr_secondary_address: 10.1.0.1'"),
        "{out}"
    );
    assert!(!out.contains('\x1b'), "no colour when not asked");
    let o = olvm_dr(&["validate", "--offline", "--color", "always", path(&f)]);
    assert!(stdout(&o).contains("\x1b[1;31m"));
}

#[test]
fn without_offline_it_needs_the_passwords_and_never_connects_without_them() {
    let f = fixture("mapping/filled/nfs.yml");
    let o = olvm_dr(&["validate", "--output", "json", path(&f)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    assert_eq!(v["mode"], "online");
    let missing: Vec<_> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "DR0701")
        .map(|d| d["site"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(missing, ["primary", "secondary"]);
    assert!(
        !stdout(&o).contains("DR0800"),
        "no connection was tried: {}",
        stdout(&o)
    );
}

#[test]
fn generate_refuses_to_overwrite_and_needs_a_ca_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("vars.yml");
    std::fs::write(&out, "keep me\n").unwrap();
    let o = olvm_dr(&[
        "generate",
        "--site",
        "https://engine.example.com/ovirt-engine/api",
        "--insecure",
        "--output-file",
        path(&out),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("exists: give --force"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "keep me\n");
    let o = olvm_dr(&[
        "generate",
        "--site",
        "https://engine.example.com/ovirt-engine/api",
        "--ca-file",
        "/no/such/ca.pem",
        "--output-file",
        path(&dir.path().join("new.yml")),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("CA file /no/such/ca.pem does not exist"),
        "{}",
        stderr(&o)
    );
    // A password is never taken from the command line.
    let o = olvm_dr(&["generate", "--password", "secret"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn json_output_follows_the_schema() {
    let f = fixture("mapping/generated.yml");
    let o = olvm_dr(&[
        "validate",
        "--offline",
        "--no-ca-check",
        "--output",
        "json",
        path(&f),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    assert_eq!(v["schema"], "olvm-dr/validate/v1");
    assert_eq!(v["valid"], false);
    assert_eq!(v["summary"]["errors"], 22);
    let first = &v["diagnostics"][0];
    assert_eq!(first["code"], "DR0203");
    assert_eq!(first["line"], 7);
    assert_eq!(first["column"], 1);
    assert_eq!(first["key"], "dr_sites_secondary_url");
    assert!(
        first["hint"]
            .as_str()
            .unwrap()
            .contains("https://engine1.example.com/ovirt-engine/api")
    );
}

#[test]
fn usage_and_missing_files_exit_2() {
    assert_eq!(
        olvm_dr(&["validate", "--offline", "/no/such/file.yml"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        olvm_dr(&["validate", "--no-such-flag"]).status.code(),
        Some(2)
    );
    assert_eq!(
        olvm_dr(&["-f", "/no/such/dr.conf", "validate"])
            .status
            .code(),
        Some(2)
    );
    let o = olvm_dr(&["validate", "--offline"]);
    assert_eq!(o.status.code(), Some(2), "no mapping file given");
    assert!(stderr(&o).contains("[validate_vars]"));
    assert_eq!(olvm_dr(&["--help"]).status.code(), Some(0));
    assert!(stdout(&olvm_dr(&["--help"])).contains("Exit codes"));
}

#[test]
fn dr_conf_gives_the_mapping_and_the_passwords_file() {
    let conf = fixture("conf/dr.conf");
    let vault = fixture("passwords/vault-password.txt");
    let o = olvm_dr(&[
        "-f",
        path(&conf),
        "validate",
        "--offline",
        "--vault-password-file",
        path(&vault),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("DR0602"),
        "the password in dr.conf is reported"
    );
    assert!(!stdout(&o).contains("conf-password-leak-check"));

    let wrong = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(wrong.path(), "wrong-password\n").unwrap();
    let o = olvm_dr(&[
        "-f",
        path(&conf),
        "validate",
        "--offline",
        "--vault-password-file",
        path(wrong.path()),
    ]);
    // A configuration error, exit 2, the same as from the flows.
    assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stderr(&o).contains("vault password is wrong"),
        "{}",
        stderr(&o)
    );
    let dir = tempfile::tempdir().unwrap();
    for flow in ["failover", "cleanup"] {
        let o = olvm_dr(&[
            "-f",
            path(&conf),
            flow,
            "--dry-run",
            "--state-dir",
            path(dir.path()),
            "--vault-password-file",
            path(wrong.path()),
        ]);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{flow}: {}{}",
            stdout(&o),
            stderr(&o)
        );
        assert!(
            stderr(&o).contains("vault password is wrong"),
            "{flow}: {}",
            stderr(&o)
        );
    }

    let o = Command::new(env!("CARGO_BIN_EXE_olvm-dr"))
        .args(["-f", path(&conf), "validate", "--offline"])
        .env("OLVM_DR_VAULT_PASSWORD", "olvm-dr-test-vault-password")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn normalize_round_trips_and_refuses_broken_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.yml");
    let f = fixture("mapping/generated.yml");
    let o = olvm_dr(&["mapping", "normalize", path(&f), "-o", path(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("dr_secondary_name: # data1"));
    let o = olvm_dr(&[
        "validate",
        "--offline",
        "--no-ca-check",
        "--output",
        "json",
        path(&out),
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["summary"]["errors"], 22,
        "the normalized file still lists every value to fill in"
    );

    let broken = fixture("mapping/broken/01-missing-space-after-colon.yml");
    let o = olvm_dr(&["mapping", "normalize", path(&broken)]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn logs_go_to_the_log_file_with_the_epoch_placeholder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("logs")).unwrap();
    let pattern = dir.path().join("logs/dr-{}.log");
    let f = fixture("mapping/filled/nfs.yml");
    let o = olvm_dr(&[
        "--log-file",
        path(&pattern),
        "--log-level",
        "INFO",
        "validate",
        "--offline",
        path(&f),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let logs: Vec<_> = std::fs::read_dir(dir.path().join("logs"))
        .unwrap()
        .collect();
    assert_eq!(logs.len(), 1);
    let name = logs[0].as_ref().unwrap().file_name().into_string().unwrap();
    assert!(
        name.starts_with("dr-")
            && name.ends_with(".log")
            && name[3..name.len() - 4].parse::<u128>().is_ok(),
        "{name}"
    );
    let content = std::fs::read_to_string(logs[0].as_ref().unwrap().path()).unwrap();
    assert!(content.contains("validating mapping file"), "{content}");
    assert!(!content.contains('\x1b'), "no colour in a file");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = logs[0]
            .as_ref()
            .unwrap()
            .metadata()
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the log is the operator's only");
    }
}

#[test]
fn a_log_file_in_a_missing_directory_is_a_usage_error_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no/such/dir/dr.log");
    let f = fixture("mapping/filled/nfs.yml");
    let o = olvm_dr(&[
        "--log-file",
        path(&missing),
        "validate",
        "--offline",
        path(&f),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stderr(&o).contains("does not exist; create it or give another --log-file"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).is_empty(), "nothing ran: {}", stdout(&o));
    assert!(!dir.path().join("no").exists(), "no directory was made");
}

#[test]
fn color_never_and_no_color_keep_escapes_out_of_the_logs_on_stderr() {
    let f = fixture("mapping/filled/nfs.yml");
    let o = olvm_dr(&[
        "--color",
        "never",
        "--log-level",
        "INFO",
        "validate",
        "--offline",
        path(&f),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stderr(&o).contains("validating mapping file"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains('\x1b'), "{:?}", stderr(&o));
    // --color auto on a pipe: none either.
    let o = olvm_dr(&["--log-level", "INFO", "validate", "--offline", path(&f)]);
    assert!(stderr(&o).contains("validating mapping file"));
    assert!(!stderr(&o).contains('\x1b'), "{:?}", stderr(&o));
    // Asked for: there.
    let o = olvm_dr(&[
        "--color",
        "always",
        "--log-level",
        "INFO",
        "validate",
        "--offline",
        path(&f),
    ]);
    assert!(stderr(&o).contains('\x1b'), "{:?}", stderr(&o));
}

#[test]
fn devices_and_fifos_are_refused_as_inputs_without_reading_them() {
    let o = olvm_dr(&["validate", "--offline", "/dev/zero"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("a device, not a regular file"),
        "{}",
        stderr(&o)
    );
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("vars.yml");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    // Nobody writes to it: reading it would wait forever.
    let o = olvm_dr(&["validate", "--offline", path(&fifo)]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("a FIFO, not a regular file"),
        "{}",
        stderr(&o)
    );
    let f = fixture("mapping/filled/nfs.yml");
    let o = olvm_dr(&[
        "validate",
        "--offline",
        "--passwords",
        "/dev/zero",
        path(&f),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn a_broken_dr_conf_is_reported_the_same_way_by_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("dr.conf");
    std::fs::write(
        &conf,
        "[validate_vars]\nvar_file = vars.yml\nthis line is not INI\n",
    )
    .unwrap();
    let state = dir.path().join("state");
    let mut lines = Vec::new();
    for args in [
        vec!["validate", "--offline"],
        vec!["failover", "--dry-run", "--state-dir", path(&state)],
        vec!["generate"],
    ] {
        let mut all = vec!["--color", "never", "-f", path(&conf)];
        all.extend(args.iter().copied());
        let o = olvm_dr(&all);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{args:?}: {}{}",
            stdout(&o),
            stderr(&o)
        );
        assert!(
            stderr(&o).contains("dr.conf has errors"),
            "{args:?}: {}",
            stderr(&o)
        );
        let finding = stdout(&o)
            .lines()
            .find(|l| l.contains("error"))
            .unwrap_or_else(|| panic!("{args:?}: {}", stdout(&o)))
            .to_owned();
        assert!(finding.contains("3:1"), "{args:?}: {finding}");
        assert!(!stderr(&o).contains("no mapping file"), "{args:?}");
        lines.push(finding);
    }
    assert!(lines.windows(2).all(|w| w[0] == w[1]), "{lines:?}");
}

#[test]
fn a_recovery_plan_is_validated_with_the_mapping() {
    let mapping = root().join("examples/disaster_recovery_vars.yml");
    let plan = root().join("examples/recovery_plan.yml");
    let o = olvm_dr(&[
        "validate",
        "--offline",
        "--recovery-plan",
        path(&plan),
        path(&mapping),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));

    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("plan.yml");
    std::fs::write(
        &broken,
        "groups:\n  - name: db\n    wait: {for: check, timout: 5m}\n",
    )
    .unwrap();
    let o = olvm_dr(&[
        "validate",
        "--offline",
        "--color",
        "never",
        "--recovery-plan",
        path(&broken),
        path(&mapping),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let out = stdout(&o);
    assert!(
        out.contains("3:24  error    DR0201  unknown key 'timout'"),
        "{out}"
    );
    assert!(out.contains("did you mean 'timeout'?"), "{out}");
    assert!(out.contains("DR1305"), "{out}");

    let o = olvm_dr(&[
        "validate",
        "--offline",
        "--recovery-plan",
        "/no/such/plan.yml",
        path(&mapping),
    ]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "an unreadable file is a usage error"
    );
}
