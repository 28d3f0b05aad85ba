//! Engine rules beyond the conformance suite's: MAC pools, what a detach takes along, storage
//! writes on read-only replicas, master election on destroy, and a whole failover-failback
//! cycle.

mod fake_support;

use std::collections::HashSet;

use olvm_dr_core::Site;
use olvm_dr_core::engine::{
    Engine, EntityRef, ErrorKind, Id, ImportStorageDomain, NameMapping, Registration,
    RemoveStorageDomain, StorageDomainStatus, VmSearch, VmStatus,
};
use olvm_dr_core::fake::{NicSpec, VmSpec, World, WorldBuilder};

use fake_support::{dc_for, import, promote_all, register_all};

/// Fails the primary over and brings in the data center of the first domain; returns its
/// domains on the secondary (registered templates) and that data center.
async fn failed_over_first_dc(world: &World) -> (Vec<Id>, Id) {
    let f = world.facts().clone();
    world.disaster(Site::Primary);
    world.expire_leases(Site::Primary);
    promote_all(world);
    let s = world.engine(Site::Secondary);
    let dc = f.domains[0].secondary_dc.id;
    let mut ids = Vec::new();
    for d in f.domains.iter().filter(|d| d.secondary_dc.id == dc) {
        import(world, s.as_ref(), d, Site::Secondary).await;
        s.attach_storage_domain(dc, d.id).await.unwrap();
        ids.push(d.id);
    }
    let reg = f.registration(Site::Secondary);
    for sd in &ids {
        let mut ts = s.unregistered_templates(*sd).await.unwrap();
        ts.sort_by_key(|t| t.base_template.is_some());
        for t in ts {
            if s.template(t.id).await.is_err() {
                s.register_template(*sd, t.id, &reg).await.unwrap();
            }
        }
    }
    (ids, dc)
}

#[tokio::test]
async fn mac_pools_decide_duplicates_ranges_and_exhaustion() {
    let world = WorldBuilder::small(41).build();
    // The VMs' NICs as their source has them: the Engine lists no NICs of an unregistered VM.
    let source: std::collections::HashMap<Id, Vec<olvm_dr_core::engine::Nic>> = world
        .engine(Site::Primary)
        .vms(&VmSearch::default())
        .await
        .unwrap()
        .into_iter()
        .map(|v| (v.id, v.nics))
        .collect();
    let nics = |id: Id| source.get(&id).cloned().unwrap_or_default();
    let (domains, dc) = failed_over_first_dc(&world).await;
    let s = world.engine(Site::Secondary);
    let vms = s.unregistered_vms(domains[0]).await.unwrap();
    let two_nics = vms
        .iter()
        .find(|v| nics(v.id).len() >= 2)
        .expect("a VM with two NICs")
        .clone();
    let others: Vec<_> = vms
        .iter()
        .filter(|v| v.id != two_nics.id)
        .cloned()
        .collect();

    // A pool that allows duplicates keeps a MAC already in use.
    let mac = nics(others[0].id)[0].mac.clone().unwrap();
    let (dup_cluster, tiny_cluster) = world.setup(|st| {
        let dup_pool = st.add_mac_pool(
            Site::Secondary,
            &[("56:6f:1a:00:00:00", "56:6f:1a:ff:ff:ff")],
            true,
        );
        let dup = st.add_cluster(
            Site::Secondary,
            "dup-ok",
            dc,
            dup_pool,
            olvm_dr_core::engine::Version::new(4, 7),
        );
        st.add_host(
            Site::Secondary,
            "dup-host",
            dup,
            olvm_dr_core::engine::HostStatus::Up,
        );
        let mut holder = VmSpec::new("holder", dup);
        holder.nics = vec![NicSpec {
            name: "nic1".into(),
            profile: None,
            mac: Some(mac.clone()),
        }];
        st.add_vm(Site::Secondary, holder);
        let tiny_pool = st.add_mac_pool(
            Site::Secondary,
            &[("56:6f:99:00:00:00", "56:6f:99:00:00:00")],
            false,
        );
        let tiny = st.add_cluster(
            Site::Secondary,
            "tiny-pool",
            dc,
            tiny_pool,
            olvm_dr_core::engine::Version::new(4, 7),
        );
        (dup, tiny)
    });
    let base = world.facts().registration(Site::Secondary);
    let keep = Registration {
        cluster: Some(EntityRef::Id(dup_cluster)),
        reassign_bad_macs: false,
        ..base.clone()
    };
    s.register_vm(domains[0], others[0].id, &keep)
        .await
        .expect("duplicates allowed");
    let registered = s.vm(others[0].id).await.unwrap();
    assert_eq!(registered.nics[0].mac.as_deref(), Some(mac.as_str()));

    // Out of every range, without reassignment: kept as a custom MAC.
    let out_of_range = Registration {
        reassign_bad_macs: false,
        ..base.clone()
    };
    let vm = &others[1];
    s.register_vm(domains[0], vm.id, &out_of_range)
        .await
        .unwrap();
    assert_eq!(s.vm(vm.id).await.unwrap().nics[0].mac, nics(vm.id)[0].mac);

    // A one-address pool cannot give two NICs new MACs.
    let tiny = Registration {
        cluster: Some(EntityRef::Id(tiny_cluster)),
        ..base
    };
    let e = s
        .register_vm(domains[0], two_nics.id, &tiny)
        .await
        .unwrap_err();
    assert_eq!(
        (e.kind, e.detail()),
        (
            ErrorKind::Conflict,
            "[Cannot import VM. Not enough MAC addresses left in MAC Address Pool.]"
        )
    );
    assert!(s.vm(two_nics.id).await.is_err(), "nothing half-registered");
}

