//! Every request the REST client sends with a body, captured on the wire and kept as a golden
//! file (`tests/sdk/fixtures/rest_request_bodies.json`) for the official SDK's side of the
//! comparison (`tests/sdk/test_request_xml.py`): that test builds each call with `ovirtsdk4`
//! and compares the two XML documents.
//!
//! Each case calls one `Engine` method of `RestEngine` against a scripted server, so the body is
//! what the client really sends, not a copy. The file is committed so that the Python suite
//! needs no Rust run first; this test fails when it is out of date. Rewrite it with
//! `cargo test -p olvm-dr-core --test rest_request_bodies -- --ignored write_request_bodies`.
#![cfg(feature = "rest")]

mod rest_support;

use std::path::PathBuf;

use olvm_dr_core::Secret;
use olvm_dr_core::engine::*;
use olvm_dr_core::xml::{Scope, write_one};
use rest_support::{Reply, Seen, id, start};
use serde_json::{Value, json};

fn golden() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/sdk/fixtures/rest_request_bodies.json")
}

/// The answers the client needs to read a success: the created entity for the two `add`s,
/// `<action>` complete for actions, the NIC for its update.
fn answer(s: &Seen) -> Reply {
    let path = s.path.trim_start_matches("/ovirt-engine/api/");
    match (s.method.as_str(), path) {
        ("POST", "storagedomains") => Reply::ok(write_one(
            &StorageDomain {
                id: id(0xa1),
                name: "imported".into(),
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
                available: 0,
                used: 0,
                storage_format: None,
            },
            &Scope::new("storagedomains"),
        )),
        ("POST", "tags") => Reply::ok(format!(
            r#"<tag href="/ovirt-engine/api/tags/{0}" id="{0}"><name>dr</name></tag>"#,
            id(0x7a)
        )),
        ("PUT", _) => Reply::ok("<nic><plugged>false</plugged></nic>"),
        _ => Reply::complete(),
    }
}

fn nfs_import() -> ImportStorageDomain {
    ImportStorageDomain {
        id: None,
        name: Some("dr-nfs".into()),
        kind: StorageDomainType::Data,
        host: id(0xb1),
        storage: StorageConnection {
            storage_type: Some(StorageType::Nfs),
            address: Some("nfs2.example.com".into()),
            path: Some("/exports/dr data".into()),
            mount_options: Some("soft".into()),
            nfs_version: Some(NfsVersion::V4_1),
            ..StorageConnection::default()
        },
        wipe_after_delete: Some(false),
        discard_after_delete: None,
        backup: Some(true),
        critical_space_action_blocker: Some(5),
        warning_low_space_indicator: Some(10),
        connection: None,
    }
}

fn glusterfs_import() -> ImportStorageDomain {
    ImportStorageDomain {
        id: None,
        name: None,
        kind: StorageDomainType::Export,
        host: id(0xb1),
        storage: StorageConnection {
            storage_type: Some(StorageType::Glusterfs),
            address: Some("gluster2.example.com".into()),
            path: Some("dr-volume".into()),
            vfs_type: Some("glusterfs".into()),
            ..StorageConnection::default()
        },
        wipe_after_delete: None,
        discard_after_delete: None,
        backup: None,
        critical_space_action_blocker: None,
        warning_low_space_indicator: None,
        connection: None,
    }
}

fn lun(n: u8) -> LogicalUnit {
    LogicalUnit {
        id: format!("36001405aa11bb22cc33dd44ee55ff6{n}"),
        address: Some("10.0.2.10".into()),
        port: Some(3260),
        target: Some("iqn.2026-01.example:dr1".into()),
        ..LogicalUnit::default()
    }
}

fn iscsi_import() -> ImportStorageDomain {
    ImportStorageDomain {
        id: Some(id(0xa2)),
        name: Some("dr-iscsi".into()),
        kind: StorageDomainType::Data,
        host: id(0xb1),
        storage: StorageConnection {
            storage_type: Some(StorageType::Iscsi),
            logical_units: vec![lun(1), lun(2)],
            ..StorageConnection::default()
        },
        wipe_after_delete: Some(true),
        discard_after_delete: Some(true),
        backup: Some(false),
        critical_space_action_blocker: Some(5),
        warning_low_space_indicator: Some(10),
        connection: None,
    }
}

