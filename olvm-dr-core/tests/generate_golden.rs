//! Golden generated files for the Python suite (`tests/python/test_generate_yaml.py`), which
//! loads them with PyYAML `safe_load` (Ansible's loader) and compares with the values the
//! model holds (`*.expected.json`, written here from the model, not from the YAML).
//!
//! The files are committed so that the Python suite needs no Engine and no Rust test run
//! first; this test fails when they are out of date. Rewrite them with
//! `cargo test -p olvm-dr-core --test generate_golden -- --ignored write_golden_files`.

mod dr_support;

use std::path::PathBuf;

use dr_support::{completed_mapping, keys};
use olvm_dr_core::Site;
use olvm_dr_core::config::SecretValue;
use olvm_dr_core::engine::{StorageDomainType, StorageType, Version};
use olvm_dr_core::fake::{DiskSpec, NicSpec, VmSpec, World, WorldBuilder};
use olvm_dr_core::generate::{GenerateOptions, generate};
use olvm_dr_core::mapping::{Field, ImportStorage, Mapping, NameMappingKind, PASSWORD_PLACEHOLDER};
use serde_json::{Map, Value, json};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/python/fixtures/generate")
}

/// Names YAML 1.1 would misread, or that break unquoted YAML (the role's generator writes them
/// with `%s`): every kind of entity the file names gets some.
const TRICKY: [&str; 14] = [
    "yes",
    "0755",
    "1:30",
    "2024-01-01",
    "a: b #c",
    "*ref",
    "&anchor",
    "!tag",
    "'quoted'",
    "[x]",
    "@at",
    "-dash",
    "ünïcødé",
    "~",
];

/// The small world with tricky names added on the primary.
fn tricky_world() -> World {
    let world = WorldBuilder::small(7).build();
    let dc1 = world.facts().primary.data_centers[0].id;
    world.setup(|s| {
        let dc = s.add_data_center(Site::Primary, "DC: three #3", Version::new(4, 7));
        let pool = s.add_mac_pool(
            Site::Primary,
            &[("56:6f:5e:00:00:00", "56:6f:5e:00:ff:ff")],
            false,
        );
        let cluster = s.add_cluster(Site::Primary, "yes", dc, pool, Version::new(4, 7));
        s.add_affinity_group(Site::Primary, cluster, "on", true);
        for name in TRICKY {
            s.add_affinity_label(Site::Primary, name);
        }
        s.add_user(Site::Primary, "eve", "corp: example");
        let net = s.add_network(Site::Primary, dc, "net: 1", None, &[cluster]);
        s.add_vnic_profile(Site::Primary, net, "gold #1");
        let v6 = s.add_export(
            Site::Primary,
            StorageType::Nfs,
            "fd00::10",
            "/exports/v6 #1",
            None,
        );
        s.create_domain(v6, "no", StorageDomainType::Data, false);
        s.attach_domain(Site::Primary, v6, dc, true);
        let posix = s.add_export(
            Site::Primary,
            StorageType::Posixfs,
            "mon1:6789,mon2:6789",
            "/vol: 1",
            Some("ceph"),
        );
        s.create_domain(posix, "true", StorageDomainType::Data, false);
        s.attach_domain(Site::Primary, posix, dc1, false);
        let export = s.add_export(
            Site::Primary,
            StorageType::Nfs,
            "nfs.prod.example",
            "/exports/old",
            None,
        );
        s.create_domain(export, "export1", StorageDomainType::Export, false);
        s.attach_domain(Site::Primary, export, dc, false);
        let mut vm = VmSpec::new("tricky-vm", cluster);
        vm.nics = vec![NicSpec {
            name: "nic1".into(),
            profile: None,
            mac: None,
        }];
        vm.disks = vec![DiskSpec {
            alias: "tricky-disk".into(),
            domains: vec![],
        }];
        s.add_vm(Site::Primary, vm);
    });
    world
}

fn field<T>(out: &mut Map<String, Value>, key: &str, f: &Field<T>, value: impl Fn(&T) -> Value) {
    match f {
        Field::Missing | Field::Invalid { .. } => {}
        Field::NotFilled { hint, .. } if hint.as_deref() == Some(PASSWORD_PLACEHOLDER) => {
            out.insert(key.into(), json!(PASSWORD_PLACEHOLDER));
        }
        Field::NotFilled { .. } => {
            out.insert(key.into(), Value::Null);
        }
        Field::Set { value: v, .. } => {
            out.insert(key.into(), value(v));
        }
    }
}

