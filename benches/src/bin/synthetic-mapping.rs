//! Prints a valid synthetic mapping file of N entries (default 2 000), for timing the real
//! binary end to end: `hyperfine 'olvm-dr validate --offline --no-ca-check big.yml'`.

fn main() {
    let entries = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(2_000);
    let text = olvm_dr_benches::synthetic::mapping(
        olvm_dr_benches::synthetic::Shape::of(entries),
        "ca.pem",
    );
    std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes())
        .expect("stdout is writable");
}
