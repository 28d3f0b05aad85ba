//! Online validation against the fake world: a completed mapping is clean, and every rule has
//! a case where it fails (the mapping or the world changed so that its condition holds).

mod dr_support;

use dr_support::{completed_mapping, errors, online, show, with_code};
use olvm_dr_core::engine::{
    EngineError, ErrorKind, HostStatus, ImportStorageDomain, ProductVersion, StorageType, Version,
};
use olvm_dr_core::fake::{DiskSpec, NicSpec, Operation, VmSpec, World, WorldBuilder};
use olvm_dr_core::mapping::{Field, ImportStorage, Mapping, NameMapping, PerSite};
use olvm_dr_core::validate::{DEFAULT_MAX_OVF_AGE, OnlineOptions, codes};
use olvm_dr_core::{Diagnostic, Severity, Site};

fn list<T>(f: &mut Field<Vec<T>>) -> &mut Vec<T> {
    match f {
        Field::Set { value, .. } => value,
        _ => panic!("the list is set"),
    }
}

fn put(f: &mut Field<String>, v: &str) {
    *f = Field::set(v.to_owned(), f.pos().unwrap_or_default());
}

fn storage<'a>(m: &'a mut Mapping, name: &str) -> &'a mut ImportStorage {
    list(&mut m.import_storages)
        .iter_mut()
        .find(|s| s.name(Site::Primary).get().map(String::as_str) == Some(name))
        .expect("the storage entry")
}

fn common(st: &mut ImportStorage) -> &mut olvm_dr_core::mapping::StorageCommon {
    match st {
        ImportStorage::Nfs(f) | ImportStorage::Glusterfs(f) | ImportStorage::Posixfs(f) => {
            &mut f.common
        }
        ImportStorage::Iscsi(i) => &mut i.common,
        ImportStorage::Fcp(f) => &mut f.common,
    }
}

/// The findings with `code` about `site`, asserting there is at least one.
fn expect<'a>(d: &'a [Diagnostic], code: &str, site: Site) -> Vec<&'a Diagnostic> {
    let found: Vec<_> = with_code(d, code)
        .into_iter()
        .filter(|f| f.location.site == Some(site))
        .collect();
    assert!(
        !found.is_empty(),
        "no {code} about the {site} site in:\n{}",
        show(d)
    );
    found
}

async fn small() -> (World, Mapping) {
    let world = WorldBuilder::small(7).build();
    let (m, _) = completed_mapping(&world).await;
    (world, m)
}

const FAILOVER: OnlineOptions = OnlineOptions {
    target: Site::Secondary,
    source_required: true,
    max_ovf_age: DEFAULT_MAX_OVF_AGE,
};

#[tokio::test]
async fn a_completed_mapping_of_a_world_is_clean_in_both_directions_of_a_fresh_world() {
    let (world, m) = small().await;
    let d = online(&world, &m, &FAILOVER).await;
    assert!(errors(&d).is_empty(), "{}", show(&d));
    // Every finding names its site; findings about an entry have its line.
    for f in &d {
        assert!(f.location.site.is_some(), "{f}");
        if f.location.key.is_some() {
            assert!(f.location.line.is_some_and(|l| l > 0), "{f}");
        }
    }
}

#[tokio::test]
async fn a_2000_vm_world_is_clean_when_its_target_has_room() {
    let world = WorldBuilder::large(5).running_fraction(0.3).build();
    let (m, _) = completed_mapping(&world).await;
    let d = online(&world, &m, &FAILOVER).await;
    assert!(errors(&d).is_empty(), "{}", show(&d));
}