#[tokio::test]
async fn duplicate_mappings_fail_like_the_engines_map_building() {
    let world = WorldBuilder::small(42).build();
    let (domains, _) = failed_over_first_dc(&world).await;
    let s = world.engine(Site::Secondary);
    let vm = s.unregistered_vms(domains[0]).await.unwrap()[0].clone();
    let mut reg = world.facts().registration(Site::Secondary);
    reg.role_mappings
        .push(NameMapping::new("UserVmManager", "SuperUser"));
    let e = s.register_vm(domains[0], vm.id, &reg).await.unwrap_err();
    assert_eq!((e.kind, e.http_status), (ErrorKind::Internal, Some(500)));
}

#[tokio::test]
async fn detach_takes_the_domains_vms_but_not_those_with_luns_or_other_disks() {
    let world = WorldBuilder::small(43).direct_luns(1).build();
    let f = world.facts().clone();
    let p = world.engine(Site::Primary);
    let lun_vm = f.vms.iter().find(|v| v.has_luns).unwrap().clone();
    let d = f
        .domains
        .iter()
        .find(|d| d.id == lun_vm.domains[0])
        .unwrap()
        .clone();
    let dc = d.primary_dc.id;
    for v in p
        .vms(&VmSearch {
            status_not: Some(VmStatus::Down),
            ..VmSearch::default()
        })
        .await
        .unwrap()
    {
        if !v.is_hosted_engine() {
            p.stop_vm(v.id).await.unwrap();
        }
    }
    assert!(
        !d.primary_master,
        "the fixture's LUN VM lives on a non-master domain"
    );
    p.deactivate_storage_domain(dc, d.id, false).await.unwrap();
    p.detach_storage_domain(dc, d.id).await.unwrap();
    assert!(
        p.vm(lun_vm.id).await.is_ok(),
        "a VM with a direct LUN stays"
    );
    for v in f
        .vms
        .iter()
        .filter(|v| v.domains.contains(&d.id) && !v.has_luns)
    {
        let still = p.vm(v.id).await;
        let elsewhere = v.domains.iter().any(|x| *x != d.id);
        assert_eq!(still.is_ok(), elsewhere, "{}", v.name);
        if let Ok(vm) = still {
            assert!(
                !vm.storage_domains.contains(&d.id),
                "{} kept disks on the domain",
                v.name
            );
        }
    }
}

