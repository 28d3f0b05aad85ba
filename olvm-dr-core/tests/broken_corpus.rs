//! The corpus of broken mapping files: each file's first line says which findings (code and
//! line) validation must report, `# expect: DR0101@15, DR0202@9`, and nothing else (errors and
//! warnings; informational notes are not counted).

use std::path::{Path, PathBuf};

use olvm_dr_core::Severity;
use olvm_dr_core::validate::{OfflineOptions, validate_offline_file};

fn corpus() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mapping/broken");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("corpus directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .collect();
    files.sort();
    files
}

fn expected(path: &Path) -> Vec<(String, u32)> {
    let text = std::fs::read_to_string(path).expect("fixture");
    let header = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# expect:"))
        .unwrap_or_else(|| panic!("{} has no '# expect:' header", path.display()));
    let mut out: Vec<(String, u32)> = header
        .split(',')
        .map(|item| {
            let (code, line) = item.trim().split_once('@').expect("CODE@LINE");
            (code.to_owned(), line.parse().expect("line number"))
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_broken_file_reports_exactly_its_expected_findings() {
    let files = corpus();
    assert!(
        files.len() >= 30,
        "the corpus has only {} files",
        files.len()
    );
    let mut failures = Vec::new();
    for path in &files {
        let want = expected(path);
        let found = validate_offline_file(path, &OfflineOptions::default()).expect("readable");
        let mut got: Vec<(String, u32)> = found
            .iter()
            .filter(|d| d.severity != Severity::Info)
            .map(|d| (d.code.to_owned(), d.location.line.unwrap_or(0)))
            .collect();
        got.sort();
        if got != want {
            let detail: Vec<String> = found.iter().map(ToString::to_string).collect();
            failures.push(format!(
                "{}\n  expected {want:?}\n  got      {got:?}\n  {}",
                path.display(),
                detail.join("\n  ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_finding_has_a_line_and_column() {
    for path in corpus() {
        for d in validate_offline_file(&path, &OfflineOptions::default()).expect("readable") {
            assert!(
                d.location.line.is_some() && d.location.column.is_some(),
                "{}: {d}",
                path.display()
            );
        }
    }
}