#[tokio::test]
async fn an_unreachable_site_is_an_error_with_what_was_tried() {
    let (world, m) = small().await;
    world.disaster(Site::Primary);
    let d = online(&world, &m, &FAILOVER).await;
    let f = expect(&d, codes::SITE_UNREACHABLE, Site::Primary);
    assert!(f[0].is_error());
    assert!(f[0].message.contains("https://engine.primary.example/ovirt-engine/api as admin@internal (CA file /etc/olvm-dr/primary-ca.pem)"), "{}", f[0]);
    expect(&d, codes::SITE_NOT_CHECKED, Site::Primary);
    // With the source allowed to be down (a real disaster), it is a warning and the target's
    // rules still run.
    let d = online(
        &world,
        &m,
        &OnlineOptions {
            source_required: false,
            ..FAILOVER
        },
    )
    .await;
    assert_eq!(
        expect(&d, codes::SITE_UNREACHABLE, Site::Primary)[0].severity,
        Severity::Warning
    );
    assert!(errors(&d).is_empty(), "{}", show(&d));
}

#[tokio::test]
async fn refused_credentials_and_failed_listings_are_told_apart() {
    let (world, m) = small().await;
    world.fail_next(
        Site::Secondary,
        Operation::Clusters,
        1,
        EngineError::new(ErrorKind::Unauthenticated, "clusters"),
    );
    let d = online(&world, &m, &FAILOVER).await;
    expect(&d, codes::SITE_CREDENTIALS, Site::Secondary);
    world.fail_next(
        Site::Secondary,
        Operation::Roles,
        1,
        EngineError::new(ErrorKind::Internal, "roles"),
    );
    let d = online(&world, &m, &FAILOVER).await;
    let f = expect(&d, codes::SITE_READ_FAILED, Site::Secondary);
    assert!(f[0].message.contains("cannot list roles"), "{}", f[0]);
}

#[tokio::test]
async fn mapped_names_must_exist_on_their_sites() {
    let (world, mut m) = small().await;
    put(
        &mut list(&mut m.cluster_mappings)[0].names.secondary,
        "no-such-cluster",
    );
    put(
        &mut list(&mut m.affinity_group_mappings)[0].names.primary,
        "no-such-group",
    );
    put(
        &mut list(&mut m.affinity_label_mappings)[0].names.secondary,
        "tier1",
    );
    put(
        &mut list(&mut m.domain_mappings)[0].names.secondary,
        "nowhere.example",
    );
    // A role of the primary only.
    list(&mut m.role_mappings)[0] = NameMapping {
        names: PerSite {
            primary: Field::set("OpsCustom".into(), Default::default()),
            secondary: Field::set("OpsCustom".into(), Default::default()),
        },
        ..NameMapping::default()
    };
    let d = online(&world, &m, &FAILOVER).await;
    expect(&d, codes::CLUSTER_NOT_FOUND, Site::Secondary);
    expect(&d, codes::AFFINITY_GROUP_NOT_FOUND, Site::Primary);
    let label = expect(&d, codes::AFFINITY_LABEL_NOT_FOUND, Site::Secondary);
    assert_eq!(label[0].hint.as_deref(), Some("did you mean 'tier-1'?"));
    expect(&d, codes::AUTHZ_DOMAIN_NOT_FOUND, Site::Secondary);
    expect(&d, codes::ROLE_NOT_FOUND, Site::Secondary);
}

#[tokio::test]
async fn data_centers_of_storage_entries_must_exist() {
    let (world, mut m) = small().await;
    put(
        &mut common(storage(&mut m, "nfs-data1")).sites.secondary.dc_name,
        "dr-dc9",
    );
    let d = online(&world, &m, &FAILOVER).await;
    let f = expect(&d, codes::DATA_CENTER_NOT_FOUND, Site::Secondary);
    assert_eq!(
        f[0].location.key.as_deref(),
        Some("dr_import_storages[1].dr_secondary_dc_name")
    );
}

