//! The round-trip invariant (see `round_trip_support` for the state it compares) as a
//! property over generated worlds: seeds, sizes, data centers, every storage type, VMs with
//! disks on several domains (every world has some), vNIC profile names shared by the data
//! centers, direct LUNs and template versions. 240 worlds, on the fake with paused time.

mod flow_support;
mod round_trip_support;

use olvm_dr_core::engine::StorageType;
use olvm_dr_core::fake::{STORAGE_TYPES, World, WorldBuilder};

/// The world of `seed`: its shape varies with the seed.
fn world(seed: u64) -> World {
    let mut b = WorldBuilder::small(seed)
        .data_centers(1 + (seed % 2) as usize)
        .vms(8 + (seed % 23) as usize)
        .templates_per_dc(1 + (seed % 3) as usize)
        .direct_luns((seed % 3) as usize);
    // A rotating mix of storage types, two domains of one of them.
    for (i, t) in STORAGE_TYPES.into_iter().enumerate() {
        let count = match (seed as usize + i) % 5 {
            0 => 2,
            1 | 2 => 1,
            _ => usize::from(t == StorageType::Nfs),
        };
        b = b.domains(t, count);
    }
    b.build()
}

async fn seeds(range: std::ops::Range<u64>) {
    let mut failures = Vec::new();
    for seed in range {
        let world = world(seed);
        let ctx = flow_support::context(&world, "round-trip");
        if let Err(e) = round_trip_support::round_trip(&ctx, &world).await {
            failures.push(format!("seed {seed}: {e}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[tokio::test(start_paused = true)]
async fn round_trips_seeds_0_to_40() {
    seeds(0..40).await;
}

#[tokio::test(start_paused = true)]
async fn round_trips_seeds_40_to_80() {
    seeds(40..80).await;
}

#[tokio::test(start_paused = true)]
async fn round_trips_seeds_80_to_120() {
    seeds(80..120).await;
}

#[tokio::test(start_paused = true)]
async fn round_trips_seeds_120_to_160() {
    seeds(120..160).await;
}

#[tokio::test(start_paused = true)]
async fn round_trips_seeds_160_to_200() {
    seeds(160..200).await;
}

#[tokio::test(start_paused = true)]
async fn round_trips_seeds_200_to_240() {
    seeds(200..240).await;
}