#[tokio::test]
async fn a_recovered_sites_read_only_domain_goes_inactive_then_to_maintenance() {
    // After failover, replication reversed: the recovered primary's domains sit on replicas.
    let world = WorldBuilder::small(44).build();
    let f = world.facts().clone();
    let d = f
        .domains
        .iter()
        .find(|d| !d.primary_master)
        .unwrap()
        .clone();
    world.disaster(Site::Primary);
    promote_all(&world);
    world.reverse_replication(d.pair);
    world.recover(Site::Primary);
    // The first monitoring cycle: the VMs' hosts report, the read-only domain goes inactive.
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let p = world.engine(Site::Primary);
    for v in p
        .vms(&VmSearch {
            storage_domain: Some(d.id),
            status_not: Some(VmStatus::Down),
            ..VmSearch::default()
        })
        .await
        .unwrap()
    {
        p.stop_vm(v.id).await.unwrap();
    }
    let dc = d.primary_dc.id;
    let status = p.attached_storage_domain(dc, d.id).await.unwrap().status;
    assert_eq!(status, Some(StorageDomainStatus::Inactive));
    p.deactivate_storage_domain(dc, d.id, false).await.unwrap();
    let status = p.attached_storage_domain(dc, d.id).await.unwrap().status;
    assert_eq!(
        status,
        Some(StorageDomainStatus::Maintenance),
        "an inactive domain, in a data center with an SPM, goes to maintenance"
    );
}

#[tokio::test]
async fn the_master_role_moves_on_deactivation_and_guards_destroy() {
    let world = WorldBuilder::small(45).hosted_engine(false).build();
    let f = world.facts().clone();
    let p = world.engine(Site::Primary);
    let master = f.domains.iter().find(|d| d.primary_master).unwrap().clone();
    let other = f
        .domains
        .iter()
        .find(|d| d.primary_dc.id == master.primary_dc.id && d.id != master.id)
        .expect("a second domain in the master's DC")
        .clone();
    let dc = master.primary_dc.id;
    let e = p
        .remove_storage_domain(master.id, RemoveStorageDomain::Destroy)
        .await
        .unwrap_err();
    assert_eq!(
        e.kind,
        ErrorKind::InvalidState,
        "an active domain is not destroyed"
    );
    for v in p
        .vms(&VmSearch {
            status_not: Some(VmStatus::Down),
            ..VmSearch::default()
        })
        .await
        .unwrap()
    {
        p.stop_vm(v.id).await.unwrap();
    }
    // Both in maintenance: the master cannot be destroyed without a successor.
    p.deactivate_storage_domain(dc, other.id, false)
        .await
        .unwrap();
    p.deactivate_storage_domain(dc, master.id, false)
        .await
        .unwrap();
    let e = p
        .remove_storage_domain(master.id, RemoveStorageDomain::Destroy)
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Conflict);
    assert!(
        e.detail()
            .starts_with("[Cannot destroy the master Storage Domain"),
        "{e}"
    );
    // Active again, then deactivating the master hands the role to the other domain.
    p.activate_storage_domain(dc, master.id).await.unwrap();
    p.activate_storage_domain(dc, other.id).await.unwrap();
    p.deactivate_storage_domain(dc, master.id, false)
        .await
        .unwrap();
    assert!(
        p.attached_storage_domain(dc, other.id)
            .await
            .unwrap()
            .master
    );
    p.remove_storage_domain(master.id, RemoveStorageDomain::Destroy)
        .await
        .unwrap();
    assert!(p.storage_domain(master.id).await.is_err());
    let left = p.attached_storage_domains(dc).await.unwrap();
    assert_eq!(left.len(), 1);
    assert!(left[0].master && left[0].status == Some(StorageDomainStatus::Active));
}

