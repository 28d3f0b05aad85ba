//! Loading the files the role and its generator produce, and writing them back.

use std::path::{Path, PathBuf};

use olvm_dr_core::Site;
use olvm_dr_core::engine::types::{NfsVersion, StorageType};
use olvm_dr_core::mapping::{Field, ImportStorage, Mapping, NameMappingKind, PASSWORD_PLACEHOLDER};
use olvm_dr_core::validate::{OfflineOptions, validate_offline, validate_offline_file};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/mapping")
        .join(name)
}

fn load(name: &str) -> Mapping {
    let loaded = Mapping::load(&fixture(name)).expect("readable");
    assert!(!loaded.has_errors(), "{name}: {:#?}", loaded.diagnostics);
    loaded.mapping.expect("a mapping")
}

#[test]
fn generator_placeholders_load_as_not_filled_with_their_hint() {
    let m = load("generated.yml");
    let url = &m.site(Site::Secondary).url;
    assert!(url.is_not_filled());
    assert_eq!(
        url.hint(),
        Some("https://engine1.example.com/ovirt-engine/api")
    );
    assert_eq!(url.pos().map(|p| (p.line, p.column)), Some((7, 1)));
    assert_eq!(
        m.site(Site::Primary).username.get().map(String::as_str),
        Some("admin@internal")
    );

    let nfs = &m.storages()[0];
    assert_eq!(nfs.storage_type(), StorageType::Nfs);
    assert_eq!(
        nfs.name(Site::Primary).get().map(String::as_str),
        Some("data1")
    );
    assert!(nfs.is_master(Site::Primary), "True loads as a boolean");
    assert!(!nfs.is_master(Site::Secondary));
    assert_eq!(nfs.name(Site::Secondary).hint(), Some("data1"));
    assert_eq!(nfs.master_domain(Site::Secondary).hint(), Some("True"));
    let ImportStorage::Nfs(file) = nfs else {
        panic!("nfs")
    };
    assert_eq!(
        file.site(Site::Primary).mount_options.hint(),
        Some("actimeo=0,_netdev,rdma,port=20049")
    );

    let ImportStorage::Iscsi(iscsi) = &m.storages()[1] else {
        panic!("iscsi")
    };
    let p = iscsi.site(Site::Primary);
    assert_eq!(p.targets.get().map(Vec::len), Some(2));
    assert_eq!(p.port_or_default(), 3260);
    assert!(iscsi.site(Site::Secondary).targets.is_not_filled());
    assert_eq!(
        iscsi.domain_id.get().map(ToString::to_string).as_deref(),
        Some("5e1c8a42-6d7b-4c1e-9f2a-3b4c5d6e7f80")
    );

    let roles = m.names(NameMappingKind::Role);
    assert_eq!(roles.len(), 1);
    assert!(roles[0].name(Site::Primary).is_not_filled());

    let lun = &m.luns()[0];
    assert_eq!(
        lun.site(Site::Primary).storage_type.get(),
        Some(&StorageType::Iscsi)
    );
    assert_eq!(
        lun.site(Site::Primary).password.hint(),
        Some(PASSWORD_PLACEHOLDER)
    );
    assert!(lun.site(Site::Secondary).logical_unit_id.is_not_filled());
    assert!(
        m.networks()[0]
            .site(Site::Secondary)
            .profile_id
            .is_not_filled()
    );
    assert!(
        m.networks()[0].site(Site::Primary).network_dc.is_missing(),
        "commented-out key"
    );
}

#[test]
fn validating_a_generated_file_lists_every_value_to_fill_in() {
    let found = validate_offline_file(
        &fixture("generated.yml"),
        &OfflineOptions {
            check_ca_files: false,
            base_dir: None,
        },
    )
    .unwrap();
    let not_filled: Vec<u32> = found
        .iter()
        .filter(|d| d.code == "DR0203" && d.is_error())
        .filter_map(|d| d.location.line)
        .collect();
    // Secondary URL, user, CA; NFS name, master, DC, path, address; iSCSI master, DC, address,
    // target; cluster, group, label, domain; network name and profile; LUN password, id,
    // address, target.
    assert_eq!(
        not_filled,
        vec![
            7, 8, 9, 31, 32, 33, 34, 35, 55, 56, 57, 60, 66, 73, 80, 87, 104, 108, 125, 128, 129,
            132
        ]
    );
}

