use super::*;
use crate::engine::StorageType;
use crate::xml::dom::Element;

/// Reference §4.5, the full register body (ids adjusted to UUIDs).
const SAMPLE: &str = r#"<action>
  <cluster><name>dr-cluster</name></cluster>
  <allow_partial_import>true</allow_partial_import>
  <reassign_bad_macs>true</reassign_bad_macs>
  <clone>false</clone>
  <async>false</async>
  <registration_configuration>
    <cluster_mappings>
      <registration_cluster_mapping><from><name>prod-cluster</name></from><to><name>dr-cluster</name></to></registration_cluster_mapping>
    </cluster_mappings>
    <role_mappings>
      <registration_role_mapping><from><name>UserVmManager</name></from><to><name>UserVmManager</name></to></registration_role_mapping>
    </role_mappings>
    <domain_mappings>
      <registration_domain_mapping><from><name>corp.example</name></from><to><name>dr.example</name></to></registration_domain_mapping>
    </domain_mappings>
    <affinity_group_mappings>
      <registration_affinity_group_mapping><from><name>db-spread</name></from><to><name>db-spread-dr</name></to></registration_affinity_group_mapping>
    </affinity_group_mappings>
    <affinity_label_mappings>
      <registration_affinity_label_mapping><from><name>tier-1</name></from><to><name>tier-1</name></to></registration_affinity_label_mapping>
    </affinity_label_mappings>
    <lun_mappings>
      <registration_lun_mapping>
        <from><lun_storage><type>iscsi</type><logical_units><logical_unit id="36001405SRC"/></logical_units></lun_storage></from>
        <to>
          <alias>asm-1</alias>
          <lun_storage><type>iscsi</type>
            <logical_units><logical_unit id="36001405DST">
              <address>10.0.2.20</address><port>3260</port><portal>1</portal><target>iqn.2026-01.example:asm</target>
              <username>u</username><password>p</password>
            </logical_unit></logical_units>
          </lun_storage>
        </to>
      </registration_lun_mapping>
    </lun_mappings>
    <vnic_profile_mappings>
      <registration_vnic_profile_mapping>
        <from><name>gold</name><network><name>red</name></network></from>
        <to id="00000000-0000-0000-0000-0000000000f1"/>
      </registration_vnic_profile_mapping>
      <registration_vnic_profile_mapping>
        <from><name>silver</name><network><name>blue</name></network></from>
        <to><name>silver</name><network><name>blue-dr</name></network></to>
      </registration_vnic_profile_mapping>
      <registration_vnic_profile_mapping>
        <from><name></name><network><name></name></network></from>
        <to id="00000000-0000-0000-0000-000000000000"/>
      </registration_vnic_profile_mapping>
      <registration_vnic_profile_mapping><from><name>ignored</name></from><to id="00000000-0000-0000-0000-0000000000f1"/></registration_vnic_profile_mapping>
      <registration_vnic_profile_mapping><from><name>no-to</name><network><name>x</name></network></from></registration_vnic_profile_mapping>
    </vnic_profile_mappings>
  </registration_configuration>
</action>"#;

fn expected() -> Registration {
    Registration {
        cluster: Some(EntityRef::Name("dr-cluster".into())),
        allow_partial_import: true,
        reassign_bad_macs: true,
        cluster_mappings: vec![NameMapping::new("prod-cluster", "dr-cluster")],
        role_mappings: vec![NameMapping::new("UserVmManager", "UserVmManager")],
        domain_mappings: vec![NameMapping::new("corp.example", "dr.example")],
        affinity_group_mappings: vec![NameMapping::new("db-spread", "db-spread-dr")],
        affinity_label_mappings: vec![NameMapping::new("tier-1", "tier-1")],
        vnic_profile_mappings: vec![
            VnicProfileMapping {
                source_network: "red".into(),
                source_profile: "gold".into(),
                target: VnicTarget::Profile(Id::from_u128(0xf1)),
            },
            VnicProfileMapping {
                source_network: "blue".into(),
                source_profile: "silver".into(),
                target: VnicTarget::ProfileByName {
                    profile: "silver".into(),
                    network: "blue-dr".into(),
                },
            },
            VnicProfileMapping {
                source_network: String::new(),
                source_profile: String::new(),
                target: VnicTarget::Unplugged,
            },
        ],
        lun_mappings: vec![LunMapping {
            source_lun_id: "36001405SRC".into(),
            source_storage_type: Some(StorageType::Iscsi),
            target: LunTarget {
                lun_id: "36001405DST".into(),
                storage_type: Some(StorageType::Iscsi),
                alias: Some("asm-1".into()),
                address: Some("10.0.2.20".into()),
                port: Some(3260),
                portal: Some("1".into()),
                target: Some("iqn.2026-01.example:asm".into()),
                username: Some("u".into()),
                password: Some(Secret::new("p")),
            },
        }],
    }
}

