use super::*;
use crate::engine::HighAvailability;
use crate::xml::{Follow, read_list, read_one, write_list, write_one};

fn id(n: u128) -> Id {
    Id::from_u128(n)
}

/// Reference §2.3 `GET /vms/V1`, plus the content `follow=nics,disk_attachments.disk,snapshots`
/// inlines.
const VM: &str = r#"<vm href="/ovirt-engine/api/vms/V1" id="00000000-0000-0000-0000-0000000000c1">
  <actions><link href="/ovirt-engine/api/vms/V1/start" rel="start"/></actions>
  <name>web01</name>
  <link href="/ovirt-engine/api/vms/V1/permissions" rel="permissions"/>
  <cpu><architecture>x86_64</architecture><topology><cores>1</cores><sockets>2</sockets><threads>1</threads></topology></cpu>
  <creation_time>2026-01-02T09:00:00.000+01:00</creation_time>
  <delete_protected>false</delete_protected>
  <high_availability><enabled>true</enabled><priority>50</priority></high_availability>
  <memory>4294967296</memory>
  <origin>ovirt</origin>
  <os><type>rhel_9x64</type></os>
  <stateless>false</stateless>
  <status>up</status>
  <stop_reason></stop_reason>
  <type>server</type>
  <cluster href="/ovirt-engine/api/clusters/C1" id="00000000-0000-0000-0000-000000000001"/>
  <host href="/ovirt-engine/api/hosts/H1" id="00000000-0000-0000-0000-000000000004"/>
  <template href="/ovirt-engine/api/templates/00000000-0000-0000-0000-000000000000" id="00000000-0000-0000-0000-000000000000"/>
  <lease><storage_domain href="/ovirt-engine/api/storagedomains/SD2" id="00000000-0000-0000-0000-0000000000a2"/></lease>
  <nics>
    <nic href="/ovirt-engine/api/vms/V1/nics/N1" id="00000000-0000-0000-0000-0000000000e1">
      <name>nic1</name><interface>virtio</interface><mac><address>56:6f:1a:2b:00:01</address></mac>
      <vnic_profile href="/ovirt-engine/api/vnicprofiles/P1" id="00000000-0000-0000-0000-0000000000f1"/>
    </nic>
    <nic id="00000000-0000-0000-0000-0000000000e2"><name>nic2</name></nic>
  </nics>
  <disk_attachments>
    <disk_attachment href="/ovirt-engine/api/vms/V1/diskattachments/D1" id="00000000-0000-0000-0000-0000000000b1">
      <bootable>true</bootable><interface>virtio_scsi</interface>
      <disk href="/ovirt-engine/api/disks/D1" id="00000000-0000-0000-0000-0000000000b1">
        <alias>web01_Disk1</alias><storage_type>image</storage_type>
        <storage_domains><storage_domain href="/ovirt-engine/api/storagedomains/SD2" id="00000000-0000-0000-0000-0000000000a2"/></storage_domains>
      </disk>
    </disk_attachment>
    <disk_attachment id="00000000-0000-0000-0000-0000000000b2">
      <disk id="00000000-0000-0000-0000-0000000000b2"><alias>web01_Disk2</alias>
        <storage_domains><storage_domain id="00000000-0000-0000-0000-0000000000a2"/></storage_domains></disk>
    </disk_attachment>
    <disk_attachment id="00000000-0000-0000-0000-0000000000b3">
      <disk id="00000000-0000-0000-0000-0000000000b3"><alias>asm</alias><storage_type>lun</storage_type>
        <lun_storage id="36001405bb"><type>iscsi</type><logical_units><logical_unit id="36001405bb"/></logical_units></lun_storage></disk>
    </disk_attachment>
  </disk_attachments>
  <snapshots>
    <snapshot id="00000000-0000-0000-0000-000000000101"><description>Active VM</description><snapshot_status>ok</snapshot_status><snapshot_type>active</snapshot_type></snapshot>
    <snapshot id="00000000-0000-0000-0000-000000000102"><description>before</description><snapshot_status>in_preview</snapshot_status><snapshot_type>regular</snapshot_type></snapshot>
  </snapshots>
