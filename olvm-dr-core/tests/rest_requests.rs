//! What each `Engine` method sends (path, query, body) and how it reads the answer.
#![cfg(feature = "rest")]

mod rest_support;

use olvm_dr_core::engine::*;
use olvm_dr_core::xml::actions::ActionResult;
use olvm_dr_core::xml::registration::read_registration;
use olvm_dr_core::xml::requests::{StorageDomainAdd, read_attach};
use olvm_dr_core::xml::{Follow, Scope, write_list, write_one};
use rest_support::{Reply, Seen, id, start};

fn vm(n: u128, name: &str, status: VmStatus) -> Vm {
    Vm {
        id: id(n),
        name: name.into(),
        status,
        cluster: Some(id(0xc0)),
        host: None,
        template: Some(Id::NIL),
        high_availability: HighAvailability::default(),
        delete_protected: false,
        snapshot_in_preview: n == 2,
        memory: 1 << 30,
        vcpus: 2,
        origin: "ovirt".into(),
        nics: vec![Nic {
            id: id(n + 0x100),
            name: "nic1".into(),
            mac: None,
            vnic_profile: Some(id(0xf1)),
            plugged: true,
        }],
        storage_domains: vec![id(0xa1)],
        luns: vec![],
        settings: VmSettings::default(),
        disk_attachments: Vec::new(),
    }
}

fn domain(n: u128, name: &str) -> StorageDomain {
    StorageDomain {
        id: id(n),
        name: name.into(),
        kind: StorageDomainType::Data,
        status: None,
        master: false,
        data_centers: vec![],
        storage: StorageConnection::default(),
        wipe_after_delete: false,
        discard_after_delete: false,
        backup: false,
        critical_space_action_blocker: 5,
        warning_low_space_indicator: 10,
        available: 1,
        used: 2,
        storage_format: None,
    }
}

/// Serves VM listings with their inlined content the way the Engine does when followed.
fn vms_answer(s: &Seen) -> Reply {
    let scope =
        Scope::new("vms").with_follow(Follow::parse(&s.param("follow").unwrap_or_default()));
    let vms = [vm(1, "web 01", VmStatus::Up), vm(2, "web_01", VmStatus::Up)];
    Reply::ok(write_list(&vms, &scope))
}

