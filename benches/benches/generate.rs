//! `generate` on a 10 000-VM world with 2 000 vNIC profiles per site, through the `Engine`
//! trait against the fake (instant latency): reading the primary (and the secondary, for the
//! pre-fill) and building the file. Target: under 2 s.
//!
//! Measured on the 2-core development machine: primary only 33 ms, with the secondary 36 ms
//! (medians). Over HTTP (RestEngine against the simulator) the Engine's listings dominate.

use divan::Bencher;
use olvm_dr_benches::dr_world;
use olvm_dr_core::Site;
use olvm_dr_core::generate::{GenerateOptions, generate};

fn main() {
    divan::main();
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// The primary only, and the text of the file.
#[divan::bench(sample_count = 10)]
fn primary(bencher: Bencher) {
    let world = dr_world::world();
    let engine = world.dyn_engine(Site::Primary);
    let options = GenerateOptions::new(dr_world::keys(Site::Primary));
    let rt = runtime();
    bencher.bench(|| {
        rt.block_on(async {
            let g = generate(engine.as_ref(), None, &options)
                .await
                .expect("generated");
            divan::black_box(g.to_yaml())
        })
    });
}

/// Both sites read concurrently, the secondary's values pre-filled, and the text.
#[divan::bench(sample_count = 10)]
fn with_secondary(bencher: Bencher) {
    let world = dr_world::world();
    let p = world.dyn_engine(Site::Primary);
    let s = world.dyn_engine(Site::Secondary);
    let options = dr_world::options();
    let rt = runtime();
    bencher.bench(|| {
        rt.block_on(async {
            let g = generate(p.as_ref(), Some(s.as_ref()), &options)
                .await
                .expect("generated");
            divan::black_box(g.to_yaml())
        })
    });
}
