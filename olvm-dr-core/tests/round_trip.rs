//! The round-trip invariant (see `round_trip_support` for the state it compares) as a
//! property over generated worlds: seeds, sizes, data centers, every storage type, VMs with
//! disks on several domains (every world has some), vNIC profile names shared by the data
//! centers, direct LUNs and template versions. 240 worlds, on the fake with paused time.

mod flow_support;
mod round_trip_support;

async fn seeds(range: std::ops::Range<u64>) {
    let mut failures = Vec::new();
    for seed in range {
        let world = round_trip_support::world(seed, 23);
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