fn text(v: &String) -> Value {
    json!(v)
}

fn secret(v: &SecretValue) -> Value {
    match v {
        SecretValue::Plain(s) => json!(s.expose()),
        SecretValue::Vault(_) => panic!("no vault values here"),
    }
}

/// What PyYAML must load from the saved file: the model's values by key, not filled in = null.
fn expected(m: &Mapping) -> Value {
    let mut top = Map::new();
    for site in Site::BOTH {
        let s = m.site(site);
        let k = |n: &str| format!("dr_sites_{site}_{n}");
        field(&mut top, &k("url"), &s.url, text);
        field(&mut top, &k("username"), &s.username, text);
        field(&mut top, &k("ca_file"), &s.ca_file, text);
        field(&mut top, &k("insecure"), &s.insecure, |b| json!(b));
    }
    let storages: Vec<Value> = m
        .storages()
        .iter()
        .map(|st| {
            let mut e = Map::new();
            let c = st.common();
            e.insert("dr_domain_type".into(), json!(st.storage_type().as_str()));
            field(&mut e, "dr_wipe_after_delete", &c.wipe_after_delete, |b| {
                json!(b)
            });
            field(&mut e, "dr_backup", &c.backup, |b| json!(b));
            field(
                &mut e,
                "dr_critical_space_action_blocker",
                &c.critical_space_action_blocker,
                |n| json!(n),
            );
            field(
                &mut e,
                "dr_storage_domain_type",
                &c.storage_domain_type,
                |t| json!(t.as_str()),
            );
            field(&mut e, "dr_warning_low_space", &c.warning_low_space, |n| {
                json!(n)
            });
            for site in Site::BOTH {
                let k = |n: &str| format!("dr_{site}_{n}");
                let ss = c.sites.get(site);
                field(&mut e, &k("name"), &ss.name, text);
                field(&mut e, &k("master_domain"), &ss.master_domain, |b| json!(b));
                field(&mut e, &k("dc_name"), &ss.dc_name, text);
                match st {
                    ImportStorage::Nfs(f)
                    | ImportStorage::Glusterfs(f)
                    | ImportStorage::Posixfs(f) => {
                        let fs = f.site(site);
                        field(&mut e, &k("address"), &fs.address, text);
                        field(&mut e, &k("path"), &fs.path, text);
                        field(&mut e, &k("mount_options"), &fs.mount_options, text);
                        field(&mut e, &k("version"), &fs.version, |v| json!(v.as_str()));
                        if matches!(st, ImportStorage::Posixfs(_)) {
                            field(&mut e, &k("vfs_type"), &fs.vfs_type, text);
                        }
                    }
                    ImportStorage::Iscsi(i) => {
                        let is = i.site(site);
                        field(&mut e, &k("address"), &is.address, text);
                        field(&mut e, &k("port"), &is.port, |p| json!(p));
                        field(&mut e, &k("target"), &is.targets, |t| json!(t));
                        field(&mut e, &k("username"), &is.username, text);
                        field(&mut e, &k("password"), &is.password, secret);
                    }
                    ImportStorage::Fcp(_) => {}
                }
            }
            if let ImportStorage::Iscsi(i) = st {
                field(
                    &mut e,
                    "dr_discard_after_delete",
                    &i.discard_after_delete,
                    |b| json!(b),
                );
                field(&mut e, "dr_domain_id", &i.domain_id, |id| {
                    json!(id.to_string())
                });
            }
            if let ImportStorage::Fcp(f) = st {
                field(
                    &mut e,
                    "dr_discard_after_delete",
                    &f.discard_after_delete,
                    |b| json!(b),
                );
                field(&mut e, "dr_domain_id", &f.domain_id, |id| {
                    json!(id.to_string())
                });
            }
            Value::Object(e)
        })
        .collect();
    top.insert("dr_import_storages".into(), Value::Array(storages));
    for kind in NameMappingKind::ALL {
        let list: Vec<Value> = m
            .names(kind)
            .iter()
            .map(|n| {
                let mut e = Map::new();
                for site in Site::BOTH {
                    field(&mut e, &format!("{site}_name"), n.name(site), text);
                }
                Value::Object(e)
            })
            .collect();
        top.insert(kind.key().into(), Value::Array(list));
    }
    let nets: Vec<Value> = m
        .networks()
        .iter()
        .map(|n| {
            let mut e = Map::new();
            for site in Site::BOTH {
                let s = n.site(site);
                let k = |x: &str| format!("{site}_{x}");
                field(&mut e, &k("network_name"), &s.network_name, text);
                field(&mut e, &k("network_dc"), &s.network_dc, text);
                field(&mut e, &k("profile_name"), &s.profile_name, text);
                field(&mut e, &k("profile_id"), &s.profile_id, |id| {
                    json!(id.to_string())
                });
            }
            Value::Object(e)
        })
        .collect();
    top.insert("dr_network_mappings".into(), Value::Array(nets));
    let luns: Vec<Value> = m
        .luns()
        .iter()
        .map(|l| {
            let mut e = Map::new();
            field(&mut e, "logical_unit_alias", &l.alias, text);
            field(&mut e, "logical_unit_description", &l.description, text);
            field(&mut e, "wipe_after_delete", &l.wipe_after_delete, |b| {
                json!(b)
            });
            field(&mut e, "shareable", &l.shareable, |b| json!(b));
            for site in Site::BOTH {
                let s = l.site(site);
                let k = |x: &str| format!("{site}_logical_unit_{x}");
                field(
                    &mut e,
                    &format!("{site}_storage_type"),
                    &s.storage_type,
                    |t| json!(t.as_str()),
                );
                field(&mut e, &k("id"), &s.logical_unit_id, text);
                field(&mut e, &k("address"), &s.address, text);
                field(&mut e, &k("port"), &s.port, |p| json!(p));
                field(&mut e, &k("portal"), &s.portal, text);
                field(&mut e, &k("target"), &s.target, text);
                field(&mut e, &k("username"), &s.username, text);
                field(&mut e, &k("password"), &s.password, secret);
            }
            Value::Object(e)
        })
        .collect();
    top.insert("dr_lun_mappings".into(), Value::Array(luns));
    Value::Object(top)
}

