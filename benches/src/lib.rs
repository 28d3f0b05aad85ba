//! Workloads shared by the benchmarks (each benchmark is its own file under `benches/`).

pub mod lower_bound;
pub mod synthetic;
