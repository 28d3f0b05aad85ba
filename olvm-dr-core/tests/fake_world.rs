//! The world and its builder: presets, determinism, replication controls.

use olvm_dr_core::Site;
use olvm_dr_core::engine::{Engine, StorageDomainStatus, StorageType, VmSearch};
use olvm_dr_core::fake::{ReplicationDirection, WorldBuilder};

#[tokio::test]
async fn the_small_preset_has_what_it_promises() {
    let world = WorldBuilder::small(1).build();
    let f = world.facts();
    assert_eq!(f.primary.data_centers.len(), 2);
    assert_eq!(f.secondary.data_centers.len(), 2);
    assert_eq!(f.domains.len(), 3);
    assert_eq!(f.vms.len(), 20);
    assert!(f.hosted_engine.is_some());
    assert!(!f.templates.is_empty() && f.templates.iter().any(|t| t.version == 2));
    assert!(f.vms.iter().any(|v| v.running) && f.vms.iter().any(|v| !v.running));
    assert!(f.vms.iter().any(|v| v.ha));
    assert!(f.vms.iter().any(|v| v.has_luns));
    assert!(f.vms.iter().any(|v| v.domains.len() == 2));
    // Some names differ between the sites, so mappings matter.
    assert!(f.mappings.clusters.iter().any(|m| m.from != m.to));
    assert!(
        f.mappings
            .vnic_profiles
            .iter()
            .any(|p| p.primary.name != p.secondary.name)
    );

    let p = world.engine(Site::Primary);
    let vms = p.vms(&VmSearch::default()).await.unwrap();
    assert_eq!(vms.len(), 21, "20 VMs and the hosted engine");
    assert_eq!(vms.iter().filter(|v| v.is_hosted_engine()).count(), 1);
    let s = world.engine(Site::Secondary);
    assert!(s.vms(&VmSearch::default()).await.unwrap().is_empty());
}

#[test]
fn medium_and_large_presets_cover_every_storage_type() {
    for (builder, domains) in [(WorldBuilder::medium(2), 10), (WorldBuilder::large(2), 20)] {
        let world = builder.vms(50).build();
        let f = world.facts();
        assert_eq!(f.domains.len(), domains);
        for t in [
            StorageType::Nfs,
            StorageType::Glusterfs,
            StorageType::Posixfs,
            StorageType::Iscsi,
            StorageType::Fcp,
        ] {
            assert!(f.domain_of_type(t).is_some(), "{t}");
        }
        assert_eq!(f.vms.len(), 50);
    }
    let large = WorldBuilder::large(2).vms(10).build();
    assert!(
        large.facts().primary.hosts.iter().any(|h| !h.up),
        "a host in maintenance"
    );
}

#[test]
fn the_same_seed_builds_the_same_world() {
    let build = |seed| {
        let world = WorldBuilder::medium(seed)
            .vms(200)
            .wall_clock(std::time::UNIX_EPOCH)
            .build();
        (
            serde_json::to_string(world.facts()).unwrap(),
            serde_json::to_string(&world.snapshot(Site::Primary)).unwrap(),
            serde_json::to_string(&world.ovf_store(Site::Secondary, world.facts().domains[0].id))
                .unwrap(),
        )
    };
    assert_eq!(build(77), build(77));
    assert_ne!(build(77).0, build(78).0);
}

#[tokio::test]
async fn replication_carries_writes_until_stopped_and_can_be_reversed() {
    let world = WorldBuilder::small(3).build();
    let d = world.facts().domains[0].clone();
    let primary_store = world.ovf_store(Site::Primary, d.id).unwrap();
    let replica = world.ovf_store(Site::Secondary, d.id).unwrap();
    assert!(replica.read_only && !primary_store.read_only);
    assert_eq!(replica.vms, primary_store.vms);

    world.stop_replication(d.pair);
    let state = world.replication(d.pair);
    assert!(!state.running);
    assert!(
        !world.ovf_store(Site::Secondary, d.id).unwrap().read_only,
        "promoted"
    );

    // A write on the primary no longer crosses.
    let p = world.engine(Site::Primary);
    let job = p.update_ovf_store(d.id).await.unwrap().unwrap();
    p.job(job).await.unwrap();
    let written = world.ovf_store(Site::Primary, d.id).unwrap();
    assert_eq!(written.pool, Some(d.primary_dc.id));

    world.reverse_replication(d.pair);
    let state = world.replication(d.pair);
    assert_eq!(state.direction, ReplicationDirection::SecondaryToPrimary);
    assert!(state.running);
    assert!(world.ovf_store(Site::Primary, d.id).unwrap().read_only);
    assert_eq!(
        world.ovf_store(Site::Primary, d.id).unwrap().vms,
        world.ovf_store(Site::Secondary, d.id).unwrap().vms
    );
    world.stop_replication(d.pair);
    world.resync_replication(d.pair);
    assert!(world.replication(d.pair).running);
}

#[tokio::test]
async fn a_fork_is_independent() {
    let world = WorldBuilder::small(4).build();
    let fork = world.fork();
    world.disaster(Site::Primary);
    assert!(!world.is_up(Site::Primary));
    assert!(fork.is_up(Site::Primary));
    let dc = fork.facts().primary.data_centers[0].id;
    let attached = fork
        .engine(Site::Primary)
        .attached_storage_domains(dc)
        .await
        .unwrap();
    assert!(
        attached
            .iter()
            .all(|d| d.status == Some(StorageDomainStatus::Active))
    );
}