#[test]
fn reads_the_reference_body_with_the_engines_rules() {
    assert_eq!(read_registration(SAMPLE).unwrap(), expected());
}

#[test]
fn round_trips_and_keys_luns_where_the_engine_reads_them() {
    let r = expected();
    let text = write_registration(&r);
    assert_eq!(read_registration(&text).unwrap(), r);
    let root = crate::xml::parse(&text).unwrap();
    let path = |e: &Element, names: &[&str]| -> Option<Element> {
        let mut cur = e.clone();
        for n in names {
            cur = cur.child(n)?.clone();
        }
        Some(cur)
    };
    let from = path(
        &root,
        &[
            "registration_configuration",
            "lun_mappings",
            "registration_lun_mapping",
            "from",
            "lun_storage",
            "logical_units",
            "logical_unit",
        ],
    )
    .unwrap();
    assert_eq!(from.attr("id"), Some("36001405SRC"));
    assert!(
        text.contains(r#"<to id="00000000-0000-0000-0000-000000000000"/>"#),
        "Unplugged is the empty GUID"
    );
    assert!(text.contains(r#"<to id="00000000-0000-0000-0000-0000000000f1"/>"#));
}

#[test]
fn minimal_bodies() {
    let by_id = Registration {
        cluster: Some(EntityRef::Id(Id::from_u128(1))),
        ..Registration::default()
    };
    let text = write_registration(&by_id);
    assert!(!text.contains("registration_configuration"));
    assert!(text.contains(r#"<cluster id="00000000-0000-0000-0000-000000000001"/>"#));
    assert_eq!(read_registration(&text).unwrap(), by_id);
    assert_eq!(
        read_registration("<action/>").unwrap(),
        Registration::default()
    );
}

#[test]
fn incomplete_mappings_get_the_engines_messages() {
    for (body, message) in [
        (
            "<cluster_mappings><registration_cluster_mapping><to><name>x</name></to></registration_cluster_mapping></cluster_mappings>",
            "Cluster name is missing from source.",
        ),
        (
            "<role_mappings><registration_role_mapping><from><name>x</name></from></registration_role_mapping></role_mappings>",
            "Role is missing from destination.",
        ),
        (
            "<lun_mappings><registration_lun_mapping><to/></registration_lun_mapping></lun_mappings>",
            "Lun id is missing from source.",
        ),
        (
            "<affinity_label_mappings><registration_affinity_label_mapping><from><name>a</name></from></registration_affinity_label_mapping></affinity_label_mappings>",
            "AffinityLabel name is missing from destination.",
        ),
    ] {
        let text = format!(
            "<action><registration_configuration>{body}</registration_configuration></action>"
        );
        assert_eq!(read_registration(&text).unwrap_err().message, message);
    }
}

#[test]
fn deprecated_action_level_vnic_mappings() {
    let text = r#"<action><vnic_profile_mappings>
      <vnic_profile_mapping><source_network_name>red</source_network_name><source_network_profile_name>gold</source_network_profile_name>
        <target_vnic_profile id="00000000-0000-0000-0000-0000000000f1"/></vnic_profile_mapping>
      <vnic_profile_mapping><source_network_name>blue</source_network_name><source_network_profile_name>x</source_network_profile_name></vnic_profile_mapping>
    </vnic_profile_mappings></action>"#;
    let r = read_registration(text).unwrap();
    assert_eq!(
        r.vnic_profile_mappings[0].target,
        VnicTarget::Profile(Id::from_u128(0xf1))
    );
    assert_eq!(r.vnic_profile_mappings[1].target, VnicTarget::Unplugged);
}