#[tokio::test]
async fn vm_listings_send_search_follow_and_filter_exactly() {
    let server = start().await;
    server.engine.respond(|s| match s.path.as_str() {
        "/ovirt-engine/api/vms" => vms_answer(s),
        "/ovirt-engine/api/storagedomains/00000000-0000-0000-0000-0000000000a1" => Reply::ok(
            write_one(&domain(0xa1, "dr data"), &Scope::new("storagedomains")),
        ),
        _ => Reply::empty(404),
    });
    let engine = server.client();

    let all = engine.vms(&VmSearch::default()).await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(
        all[0].nics[0].vnic_profile,
        Some(id(0xf1)),
        "NICs come inlined"
    );
    assert_eq!(all[0].storage_domains, vec![id(0xa1)]);
    assert!(all[1].snapshot_in_preview);
    let req = server.engine.api_requests().pop().unwrap();
    assert_eq!(
        req.param("follow").as_deref(),
        Some("disk_attachments.disk,nics,snapshots")
    );
    assert_eq!(req.param("search"), None);

    let search = VmSearch {
        name: Some("web 01".into()),
        status: Some(VmStatus::Up),
        status_not: Some(VmStatus::WaitForLaunch),
        storage_domain: Some(id(0xa1)),
        cluster: None,
    };
    let found = engine.vms(&search).await.unwrap();
    assert_eq!(
        found.len(),
        1,
        "the Engine's pattern match also returned web_01"
    );
    assert_eq!(found[0].name, "web 01");
    let req = server.engine.api_requests().pop().unwrap();
    assert_eq!(
        req.param("search").as_deref(),
        Some(r#"name="web 01" and status=up and status!=waitforlaunch and storage="dr data""#)
    );
    assert_eq!(req.param("case_sensitive").as_deref(), Some("true"));
    assert!(
        req.query.contains("name%3D%22web+01%22"),
        "spaces as '+': {}",
        req.query
    );

    let none = VmSearch {
        cluster: Some(id(0xdead)),
        ..VmSearch::default()
    };
    assert!(
        engine.vms(&none).await.unwrap().is_empty(),
        "an unknown cluster matches no VM"
    );
}

#[tokio::test]
async fn single_vm_and_templates() {
    let server = start().await;
    server.engine.respond(|s| {
        if s.path.starts_with("/ovirt-engine/api/vms/") {
            let scope = Scope::new("vms")
                .with_follow(Follow::parse(&s.param("follow").unwrap_or_default()));
            return Reply::ok(write_one(&vm(2, "db", VmStatus::Down), &scope));
        }
        let blank = Template {
            id: Id::NIL,
            name: "Blank".into(),
            status: TemplateStatus::Ok,
            cluster: None,
            version_number: 1,
            base_template: None,
            memory: 0,
            high_availability: HighAvailability::default(),
            settings: VmSettings::default(),
            nics: Vec::new(),
            disk_attachments: Vec::new(),
        };
        let t = Template {
            id: id(0x71),
            name: "rhel9".into(),
            ..blank.clone()
        };
        Reply::ok(write_list(&[blank, t], &Scope::new("templates")))
    });
    let engine = server.client();
    let v = engine.vm(id(2)).await.unwrap();
    assert!(v.snapshot_in_preview && v.nics.len() == 1);
    let templates = engine.templates().await.unwrap();
    assert_eq!(templates.len(), 1, "the blank template is left out");
    assert_eq!(templates[0].name, "rhel9");
}

#[tokio::test]
async fn storage_domain_paths_use_the_data_center_scope() {
    let server = start().await;
    server.engine.respond(|s| {
        let path = s.path.trim_start_matches("/ovirt-engine/api/");
        match (s.method.as_str(), path) {
            ("GET", p) if p.starts_with("datacenters/") && p.ends_with("storagedomains") => {
                let mut d = domain(0xa1, "d");
                d.status = Some(StorageDomainStatus::Active);
                d.master = true;
                Reply::ok(write_list(&[d], &Scope::new(p)))
            }
            ("GET", p) if p.starts_with("datacenters/") => {
                let mut d = domain(0xa1, "d");
                d.status = Some(StorageDomainStatus::Maintenance);
                Reply::ok(write_one(&d, &Scope::new("datacenters/x/storagedomains")))
            }
            ("GET", _) => Reply::ok(write_one(&domain(0xa1, "d"), &Scope::new("storagedomains"))),
            ("POST", "storagedomains") => {
                let mut d = domain(0xa2, "imported");
                d.status = Some(StorageDomainStatus::Unattached);
                Reply::xml(201, write_one(&d, &Scope::new("storagedomains")))
            }
            ("POST", p) if p.ends_with("storagedomains") => {
                Reply::xml(201, write_one(&domain(0xa1, "d"), &Scope::new(p)))
            }
            _ => Reply::complete(),
        }
    });
    let engine = server.client();
    let (dc, sd) = (id(0xd1), id(0xa1));
    assert!(engine.attached_storage_domains(dc).await.unwrap()[0].master);
    assert_eq!(
        engine.attached_storage_domain(dc, sd).await.unwrap().status,
        Some(StorageDomainStatus::Maintenance)
    );
    engine.storage_domain(sd).await.unwrap();
    engine.attach_storage_domain(dc, sd).await.unwrap();
    engine.activate_storage_domain(dc, sd).await.unwrap();
    engine
        .deactivate_storage_domain(dc, sd, true)
        .await
        .unwrap();
    engine.detach_storage_domain(dc, sd).await.unwrap();
    engine
        .remove_storage_domain(
            sd,
            RemoveStorageDomain::WithHost {
                host: id(0x4),
                format: false,
            },
        )
        .await
        .unwrap();
    engine
        .remove_storage_domain(sd, RemoveStorageDomain::Destroy)
        .await
        .unwrap();

    let r = server.engine.api_requests();
    let dc_sd = "/ovirt-engine/api/datacenters/00000000-0000-0000-0000-0000000000d1/storagedomains";
    let sd_id = "00000000-0000-0000-0000-0000000000a1";
    let lines: Vec<String> = r
        .iter()
        .map(|s| {
            format!(
                "{} {}{}{}",
                s.method,
                s.path,
                if s.query.is_empty() { "" } else { "?" },
                s.query
            )
        })
        .collect();
    assert_eq!(
        lines,
        vec![
            format!("GET {dc_sd}"),
            format!("GET {dc_sd}/{sd_id}"),
            format!("GET /ovirt-engine/api/storagedomains/{sd_id}"),
            format!("POST {dc_sd}"),
            format!("POST {dc_sd}/{sd_id}/activate"),
            format!("POST {dc_sd}/{sd_id}/deactivate"),
            format!("DELETE {dc_sd}/{sd_id}"),
            format!(
                "DELETE /ovirt-engine/api/storagedomains/{sd_id}?host=00000000-0000-0000-0000-000000000004"
            ),
            format!("DELETE /ovirt-engine/api/storagedomains/{sd_id}?destroy=true"),
        ]
    );
    assert_eq!(read_attach(&r[3].body).unwrap(), EntityRef::Id(sd));
    assert!(r[4].body.ends_with("<action/>"));
    assert!(r[5].body.contains("<force>true</force>"));
}

#[tokio::test]
async fn imports_send_import_true_for_block_domains_even_without_id() {
    let server = start().await;
    server.engine.respond(|s| {
        if StorageDomainAdd::read(&s.body).is_ok_and(|a| a.id.is_none()) {
            // What the Engine answers an import without id (`BackendStorageDomainsResource`).
            return Reply::xml(
                400,
                "<fault><detail>StorageDomain [id] required for add</detail><reason>Incomplete parameters</reason></fault>",
            );
        }
        let mut d = domain(0xa2, "dr_data_iscsi");
        d.status = Some(StorageDomainStatus::Unattached);
        Reply::xml(201, write_one(&d, &Scope::new("storagedomains")))
    });
    let engine = server.client();
    let mut request = ImportStorageDomain {
        id: None,
        name: Some("dr_data_iscsi".into()),
        kind: StorageDomainType::Data,
        host: id(4),
        storage: StorageConnection {
            storage_type: Some(StorageType::Iscsi),
            ..Default::default()
        },
        wipe_after_delete: None,
        discard_after_delete: None,
        backup: None,
        critical_space_action_blocker: None,
        warning_low_space_indicator: None,
        connection: None,
    };
    // Without an id the body still says import=true, so the Engine cannot create a domain: it
    // refuses, and its fault reaches the caller.
    let e = engine.import_storage_domain(&request).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::BadRequest);
    assert_eq!(e.fault.unwrap().reason, "Incomplete parameters");
    let sent = StorageDomainAdd::read(&server.engine.api_requests()[0].body).unwrap();
    assert!(sent.import && sent.id.is_none());

    request.id = Some(id(0xa2));
    let d = engine.import_storage_domain(&request).await.unwrap();
    assert_eq!(d.status, Some(StorageDomainStatus::Unattached));
    let sent = StorageDomainAdd::read(&server.engine.api_requests()[1].body).unwrap();
    assert!(sent.import);
    assert_eq!(sent.id, Some(id(0xa2)));
    assert_eq!(sent.host, Some(EntityRef::Id(id(4))));
}

