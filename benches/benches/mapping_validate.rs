//! `olvm-dr validate --offline` on a 2 000-entry mapping file: reading + offline rules in the
//! library, and the whole command in-process (argument parsing, file reading, output).
//! Target: under 100 ms.

use std::path::PathBuf;
use std::process::ExitCode;

use divan::Bencher;
use olvm_dr_benches::synthetic::{Shape, mapping};
use olvm_dr_core::mapping::Mapping;
use olvm_dr_core::validate::{OfflineOptions, validate_offline, validate_offline_file};

fn main() {
    divan::main();
}

const SIZES: [usize; 2] = [200, 2_000];

struct Workload {
    _dir: tempfile::TempDir,
    file: PathBuf,
    text: String,
}

fn workload(entries: usize) -> Workload {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("ca.pem"), "-----BEGIN CERTIFICATE-----\n").expect("ca");
    let text = mapping(Shape::of(entries), "ca.pem");
    let file = dir.path().join("vars.yml");
    std::fs::write(&file, &text).expect("mapping");
    Workload {
        _dir: dir,
        file,
        text,
    }
}

/// Parsing and typing the text only.
#[divan::bench(args = SIZES)]
fn load(bencher: Bencher, entries: usize) {
    let w = workload(entries);
    bencher.bench(|| Mapping::from_str(divan::black_box(&w.text), None));
}

/// The offline rules on a loaded mapping.
#[divan::bench(args = SIZES)]
fn rules(bencher: Bencher, entries: usize) {
    let w = workload(entries);
    let m = Mapping::from_str(&w.text, None).mapping.expect("mapping");
    let options = OfflineOptions::default();
    bencher.bench(|| validate_offline(divan::black_box(&m), Some(&w.file), &options));
}

/// Read the file, load, validate: what `validate --offline` does.
#[divan::bench(args = SIZES)]
fn load_and_validate_file(bencher: Bencher, entries: usize) {
    let w = workload(entries);
    let options = OfflineOptions::default();
    bencher.bench(|| validate_offline_file(divan::black_box(&w.file), &options).expect("readable"));
}

/// The whole command in-process (`olvm_dr_cli::run`), output included.
#[divan::bench(args = [2_000])]
fn cli_validate_offline(bencher: Bencher, entries: usize) {
    let w = workload(entries);
    let file = w.file.to_str().expect("UTF-8").to_owned();
    bencher.bench(|| {
        let code = olvm_dr_cli::run(["olvm-dr", "validate", "--offline", "--quiet", &file]);
        assert_eq!(code, ExitCode::SUCCESS);
    });
}
