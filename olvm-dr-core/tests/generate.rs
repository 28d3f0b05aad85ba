//! `generate` against the fake world: what it writes, that it loads back with only the
//! secondary's values to fill in, the secondary pre-fill, and hosted-engine disks.

mod dr_support;

use dr_support::{completed_mapping, generate_both, keys, online, show};
use olvm_dr_core::Site;
use olvm_dr_core::engine::Id;
use olvm_dr_core::fake::{DiskSpec, VmSpec, WorldBuilder};
use olvm_dr_core::generate::{GenerateOptions, generate};
use olvm_dr_core::mapping::Mapping;
use olvm_dr_core::validate::{OfflineOptions, OnlineOptions, codes, validate_offline};

fn offline(m: &Mapping) -> Vec<olvm_dr_core::Diagnostic> {
    validate_offline(
        m,
        None,
        &OfflineOptions {
            check_ca_files: false,
            base_dir: None,
        },
    )
}

/// Generates from the primary only, loads the text back, and checks that the only errors are
/// secondary values not filled in.
async fn primary_only(world: &olvm_dr_core::fake::World) -> (String, Mapping) {
    let options = GenerateOptions::new(keys(Site::Primary));
    let g = generate(world.dyn_engine(Site::Primary).as_ref(), None, &options)
        .await
        .unwrap();
    assert!(!g.has_errors(), "{}", show(&g.diagnostics));
    let text = g.to_yaml();
    let loaded = Mapping::from_str(&text, None);
    assert!(
        loaded.diagnostics.is_empty(),
        "{}",
        show(&loaded.diagnostics)
    );
    let m = loaded.mapping.unwrap();
    let findings = offline(&m);
    let errors: Vec<_> = findings.iter().filter(|d| d.is_error()).collect();
    assert!(!errors.is_empty());
    for e in &errors {
        let key = e.location.key.as_deref().unwrap_or_default();
        assert_eq!(e.code, codes::NOT_FILLED, "{e}");
        assert!(key.contains("secondary"), "only secondary values: {e}");
        assert!(
            e.hint
                .as_deref()
                .is_some_and(|h| h.contains("the generator noted")),
            "{e}"
        );
    }
    (text, m)
}

#[tokio::test]
async fn small_world_loads_back_with_only_secondary_values_to_fill_in() {
    let world = WorldBuilder::small(7).build();
    let (text, m) = primary_only(&world).await;
    let facts = world.facts();
    // Every replicated domain, the hosted-engine domain commented out with the reason.
    assert_eq!(m.storages().len(), facts.domains.len());
    assert!(
        text.contains("# The hosted-engine storage domain cannot be part of disaster recovery")
    );
    assert!(text.contains("#   dr_primary_name: hosted_storage"));
    assert!(!text.contains("\n- dr_domain_type: nfs\n  dr_wipe_after_delete: false\n  dr_backup: false\n  dr_critical_space_action_blocker: 5\n  dr_storage_domain_type: data\n  dr_warning_low_space: 10\n  dr_primary_name: hosted_storage"));
    // One blank role entry, like the role.
    assert_eq!(m.role_mappings.get().unwrap().len(), 1);
    assert!(text.contains("dr_role_mappings:\n- primary_name:\n  secondary_name:\n"));
    // A profile per vNIC profile of the primary, with its data center.
    assert_eq!(m.networks().len(), facts.primary.profiles.len());
    // The iSCSI direct LUN: portal group tag, not the whole portal; quoted target.
    assert!(text.contains("primary_logical_unit_portal: '1'"), "{text}");
    assert_eq!(m.luns().len(), facts.luns.len());
    // Placeholders show the primary's value.
    assert!(text.contains("dr_secondary_dc_name: # prod-dc1"));
    assert!(text.contains("# secondary_network_dc: prod-dc1"));
}

