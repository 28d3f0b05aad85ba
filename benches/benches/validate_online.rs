//! Online validation of the mapping of a 10 000-VM world with 2 000 vNIC profiles per site,
//! through the `Engine` trait against the fake (instant latency): both sites read concurrently,
//! every rule. Target: under 2 s.
//!
//! Measured on the 2-core development machine: 41 ms (median). Over HTTP (RestEngine against
//! the simulator) the two sites' listings dominate.

use divan::Bencher;
use olvm_dr_benches::dr_world;
use olvm_dr_core::Site;
use olvm_dr_core::mapping::PerSite;
use olvm_dr_core::validate::{OnlineOptions, validate_online};

fn main() {
    divan::main();
}

#[divan::bench(sample_count = 10)]
fn both_sites(bencher: Bencher) {
    let world = dr_world::world();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mapping = rt.block_on(dr_world::mapping(&world));
    assert_eq!(mapping.networks().len(), dr_world::PROFILES);
    let p = world.dyn_engine(Site::Primary);
    let s = world.dyn_engine(Site::Secondary);
    let options = OnlineOptions::default();
    bencher.bench(|| {
        rt.block_on(async {
            let engines = PerSite {
                primary: Some(p.as_ref()),
                secondary: Some(s.as_ref()),
            };
            divan::black_box(validate_online(&mapping, None, engines, &options).await)
        })
    });
}
