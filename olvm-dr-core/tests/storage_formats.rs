//! Storage formats and data center levels across the DR cycle: `validate` says what a
//! difference of levels does, and a failover to a newer site upgrades the domains so that the
//! failback to the older one fails with the Engine's reason.

mod dr_support;
mod flow_support;

use dr_support::{completed_mapping, online, show, with_code};
use flow_support::{WorldGate, context};
use olvm_dr_core::engine::{StorageFormat, Version};
use olvm_dr_core::fake::{World, WorldBuilder};
use olvm_dr_core::flow::{Resume, RunOptions, RunStore};
use olvm_dr_core::plan::{FailoverOptions, ReturnOptions};
use olvm_dr_core::report::Verdict;
use olvm_dr_core::validate::{DEFAULT_MAX_OVF_AGE, OnlineOptions, codes};
use olvm_dr_core::{Severity, Site};

fn options(target: Site) -> OnlineOptions {
    OnlineOptions {
        target,
        source_required: true,
        max_ovf_age: DEFAULT_MAX_OVF_AGE,
    }
}

/// Puts every data center of `site` holding a replicated domain at `level`, and every
/// replicated domain at `format`.
fn set_levels(world: &World, site: Site, level: Version, format: StorageFormat) {
    let facts = world.facts().clone();
    world.setup(|s| {
        for d in &facts.domains {
            let dc = match site {
                Site::Primary => d.primary_dc.id,
                Site::Secondary => d.secondary_dc.id,
            };
            s.set_data_center_version(site, dc, level);
            s.set_storage_format(d.id, format);
        }
    });
}

#[tokio::test]
async fn a_target_older_than_the_domains_format_is_an_error() {
    let world = WorldBuilder::small(7).build();
    let (m, _) = completed_mapping(&world).await;
    set_levels(
        &world,
        Site::Secondary,
        Version::new(4, 2),
        StorageFormat::V5,
    );
    let d = online(&world, &m, &options(Site::Secondary)).await;
    let f = with_code(&d, codes::DC_VERSION_MISMATCH);
    assert!(!f.is_empty(), "{}", show(&d));
    assert_eq!(f[0].severity, Severity::Error);
    assert_eq!(f[0].location.site, Some(Site::Secondary));
    assert!(
        f[0].message.contains("Storage Domain format V5 is illegal"),
        "{}",
        f[0]
    );
    assert!(
        f[0].hint.as_deref().unwrap_or("").contains("4.3"),
        "{}",
        f[0]
    );
    assert!(
        with_code(&d, codes::DC_LEVELS_DIFFER).is_empty(),
        "{}",
        show(&d)
    );
}

#[tokio::test]
async fn a_newer_target_warns_that_the_way_back_will_be_refused() {
    let world = WorldBuilder::small(7).build();
    let (m, _) = completed_mapping(&world).await;
    set_levels(&world, Site::Primary, Version::new(4, 2), StorageFormat::V4);
    let d = online(&world, &m, &options(Site::Secondary)).await;
    assert!(
        with_code(&d, codes::DC_VERSION_MISMATCH).is_empty(),
        "{}",
        show(&d)
    );
    let f = with_code(&d, codes::DC_LEVELS_DIFFER);
    assert!(!f.is_empty(), "{}", show(&d));
    assert_eq!(f[0].severity, Severity::Warning);
    assert!(
        f[0].message.contains("upgrades it from V4 to V5")
            && f[0].message.contains("is 4.2 on the primary")
            && f[0].message.contains("Storage Domain format V5 is illegal"),
        "{}",
        f[0]
    );
    assert!(
        f[0].hint.as_deref().unwrap_or("").contains("4.3"),
        "{}",
        f[0]
    );
}

#[tokio::test(start_paused = true)]
async fn a_failover_to_a_newer_site_upgrades_the_domains_and_the_failback_is_refused() {
    let world = WorldBuilder::small(11).build();
    set_levels(&world, Site::Primary, Version::new(4, 2), StorageFormat::V4);
    let ctx = context(&world, "formats");

    world.disaster(Site::Primary);
    world.stop_all_replication();
    let report = flow_support::fail_over(&ctx, Site::Secondary, &FailoverOptions::default()).await;
    assert_eq!(
        report.verdict,
        Verdict::Success,
        "{}",
        report.render_summary()
    );
    for d in &world.facts().domains {
        assert_eq!(
            world.storage_format_on_storage(Site::Secondary, d.id),
            Some(StorageFormat::V5),
            "{} was attached to a 4.7 data center",
            d.name
        );
    }

    // The primary returns; replication toward it carries the upgraded metadata.
    world.recover(Site::Primary);
    world.reverse_all_replication();
    let (m, _) = completed_mapping(&world).await;
    let d = online(&world, &m, &options(Site::Primary)).await;
    let f = with_code(&d, codes::DC_VERSION_MISMATCH);
    assert!(
        f.iter().any(|f| f.location.site == Some(Site::Primary)),
        "validate before the failback says the primary cannot attach V5:\n{}",
        show(&d)
    );

    let store = RunStore::in_memory();
    let prepared = ctx
        .prepare_failback(
            Site::Primary,
            &ReturnOptions::failback(),
            &store,
            &Resume::Never,
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let run = RunOptions {
        gate: Some(WorldGate::new(&world, flow_support::promote_returning_site)),
        ..RunOptions::default()
    };
    let report = prepared.execute(&ctx, &store, &run).await.unwrap();
    let summary = report.render_summary();
    assert_ne!(report.verdict, Verdict::Success, "{summary}");
    assert!(
        summary.contains("Storage Domain format V5 is illegal"),
        "the failback fails with the Engine's reason:\n{summary}"
    );
}
