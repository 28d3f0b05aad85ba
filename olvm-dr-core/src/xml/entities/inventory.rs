//! Data centers, clusters, hosts, networks, vNIC profiles and jobs.
//!
//! Unknown enumeration values: a data center status reads as `problematic` (not usable as far
//! as this crate can tell), a host status as `unassigned`, an SPM status as `none`, a job status
//! as `unknown`.

use super::{open_entity, read_cpu_count, read_version, write_cpu_count, write_version};
use crate::engine::{
    Cluster, DataCenter, DataCenterStatus, Host, HostStatus, Job, JobStatus, Network, SpmStatus,
    Version, VnicProfile,
};
use crate::xml::{Node, Scope, XmlEntity, XmlError, XmlWriter};

impl XmlEntity for DataCenter {
    const TAG: &'static str = "data_center";
    const PLURAL: &'static str = "data_centers";

    fn read(n: &Node<'_>) -> Result<Self, XmlError> {
        Ok(Self {
            id: n.id()?,
            name: n.req_text("name")?.to_owned(),
            status: n.req_enum("status", DataCenterStatus::Problematic)?,
            version: read_version(n, "version")?,
            local: n.flag("local")?,
        })
    }

    fn write(&self, w: &mut XmlWriter, scope: &Scope) {
        let href = scope.href(self.id);
        open_entity(w, Self::TAG, &href, &self.id.to_string());
        w.actions(&href, &["cleanfinishedtasks", "setmaster"]);
        w.text("name", &self.name);
        w.links(
            &href,
            &["clusters", "networks", "permissions", "storagedomains"],
        );
        w.text("comment", "");
        w.text("description", "");
        w.bool("local", self.local);
        w.text("quota_mode", "disabled");
        w.value("status", self.status);
        w.text("storage_format", storage_format(self.version));
        w.open("supported_versions", &[]);
        write_version(w, self.version);
        w.close("supported_versions");
        write_version(w, self.version);
        w.close(Self::TAG);
    }
}

impl XmlEntity for Cluster {
    const TAG: &'static str = "cluster";
    const PLURAL: &'static str = "clusters";

    fn read(n: &Node<'_>) -> Result<Self, XmlError> {
        Ok(Self {
            id: n.id()?,
            name: n.req_text("name")?.to_owned(),
            data_center: n.ref_id("data_center")?,
            version: read_version(n, "version")?,
            mac_pool: n.ref_id("mac_pool")?,
            cpu_architecture: n.string_at(&["cpu", "architecture"]),
        })
    }

    fn write(&self, w: &mut XmlWriter, scope: &Scope) {
        let href = scope.href(self.id);
        open_entity(w, Self::TAG, &href, &self.id.to_string());
        w.actions(&href, &["resetemulatedmachine"]);
        w.text("name", &self.name);
        w.links(&href, &["affinitygroups", "networks", "permissions"]);
        w.text("comment", "");
        w.text("description", "");
        w.bool("ballooning_enabled", false);
        if let Some(arch) = &self.cpu_architecture {
            w.open("cpu", &[]);
            w.text("architecture", arch);
            w.close("cpu");
        }
        write_cluster_defaults(w);
        write_version(w, self.version);
        w.opt_reference("data_center", "datacenters", self.data_center);
        w.opt_reference("mac_pool", "macpools", self.mac_pool);
        w.close(Self::TAG);
    }
}

/// The storage format of a data center at compatibility `version`.
fn storage_format(version: Version) -> &'static str {
    crate::engine::StorageFormat::for_level(version).as_str()
}