#[tokio::test]
async fn unregistered_entities_and_registration() {
    let server = start().await;
    server.engine.respond(|s| {
        if s.method == "POST" {
            return Reply::complete();
        }
        let vm = UnregisteredVm {
            id: id(0xc9),
            name: "db01".into(),
            status: VmStatus::Up,
            high_availability: HighAvailability {
                enabled: true,
                priority: 1,
            },
            cluster: None,
            template: None,
            memory: 0,
            vcpus: 0,
            delete_protected: false,
        };
        let t = UnregisteredTemplate {
            id: id(0x79),
            name: "t".into(),
            cluster: None,
            base_template: None,
        };
        if s.path.ends_with("/vms") {
            Reply::ok(write_list(&[vm], &Scope::new("storagedomains/x/vms")))
        } else {
            Reply::ok(write_list(&[t], &Scope::new("storagedomains/x/templates")))
        }
    });
    let engine = server.client();
    let sd = id(0xa1);
    assert_eq!(
        engine.unregistered_vms(sd).await.unwrap()[0].status,
        VmStatus::Up
    );
    assert_eq!(
        engine.unregistered_templates(sd).await.unwrap()[0].name,
        "t"
    );
    let registration = Registration {
        cluster: Some(EntityRef::Name("dr cluster".into())),
        reassign_bad_macs: true,
        vnic_profile_mappings: vec![VnicProfileMapping {
            source_network: "red".into(),
            source_profile: "gold".into(),
            target: VnicTarget::Unplugged,
        }],
        lun_mappings: vec![LunMapping {
            source_lun_id: "36001405SRC".into(),
            source_storage_type: Some(StorageType::Iscsi),
            target: LunTarget {
                lun_id: "36001405DST".into(),
                storage_type: Some(StorageType::Iscsi),
                alias: None,
                address: Some("10.0.0.2".into()),
                port: Some(3260),
                portal: None,
                target: Some("iqn.x".into()),
                username: Some("chap".into()),
                password: Some(olvm_dr_core::Secret::new("chap-secret")),
            },
        }],
        ..Registration::default()
    };
    engine
        .register_template(sd, id(0x79), &registration)
        .await
        .unwrap();
    engine
        .register_vm(sd, id(0xc9), &registration)
        .await
        .unwrap();
    let r = server.engine.api_requests();
    assert_eq!(r[0].param("unregistered").as_deref(), Some("true"));
    assert!(
        r[0].path
            .ends_with("/storagedomains/00000000-0000-0000-0000-0000000000a1/vms")
    );
    assert!(r[1].path.ends_with("/templates"));
    assert!(
        r[2].path
            .ends_with("/templates/00000000-0000-0000-0000-000000000079/register")
    );
    assert!(
        r[3].path
            .ends_with("/vms/00000000-0000-0000-0000-0000000000c9/register")
    );
    assert_eq!(read_registration(&r[3].body).unwrap(), registration);
}