#[test]
fn every_storage_type_loads_fully_filled_and_validates_clean() {
    for t in ["nfs", "glusterfs", "posixfs", "iscsi", "fcp"] {
        let path = fixture(&format!("filled/{t}.yml"));
        let found = validate_offline_file(&path, &OfflineOptions::default()).unwrap();
        assert!(found.is_empty(), "{t}: {found:#?}");
        let m = load(&format!("filled/{t}.yml"));
        let s = &m.storages()[0];
        assert_eq!(s.storage_type().as_str(), t);
        for site in Site::BOTH {
            assert!(s.name(site).is_set() && s.dc_name(site).is_set() && s.is_master(site));
        }
        match s {
            ImportStorage::Nfs(f) => {
                assert_eq!(f.site(Site::Primary).version.get(), Some(&NfsVersion::V4_1));
                assert_eq!(
                    f.site(Site::Primary)
                        .mount_options
                        .get()
                        .map(String::as_str),
                    Some("actimeo=0")
                );
            }
            ImportStorage::Posixfs(f) => assert_eq!(
                f.site(Site::Secondary).vfs_type.get().map(String::as_str),
                Some("ceph")
            ),
            ImportStorage::Iscsi(i) => {
                assert_eq!(
                    i.site(Site::Secondary).targets.get().unwrap(),
                    &vec!["iqn.2003-01.com.example:s1".to_owned()],
                    "a single string is a list of one"
                );
                assert!(i.site(Site::Primary).password.get().is_some());
                assert_eq!(i.site(Site::Secondary).port_or_default(), 3260);
            }
            ImportStorage::Fcp(f) => assert!(f.domain_id.is_set()),
            ImportStorage::Glusterfs(f) => assert!(f.site(Site::Primary).vfs_type.is_missing()),
        }
    }
}

#[test]
fn the_example_validates_clean() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/disaster_recovery_vars.yml");
    let found = validate_offline_file(&path, &OfflineOptions::default()).unwrap();
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn saving_keeps_values_and_placeholders_and_is_stable() {
    for name in [
        "generated.yml",
        "filled/nfs.yml",
        "filled/glusterfs.yml",
        "filled/posixfs.yml",
        "filled/iscsi.yml",
        "filled/fcp.yml",
    ] {
        let m = load(name);
        let text = m.to_yaml();
        let again = Mapping::from_str(&text, None);
        assert!(
            !again.has_errors(),
            "{name}:\n{text}\n{:#?}",
            again.diagnostics
        );
        let again = again.mapping.unwrap();
        assert_eq!(again.to_yaml(), text, "{name}: saving twice differs");
        // Same findings (by code and key) before and after.
        let codes = |m: &Mapping| {
            let mut v: Vec<(String, Option<String>)> = validate_offline(
                m,
                None,
                &OfflineOptions {
                    check_ca_files: false,
                    base_dir: None,
                },
            )
            .into_iter()
            .map(|d| (d.code.to_owned(), d.location.key))
            .collect();
            v.sort();
            v
        };
        assert_eq!(codes(&m), codes(&again), "{name}");
    }
    let text = load("generated.yml").to_yaml();
    assert!(text.contains("  dr_secondary_name: # data1\n"), "{text}");
    assert!(
        text.contains("dr_sites_secondary_url: # https://engine1.example.com/ovirt-engine/api\n")
    );
}

#[test]
fn quotes_names_that_yaml_would_misread() {
    let text = "dr_cluster_mappings:\n- primary_name: 'yes'\n  secondary_name: \"a: b # c\"\n\
                - primary_name: '*star'\n  secondary_name: 'fd00::1'\n";
    let m = Mapping::from_str(text, None).mapping.unwrap();
    let saved = m.to_yaml();
    let back = Mapping::from_str(&saved, None).mapping.unwrap();
    let names = |m: &Mapping| -> Vec<String> {
        m.names(NameMappingKind::Cluster)
            .iter()
            .flat_map(|e| Site::BOTH.map(|s| e.name(s).get().cloned().unwrap()))
            .collect()
    };
    assert_eq!(
        names(&back),
        vec!["yes", "a: b # c", "*star", "fd00::1"],
        "{saved}"
    );
}

#[test]
fn yaml_1_1_values_load_as_ansible_loads_them() {
    let text = "dr_cluster_mappings:\n- primary_name: no\n  secondary_name: 0x1F\n";
    let loaded = Mapping::from_str(text, None);
    let m = loaded.mapping.unwrap();
    let e = &m.names(NameMappingKind::Cluster)[0];
    assert_eq!(e.name(Site::Primary).get().unwrap(), "False");
    assert_eq!(e.name(Site::Secondary).get().unwrap(), "31");
    assert_eq!(
        loaded
            .diagnostics
            .iter()
            .filter(|d| d.code == "DR0108")
            .count(),
        2
    );
}

#[test]
fn anchors_aliases_and_merge_keys_work_as_in_pyyaml() {
    let text = "base: &b\n  primary_name: c1\n  secondary_name: c2\ndr_cluster_mappings:\n- <<: *b\n  secondary_name: c3\n- *b\n";
    let m = Mapping::from_str(text, None).mapping.unwrap();
    let n = m.names(NameMappingKind::Cluster);
    assert_eq!(n[0].name(Site::Primary).get().unwrap(), "c1");
    assert_eq!(
        n[0].name(Site::Secondary).get().unwrap(),
        "c3",
        "explicit keys win over merged ones"
    );
    assert_eq!(n[1].name(Site::Secondary).get().unwrap(), "c2");
    assert!(matches!(m.extra.first(), Some((k, _)) if k.text == "base"));
}

