//! A fake two-site world the size of a large installation, for `generate` and the online
//! validation: the `large` preset with 10 000 VMs and 2 000 vNIC profiles on each site (the
//! preset's 20, plus 198 networks of 10 profiles in the first data center, under the same names
//! on both sites so that `generate --secondary` matches them).

use olvm_dr_core::Site;
use olvm_dr_core::fake::{World, WorldBuilder};
use olvm_dr_core::generate::{ConnectionKeys, GenerateOptions, complete_for_world, generate};
use olvm_dr_core::mapping::Mapping;

/// VMs in the benchmark world.
pub const VMS: usize = 10_000;

/// vNIC profiles on each site of the benchmark world.
pub const PROFILES: usize = 2_000;

/// The world (deterministic; building it takes a few seconds).
pub fn world() -> World {
    let world = WorldBuilder::large(1).vms(VMS).build();
    let existing = world.facts().primary.profiles.len();
    let extra = PROFILES - existing;
    for site in Site::BOTH {
        let facts = world.facts().site(site);
        let dc = facts.data_centers[0].id;
        let clusters: Vec<_> = facts
            .clusters
            .iter()
            .filter(|c| c.data_center == dc)
            .map(|c| c.id)
            .collect();
        world.setup(|s| {
            for n in 0..extra.div_ceil(10) {
                let net = s.add_network(
                    site,
                    dc,
                    &format!("bench-net-{n:03}"),
                    Some(1000 + n as u32),
                    &clusters,
                );
                for p in 0..10.min(extra - n * 10) {
                    s.add_vnic_profile(site, net, &format!("bench-profile-{p}"));
                }
            }
        });
    }
    world
}

/// The connection keys written for `site`.
pub fn keys(site: Site) -> ConnectionKeys {
    ConnectionKeys::new(
        format!("https://engine.{site}.example/ovirt-engine/api"),
        "admin@internal",
        Some(format!("/etc/olvm-dr/{site}-ca.pem")),
    )
}

/// Generate options reading both sites.
pub fn options() -> GenerateOptions {
    let mut o = GenerateOptions::new(keys(Site::Primary));
    o.secondary = Some(keys(Site::Secondary));
    o
}

/// The world's mapping: generated with the secondary, completed, saved and read back.
pub async fn mapping(world: &World) -> Mapping {
    let p = world.dyn_engine(Site::Primary);
    let s = world.dyn_engine(Site::Secondary);
    let mut g = generate(p.as_ref(), Some(s.as_ref()), &options())
        .await
        .expect("both sites answer");
    complete_for_world(&mut g.mapping, world)
        .await
        .expect("the secondary answers");
    let text = g.mapping.to_yaml_with(&g.comments);
    Mapping::from_str(&text, None).mapping.expect("a mapping")
}