fn fcp_import() -> ImportStorageDomain {
    ImportStorageDomain {
        id: Some(id(0xa3)),
        name: Some("dr-fc".into()),
        kind: StorageDomainType::Data,
        host: id(0xb1),
        storage: StorageConnection {
            storage_type: Some(StorageType::Fcp),
            volume_group: Some("vg-Xy12-ab".into()),
            logical_units: vec![LogicalUnit {
                id: "3600a0b80005b10ca0000a5d9".into(),
                ..LogicalUnit::default()
            }],
            ..StorageConnection::default()
        },
        wipe_after_delete: None,
        discard_after_delete: None,
        backup: None,
        critical_space_action_blocker: None,
        warning_low_space_indicator: None,
        connection: None,
    }
}

/// A registration with every mapping kind and every vNIC target kind.
fn full_registration() -> Registration {
    Registration {
        cluster: Some(EntityRef::Id(id(0xc2))),
        allow_partial_import: true,
        reassign_bad_macs: true,
        cluster_mappings: vec![NameMapping::new("cluster-a", "cluster-b")],
        role_mappings: vec![NameMapping::new("UserRole", "UserVmManager")],
        domain_mappings: vec![NameMapping::new("internal-authz", "corp.example.com")],
        affinity_group_mappings: vec![NameMapping::new("web-apart", "web-apart-dr")],
        affinity_label_mappings: vec![
            NameMapping::new("gold", "gold-dr"),
            NameMapping::new("silver", "silver-dr"),
        ],
        vnic_profile_mappings: vec![
            VnicProfileMapping {
                source_network: "ovirtmgmt".into(),
                source_profile: "ovirtmgmt".into(),
                target: VnicTarget::Profile(id(0xf2)),
            },
            VnicProfileMapping {
                source_network: "prod net".into(),
                source_profile: "prod".into(),
                target: VnicTarget::ProfileByName {
                    profile: "prod-dr".into(),
                    network: "prod net dr".into(),
                },
            },
            VnicProfileMapping {
                source_network: "backup".into(),
                source_profile: "backup".into(),
                target: VnicTarget::Unplugged,
            },
        ],
        lun_mappings: vec![
            LunMapping {
                source_lun_id: "36001405aa11bb22cc33dd44ee55ff601".into(),
                source_storage_type: Some(StorageType::Iscsi),
                target: LunTarget {
                    lun_id: "36001405aa11bb22cc33dd44ee55ff701".into(),
                    storage_type: Some(StorageType::Iscsi),
                    alias: Some("db-lun".into()),
                    address: Some("10.0.2.10".into()),
                    port: Some(3260),
                    portal: Some("10.0.2.10:3260,1".into()),
                    target: Some("iqn.2026-01.example:dr1".into()),
                    username: Some("chap-user".into()),
                    password: Some(Secret::new("chap-secret")),
                },
            },
            LunMapping {
                source_lun_id: "3600a0b80005b10ca0000a5d9".into(),
                source_storage_type: Some(StorageType::Fcp),
                target: LunTarget {
                    lun_id: "3600a0b80005b10ca0000b7e1".into(),
                    storage_type: Some(StorageType::Fcp),
                    alias: None,
                    address: None,
                    port: None,
                    portal: None,
                    target: None,
                    username: None,
                    password: None,
                },
            },
        ],
    }
}