#[tokio::test]
async fn import_needs_an_up_host() {
    let world = WorldBuilder::large(46).vms(10).build();
    let f = world.facts().clone();
    let down = f.secondary.hosts.iter().find(|h| !h.up).unwrap().id;
    let d = f
        .domain_of_type(olvm_dr_core::engine::StorageType::Nfs)
        .unwrap();
    let req: ImportStorageDomain = d.import_request(Site::Secondary, down);
    let e = world
        .engine(Site::Secondary)
        .import_storage_domain(&req)
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidState, "{e}");
}

#[tokio::test]
async fn a_whole_failover_and_failback_cycle() {
    let world = WorldBuilder::small(47).build();
    let f = world.facts().clone();
    let p = world.engine(Site::Primary);
    let s = world.engine(Site::Secondary);
    let ids: Vec<Id> = f.domains.iter().map(|d| d.id).collect();
    let mut ordered = f.domains.clone();
    ordered.sort_by_key(|d| {
        f.domains
            .iter()
            .find(|x| x.secondary_dc.id == d.secondary_dc.id)
            .map(|x| x.id)
            != Some(d.id)
    });

    // Failover.
    world.disaster(Site::Primary);
    world.expire_leases(Site::Primary);
    promote_all(&world);
    for d in &ordered {
        import(&world, s.as_ref(), d, Site::Secondary).await;
        s.attach_storage_domain(dc_for(d, Site::Secondary), d.id)
            .await
            .unwrap();
    }
    let vms = register_all(s.as_ref(), &ids, &f.registration(Site::Secondary))
        .await
        .unwrap();
    assert_eq!(vms.len(), f.vms.len());
    for (id, status) in &vms {
        if *status == VmStatus::Up {
            s.start_vm(*id).await.unwrap();
        }
    }

    // The primary comes back stale; clean it before failing back. Its domains are writable
    // (the replication was only stopped), so its first monitoring cycle takes the host-id
    // leases over after the lease time (shortened here) and restarts its highly available VMs
    // there: the split brain these Engine calls do not guard against.
    world.set_lease_timeout(std::time::Duration::from_millis(5));
    world.recover(Site::Primary);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert!(!world.split_brains().is_empty());
    for v in p
        .vms(&VmSearch {
            status_not: Some(VmStatus::Down),
            ..VmSearch::default()
        })
        .await
        .unwrap()
    {
        if !v.is_hosted_engine() {
            p.stop_vm(v.id).await.unwrap();
        }
    }
    let mut cleanup = ordered.clone();
    cleanup.reverse(); // non-masters first
    for d in &cleanup {
        let dc = d.primary_dc.id;
        p.deactivate_storage_domain(dc, d.id, false).await.unwrap();
        if p.detach_storage_domain(dc, d.id).await.is_err() {
            p.remove_storage_domain(d.id, RemoveStorageDomain::Destroy)
                .await
                .unwrap();
        } else {
            let host = f.primary.up_host_in(dc).unwrap().id;
            p.remove_storage_domain(
                d.id,
                RemoveStorageDomain::WithHost {
                    host,
                    format: false,
                },
            )
            .await
            .unwrap();
        }
    }
    // With the domains gone, what is left is removed (the DR role's orphan cleanup): VMs kept
    // by their direct LUNs, then the LUN disks no VM uses.
    for v in p.vms(&VmSearch::default()).await.unwrap() {
        if !v.is_hosted_engine() {
            p.remove_vm(v.id).await.unwrap();
        }
    }
    let orphans = olvm_dr_core::engine::DiskFilter {
        lun_only: true,
        unattached_only: true,
    };
    for disk in p.disks(orphans).await.unwrap() {
        p.remove_disk(disk.id).await.unwrap();
    }
    // Planned switchover back: power off and refresh the OVF stores on the secondary, move its
    // domains out, reverse replication.
    for v in s
        .vms(&VmSearch {
            status_not: Some(VmStatus::Down),
            ..VmSearch::default()
        })
        .await
        .unwrap()
    {
        s.stop_vm(v.id).await.unwrap();
    }
    for d in &cleanup {
        let dc = dc_for(d, Site::Secondary);
        s.deactivate_storage_domain(dc, d.id, false).await.unwrap();
        let _ = s.detach_storage_domain(dc, d.id).await;
    }
    for d in &f.domains {
        world.reverse_replication(d.pair);
        world.stop_replication(d.pair);
    }
    for l in &f.luns {
        world.reverse_replication(l.pair);
        world.stop_replication(l.pair);
    }
    // Failback: the primary imports and attaches again (the secondary released the leases).
    let mut failback = f.domains.clone();
    failback.sort_by_key(|d| !d.primary_master);
    let hosted_dc = f
        .hosted_engine
        .as_ref()
        .map(|_| f.primary.data_centers[0].id);
    for d in &failback {
        import(&world, p.as_ref(), d, Site::Primary).await;
        p.attach_storage_domain(d.primary_dc.id, d.id)
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "attach {} on the primary (hosted DC {hosted_dc:?}): {e}",
                    d.name
                )
            });
    }
    let back = register_all(p.as_ref(), &ids, &f.registration(Site::Primary))
        .await
        .unwrap();
    let back: HashSet<Id> = back.into_iter().map(|(id, _)| id).collect();
    let all: HashSet<Id> = f.vms.iter().map(|v| v.id).collect();
    assert_eq!(back, all, "every VM came home");
}

