//! Every failure kind the flows know has a hint, and `docs/diagnostics.md` lists each one with
//! the same words.

use std::path::Path;

use olvm_dr_core::report::FailureKind;

/// The docs table row of a kind.
fn row(kind: FailureKind) -> String {
    format!(
        "| `{}` | {} |",
        kind.name(),
        kind.advice().replace('|', "\\|")
    )
}

#[test]
fn docs_list_every_failure_kind_with_its_hint() {
    let docs = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/diagnostics.md"),
    )
    .unwrap();
    let missing: Vec<String> = FailureKind::all()
        .into_iter()
        .map(row)
        .filter(|r| !docs.contains(r.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/diagnostics.md lacks these rows (or words differ):\n{}",
        missing.join("\n")
    );
}
