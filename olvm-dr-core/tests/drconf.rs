//! `dr.conf` as `ovirt-dr` reads it, without its relative-path bug.

use std::path::{Path, PathBuf};

use olvm_dr_core::Site;
use olvm_dr_core::config::{DrConf, LogLevel};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/conf/dr.conf")
}

#[test]
fn reads_every_section_with_paths_relative_to_the_file() {
    let (conf, findings) = DrConf::load(&fixture()).unwrap();
    let dir = fixture().parent().unwrap().to_path_buf();
    assert_eq!(
        conf.log.log_level.as_ref().map(|v| v.value),
        Some(LogLevel::Info)
    );
    assert_eq!(
        conf.validate.var_file.as_ref().unwrap().value,
        dir.join("../mapping/filled/nfs.yml")
    );
    assert!(
        conf.validate.var_file.as_ref().unwrap().value.is_file(),
        "resolved against the conf file's directory, not the CWD"
    );
    assert_eq!(
        conf.failover.dr_target_host.as_ref().map(|v| v.value),
        Some(Site::Secondary)
    );
    assert_eq!(
        conf.failover.dr_source_map.as_ref().map(|v| v.value),
        Some(Site::Primary)
    );
    assert_eq!(
        conf.failover.vault.as_ref().unwrap().value,
        dir.join("../passwords/vault-1.1.yml")
    );
    assert_eq!(
        conf.generate.site.as_ref().unwrap().value,
        "https://engine1.example.com/ovirt-engine/api"
    );
    assert_eq!(
        conf.generate.password.as_ref().unwrap().value.expose(),
        "conf-password-leak-check"
    );
    assert_eq!(conf.generate.password.as_ref().unwrap().line, 9);
    let home = std::env::var("HOME").unwrap();
    assert_eq!(
        conf.generate.ca_file.as_ref().unwrap().value,
        PathBuf::from(format!("{home}/ca.pem"))
    );

    let codes: Vec<(&str, Option<u32>)> =
        findings.iter().map(|d| (d.code, d.location.line)).collect();
    assert_eq!(
        codes,
        vec![
            ("DR0602", Some(9)),
            ("DR0603", Some(12)),
            ("DR0603", Some(22))
        ]
    );
}

#[test]
fn log_file_placeholder_becomes_epoch_milliseconds() {
    let (conf, _) = DrConf::load(&fixture()).unwrap();
    let log = conf.log_file(1_700_000_000_123).unwrap();
    assert_eq!(
        log,
        fixture()
            .parent()
            .unwrap()
            .join("logs/ovirt-dr-1700000000123.log")
    );
    let (empty, _) = DrConf::parse("[log]\nlog_file =\n", Path::new("/etc/dr/dr.conf"));
    assert_eq!(
        empty.log_file(1),
        None,
        "an empty log file means no log file"
    );
    let (abs, _) = DrConf::parse(
        "[log]\nlog_file = /var/log/dr-{}.log\n",
        Path::new("/etc/dr/dr.conf"),
    );
    assert_eq!(abs.log_file(7), Some(PathBuf::from("/var/log/dr-7.log")));
}

#[test]
fn problems_are_diagnostics_with_lines() {
    let (_, d) = DrConf::parse(
        "[log]\nlog_level = LOUD\n[failover_failback]\ndr_target_host = tertiary\nvar_fle = x\n[valdate_vars]\n",
        Path::new("dr.conf"),
    );
    let got: Vec<(&str, Option<u32>)> = d.iter().map(|d| (d.code, d.location.line)).collect();
    assert_eq!(
        got,
        vec![
            ("DR0604", Some(2)),
            ("DR0604", Some(4)),
            ("DR0601", Some(5)),
            ("DR0601", Some(6))
        ]
    );
    assert!(
        d[2].message.contains("did you mean 'var_file'"),
        "{}",
        d[2].message
    );
    assert!(
        d[3].message.contains("did you mean [validate_vars]"),
        "{}",
        d[3].message
    );
    let (_, d) = DrConf::parse("log_file = x\n", Path::new("dr.conf"));
    assert_eq!(d[0].code, "DR0600");
}
