use super::*;
use crate::plan::source_record::RecordedAddress;
use crate::plan::{ExpectedNic, PlanKind};

const PLAN: &str = r#"
vms:
  web01:
    addresses:
      - interface: eth0
        address: 10.201.77.7/16
        gateway: 10.201.0.1
        dns: [10.201.0.53]
      - network: backup-net
        address: 192.168.50.7/24
reip:
  networks:
    - network: prod-net
      from: 10.1.0.0/16
      to: 10.201.0.0/16
      gateway: 10.201.0.1
      dns: [10.201.0.53]
    - network: backup-net
      from: 192.168.10.0/24
      to: 192.168.50.0/24
"#;

fn recovery() -> RecoveryPlan {
    RecoveryPlan::from_str(PLAN, None).plan.expect("valid")
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

/// A VM with eth0 on prod-net, eth1 on backup-net and eth2 on storage-net.
fn record(name: &str, ips: [&str; 3]) -> RecordedVm {
    let nets = ["prod-net", "backup-net", "storage-net"];
    RecordedVm {
        name: name.into(),
        disks: Vec::new(),
        nics: (0..3)
            .map(|i| ExpectedNic {
                name: format!("nic{i}"),
                mac: Some(format!("56:6f:00:00:01:0{i}")),
                network_profile: Some((nets[i].into(), nets[i].into())),
            })
            .collect(),
        affinity_groups: Vec::new(),
        affinity_labels: Vec::new(),
        cluster: "c1".into(),
        addresses: (0..3)
            .map(|i| RecordedAddress {
                interface: format!("eth{i}"),
                mac: Some(format!("56:6f:00:00:01:0{i}")),
                ips: vec![ip(ips[i])],
            })
            .collect(),
        tags: Vec::new(),
    }
}

fn config(init: &Initialization, interface: &str) -> NicConfiguration {
    init.nic_configurations
        .iter()
        .find(|c| c.name == interface)
        .cloned()
        .unwrap_or_else(|| panic!("{interface} is configured: {init:?}"))
}

#[test]
fn own_addresses_come_first_and_translations_move_the_rest() {
    let recovery = recovery();
    let plan = Plan::new(PlanKind::Failover, Site::Secondary, "x");
    let r = Readdress::for_plan(&plan, &recovery).unwrap();
    let primary = record("web01", ["10.1.3.4", "192.168.10.4", "172.16.0.4"]);
    let (init, changes) = r.of("web01", Some(&primary));
    let init = init.unwrap();
    let eth0 = config(&init, "eth0");
    assert_eq!((eth0.address, eth0.prefix), (ip("10.201.77.7"), 16));
    assert_eq!(eth0.gateway, Some(ip("10.201.0.1")));
    // By network: backup-net's NIC is eth1; its own address wins over the translation.
    let eth1 = config(&init, "eth1");
    assert_eq!(
        (eth1.address, eth1.prefix, eth1.gateway),
        (ip("192.168.50.7"), 24, None)
    );
    assert_eq!(
        init.nic_configurations.len(),
        2,
        "storage-net is not translated"
    );
    assert_eq!(init.dns_servers, vec![ip("10.201.0.53")]);
    let moved: Vec<(&str, IpAddr, IpAddr)> = changes
        .iter()
        .map(|c| (c.interface.as_str(), c.old, c.new))
        .collect();
    assert_eq!(
        moved,
        vec![
            ("eth0", ip("10.1.3.4"), ip("10.201.77.7")),
            ("eth1", ip("192.168.10.4"), ip("192.168.50.7"))
        ]
    );
    // Another VM only gets the translation.
    let (init, _) = r.of(
        "db01",
        Some(&record("db01", ["10.1.3.5", "10.9.9.9", "172.16.0.5"])),
    );
    assert_eq!(config(&init.unwrap(), "eth0").address, ip("10.201.3.5"));
}

#[test]
fn back_to_the_primary_returns_to_the_recorded_addresses() {
    let recovery = recovery();
    let mut plan = Plan::new(PlanKind::Failback, Site::Primary, "x");
    let primary = record("web01", ["10.1.3.4", "192.168.10.4", "172.16.0.4"]);
    let secondary = record("web01", ["10.201.77.7", "192.168.50.7", "172.16.0.4"]);
    // Without the primary's record the own addresses stay; nothing is guessed.
    let r = Readdress::for_plan(&plan, &recovery).unwrap();
    let (init, changes) = r.of("web01", Some(&secondary));
    assert_eq!(init, None, "{changes:?}");

    plan.return_record.insert("web01".into(), primary);
    let r = Readdress::for_plan(&plan, &recovery).unwrap();
    let (init, changes) = r.of("web01", Some(&secondary));
    let init = init.unwrap();
    let eth0 = config(&init, "eth0");
    assert_eq!((eth0.address, eth0.prefix), (ip("10.1.3.4"), 16));
    assert_eq!(
        eth0.gateway,
        Some(ip("10.1.0.1")),
        "the gateway translated back"
    );
    assert_eq!(init.dns_servers, vec![ip("10.1.0.53")]);
    assert_eq!(config(&init, "eth1").address, ip("192.168.10.4"));
    assert_eq!(changes[0].old, ip("10.201.77.7"));
    assert_eq!(changes[0].new, ip("10.1.3.4"));
}

#[test]
fn drills_keep_addresses_unless_asked() {
    let mut recovery = recovery();
    let mut plan = Plan::new(PlanKind::Failover, Site::Secondary, "x");
    plan.drill = true;
    assert!(Readdress::for_plan(&plan, &recovery).is_none());
    recovery.reip.in_drills = true;
    assert!(Readdress::for_plan(&plan, &recovery).is_some());
    let none = RecoveryPlan::default();
    plan.drill = false;
    assert!(Readdress::for_plan(&plan, &none).is_none());
}
