use super::*;
use crate::engine::{LunStatus, NfsVersion};
use crate::xml::{read_list, read_one, write_list, write_one};

fn id(n: u128) -> Id {
    Id::from_u128(n)
}

/// Reference §2.3, top-level view after an NFS import.
const NFS_TOP_LEVEL: &str = r#"<storage_domain href="/ovirt-engine/api/storagedomains/SD1" id="00000000-0000-0000-0000-0000000000a1">
  <actions><link href="/ovirt-engine/api/storagedomains/SD1/isattached" rel="isattached"/></actions>
  <name>dr_data_nfs</name>
  <link href="/ovirt-engine/api/storagedomains/SD1/vms" rel="vms"/>
  <available>96636764160</available>
  <backup>false</backup>
  <block_size>512</block_size>
  <committed>0</committed>
  <critical_space_action_blocker>5</critical_space_action_blocker>
  <discard_after_delete>false</discard_after_delete>
  <external_status>ok</external_status>
  <master>false</master>
  <status>unattached</status>
  <storage>
    <address>nfs2.site-b.example</address>
    <mount_options></mount_options>
    <nfs_version>auto</nfs_version>
    <path>/exports/dr_data</path>
    <type>nfs</type>
  </storage>
  <storage_format>v5</storage_format>
  <supports_discard>false</supports_discard>
  <type>data</type>
  <used>10737418240</used>
  <warning_low_space_indicator>10</warning_low_space_indicator>
  <wipe_after_delete>false</wipe_after_delete>
</storage_domain>"#;

/// Reference §2.3, DC-scoped view of an iSCSI master.
const ISCSI_DC_SCOPED: &str = r#"<storage_domain href="/ovirt-engine/api/datacenters/DC1/storagedomains/SD2" id="00000000-0000-0000-0000-0000000000a2">
  <name>dr_data_iscsi</name>
  <external_status>ok</external_status>
  <master>true</master>
  <status>active</status>
  <storage>
    <type>iscsi</type>
    <volume_group id="aBcD-vg">
      <logical_units>
        <logical_unit id="36001405aa11bb22cc33dd44ee55ff66">
          <address>10.0.2.10</address><port>3260</port><portal>10.0.2.10:3260,1</portal>
          <target>iqn.2026-01.example:dr1</target><lun_mapping>1</lun_mapping><paths>2</paths>
          <product_id>disk</product_id><serial>SLIO-ORG_disk_aa11</serial><size>107374182400</size>
          <storage_domain_id>00000000-0000-0000-0000-0000000000a2</storage_domain_id><vendor_id>LIO-ORG</vendor_id><volume_group_id>aBcD-vg</volume_group_id>
        </logical_unit>
      </logical_units>
    </volume_group>
  </storage>
  <storage_format>v5</storage_format>
  <type>data</type>
  <data_center href="/ovirt-engine/api/datacenters/DC1" id="00000000-0000-0000-0000-0000000000d1"/>
  <data_centers><data_center href="/ovirt-engine/api/datacenters/DC1" id="00000000-0000-0000-0000-0000000000d1"/></data_centers>
</storage_domain>"#;

#[test]
fn nfs_top_level_sample() {
    let sd: StorageDomain = read_one(NFS_TOP_LEVEL).unwrap();
    assert_eq!(sd.name, "dr_data_nfs");
    assert_eq!(sd.kind, StorageDomainType::Data);
    assert_eq!(sd.status, Some(StorageDomainStatus::Unattached));
    assert!(!sd.master && sd.data_centers.is_empty());
    assert_eq!(sd.available, 96_636_764_160);
    assert_eq!(sd.critical_space_action_blocker, 5);
    assert_eq!(sd.warning_low_space_indicator, 10);
    assert_eq!(sd.storage.storage_type, Some(StorageType::Nfs));
    assert_eq!(sd.storage.address.as_deref(), Some("nfs2.site-b.example"));
    assert_eq!(sd.storage.path.as_deref(), Some("/exports/dr_data"));
    assert_eq!(sd.storage.nfs_version, Some(NfsVersion::Auto));
    assert_eq!(sd.storage.mount_options, None, "an empty element is absent");
    assert_eq!(sd.storage_format.as_deref(), Some("v5"));
    let scope = Scope::new("storagedomains");
    assert_eq!(
        read_one::<StorageDomain>(&write_one(&sd, &scope)).unwrap(),
        sd
    );
}