#[tokio::test]
async fn iscsi_disks_jobs_inventory() {
    let server = start().await;
    server.engine.respond(|s| {
        let path = s.path.trim_start_matches("/ovirt-engine/api/");
        match path {
            p if p.ends_with("/iscsidiscover") => Reply::ok(
                ActionResult {
                    iscsi_targets: vec!["iqn.a".into()],
                    ..ActionResult::complete()
                }
                .write(),
            ),
            p if p.ends_with("/iscsilogin") => Reply::complete(),
            "disks" => Reply::ok("<disks/>"),
            p if p.starts_with("jobs/") => Reply::ok(
                r#"<job id="00000000-0000-0000-0000-000000000707"><description>d</description><status>started</status></job>"#,
            ),
            "affinitylabels" => Reply::ok("<affinity_labels/>"),
            p if p.ends_with("/affinitygroups") => Reply::ok("<affinity_groups/>"),
            p if p.ends_with("/storage") => Reply::ok("<host_storages/>"),
            _ => Reply::empty(404),
        }
    });
    let engine = server.client();
    let portal = IscsiPortal {
        address: "10.0.2.10".into(),
        port: 3260,
        username: None,
        password: None,
    };
    let targets = engine.iscsi_discover(id(4), &portal).await.unwrap();
    assert_eq!(
        targets,
        vec![IscsiTarget {
            address: "10.0.2.10".into(),
            port: 3260,
            portal: None,
            target: "iqn.a".into()
        }]
    );
    let login = IscsiLogin {
        address: "10.0.2.10".into(),
        port: 3260,
        target: "iqn.a".into(),
        portal: None,
        username: None,
        password: None,
    };
    engine.iscsi_login(id(4), &login).await.unwrap();
    let filter = DiskFilter {
        lun_only: true,
        unattached_only: true,
    };
    assert!(engine.disks(filter).await.unwrap().is_empty());
    assert!(
        engine
            .disks(DiskFilter::default())
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        engine.job(id(0x707)).await.unwrap().status,
        JobStatus::Started
    );
    assert!(engine.affinity_labels().await.unwrap().is_empty());
    assert!(engine.affinity_groups(id(0xc0)).await.unwrap().is_empty());
    assert!(engine.host_luns(id(4)).await.unwrap().is_empty());

    let r = server.engine.api_requests();
    assert!(
        r[0].path
            .ends_with("/hosts/00000000-0000-0000-0000-000000000004/iscsidiscover")
    );
    assert!(r[0].body.contains("<address>10.0.2.10</address>"));
    assert!(r[1].body.contains("<target>iqn.a</target>"));
    assert_eq!(
        r[2].param("search").as_deref(),
        Some("disk_type=lun and number_of_vms=0")
    );
    assert_eq!(r[3].query, "");
    assert!(
        r[4].path
            .ends_with("/jobs/00000000-0000-0000-0000-000000000707")
    );
    assert_eq!(r[5].param("follow").as_deref(), Some("hosts,vms"));
    assert!(
        r[6].path
            .ends_with("/clusters/00000000-0000-0000-0000-0000000000c0/affinitygroups")
    );
    assert!(
        r[7].path
            .ends_with("/hosts/00000000-0000-0000-0000-000000000004/storage")
    );
}
