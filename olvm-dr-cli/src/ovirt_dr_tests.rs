use std::ffi::OsString;

use super::*;

fn args(list: &[&str]) -> Vec<OsString> {
    std::iter::once("ovirt-dr")
        .chain(list.iter().copied())
        .map(OsString::from)
        .collect()
}

fn never(_: &str) -> Option<String> {
    panic!("no question expected")
}

fn run_args(t: Translated) -> (Vec<String>, Option<PathBuf>) {
    match t {
        Translated::Run { args, log_file } => (
            args.iter()
                .map(|a| a.to_string_lossy().into_owned())
                .collect(),
            log_file,
        ),
        Translated::Done { stdout, exit } => panic!("not a run: {exit:?} {stdout}"),
    }
}

fn conf_dir(log: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("dr.conf");
    std::fs::write(&conf, format!("[log]\n{log}\n")).unwrap();
    let conf = conf.to_string_lossy().into_owned();
    (dir, conf)
}

#[test]
fn the_program_name_selects_the_compatible_command_line() {
    assert!(invoked_as_ovirt_dr(&"/usr/bin/ovirt-dr".into()));
    assert!(invoked_as_ovirt_dr(&"ovirt-dr".into()));
    assert!(!invoked_as_ovirt_dr(&"/usr/bin/olvm-dr".into()));
}

#[test]
fn no_action_help_and_unknown_actions_answer_as_the_script() {
    let Translated::Done { stdout, exit } = translate(&args(&[]), &mut never, 0) else {
        panic!()
    };
    assert_eq!(exit, Exit::Usage);
    assert!(stdout.starts_with("ovirt-dr: missing action operand\n"));
    let Translated::Done { stdout, exit } = translate(&args(&["--help"]), &mut never, 0) else {
        panic!()
    };
    assert_eq!(exit, Exit::Success);
    assert!(stdout.contains("usage: ovirt-dr <generate/validate/failover/failback>"));
    let Translated::Done { stdout, exit } = translate(&args(&["frob"]), &mut never, 0) else {
        panic!()
    };
    assert_eq!(exit, Exit::Usage);
    assert!(stdout.contains("action 'frob' is not defined"));
}

#[test]
fn getopt_reads_the_scripts_long_and_short_forms() {
    let all = |a: &[&str]| getopt(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    let o = all(&["--conf-file=a.conf", "--log-file", "x.log", "--log-l=info"]).unwrap();
    assert_eq!(o.conf_file.as_deref(), Some("a.conf"));
    assert_eq!(o.log_file.as_deref(), Some("x.log"));
    assert_eq!(o.log_level.as_deref(), Some("info"));
    assert_eq!(
        all(&["-fb.conf"]).unwrap().conf_file.as_deref(),
        Some("b.conf")
    );
    assert_eq!(
        all(&["-f", "c.conf"]).unwrap().conf_file.as_deref(),
        Some("c.conf")
    );
    // -l takes no value and means nothing; -o takes one; parsing stops at an operand.
    let o = all(&["-l", "-o", "x", "operand", "--conf-file=ignored"]).unwrap();
    assert_eq!(o, Options::default());
    assert!(all(&["--log=x"]).is_err(), "ambiguous prefix");
    assert!(all(&["--verbose"]).is_err());
    assert!(all(&["-x"]).is_err());
    assert!(all(&["--conf-file"]).is_err(), "a value is required");
}

#[test]
fn failover_runs_with_the_conf_log_section_and_without_a_question() {
    let (dir, conf) = conf_dir("log_file = logs/ovirt-dr-{}.log\nlog_level = INFO");
    let (a, log) = run_args(translate(
        &args(&["failover", &format!("--conf-file={conf}")]),
        &mut never,
        42,
    ));
    let expected_log = dir.path().join("logs/ovirt-dr-42.log");
    assert_eq!(log.as_deref(), Some(expected_log.as_path()));
    let log = expected_log.to_string_lossy().into_owned();
    assert_eq!(
        a,
        [
            "olvm-dr",
            "--conf-file",
            &conf,
            "--log-level",
            "INFO",
            "--log-file",
            &log,
            "failover",
            "--yes"
        ]
    );
}

#[test]
fn the_command_line_wins_over_the_conf_and_failback_asks_at_the_storage_gate() {
    let (_dir, conf) = conf_dir("log_file =\nlog_level = INFO");
    let (a, log) = run_args(translate(
        &args(&[
            "failback",
            "-f",
            &conf,
            "--log-level=error",
            "--log-file=/tmp/x-{}.log",
        ]),
        &mut never,
        7,
    ));
    assert_eq!(log.as_deref(), Some(Path::new("/tmp/x-7.log")));
    assert_eq!(a[3..5], ["--log-level", "ERROR"]);
    assert_eq!(a[7..], ["failback", "--yes", "--storage-ready-prompt"]);
}

#[test]
fn validate_writes_no_log_file_and_an_empty_log_file_means_stdout() {
    let (_dir, conf) = conf_dir("log_file = /tmp/ovirt-dr-{}.log");
    let (a, log) = run_args(translate(&args(&["validate", "-f", &conf]), &mut never, 1));
    assert_eq!(log, None);
    assert_eq!(a, ["olvm-dr", "--conf-file", &conf, "validate"]);
    let (_dir, conf) = conf_dir("log_file =");
    let (a, log) = run_args(translate(&args(&["generate", "-f", &conf]), &mut never, 1));
    assert_eq!(log, None);
    assert_eq!(a[3..], ["--log-level", "DEBUG", "generate"]);
}

#[test]
fn a_missing_conf_file_is_asked_for_until_one_exists() {
    let (_dir, conf) = conf_dir("log_file =");
    let mut questions = Vec::new();
    let mut answers = vec![conf.clone(), "/no/such/second.conf".to_owned()];
    let (a, _) = run_args(translate(
        &args(&["generate", "--conf-file=/no/such/dr.conf"]),
        &mut |q: &str| {
            questions.push(q.to_owned());
            answers.pop()
        },
        1,
    ));
    assert_eq!(a[2], conf);
    assert_eq!(questions.len(), 2);
    assert_eq!(
        questions[0],
        "Conf file '/no/such/dr.conf' does not exist. Please provide the configuration file location: "
    );
    let Translated::Done { exit, .. } = translate(
        &args(&["generate", "--conf-file=/no/such/dr.conf"]),
        &mut |_: &str| None,
        1,
    ) else {
        panic!()
    };
    assert_eq!(exit, Exit::Usage);
}

#[test]
fn a_bad_log_level_is_a_usage_error() {
    let (_dir, conf) = conf_dir("log_file =");
    let Translated::Done { stdout, exit } = translate(
        &args(&["failover", "-f", &conf, "--log-level=LOUD"]),
        &mut never,
        1,
    ) else {
        panic!()
    };
    assert_eq!(exit, Exit::Usage);
    assert!(stdout.contains("log level must be"));
}
