//! The `olvm-dr` command. Everything happens in the library, so tests can run it in-process.

fn main() -> std::process::ExitCode {
    olvm_dr_cli::run(std::env::args_os())
}