/// What `ClusterMapper` writes for a cluster created with the Engine's defaults (the fake's
/// clusters keep none of these settings): the VM service only, migrate on a host error,
/// memory over-commit 100 % with KSM and transparent huge pages, a Linux bridge switch,
/// firewalld.
fn write_cluster_defaults(w: &mut XmlWriter) {
    w.open("error_handling", &[]);
    w.text("on_error", "migrate");
    w.close("error_handling");
    w.text("firewall_type", "firewalld");
    w.bool("gluster_service", false);
    w.bool("ha_reservation", false);
    w.open("ksm", &[]);
    w.bool("enabled", true);
    w.bool("merge_across_nodes", true);
    w.close("ksm");
    w.open("memory_policy", &[]);
    w.open("over_commit", &[]);
    w.value("percent", 100);
    w.close("over_commit");
    w.open("transparent_hugepages", &[]);
    w.bool("enabled", true);
    w.close("transparent_hugepages");
    w.close("memory_policy");
    w.text("switch_type", "legacy");
    w.bool("threads_as_cores", false);
    w.bool("trusted_service", false);
    w.bool("tunnel_migration", false);
    w.bool("virt_service", true);
}

impl XmlEntity for Host {
    const TAG: &'static str = "host";
    const PLURAL: &'static str = "hosts";

    fn read(n: &Node<'_>) -> Result<Self, XmlError> {
        Ok(Self {
            id: n.id()?,
            name: n.req_text("name")?.to_owned(),
            address: n.string_of("address").unwrap_or_default(),
            status: n.req_enum("status", HostStatus::Unassigned)?,
            cluster: n.ref_id("cluster")?,
            spm: n.enum_at(&["spm", "status"]).unwrap_or(SpmStatus::None),
            memory: n.parse_at(&["memory"])?.unwrap_or(0),
            max_scheduling_memory: n.parse_at(&["max_scheduling_memory"])?.unwrap_or(0),
            cpu_threads: read_cpu_count(n)?,
            iscsi_initiator: n.string_at(&["iscsi", "initiator"]),
        })
    }

    fn write(&self, w: &mut XmlWriter, scope: &Scope) {
        let href = scope.href(self.id);
        open_entity(w, Self::TAG, &href, &self.id.to_string());
        w.actions(
            &href,
            &[
                "activate",
                "deactivate",
                "discoveriscsi",
                "iscsidiscover",
                "iscsilogin",
            ],
        );
        w.text("name", &self.name);
        w.links(
            &href,
            &[
                "nics",
                "permissions",
                "storage",
                "storageconnectionextensions",
            ],
        );
        w.text("address", &self.address);
        w.open("cpu", &[]);
        write_cpu_count(w, self.cpu_threads);
        w.close("cpu");
        if let Some(initiator) = &self.iscsi_initiator {
            w.open("iscsi", &[]);
            w.text("initiator", initiator);
            w.close("iscsi");
        }
        w.text("external_status", "ok");
        w.value("max_scheduling_memory", self.max_scheduling_memory);
        w.value("memory", self.memory);
        // VDSM's port and protocol (`VdsStatic` defaults).
        w.value("port", 54321);
        w.text("protocol", "stomp");
        w.open("spm", &[]);
        w.value("priority", 5);
        w.value("status", self.spm);
        w.close("spm");
        w.value("status", self.status);
        w.text("type", "rhel");
        w.opt_reference("cluster", "clusters", self.cluster);
        w.close(Self::TAG);
    }
}

impl XmlEntity for Network {
    const TAG: &'static str = "network";
    const PLURAL: &'static str = "networks";

    fn read(n: &Node<'_>) -> Result<Self, XmlError> {
        let data_center = n.req_child("data_center")?.id()?;
        let vlan = match n.child("vlan") {
            Some(v) => v.attr("id").map(|t| {
                t.parse::<u32>().map_err(|_| {
                    XmlError::new(
                        format!("{}@id", v.path()),
                        format!("'{t}' is not a VLAN tag"),
                    )
                })
            }),
            None => None,
        }
        .transpose()?;
        Ok(Self {
            id: n.id()?,
            name: n.req_text("name")?.to_owned(),
            data_center,
            vlan,
        })
    }

