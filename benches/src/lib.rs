//! Workloads shared by the benchmarks (each benchmark is its own file under `benches/`).

pub mod dr_world;
pub mod failover_world;
pub mod group_bound;
pub mod lab_failover;
pub mod lower_bound;
pub mod synthetic;