/// Calls every body-carrying method once per case and returns `[{case, method, path, body}]`.
async fn capture() -> Value {
    let server = start().await;
    server.engine.respond(answer);
    let e = server.client();
    let (dc, sd, vm, host) = (id(0xd1), id(0xa1), id(0x11), id(0xb1));
    let mut cases = Vec::new();
    let mut take = |case: &str| {
        let seen = server.engine.api_requests().pop().expect("a request");
        cases.push(json!({
            "case": case,
            "method": seen.method,
            "path": seen.path.trim_start_matches("/ovirt-engine/api"),
            "query": seen.query,
            "body": seen.body,
        }));
    };

    e.import_storage_domain(&nfs_import()).await.unwrap();
    take("import_storage_domain_nfs");
    e.import_storage_domain(&glusterfs_import()).await.unwrap();
    take("import_storage_domain_glusterfs");
    e.import_storage_domain(&iscsi_import()).await.unwrap();
    take("import_storage_domain_iscsi");
    e.import_storage_domain(&fcp_import()).await.unwrap();
    take("import_storage_domain_fcp");
    e.attach_storage_domain(dc, sd).await.unwrap();
    take("attach_storage_domain");
    e.activate_storage_domain(dc, sd).await.unwrap();
    take("activate_storage_domain");
    e.deactivate_storage_domain(dc, sd, false).await.unwrap();
    take("deactivate_storage_domain");
    e.deactivate_storage_domain(dc, sd, true).await.unwrap();
    take("deactivate_storage_domain_force");
    e.update_ovf_store(sd).await.unwrap();
    take("update_ovf_store");
    let portal = IscsiPortal {
        address: "10.0.2.10".into(),
        port: 3260,
        username: None,
        password: None,
    };
    e.iscsi_discover(host, &portal).await.unwrap();
    take("iscsi_discover");
    let chap_portal = IscsiPortal {
        port: 3261,
        username: Some("chap-user".into()),
        password: Some(Secret::new("chap-secret")),
        ..portal
    };
    e.iscsi_discover(host, &chap_portal).await.unwrap();
    take("iscsi_discover_chap");
    let login = IscsiLogin {
        address: "10.0.2.10".into(),
        port: 3260,
        target: "iqn.2026-01.example:dr1".into(),
        portal: None,
        username: None,
        password: None,
    };
    e.iscsi_login(host, &login).await.unwrap();
    take("iscsi_login");
    let chap_login = IscsiLogin {
        portal: Some("10.0.2.10:3260,1".into()),
        username: Some("chap-user".into()),
        password: Some(Secret::new("chap-secret")),
        ..login
    };
    e.iscsi_login(host, &chap_login).await.unwrap();
    take("iscsi_login_chap");
    e.set_nic_plugged(vm, id(0x111), false).await.unwrap();
    take("set_nic_unplugged");
    e.set_nic_plugged(vm, id(0x111), true).await.unwrap();
    take("set_nic_plugged");
    e.register_vm(sd, vm, &Registration::default())
        .await
        .unwrap();
    take("register_vm_plain");
    e.register_vm(sd, vm, &full_registration()).await.unwrap();
    take("register_vm_every_mapping");
    let by_name = Registration {
        cluster: Some(EntityRef::Name("cluster b".into())),
        reassign_bad_macs: true,
        ..Registration::default()
    };
    e.register_vm(sd, vm, &by_name).await.unwrap();
    take("register_vm_cluster_by_name");
    let template = Registration {
        lun_mappings: vec![],
        reassign_bad_macs: false,
        ..full_registration()
    };
    e.register_template(sd, id(0x21), &template).await.unwrap();
    take("register_template_every_mapping");
    e.start_vm(vm).await.unwrap();
    take("start_vm");
    e.shutdown_vm(vm).await.unwrap();
    take("shutdown_vm");
    e.stop_vm(vm).await.unwrap();
    take("stop_vm");
    e.add_tag("dr", "olvm-dr run 7").await.unwrap();
    take("add_tag");
    Value::Array(cases)
}

fn render(cases: &Value) -> String {
    serde_json::to_string_pretty(cases).unwrap() + "\n"
}

#[tokio::test]
async fn request_bodies_file_is_current() {
    let now = render(&capture().await);
    let committed = std::fs::read_to_string(golden()).unwrap_or_default();
    assert!(
        now == committed,
        "{} is out of date: the client's request bodies changed. Rewrite it with \
         `cargo test -p olvm-dr-core --test rest_request_bodies -- --ignored write_request_bodies` \
         and run tests/sdk/test_request_xml.py",
        golden().display()
    );
}

#[tokio::test]
#[ignore = "writes the golden file"]
async fn write_request_bodies() {
    std::fs::create_dir_all(golden().parent().unwrap()).unwrap();
    std::fs::write(golden(), render(&capture().await)).unwrap();
}