    fn write(&self, w: &mut XmlWriter, scope: &Scope) {
        let href = scope.href(self.id);
        open_entity(w, Self::TAG, &href, &self.id.to_string());
        w.text("name", &self.name);
        w.links(&href, &["permissions", "vnicprofiles"]);
        w.text("comment", "");
        w.text("description", "");
        w.value("mtu", 0);
        w.bool("required", true);
        w.bool("stp", false);
        w.open("usages", &[]);
        w.text("usage", "vm");
        w.close("usages");
        if let Some(tag) = self.vlan {
            w.empty("vlan", &[("id", &tag.to_string())]);
        }
        w.reference("data_center", "datacenters", self.data_center);
        w.close(Self::TAG);
    }
}

impl XmlEntity for VnicProfile {
    const TAG: &'static str = "vnic_profile";
    const PLURAL: &'static str = "vnic_profiles";

    fn read(n: &Node<'_>) -> Result<Self, XmlError> {
        Ok(Self {
            id: n.id()?,
            name: n.req_text("name")?.to_owned(),
            network: n.req_child("network")?.id()?,
        })
    }

    fn write(&self, w: &mut XmlWriter, scope: &Scope) {
        let href = scope.href(self.id);
        open_entity(w, Self::TAG, &href, &self.id.to_string());
        w.text("name", &self.name);
        w.links(&href, &["permissions"]);
        w.open("pass_through", &[]);
        w.text("mode", "disabled");
        w.close("pass_through");
        w.bool("port_mirroring", false);
        w.reference("network", "networks", self.network);
        w.close(Self::TAG);
    }
}

impl XmlEntity for Job {
    const TAG: &'static str = "job";
    const PLURAL: &'static str = "jobs";

    fn read(n: &Node<'_>) -> Result<Self, XmlError> {
        Ok(Self {
            id: n.id()?,
            description: n.text_of("description").unwrap_or_default().to_owned(),
            status: n.req_enum("status", JobStatus::Unknown)?,
        })
    }

    fn write(&self, w: &mut XmlWriter, scope: &Scope) {
        let href = scope.href(self.id);
        open_entity(w, Self::TAG, &href, &self.id.to_string());
        w.actions(&href, &["clear", "end"]);
        w.text("description", &self.description);
        w.links(&href, &["steps"]);
        w.bool("auto_cleared", true);
        w.bool("external", false);
        w.value("status", self.status);
        w.close(Self::TAG);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Id, Version};
    use crate::xml::{read_list, read_one, write_list, write_one};

    fn id(n: u128) -> Id {
        Id::from_u128(n)
    }

    #[test]
    fn data_center_from_reference_and_round_trip() {
        let xml = r#"<data_center href="/ovirt-engine/api/datacenters/00000000-0000-0000-0000-000000000001" id="00000000-0000-0000-0000-000000000001">
          <name>dr-dc</name><local>false</local><quota_mode>disabled</quota_mode><status>up</status>
          <storage_format>v5</storage_format>
          <supported_versions><version><major>4</major><minor>7</minor></version></supported_versions>
          <version><major>4</major><minor>7</minor></version>
          <link href="/ovirt-engine/api/datacenters/DC1/storagedomains" rel="storagedomains"/>
        </data_center>"#;
        let dc: DataCenter = read_one(xml).unwrap();
        assert_eq!(dc.name, "dr-dc");
        assert_eq!(dc.status, DataCenterStatus::Up);
        assert_eq!(dc.version, Version::new(4, 7));
        assert!(!dc.local);
        let scope = Scope::new("datacenters");
        assert_eq!(
            read_list::<DataCenter>(&write_list(std::slice::from_ref(&dc), &scope)).unwrap(),
            vec![dc]
        );
        assert_eq!(
            read_list::<DataCenter>(&write_list::<DataCenter>(&[], &scope)).unwrap(),
            vec![]
        );
    }

