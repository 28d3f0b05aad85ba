use super::*;
use crate::engine::{CpuTopology, DiskInterface, HighAvailability, VmSettings};
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
        settings: VmSettings {
            os_type: "rhel_9x64".into(),
            cpu_topology: CpuTopology {
                sockets: 2,
                cores: 1,
                threads: 1,
            },
            time_zone: None,
            lease: Some(id(0xa2)),
            ..VmSettings::for_memory(4_294_967_296, 2)
        },
        disk_attachments: vec![
            attachment(0xb1, "web01_Disk1", Some(id(0xa2)), true),
            attachment(0xb2, "web01_Disk2", Some(id(0xa2)), false),
            DiskAttachment {
                lun_id: Some("36001405bb".into()),
                ..attachment(0xb3, "asm", None, false)
            },
        ],
    }
}

fn attachment(n: u128, alias: &str, sd: Option<Id>, bootable: bool) -> DiskAttachment {
    DiskAttachment {
        disk: id(n),
        alias: alias.into(),
        storage_domains: sd.into_iter().collect(),
        lun_id: None,
        provisioned_size: 0,
        interface: DiskInterface::VirtioScsi,
        bootable,
        active: true,
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
            disk_attachments: vec![],
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
    let node = Node::root(&root);
    let read = read_attached_storage(&node).unwrap();
    assert_eq!(read, (vm.storage_domains.clone(), vm.luns.clone()));
    // Inline and `/vms/{id}/diskattachments` write the same attachments, ids and hrefs
    // included.
    let listing = write_list(
        &vm.disk_attachments,
        &Scope::new(format!("vms/{}/diskattachments", vm.id)),
    );
    let listed = crate::xml::parse(&listing).unwrap();
    let inline = node.child("disk_attachments").unwrap();
    let ids = |a: Node<'_>| {
        let disk = a.child("disk").map(|d| d.attr("id").map(str::to_owned));
        (
            a.attr("href").map(str::to_owned),
            a.attr("id").map(str::to_owned),
            disk.flatten(),
        )
    };
    let inline_ids: Vec<_> = inline.children("disk_attachment").map(ids).collect();
    let listed_root = Node::root(&listed);
    let listed_ids: Vec<_> = listed_root.children("disk_attachment").map(ids).collect();
    assert_eq!(inline_ids.len(), 3);
    assert!(
        inline_ids
            .iter()
            .all(|(h, i, d)| h.is_some() && i.is_some() && i == d)
    );
    assert_eq!(inline_ids, listed_ids);
    assert_eq!(
        read_list::<DiskAttachment>(&listing).unwrap(),
        vm.disk_attachments
    );
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