#[tokio::test]
async fn a_2000_vm_world_generates_and_loads_back() {
    let world = WorldBuilder::large(11).build();
    assert_eq!(world.facts().vms.len(), 2000);
    let (_, m) = primary_only(&world).await;
    assert_eq!(m.storages().len(), world.facts().domains.len());
    assert_eq!(m.luns().len(), world.facts().luns.len());
}

#[tokio::test]
async fn the_secondary_pre_fills_what_exists_there_under_the_same_name() {
    let world = WorldBuilder::small(7).build();
    let g = generate_both(&world).await;
    let matched = g.summary.matched.expect("the secondary was read");
    let facts = world.facts();
    let same = |pairs: &[olvm_dr_core::engine::NameMapping]| {
        pairs.iter().filter(|p| p.from == p.to).count()
    };
    assert_eq!(matched.clusters, same(&facts.mappings.clusters));
    assert_eq!(
        matched.affinity_groups,
        same(&facts.mappings.affinity_groups)
    );
    assert_eq!(
        matched.affinity_labels,
        same(&facts.mappings.affinity_labels)
    );
    assert_eq!(matched.authz_domains, same(&facts.mappings.authz_domains));
    let text = g.to_yaml();
    assert!(
        text.contains(
            "# Pre-filled from the secondary site https://engine.secondary.example/ovirt-engine/api"
        ),
        "{text}"
    );
    assert!(
        text.contains("Roles of the primary that the secondary site does not have: OpsCustom.")
    );
    assert!(g.summary.to_fill < dr_support_to_fill_without_secondary(&world).await);
}

async fn dr_support_to_fill_without_secondary(world: &olvm_dr_core::fake::World) -> usize {
    let options = GenerateOptions::new(keys(Site::Primary));
    generate(world.dyn_engine(Site::Primary).as_ref(), None, &options)
        .await
        .unwrap()
        .summary
        .to_fill
}

#[tokio::test]
async fn a_domain_known_on_the_secondary_is_filled_by_id_with_its_data_center() {
    let world = WorldBuilder::small(3).build();
    // Import the FC replica on the secondary and attach it, as after an earlier failover.
    let fc = world
        .facts()
        .domain_of_type(olvm_dr_core::engine::StorageType::Fcp)
        .unwrap()
        .clone();
    let secondary = world.dyn_engine(Site::Secondary);
    let host = world
        .facts()
        .secondary
        .up_host_in(fc.secondary_dc.id)
        .unwrap()
        .id;
    world.stop_replication(fc.pair);
    secondary
        .import_storage_domain(&fc.import_request(Site::Secondary, host))
        .await
        .unwrap();
    let g = generate_both(&world).await;
    let m = g.summary.matched.unwrap();
    assert_eq!(m.storage_domains, 1, "{m:?}");
    let st = g
        .mapping
        .storages()
        .iter()
        .find(|s| s.name(Site::Primary).get() == Some(&fc.name))
        .unwrap();
    assert_eq!(st.name(Site::Secondary).get(), Some(&fc.name));
}

#[tokio::test]
async fn vm_disks_on_the_hosted_engine_domain_are_errors_unless_skipped() {
    let world = WorldBuilder::small(7).build();
    let (he_domain, _) = world.facts().hosted_engine.clone().unwrap();
    let cluster = world.facts().primary.clusters[0].id;
    world.setup(|s| {
        let mut spec = VmSpec::new("misplaced", cluster);
        spec.disks = vec![DiskSpec {
            alias: "misplaced-disk1".into(),
            domains: vec![he_domain.id],
        }];
        s.add_vm(Site::Primary, spec);
    });
    let mut options = GenerateOptions::new(keys(Site::Primary));
    let engine = world.dyn_engine(Site::Primary);
    let g = generate(engine.as_ref(), None, &options).await.unwrap();
    assert!(g.has_errors());
    let d: Vec<_> = g
        .diagnostics
        .iter()
        .filter(|d| d.code == codes::GENERATE_HOSTED_ENGINE_DISK)
        .collect();
    assert_eq!(d.len(), 1, "{}", show(&g.diagnostics));
    assert!(
        d[0].message
            .contains("disk 'misplaced-disk1' of VM 'misplaced'"),
        "{}",
        d[0]
    );
    assert!(d[0].is_error());
    options.skip_hosted_engine_disks = true;
    let g = generate(engine.as_ref(), None, &options).await.unwrap();
    assert!(!g.has_errors());
    assert!(g.to_yaml().contains("# WARNING: 1 VM disk(s) on the hosted-engine storage domain are left out of disaster recovery:\n#   VM 'misplaced': disk 'misplaced-disk1' on 'hosted_storage'"));
}