#[test]
fn invalid_input_never_panics() {
    for text in [
        "",
        ":",
        "- - -",
        "{",
        "[",
        "a: *x",
        "? [a]\n: b",
        "a: !!binary x",
        "\u{feff}a: 1",
        "a: |\n  x\n b",
        "dr_import_storages: [1, [2], {a: 3}]",
        "dr_import_storages:\n- dr_domain_type: [nfs]\n",
        "dr_lun_mappings:\n- primary_logical_unit_port: 99999999999999999999999999\n",
    ] {
        let loaded = Mapping::from_str(text, None);
        if let Some(m) = &loaded.mapping {
            let _ = validate_offline(m, None, &OfflineOptions::default());
            let _ = m.to_yaml();
        }
    }
    let m = Mapping::from_str("dr_import_storages:\n- dr_domain_type: nfs\n", None)
        .mapping
        .unwrap();
    assert!(matches!(m.import_storages, Field::Set { .. }));
}

#[test]
fn every_diagnostic_code_is_documented() {
    let doc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/diagnostics.md"),
    )
    .unwrap();
    for code in olvm_dr_core::validate::codes::ALL {
        assert!(
            doc.contains(&format!("| {code} |")),
            "{code} is not in docs/diagnostics.md"
        );
    }
}

#[test]
fn unknown_keys_suggest_the_known_spelling() {
    let text =
        "dr_cluster_mappings:\n- primary_name: a\n  Secondary_name: b\ndr_sites_primary_ulr: x\n";
    let loaded = Mapping::from_str(text, None);
    let unknown: Vec<&str> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.code == "DR0201")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        unknown,
        vec![
            "unknown key 'Secondary_name': did you mean 'secondary_name'?",
            "unknown key 'dr_sites_primary_ulr': did you mean 'dr_sites_primary_url'?",
        ]
    );
}

/// URLs that are not URLs, CA files that cannot be used, and values longer than the Engine
/// stores are errors of the offline validation, each at its key.
#[test]
fn urls_ca_files_and_lengths_are_checked_offline() {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(fixture("filled/nfs.yml"))
        .unwrap()
        .replace("../ca.pem", "ca.pem");
    let ca = dir.path().join("ca.pem");
    std::fs::copy(fixture("ca.pem"), &ca).unwrap();
    let check = |text: &str| -> Vec<(String, String)> {
        let file = dir.path().join("vars.yml");
        std::fs::write(&file, text).unwrap();
        validate_offline_file(&file, &OfflineOptions::default())
            .unwrap()
            .into_iter()
            .filter(|d| d.is_error())
            .map(|d| (d.code.to_string(), d.message.clone()))
            .collect()
    };
    assert_eq!(check(&base), vec![], "the fixture is clean");

    let url = base.replace(
        "https://engine1.example.com/ovirt-engine/api",
        "http://[::1/ovirt-engine/api",
    );
    let found = check(&url);
    assert!(
        found
            .iter()
            .any(|(c, m)| c == "DR0500" && m.contains("is not a valid URL")),
        "{found:?}"
    );

    for (content, why) in [
        ("", "it is empty"),
        ("garbage\n", "no PEM certificate"),
        (
            "-----BEGIN CERTIFICATE-----\nnot base64 !!\n-----END CERTIFICATE-----\n",
            "not valid PEM",
        ),
    ] {
        std::fs::write(&ca, content).unwrap();
        let found = check(&base);
        assert!(
            found.iter().any(|(c, m)| c == "DR0506" && m.contains(why)),
            "{why}: {found:?}"
        );
    }
    std::fs::remove_file(&ca).unwrap();
    std::fs::create_dir(&ca).unwrap();
    let found = check(&base);
    assert!(
        found
            .iter()
            .any(|(c, m)| c == "DR0506" && m.contains("a directory")),
        "{found:?}"
    );
    std::fs::remove_dir(&ca).unwrap();
    std::fs::copy(fixture("ca.pem"), &ca).unwrap();

    let name = base
        .lines()
        .find_map(|l| l.trim().strip_prefix("dr_primary_name: "))
        .expect("a primary domain name")
        .to_owned();
    let huge = "d".repeat(2 * 1024 * 1024);
    let found = check(&base.replace(
        &format!("dr_primary_name: {name}"),
        &format!("dr_primary_name: {huge}"),
    ));
    assert!(
        found.iter().any(|(c, m)| c == "DR0209"
            && m.contains("2097152 characters")
            && m.contains("at most 250")),
        "{:?}",
        found
            .iter()
            .map(|(c, m)| (c, &m[..m.len().min(80)]))
            .collect::<Vec<_>>()
    );
}