    #[test]
    fn cluster_host_network_profile_job_round_trip() {
        let scope = Scope::new("x");
        let cluster = Cluster {
            id: id(1),
            name: "dr-cluster".into(),
            data_center: Some(id(2)),
            version: Version::new(4, 7),
            mac_pool: Some(id(3)),
            cpu_architecture: Some("x86_64".into()),
        };
        assert_eq!(
            read_one::<Cluster>(&write_one(&cluster, &scope)).unwrap(),
            cluster
        );
        let host = Host {
            id: id(4),
            name: "hv1".into(),
            address: "hv1.example".into(),
            status: HostStatus::Up,
            cluster: Some(id(1)),
            spm: SpmStatus::Spm,
            memory: 1 << 36,
            max_scheduling_memory: 1 << 35,
            cpu_threads: 48,
            iscsi_initiator: Some("iqn.1994-05.com.redhat:hv1".into()),
        };
        assert_eq!(read_one::<Host>(&write_one(&host, &scope)).unwrap(), host);
        let network = Network {
            id: id(5),
            name: "red".into(),
            data_center: id(2),
            vlan: Some(100),
        };
        assert_eq!(
            read_one::<Network>(&write_one(&network, &scope)).unwrap(),
            network
        );
        let untagged = Network {
            vlan: None,
            ..network
        };
        assert_eq!(
            read_one::<Network>(&write_one(&untagged, &scope)).unwrap(),
            untagged
        );
        let profile = VnicProfile {
            id: id(6),
            name: "gold".into(),
            network: id(5),
        };
        assert_eq!(
            read_one::<VnicProfile>(&write_one(&profile, &scope)).unwrap(),
            profile
        );
        let job = Job {
            id: id(7),
            description: "Activating".into(),
            status: JobStatus::Finished,
        };
        assert_eq!(read_one::<Job>(&write_one(&job, &scope)).unwrap(), job);
    }

    #[test]
    fn host_sample_and_unknown_enums() {
        let xml = r#"<hosts><host href="/ovirt-engine/api/hosts/H1" id="00000000-0000-0000-0000-000000000004">
          <name>hv1.site-b</name><address>hv1.site-b.example</address><status>brand_new_state</status>
          <spm><priority>5</priority><status>spm</status></spm><type>rhel</type>
          <cpu><topology><cores>4</cores><sockets>2</sockets><threads>2</threads></topology></cpu>
          <iscsi><initiator>iqn.1994-05.com.redhat:hv1</initiator></iscsi>
          <cluster href="/ovirt-engine/api/clusters/C1" id="00000000-0000-0000-0000-000000000001"/>
        </host></hosts>"#;
        let hosts: Vec<Host> = read_list(xml).unwrap();
        assert_eq!(hosts[0].status, HostStatus::Unassigned);
        assert_eq!(hosts[0].spm, SpmStatus::Spm);
        assert_eq!(hosts[0].cpu_threads, 16);
        assert_eq!(hosts[0].cluster, Some(id(1)));
        let job = r#"<job id="00000000-0000-0000-0000-000000000007"><status>paused</status></job>"#;
        assert_eq!(read_one::<Job>(job).unwrap().status, JobStatus::Unknown);
    }