#[tokio::test]
async fn vnic_profiles_by_name_network_data_center_and_id() {
    let (world, mut m) = small().await;
    let nets = list(&mut m.network_mappings);
    put(&mut nets[0].sites.secondary.profile_name, "no-such-profile");
    // ovirtmgmt exists in both data centers of the secondary: without the data center the
    // mapping is ambiguous.
    let mgmt = nets
        .iter_mut()
        .find(|n| n.sites.secondary.profile_name.get().map(String::as_str) == Some("ovirtmgmt"))
        .unwrap();
    mgmt.sites.secondary.network_dc = Field::Missing;
    // An id that belongs to another profile.
    let other = world.facts().secondary.profiles[1].id;
    let third = &mut nets[3];
    third.sites.secondary.profile_id =
        Field::set(other, third.sites.secondary.profile_id.pos().unwrap());
    let d = online(&world, &m, &FAILOVER).await;
    expect(&d, codes::VNIC_PROFILE_NOT_FOUND, Site::Secondary);
    expect(&d, codes::VNIC_PROFILE_AMBIGUOUS, Site::Secondary);
    let f = expect(&d, codes::VNIC_PROFILE_ID, Site::Secondary);
    assert!(f[0].message.contains("is vNIC profile"), "{}", f[0]);
}

#[tokio::test]
async fn luns_are_checked_on_the_source_and_at_the_target() {
    let world = WorldBuilder::small(7).direct_luns(2).build();
    let (mut m, _) = completed_mapping(&world).await;
    let luns = list(&mut m.lun_mappings);
    assert_eq!(luns.len(), 2);
    let is_iscsi = |l: &olvm_dr_core::mapping::LunMapping| {
        l.sites.primary.storage_type.get() == Some(&StorageType::Iscsi)
    };
    let iscsi = luns.iter().position(is_iscsi).unwrap();
    let fc = 1 - iscsi;
    put(&mut luns[iscsi].sites.primary.address, "10.99.0.1");
    put(
        &mut luns[fc].sites.secondary.logical_unit_id,
        "3600a0980deadbeef",
    );
    let d = online(&world, &m, &FAILOVER).await;
    let f = expect(&d, codes::LUN_FACTS_DIFFER, Site::Primary);
    assert!(f[0].message.contains("address '10.99.0.1'"), "{}", f[0]);
    expect(&d, codes::LUN_NOT_FOUND, Site::Secondary);
    // iSCSI on the target is not visible before the hosts log in: only noted.
    assert_eq!(
        expect(&d, codes::LUN_NOT_VISIBLE, Site::Secondary)[0].severity,
        Severity::Info
    );
    put(
        &mut list(&mut m.lun_mappings)[fc].sites.primary.logical_unit_id,
        "3600a0980cafe",
    );
    let d = online(&world, &m, &FAILOVER).await;
    let f = expect(&d, codes::LUN_NOT_FOUND, Site::Primary);
    assert!(f.iter().any(|f| {
        f.message
            .contains("no direct-LUN disk uses LUN 3600a0980cafe")
    }));
    // Failing back, the primary (now the target) still has the disks.
    let (m, _) = completed_mapping(&world).await;
    let d = online(
        &world,
        &m,
        &OnlineOptions {
            target: Site::Primary,
            ..FAILOVER
        },
    )
    .await;
    expect(&d, codes::LUN_IN_USE_AT_TARGET, Site::Primary);
}

#[tokio::test]
async fn engine_versions_must_be_equal() {
    let (world, m) = small().await;
    world.setup(|s| {
        s.set_product_version(
            Site::Secondary,
            ProductVersion {
                major: 4,
                minor: 4,
                build: 10,
                revision: 7,
                full_version: "4.4.10.7-1.el8".into(),
            },
        );
    });
    let d = online(&world, &m, &FAILOVER).await;
    let f = expect(&d, codes::ENGINE_VERSION_MISMATCH, Site::Secondary);
    assert!(f[0].is_error());
    assert!(
        f[0].message
            .contains("4.5.6-1.el9 on the primary, 4.4.10.7-1.el8 on the secondary"),
        "{}",
        f[0]
    );
}

/// A new data center on the secondary, optionally with a cluster and an UP host.
fn add_dc(world: &World, name: &str, version: Version, with_host: bool) -> String {
    world.setup(|s| {
        let dc = s.add_data_center(Site::Secondary, name, version);
        let pool = s.add_mac_pool(
            Site::Secondary,
            &[("56:6f:3c:00:00:00", "56:6f:3c:00:ff:ff")],
            false,
        );
        let cluster = s.add_cluster(Site::Secondary, &format!("{name}-c1"), dc, pool, version);
        if with_host {
            s.add_host(
                Site::Secondary,
                &format!("{name}-h1"),
                cluster,
                HostStatus::Up,
            );
        }
        format!("{name}-c1")
    })
}

