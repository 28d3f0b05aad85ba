//! Shared by the `generate` and online-validation tests: a fake world's mapping, generated,
//! pre-filled from the secondary, completed with the world's facts, saved and read back.

#![allow(dead_code, unreachable_pub)]

use olvm_dr_core::fake::World;
use olvm_dr_core::generate::{
    ConnectionKeys, GenerateOptions, Generated, complete_for_world, generate,
};
use olvm_dr_core::mapping::Mapping;
use olvm_dr_core::validate::{OnlineOptions, validate_online};
use olvm_dr_core::{Diagnostic, Severity, Site};

/// The connection keys a test writes for `site`.
pub fn keys(site: Site) -> ConnectionKeys {
    ConnectionKeys::new(
        format!("https://engine.{site}.example/ovirt-engine/api"),
        "admin@internal",
        Some(format!("/etc/olvm-dr/{site}-ca.pem")),
    )
}

/// Generates from the primary, pre-filled from the secondary.
pub async fn generate_both(world: &World) -> Generated {
    let mut options = GenerateOptions::new(keys(Site::Primary));
    options.secondary = Some(keys(Site::Secondary));
    let p = world.dyn_engine(Site::Primary);
    let s = world.dyn_engine(Site::Secondary);
    generate(p.as_ref(), Some(s.as_ref()), &options)
        .await
        .expect("both sites answer")
}

/// The world's mapping as an administrator ends up with it: generated, pre-filled, completed
/// by hand, saved and read back (so positions are real).
pub async fn completed_mapping(world: &World) -> (Mapping, String) {
    let mut g = generate_both(world).await;
    complete_for_world(&mut g.mapping, world)
        .await
        .expect("the secondary answers");
    let text = g.mapping.to_yaml_with(&g.comments);
    let loaded = Mapping::from_str(&text, None);
    assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);
    (loaded.mapping.expect("a mapping"), text)
}

/// Online validation of `m` against both sites of `world`.
pub async fn online(world: &World, m: &Mapping, options: &OnlineOptions) -> Vec<Diagnostic> {
    let p = world.dyn_engine(Site::Primary);
    let s = world.dyn_engine(Site::Secondary);
    validate_online(
        m,
        None,
        olvm_dr_core::mapping::PerSite {
            primary: Some(p.as_ref()),
            secondary: Some(s.as_ref()),
        },
        options,
    )
    .await
}

/// The errors among `d`.
pub fn errors(d: &[Diagnostic]) -> Vec<&Diagnostic> {
    d.iter().filter(|d| d.severity == Severity::Error).collect()
}

/// The findings with `code`.
pub fn with_code<'a>(d: &'a [Diagnostic], code: &str) -> Vec<&'a Diagnostic> {
    d.iter().filter(|d| d.code == code).collect()
}

/// Prints findings (shown when a test fails).
pub fn show(d: &[Diagnostic]) -> String {
    d.iter().map(|d| format!("{d}\n")).collect()
}