    /// Reference §2.3 samples of `cluster`, `vnic_profile`, `network` and `job`.
    #[test]
    fn reference_samples() {
        let cluster: Cluster = read_one(
            r#"<cluster href="/ovirt-engine/api/clusters/C1" id="00000000-0000-0000-0000-000000000001">
              <name>dr-cluster</name>
              <cpu><architecture>x86_64</architecture><type>Secure Intel Cascadelake Server Family</type></cpu>
              <version><major>4</major><minor>7</minor></version>
              <data_center href="/ovirt-engine/api/datacenters/DC1" id="00000000-0000-0000-0000-000000000002"/>
              <mac_pool href="/ovirt-engine/api/macpools/MP1" id="00000000-0000-0000-0000-000000000003"/>
              <link href="/ovirt-engine/api/clusters/C1/affinitygroups" rel="affinitygroups"/>
            </cluster>"#,
        )
        .unwrap();
        assert_eq!(cluster.version, Version::new(4, 7));
        assert_eq!(cluster.cpu_architecture.as_deref(), Some("x86_64"));
        assert_eq!(
            (cluster.data_center, cluster.mac_pool),
            (Some(id(2)), Some(id(3)))
        );
        let profile: VnicProfile = read_one(
            r#"<vnic_profile href="/ovirt-engine/api/vnicprofiles/P1" id="00000000-0000-0000-0000-000000000006">
              <name>gold</name><pass_through><mode>disabled</mode></pass_through><port_mirroring>false</port_mirroring>
              <network href="/ovirt-engine/api/networks/N1" id="00000000-0000-0000-0000-000000000005"/>
            </vnic_profile>"#,
        )
        .unwrap();
        assert_eq!((profile.name.as_str(), profile.network), ("gold", id(5)));
        let network: Network = read_one(
            r#"<network id="00000000-0000-0000-0000-000000000005"><name>red</name><data_center id="00000000-0000-0000-0000-000000000002"/>
              <vlan id="100"/><mtu>0</mtu><usages><usage>vm</usage></usages><required>true</required></network>"#,
        )
        .unwrap();
        assert_eq!((network.data_center, network.vlan), (id(2), Some(100)));
        let job: Job = read_one(
            r#"<job href="/ovirt-engine/api/jobs/J1" id="00000000-0000-0000-0000-000000000007">
              <actions><link href="/ovirt-engine/api/jobs/J1/clear" rel="clear"/></actions>
              <description>Activating Storage Domain dr_data_iscsi on Data Center dr-dc</description>
              <auto_cleared>true</auto_cleared><end_time>2026-01-10T10:00:42.000+01:00</end_time>
              <external>false</external><status>finished</status>
              <owner href="/ovirt-engine/api/users/U1" id="00000000-0000-0000-0000-000000000008"/>
            </job>"#,
        )
        .unwrap();
        assert_eq!(job.status, JobStatus::Finished);
        assert!(job.description.starts_with("Activating Storage Domain"));
    }

    #[test]
    fn missing_required_values_name_their_path() {
        let e = read_list::<DataCenter>(
            r#"<data_centers><data_center id="00000000-0000-0000-0000-000000000001"><name>a</name><status>up</status></data_center></data_centers>"#,
        )
        .unwrap_err();
        assert_eq!(e.path, "data_centers/data_center[0]/version");
        let e = read_one::<VnicProfile>(r#"<vnic_profile id="00000000-0000-0000-0000-000000000001"><name>a</name></vnic_profile>"#)
            .unwrap_err();
        assert_eq!(e.path, "vnic_profile/network");
        let e = read_one::<Network>(r#"<network id="00000000-0000-0000-0000-000000000001"><name>a</name><data_center id="00000000-0000-0000-0000-000000000002"/><vlan id="x"/></network>"#)
            .unwrap_err();
        assert_eq!(e.path, "network/vlan@id");
    }

    #[test]
    fn storage_format_follows_the_compatibility_version() {
        assert_eq!(storage_format(Version::new(4, 7)), "v5");
        assert_eq!(storage_format(Version::new(4, 3)), "v5");
        assert_eq!(storage_format(Version::new(4, 2)), "v4");
        assert_eq!(storage_format(Version::new(3, 6)), "v3");
        let mut w = XmlWriter::new();
        w.open("cluster", &[]);
        write_cluster_defaults(&mut w);
        w.close("cluster");
        let el = crate::xml::parse(&w.finish()).unwrap();
        let n = Node::root(&el);
        assert_eq!(
            n.text_at(&["memory_policy", "over_commit", "percent"]),
            Some("100")
        );
        assert_eq!(n.text_at(&["error_handling", "on_error"]), Some("migrate"));
    }
}