#[tokio::test]
async fn cluster_and_data_center_versions_must_match() {
    let (world, mut m) = small().await;
    let old = add_dc(&world, "dr-old", Version::new(4, 6), true);
    put(&mut list(&mut m.cluster_mappings)[0].names.secondary, &old);
    put(
        &mut common(storage(&mut m, "nfs-data1")).sites.secondary.dc_name,
        "dr-old",
    );
    let d = online(&world, &m, &FAILOVER).await;
    let f = expect(&d, codes::CLUSTER_VERSION_MISMATCH, Site::Secondary);
    assert!(f[0].message.contains("is 4.7 on the primary"), "{}", f[0]);
    // Both levels attach the domain's V5: the difference is a warning.
    let f = expect(&d, codes::DC_LEVELS_DIFFER, Site::Secondary);
    assert_eq!(f[0].severity, Severity::Warning, "{}", f[0]);
    assert!(
        with_code(&d, codes::DC_VERSION_MISMATCH).is_empty(),
        "{}",
        show(&d)
    );
}

#[tokio::test]
async fn storage_facts_of_the_source_must_agree_with_its_engine() {
    let (world, mut m) = small().await;
    {
        let ImportStorage::Nfs(nfs) = storage(&mut m, "nfs-data1") else {
            panic!("nfs");
        };
        put(&mut nfs.sites.primary.path, "/exports/elsewhere");
        put(&mut nfs.common.sites.primary.dc_name, "prod-dc2");
    }
    put(
        &mut common(storage(&mut m, "fcp-data1")).sites.primary.name,
        "fcp-renamed",
    );
    let d = online(&world, &m, &FAILOVER).await;
    let f = expect(&d, codes::DOMAIN_FACTS_DIFFER, Site::Primary);
    assert!(
        f.iter().any(|f| f
            .message
            .contains("path '/exports/elsewhere', the Engine says '/exports/nfs-data1'")),
        "{}",
        show(&d)
    );
    assert!(
        f.iter().any(|f| f
            .message
            .contains("name 'fcp-renamed', the Engine says 'fcp-data1'")),
        "{}",
        show(&d)
    );
    expect(&d, codes::DOMAIN_DC_DIFFERS, Site::Primary);
    put(
        &mut common(storage(&mut m, "nfs-data1")).sites.primary.name,
        "nfs-gone",
    );
    let d = online(&world, &m, &FAILOVER).await;
    expect(&d, codes::DOMAIN_NOT_ON_SOURCE, Site::Primary);
}

#[tokio::test]
async fn a_replicated_domain_attached_at_the_target_is_an_error() {
    let (world, m) = small().await;
    // Failing back without cleaning the primary first: its domains are still attached.
    let d = online(
        &world,
        &m,
        &OnlineOptions {
            target: Site::Primary,
            ..FAILOVER
        },
    )
    .await;
    let f = expect(&d, codes::DOMAIN_ATTACHED_AT_TARGET, Site::Primary);
    assert_eq!(f.len(), world.facts().domains.len());
    // And on the secondary: the FC replica imported and attached there ahead of time.
    let fc = world
        .facts()
        .domain_of_type(StorageType::Fcp)
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
    world.disaster(Site::Primary);
    world.expire_leases(Site::Primary);
    let request: ImportStorageDomain = fc.import_request(Site::Secondary, host);
    secondary.import_storage_domain(&request).await.unwrap();
    secondary
        .attach_storage_domain(fc.secondary_dc.id, fc.id)
        .await
        .unwrap();
    let d = online(
        &world,
        &m,
        &OnlineOptions {
            source_required: false,
            ..FAILOVER
        },
    )
    .await;
    let f = expect(&d, codes::DOMAIN_ATTACHED_AT_TARGET, Site::Secondary);
    assert!(
        f[0].message
            .contains("'fcp-data1' is already attached to data center 'dr-dc1'"),
        "{}",
        f[0]
    );
}