#[tokio::test]
async fn the_hosted_engine_domain_is_found_by_its_vm_whatever_its_name() {
    let world = WorldBuilder::small(7).hosted_engine(false).build();
    let facts = world.facts().clone();
    let dc = facts.primary.data_centers[0].id;
    let cluster = facts.primary.clusters[0].id;
    world.setup(|s| {
        let v = s.add_export(
            Site::Primary,
            olvm_dr_core::engine::StorageType::Nfs,
            "he.prod.example",
            "/he",
            None,
        );
        let sd = s.create_domain(
            v,
            "engine-store",
            olvm_dr_core::engine::StorageDomainType::Data,
            true,
        );
        s.attach_domain(Site::Primary, v, dc, false);
        let mut spec = VmSpec::new("HE", cluster);
        spec.origin = olvm_dr_core::engine::HOSTED_ENGINE_ORIGIN.into();
        spec.disks = vec![DiskSpec {
            alias: "he_disk".into(),
            domains: vec![sd],
        }];
        s.add_vm(Site::Primary, spec);
        let _: Id = sd;
    });
    let (text, m) = primary_only(&world).await;
    assert!(
        m.storages()
            .iter()
            .all(|s| s.name(Site::Primary).get().map(String::as_str) != Some("engine-store"))
    );
    assert!(text.contains("#   dr_primary_name: engine-store"), "{text}");
}

#[tokio::test]
async fn generated_pre_filled_and_completed_validates_clean_online() {
    let world = WorldBuilder::small(7).build();
    let (m, _) = completed_mapping(&world).await;
    let offline_findings = offline(&m);
    assert!(
        offline_findings.iter().all(|d| !d.is_error()),
        "{}",
        show(&offline_findings)
    );
    let d = online(&world, &m, &OnlineOptions::default()).await;
    assert!(d.iter().all(|d| !d.is_error()), "{}", show(&d));
}

#[tokio::test]
async fn the_pre_fill_never_changes_a_value_already_set() {
    use olvm_dr_core::generate::fill::fill_from;
    use olvm_dr_core::inventory::{Collections, Inventory};
    use olvm_dr_core::mapping::{Field, Pos, SaveComments};
    let world = WorldBuilder::small(7).build();
    let options = GenerateOptions::new(keys(Site::Primary));
    let mut g = generate(world.dyn_engine(Site::Primary).as_ref(), None, &options)
        .await
        .unwrap();
    let Field::Set {
        value: clusters, ..
    } = &mut g.mapping.cluster_mappings
    else {
        panic!("clusters");
    };
    // prod-dc1-c1 exists on the secondary under the same name; the administrator chose another.
    clusters[0].names.secondary = Field::set("chosen-by-hand".into(), Pos::default());
    let secondary = Inventory::read(
        world.dyn_engine(Site::Secondary).as_ref(),
        &Collections::all(),
    )
    .await
    .unwrap();
    let mut comments = SaveComments::default();
    let matched = fill_from(&mut g.mapping, &mut comments, &secondary.index());
    let names = g
        .mapping
        .names(olvm_dr_core::mapping::NameMappingKind::Cluster);
    assert_eq!(
        names[0].name(Site::Secondary).get().unwrap(),
        "chosen-by-hand"
    );
    assert_eq!(matched.clusters, 0, "{matched:?}");
}
