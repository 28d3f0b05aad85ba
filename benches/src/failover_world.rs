//! The failover workload of the benchmarks: 1 000 VMs, about 20 templates and 10 replicated
//! domains (two of each storage type), no direct LUNs; and its filled-in mapping.

use olvm_dr_core::engine::StorageType;
use olvm_dr_core::fake::{SiteUrls, World, WorldBuilder};
use olvm_dr_core::mapping::Mapping;

/// VMs in the workload.
pub const VMS: usize = 1_000;

/// Builds the world (seed 42: the same names and ids every time).
pub fn world() -> World {
    let mut builder = WorldBuilder::small(42)
        .templates_per_dc(10)
        .vms(VMS)
        .direct_luns(0);
    for t in [
        StorageType::Nfs,
        StorageType::Glusterfs,
        StorageType::Posixfs,
        StorageType::Iscsi,
        StorageType::Fcp,
    ] {
        builder = builder.domains(t, 2);
    }
    builder.build()
}

/// The mapping of `world` with the given Engine URLs.
pub fn mapping(world: &World, primary: &str, secondary: &str) -> Mapping {
    world.facts().mapping(&SiteUrls {
        primary: primary.to_owned(),
        secondary: secondary.to_owned(),
        username: "admin@internal".into(),
        insecure: false,
    })
}
