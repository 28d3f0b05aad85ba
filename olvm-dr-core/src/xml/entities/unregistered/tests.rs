use super::*;
use crate::engine::{HighAvailability, Id};
use crate::xml::{Scope, read_list, read_one, write_list, write_one};

fn id(n: u128) -> Id {
    Id::from_u128(n)
}

/// Reference §2.3 unregistered VM, as a real Engine shows it: the OVF's VM only.
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
        vm.cluster,
        Some(id(9)),
        "the Engine gives the source cluster's id"
    );
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
        cluster: Some(id(9)),
        template: Some(Id::NIL),
        memory: 1 << 30,
        vcpus: 4,
        delete_protected: true,
    }
}

#[test]
fn the_vm_round_trips_without_sub_collections() {
    let vm = full_vm();
    let scope = Scope::new(format!("storagedomains/{}/vms", id(0xa2)));
    let text = write_one(&vm, &scope);
    assert!(text.contains("/storagedomains/00000000-0000-0000-0000-0000000000a2/vms/00000000-0000-0000-0000-0000000000c9/register"));
    for inline in ["<nics", "<disk_attachments", "<permissions", "<affinity"] {
        assert!(
            !text.contains(inline),
            "a real Engine does not inline {inline}: {text}"
        );
    }
    assert_eq!(read_one::<UnregisteredVm>(&text).unwrap(), vm);
}

#[test]
fn templates_round_trip_and_base_template_of_itself_is_none() {
    let t = UnregisteredTemplate {
        id: id(0x79),
        name: "rhel9".into(),
        cluster: Some(id(9)),
        base_template: Some(id(0x71)),
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
fn inline_sub_collections_are_ignored() {
    let xml = r#"<vm id="00000000-0000-0000-0000-0000000000c9"><name>x</name><status>down</status>
      <nics><nic><name>nic1</name></nic></nics>
      <permissions><permission><role><name>r</name></role></permission></permissions></vm>"#;
    assert_eq!(read_one::<UnregisteredVm>(xml).unwrap().name, "x");
}