#[tokio::test]
async fn a_vm_on_two_domains_registers_once() {
    let world = WorldBuilder::small(48).build();
    let f = world.facts().clone();
    let (domains, _) = failed_over_first_dc(&world).await;
    let s = world.engine(Site::Secondary);
    let vm = f
        .vms
        .iter()
        .find(|v| v.domains.len() == 2 && v.domains[0] != v.domains[1] && !v.has_luns)
        .unwrap()
        .clone();
    assert!(vm.domains.iter().all(|d| domains.contains(d)));
    let reg = f.registration(Site::Secondary);
    s.register_vm(vm.domains[0], vm.id, &reg).await.unwrap();
    // The Engine drops the VM's OVF rows of every domain when it registers it
    // (`unregisteredOVFDataDao.removeEntity(id, null)`): no longer listed on the other domain,
    // and registering it there finds nothing.
    assert!(
        !s.unregistered_vms(vm.domains[1])
            .await
            .unwrap()
            .iter()
            .any(|u| u.id == vm.id)
    );
    let e = s.register_vm(vm.domains[1], vm.id, &reg).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound, "{e}");
}

#[tokio::test]
async fn protected_and_previewing_vms_block_a_detach() {
    // vm00001..vm00004 are delete-protected, vm00005..vm00008 preview a snapshot.
    let world = WorldBuilder::small(49)
        .delete_protected(4)
        .snapshot_in_preview(4)
        .build();
    let f = world.facts().clone();
    let p = world.engine(Site::Primary);
    let single = |v: &olvm_dr_core::fake::VmFacts| v.domains.iter().all(|x| *x == v.domains[0]);
    let d = f
        .domains
        .iter()
        .find(|d| {
            f.vms[..4].iter().any(|v| single(v) && v.domains[0] == d.id)
                && f.vms[4..8].iter().any(|v| v.domains.contains(&d.id))
        })
        .expect("a domain with both kinds")
        .clone();
    // The Engine lists protected VMs whose disks are all on the domain, and every previewing
    // VM with a disk there (`canDetachStorageDomainWithVmsAndDisks`).
    let mut protected: Vec<&str> = f.vms[..4]
        .iter()
        .filter(|v| single(v) && v.domains[0] == d.id)
        .map(|v| v.name.as_str())
        .collect();
    let mut previewing: Vec<&str> = f.vms[4..8]
        .iter()
        .filter(|v| v.domains.contains(&d.id))
        .map(|v| v.name.as_str())
        .collect();
    protected.sort_unstable();
    previewing.sort_unstable();
    let dc = d.primary_dc.id;
    for v in p
        .vms(&VmSearch {
            storage_domain: Some(d.id),
            status_not: Some(VmStatus::Down),
            ..VmSearch::default()
        })
        .await
        .unwrap()
    {
        p.stop_vm(v.id).await.unwrap();
    }
    p.deactivate_storage_domain(dc, d.id, false).await.unwrap();
    let e = p.detach_storage_domain(dc, d.id).await.unwrap_err();
    assert_eq!((e.kind, e.http_status), (ErrorKind::Conflict, Some(409)));
    assert_eq!(
        e.detail(),
        format!(
            "[Cannot detach Storage. The following VMs/Templates are delete protected: {}., Cannot detach Storage. The following VMs are previewing a snapshot: {}.]",
            protected.join(","),
            previewing.join(",")
        )
    );
    let vm = f.vms.iter().find(|v| v.name == protected[0]).unwrap();
    assert_eq!(
        p.remove_vm(vm.id).await.unwrap_err().kind,
        ErrorKind::Conflict
    );
}