#[test]
fn iscsi_dc_scoped_sample() {
    let sd: StorageDomain = read_one(ISCSI_DC_SCOPED).unwrap();
    assert!(sd.master);
    assert_eq!(sd.status, Some(StorageDomainStatus::Active));
    assert_eq!(sd.data_centers, vec![id(0xd1)]);
    assert_eq!(sd.storage.volume_group.as_deref(), Some("aBcD-vg"));
    let lu = &sd.storage.logical_units[0];
    assert_eq!(lu.id, "36001405aa11bb22cc33dd44ee55ff66");
    assert_eq!(lu.port, Some(3260));
    assert_eq!(lu.portal.as_deref(), Some("10.0.2.10:3260,1"));
    assert_eq!(lu.target.as_deref(), Some("iqn.2026-01.example:dr1"));
    assert_eq!(lu.size, Some(107_374_182_400));
    assert_eq!(lu.storage_domain, Some(id(0xa2)));
    assert_eq!(lu.volume_group.as_deref(), Some("aBcD-vg"));
    let scope = Scope::new(format!("datacenters/{}/storagedomains", id(0xd1)));
    let text = write_list(std::slice::from_ref(&sd), &scope);
    assert!(text.contains("/datacenters/00000000-0000-0000-0000-0000000000d1/storagedomains/00000000-0000-0000-0000-0000000000a2/deactivate"));
    assert_eq!(read_list::<StorageDomain>(&text).unwrap(), vec![sd]);
}

#[test]
fn attached_top_level_has_no_status_and_old_single_data_center() {
    let xml = r#"<storage_domain id="00000000-0000-0000-0000-0000000000a3"><name>x</name><type>data</type>
      <data_center id="00000000-0000-0000-0000-0000000000d1"/></storage_domain>"#;
    let sd: StorageDomain = read_one(xml).unwrap();
    assert_eq!(sd.status, None);
    assert_eq!(sd.data_centers, vec![id(0xd1)]);
    let odd = r#"<storage_domain id="00000000-0000-0000-0000-0000000000a3"><name>x</name><type>cloud</type><status>melting</status></storage_domain>"#;
    let sd: StorageDomain = read_one(odd).unwrap();
    assert_eq!(sd.status, Some(StorageDomainStatus::Unknown));
    assert_eq!(sd.kind, StorageDomainType::Image);
    let e = read_one::<StorageDomain>(r#"<storage_domain id="00000000-0000-0000-0000-0000000000a3"><name>x</name></storage_domain>"#)
        .unwrap_err();
    assert_eq!(e.path, "storage_domain/type");
}

#[test]
fn host_storage_listing() {
    let xml = r#"<host_storages>
      <host_storage id="36001405aa11bb22cc33dd44ee55ff66"><type>iscsi</type>
        <logical_units><logical_unit id="36001405aa11bb22cc33dd44ee55ff66"><address>10.0.2.10</address>
          <port>3260</port><target>iqn.2026-01.example:dr1</target><status>used</status>
          <storage_domain_id></storage_domain_id><volume_group_id>vg1</volume_group_id></logical_unit></logical_units>
        <host href="/ovirt-engine/api/hosts/H1" id="00000000-0000-0000-0000-000000000004"/>
      </host_storage>
      <host_storage id="3600a0b80000000000000000000000001"><type>fcp</type></host_storage>
    </host_storages>"#;
    let luns: Vec<HostLun> = read_list(xml).unwrap();
    assert_eq!(luns[0].storage_type, StorageType::Iscsi);
    assert_eq!(luns[0].logical_unit.status, Some(LunStatus::Used));
    assert_eq!(luns[0].logical_unit.storage_domain, None);
    assert_eq!(luns[1].logical_unit.id, "3600a0b80000000000000000000000001");
    let scope = Scope::new(format!("hosts/{}/storage", id(4)));
    assert_eq!(
        read_list::<HostLun>(&write_list(&luns, &scope)).unwrap(),
        luns
    );
}

#[test]
fn file_and_block_connections_round_trip() {
    let posix = StorageConnection {
        storage_type: Some(StorageType::Posixfs),
        address: Some("ceph-mon".into()),
        path: Some("/vol".into()),
        vfs_type: Some("ceph".into()),
        mount_options: Some("name=admin".into()),
        nfs_version: None,
        volume_group: None,
        logical_units: vec![],
    };
    let block_without_vg = StorageConnection {
        storage_type: Some(StorageType::Fcp),
        logical_units: vec![LogicalUnit {
            id: "3600a".into(),
            size: Some(1),
            ..LogicalUnit::default()
        }],
        ..StorageConnection::default()
    };
    for s in [posix, block_without_vg] {
        let mut w = XmlWriter::new();
        write_storage(&mut w, &s);
        let root = crate::xml::parse(&w.finish()).unwrap();
        assert_eq!(read_storage(&Node::root(&root)).unwrap(), s);
    }
}
