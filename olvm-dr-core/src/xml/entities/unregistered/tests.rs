use super::*;
use crate::engine::{HighAvailability, Id, StorageType};
use crate::xml::{read_list, read_one, write_list, write_one};

fn id(n: u128) -> Id {
    Id::from_u128(n)
}

/// Reference §2.3 unregistered VM, as a real Engine shows it: the OVF header only.
const ENGINE_VIEW: &str = r#"<vms>
  <vm href="/ovirt-engine/api/storagedomains/SD2/vms/V9" id="00000000-0000-0000-0000-0000000000c9">
    <actions><link href="/ovirt-engine/api/storagedomains/SD2/vms/V9/register" rel="register"/></actions>
    <name>db01</name>
    <high_availability><enabled>false</enabled><priority>0</priority></high_availability>
    <memory>1073741824</memory>
    <status>up</status>
    <cluster href="/ovirt-engine/api/clusters/C9" id="00000000-0000-0000-0000-000000000009"/>
    <storage_domain href="/ovirt-engine/api/storagedomains/SD2" id="00000000-0000-0000-0000-0000000000a2"/>
  </vm>
</vms>"#;

#[test]
fn reads_the_engine_view() {
    let vms: Vec<UnregisteredVm> = read_list(ENGINE_VIEW).unwrap();
    let vm = &vms[0];
    assert_eq!(vm.name, "db01");
    assert_eq!(vm.status, VmStatus::Up);
    assert_eq!(vm.memory, 1 << 30);
    assert_eq!(
        vm.cluster_name, None,
        "the Engine gives the source cluster's id, not its name"
    );
    assert!(vm.nics.is_empty() && vm.disks.is_empty() && vm.permissions.is_empty());
}

fn full_vm() -> UnregisteredVm {
    UnregisteredVm {
        id: id(0xc9),
        name: "db01".into(),
        status: VmStatus::Up,
        high_availability: HighAvailability {
            enabled: true,
            priority: 100,
        },
        cluster_name: Some("prod-cluster".into()),
        template: Some(Id::NIL),
        memory: 1 << 30,
        vcpus: 4,
        delete_protected: true,
        nics: vec![
            OvfNic {
                name: "nic1".into(),
                mac: Some("56:6f:1a:2b:00:09".into()),
                profile_name: Some("gold".into()),
                network_name: Some("red".into()),
                plugged: true,
            },
            OvfNic {
                name: "nic2".into(),
                mac: None,
                profile_name: None,
                network_name: None,
                plugged: true,
            },
        ],
        disks: vec![OvfDisk {
            id: id(0xb9),
            alias: "db01_Disk1".into(),
            storage_domains: vec![id(0xa2)],
            provisioned_size: 10 << 30,
            interface: crate::engine::DiskInterface::Virtio,
            bootable: true,
            active: true,
        }],
        luns: vec![OvfLun {
            disk_id: id(0xba),
            alias: "asm".into(),
            lun_id: "36001405SRC".into(),
            storage_type: StorageType::Iscsi,
        }],
        affinity_groups: vec!["db-spread".into()],
        affinity_labels: vec!["tier-1".into()],
        permissions: vec![Permission {
            role: "UserVmManager".into(),
            principal: "alice@corp.example".into(),
        }],
    }
}

#[test]
fn full_ovf_view_round_trips() {
    let vm = full_vm();
    let scope = Scope::new(format!("storagedomains/{}/vms", id(0xa2)));
    let text = write_one(&vm, &scope);
    assert!(text.contains("/storagedomains/00000000-0000-0000-0000-0000000000a2/vms/00000000-0000-0000-0000-0000000000c9/register"));
    assert_eq!(read_one::<UnregisteredVm>(&text).unwrap(), vm);
}

#[test]
fn templates_round_trip_and_base_template_of_itself_is_none() {
    let t = UnregisteredTemplate {
        id: id(0x79),
        name: "rhel9".into(),
        cluster_name: Some("prod".into()),
        base_template: Some(id(0x71)),
        nics: vec![],
        disks: vec![OvfDisk {
            id: id(0xb7),
            alias: "t".into(),
            storage_domains: vec![id(0xa2)],
            provisioned_size: 10 << 30,
            interface: crate::engine::DiskInterface::Virtio,
            bootable: true,
            active: true,
        }],
        permissions: vec![],
    };
    let base = UnregisteredTemplate {
        base_template: None,
        id: id(0x71),
        ..t.clone()
    };
    let scope = Scope::new("storagedomains/x/templates");
    let list = vec![t, base];
    assert_eq!(
        read_list::<UnregisteredTemplate>(&write_list(&list, &scope)).unwrap(),
        list
    );
}

#[test]
fn permission_needs_a_principal() {
    let xml = r#"<vm id="00000000-0000-0000-0000-0000000000c9"><name>x</name><status>down</status>
      <permissions><permission><role><name>r</name></role></permission></permissions></vm>"#;
    let e = read_one::<UnregisteredVm>(xml).unwrap_err();
    assert_eq!(e.path, "vm/permissions/permission[0]");
    let group = r#"<vm id="00000000-0000-0000-0000-0000000000c9"><name>x</name><status>down</status>
      <permissions><permission><role><name>r</name></role><group><name>ops@corp</name></group></permission></permissions></vm>"#;
    assert_eq!(
        read_one::<UnregisteredVm>(group).unwrap().permissions[0].principal,
        "ops@corp"
    );
}