#[tokio::test]
async fn a_target_data_center_needs_an_up_host() {
    let (world, mut m) = small().await;
    add_dc(&world, "dr-empty", Version::new(4, 7), false);
    put(
        &mut common(storage(&mut m, "nfs-data1")).sites.secondary.dc_name,
        "dr-empty",
    );
    let d = online(&world, &m, &FAILOVER).await;
    expect(&d, codes::TARGET_DC_NO_UP_HOST, Site::Secondary);
}

#[tokio::test]
async fn capacity_of_the_target_clusters() {
    let world = WorldBuilder::small(7)
        .vms(300)
        .running_fraction(1.0)
        .build();
    let facts = world.facts().clone();
    let domain = facts.domains[0].id;
    let cluster = facts.primary.clusters[0].id;
    world.setup(|s| {
        let mut spec = VmSpec::new("huge", cluster);
        spec.memory = 512 << 30;
        spec.vcpus = 128;
        spec.running = true;
        spec.disks = vec![DiskSpec {
            alias: "huge-disk1".into(),
            domains: vec![domain],
        }];
        s.add_vm(Site::Primary, spec);
        // More than the target cluster's hosts hold (the world is sized for its own VMs).
        for i in 0..40 {
            let mut spec = VmSpec::new(format!("big{i:02}"), cluster);
            spec.memory = 64 << 30;
            spec.vcpus = 4;
            spec.running = true;
            spec.disks = vec![DiskSpec {
                alias: format!("big{i:02}-disk1"),
                domains: vec![domain],
            }];
            s.add_vm(Site::Primary, spec);
        }
    });
    let (mut m, _) = completed_mapping(&world).await;
    let d = online(&world, &m, &FAILOVER).await;
    let short = expect(&d, codes::CAPACITY_MEMORY, Site::Secondary);
    assert!(short[0].message.contains("find no host"), "{}", short[0]);
    let big = expect(&d, codes::VM_TOO_LARGE, Site::Secondary);
    assert!(big[0].message.contains("'huge'"), "{}", big[0]);
    assert_eq!(
        expect(&d, codes::VCPU_OVERCOMMIT, Site::Secondary)[0].severity,
        Severity::Warning
    );
    // A target cluster with no UP host.
    let empty = add_dc(&world, "dr-nohost", Version::new(4, 7), false);
    for e in list(&mut m.cluster_mappings) {
        put(&mut e.names.secondary, &empty);
    }
    let d = online(&world, &m, &FAILOVER).await;
    expect(&d, codes::TARGET_CLUSTER_NO_UP_HOST, Site::Secondary);
}

#[tokio::test]
async fn failback_blockers_on_replicated_domains_and_the_hosted_engine_left_out() {
    let world = WorldBuilder::small(7)
        .hosted_engine(false)
        .delete_protected(1)
        .snapshot_in_preview(1)
        .build();
    let facts = world.facts().clone();
    let cluster = facts.primary.clusters[0].id;
    let dc = facts.primary.data_centers[0].id;
    world.setup(|s| {
        let v = s.add_export(
            Site::Primary,
            StorageType::Nfs,
            "he.prod.example",
            "/he",
            None,
        );
        let sd = s.create_domain(
            v,
            "hosted_storage",
            olvm_dr_core::engine::StorageDomainType::Data,
            true,
        );
        s.attach_domain(Site::Primary, v, dc, false);
        let mut spec = VmSpec::new("HostedEngine", cluster);
        spec.origin = olvm_dr_core::engine::HOSTED_ENGINE_ORIGIN.into();
        spec.delete_protected = true;
        spec.running = true;
        spec.disks = vec![DiskSpec {
            alias: "he_virtio_disk".into(),
            domains: vec![sd],
        }];
        s.add_vm(Site::Primary, spec);
        // A delete-protected VM that is not on a replicated domain does not block failback.
        let mut other = VmSpec::new("local-only", cluster);
        other.delete_protected = true;
        other.disks = vec![DiskSpec {
            alias: "local-disk".into(),
            domains: vec![sd],
        }];
        s.add_vm(Site::Primary, other);
    });
    let (m, _) = completed_mapping(&world).await;
    let d = online(&world, &m, &FAILOVER).await;
    let protected = expect(&d, codes::VM_DELETE_PROTECTED, Site::Primary);
    assert_eq!(protected.len(), 1, "{}", show(&d));
    assert!(protected[0].message.contains("'vm00001'"));
    let preview = expect(&d, codes::VM_IN_PREVIEW, Site::Primary);
    assert_eq!(preview.len(), 1);
    assert!(preview[0].message.contains("'vm00002'"));
    let he = expect(&d, codes::HOSTED_ENGINE_VM_EXCLUDED, Site::Primary);
    assert_eq!(he[0].severity, Severity::Info);
}