/// The golden files: (name, YAML text, expected values as JSON text).
async fn golden() -> Vec<(&'static str, String, String)> {
    let world = tricky_world();
    let g = generate(
        world.dyn_engine(Site::Primary).as_ref(),
        None,
        &GenerateOptions::new(keys(Site::Primary)),
    )
    .await
    .expect("the primary answers");
    let placeholders = g.to_yaml();
    let mut files = vec![("primary-only", placeholders, pretty(&expected(&g.mapping)))];
    let world = WorldBuilder::small(7).build();
    let (m, text) = completed_mapping(&world).await;
    files.push(("completed", text, pretty(&expected(&m))));
    files
}

fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap();
    s.push('\n');
    s
}

#[tokio::test]
async fn golden_files_are_up_to_date() {
    for (name, yaml, json) in golden().await {
        let y = dir().join(format!("{name}.yml"));
        let j = dir().join(format!("{name}.expected.json"));
        let stale = std::fs::read_to_string(&y).ok() != Some(yaml)
            || std::fs::read_to_string(&j).ok() != Some(json);
        assert!(
            !stale,
            "{} is out of date: run `cargo test -p olvm-dr-core --test generate_golden -- --ignored write_golden_files`",
            y.display()
        );
    }
}

#[tokio::test]
#[ignore = "writes the golden files"]
async fn write_golden_files() {
    std::fs::create_dir_all(dir()).unwrap();
    for (name, yaml, json) in golden().await {
        std::fs::write(dir().join(format!("{name}.yml")), yaml).unwrap();
        std::fs::write(dir().join(format!("{name}.expected.json")), json).unwrap();
    }
}

#[tokio::test]
async fn tricky_names_read_back_exactly() {
    let world = tricky_world();
    let g = generate(
        world.dyn_engine(Site::Primary).as_ref(),
        None,
        &GenerateOptions::new(keys(Site::Primary)),
    )
    .await
    .unwrap();
    let text = g.to_yaml();
    let loaded = Mapping::from_str(&text, None);
    assert!(loaded.diagnostics.is_empty(), "{:#?}", loaded.diagnostics);
    let m = loaded.mapping.unwrap();
    let labels: Vec<&str> = m
        .names(NameMappingKind::AffinityLabel)
        .iter()
        .filter_map(|e| e.name(Site::Primary).get().map(String::as_str))
        .collect();
    for t in TRICKY {
        assert!(labels.contains(&t), "{t:?} in {labels:?}");
    }
    // The reloaded model is the generated one.
    assert_eq!(expected(&m), expected(&g.mapping));
    // The export domain is commented out with its reason.
    assert!(text.contains("# Export domains cannot be part of disaster recovery"));
    assert!(text.contains("#   dr_primary_name: export1"));
}