</vm>"#;

fn sample() -> Vm {
    Vm {
        id: id(0xc1),
        name: "web01".into(),
        status: VmStatus::Up,
        cluster: Some(id(1)),
        host: Some(id(4)),
        template: Some(Id::NIL),
        high_availability: HighAvailability {
            enabled: true,
            priority: 50,
        },
        delete_protected: false,
        snapshot_in_preview: true,
        memory: 4_294_967_296,
        vcpus: 2,
        origin: "ovirt".into(),
        nics: vec![
            Nic {
                id: id(0xe1),
                name: "nic1".into(),
                mac: Some("56:6f:1a:2b:00:01".into()),
                vnic_profile: Some(id(0xf1)),
                plugged: true,
            },
            Nic {
                id: id(0xe2),
                name: "nic2".into(),
                mac: None,
                vnic_profile: None,
                plugged: true,
            },
        ],
        storage_domains: vec![id(0xa2)],
        luns: vec!["36001405bb".into()],
    }
}

#[test]
fn reads_the_sample_with_inlined_content() {
    assert_eq!(read_one::<Vm>(VM).unwrap(), sample());
}

#[test]
fn round_trips_when_followed_and_links_otherwise() {
    let vm = sample();
    let followed =
        Scope::new("vms").with_follow(Follow::parse("nics,disk_attachments.disk,snapshots"));
    let text = write_list(std::slice::from_ref(&vm), &followed);
    assert_eq!(read_list::<Vm>(&text).unwrap(), vec![vm.clone()]);
    let plain = write_one(&vm, &Scope::new("vms"));
    assert!(plain.contains(r#"rel="nics""#) && plain.contains(r#"rel="diskattachments""#));
    let bare = read_one::<Vm>(&plain).unwrap();
    assert!(bare.nics.is_empty() && bare.storage_domains.is_empty() && !bare.snapshot_in_preview);
    assert_eq!(
        Vm {
            nics: vec![],
            storage_domains: vec![],
            luns: vec![],
            snapshot_in_preview: false,
            ..vm
        },
        bare
    );
}

#[test]
fn unknown_status_and_missing_name() {
    let xml = r#"<vm id="00000000-0000-0000-0000-0000000000c1"><name>x</name><status>hibernating</status></vm>"#;
    assert_eq!(read_one::<Vm>(xml).unwrap().status, VmStatus::Unknown);
    let xml =
        r#"<vms><vm id="00000000-0000-0000-0000-0000000000c1"><status>up</status></vm></vms>"#;
    assert_eq!(read_list::<Vm>(xml).unwrap_err().path, "vms/vm[0]/name");
    let xml = r#"<vm id="00000000-0000-0000-0000-0000000000c1"><name>x</name><status>up</status><nics><nic><name>n</name></nic></nics></vm>"#;
    assert_eq!(read_one::<Vm>(xml).unwrap_err().path, "vm/nics/nic[0]@id");
}

#[test]
fn sub_collections_match_the_inlined_content() {
    let vm = sample();
    let nics = write_list(&vm.nics, &Scope::new(format!("vms/{}/nics", vm.id)));
    assert!(nics.contains("/ovirt-engine/api/vms/00000000-0000-0000-0000-0000000000c1/nics/00000000-0000-0000-0000-0000000000e1"));
    assert_eq!(read_list::<Nic>(&nics).unwrap(), vm.nics);
    let followed = Scope::new("vms").with_follow(Follow::parse("disk_attachments.disk"));
    let root = crate::xml::parse(&write_one(&vm, &followed)).unwrap();
    let read = read_attached_storage(&Node::root(&root)).unwrap();
    assert_eq!(read, (vm.storage_domains.clone(), vm.luns.clone()));
    let snaps = super::write_snapshots(&vm);
    assert!(snaps.contains("<snapshot_status>in_preview</snapshot_status>"));
    assert!(
        !super::write_snapshots(&Vm {
            snapshot_in_preview: false,
            ..vm
        })
        .contains("in_preview")
    );
}