#[tokio::test]
async fn affinity_follows_the_mappings_and_missing_labels_are_dropped() {
    let world = WorldBuilder::medium(50).vms(200).build();
    let f = world.facts().clone();
    world.disaster(Site::Primary);
    world.expire_leases(Site::Primary);
    promote_all(&world);
    let s = world.engine(Site::Secondary);
    let mut ordered = f.domains.clone();
    ordered.sort_by_key(|d| {
        f.domains
            .iter()
            .find(|x| x.secondary_dc.id == d.secondary_dc.id)
            .map(|x| x.id)
            != Some(d.id)
    });
    for d in &ordered {
        import(&world, s.as_ref(), d, Site::Secondary).await;
        s.attach_storage_domain(dc_for(d, Site::Secondary), d.id)
            .await
            .unwrap();
    }
    let ids: Vec<Id> = f.domains.iter().map(|d| d.id).collect();
    register_all(s.as_ref(), &ids, &f.registration(Site::Secondary))
        .await
        .unwrap();
    let labels = s.affinity_labels().await.unwrap();
    let names: Vec<&str> = labels.iter().map(|l| l.name.as_str()).collect();
    assert!(!names.contains(&"pci"), "the secondary has no such label");
    let renamed = labels.iter().find(|l| l.name == "tier-2-dr").unwrap();
    assert!(!renamed.vms.is_empty(), "tier-2 members land in tier-2-dr");
    let mut grouped = 0;
    for c in s.clusters().await.unwrap() {
        for g in s.affinity_groups(c.id).await.unwrap() {
            assert!(g.name.starts_with(&c.name), "{} in {}", g.name, c.name);
            grouped += g.vms.len();
        }
    }
    assert!(grouped > 0, "group memberships followed the mappings");
}

#[tokio::test(start_paused = true)]
async fn a_site_back_on_writable_copies_the_other_site_uses_is_a_split_brain_risk() {
    let world = WorldBuilder::small(44).build();
    let f = world.facts().clone();
    let d = f.domains[0].clone();
    world.disaster(Site::Primary);
    world.expire_leases(Site::Primary);
    promote_all(&world);
    assert!(
        world.split_brain_risk(Site::Primary).is_empty(),
        "the secondary does not use the copies yet"
    );
    let s = world.engine(Site::Secondary);
    import(&world, s.as_ref(), &d, Site::Secondary).await;
    s.attach_storage_domain(dc_for(&d, Site::Secondary), d.id)
        .await
        .unwrap();
    assert_eq!(world.split_brain_risk(Site::Primary), vec![d.name.clone()]);
    world.reverse_replication(d.pair);
    assert!(
        world.split_brain_risk(Site::Primary).is_empty(),
        "reversed: the primary's copy is a read-only replica"
    );
}
