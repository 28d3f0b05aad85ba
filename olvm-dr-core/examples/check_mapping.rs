//! Reads a mapping file and prints the offline validation's findings, one per line.
//!
//! `cargo run -p olvm-dr-core --example check_mapping -- examples/disaster_recovery_vars.yml`

use std::path::PathBuf;
use std::process::ExitCode;

use olvm_dr_core::validate::{OfflineOptions, validate_offline_file};

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: check_mapping MAPPING.yml");
        return ExitCode::from(2);
    };
    match validate_offline_file(&path, &OfflineOptions::default()) {
        Ok(findings) => {
            for d in &findings {
                println!("{d}");
            }
            if findings.iter().any(|d| d.is_error()) {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}