#[tokio::test]
async fn drift_since_generate_is_reported_per_entity() {
    let (world, m) = small().await;
    let facts = world.facts().clone();
    let domain = facts.domains[0].id;
    let dc = facts.primary.data_centers[0].id;
    world.setup(|s| {
        let pool = s.add_mac_pool(
            Site::Primary,
            &[("56:6f:4d:00:00:00", "56:6f:4d:00:ff:ff")],
            false,
        );
        let cluster = s.add_cluster(Site::Primary, "new-cluster", dc, pool, Version::new(4, 7));
        let net = s.add_network(Site::Primary, dc, "new-net", Some(900), &[cluster]);
        let profile = s.add_vnic_profile(Site::Primary, net, "new-profile");
        let group = s.add_affinity_group(Site::Primary, cluster, "new-group", true);
        let label = s.add_affinity_label(Site::Primary, "new-label");
        for i in 0..7 {
            let mut spec = VmSpec::new(format!("drifted{i}"), cluster);
            spec.disks = vec![DiskSpec {
                alias: format!("drifted{i}-disk1"),
                domains: vec![domain],
            }];
            spec.nics = vec![NicSpec {
                name: "nic1".into(),
                profile: Some(profile),
                mac: None,
            }];
            spec.affinity_groups = vec![group];
            spec.affinity_labels = vec![label];
            s.add_vm(Site::Primary, spec);
        }
    });
    let d = online(&world, &m, &FAILOVER).await;
    let c = expect(&d, codes::DRIFT_CLUSTER, Site::Primary);
    assert_eq!(c.len(), 1);
    assert!(c[0].is_error());
    assert!(c[0].message.contains("used by 7 VM(s) on replicated domains ('drifted0', 'drifted1', 'drifted2', 'drifted3', 'drifted4' and 2 more)"), "{}", c[0]);
    expect(&d, codes::DRIFT_PROFILE, Site::Primary);
    expect(&d, codes::DRIFT_AFFINITY_GROUP, Site::Primary);
    expect(&d, codes::DRIFT_AFFINITY_LABEL, Site::Primary);
}

#[tokio::test]
async fn reads_are_one_listing_per_collection_per_site() {
    let (world, m) = small().await;
    let before = (world.calls(Site::Primary), world.calls(Site::Secondary));
    online(&world, &m, &FAILOVER).await;
    let calls = (
        world.calls(Site::Primary) - before.0,
        world.calls(Site::Secondary) - before.1,
    );
    let clusters = |s: Site| world.facts().site(s).clusters.len() as u64;
    // api, data centers, clusters, labels, authz, roles, hosts, networks, profiles, domains,
    // LUN disks, VMs: 12, plus one affinity-group listing per cluster; the source also lists
    // the disks of each mapped domain (their OVF stores' age); the target asks its UP hosts
    // for their LUNs (one batch here).
    let up_hosts = world
        .facts()
        .secondary
        .hosts
        .iter()
        .filter(|h| h.up)
        .count() as u64;
    let domains = world.facts().domains.len() as u64;
    assert_eq!(calls.0, 12 + clusters(Site::Primary) + domains);
    assert_eq!(calls.1, 12 + clusters(Site::Secondary) + up_hosts.min(8));
}
