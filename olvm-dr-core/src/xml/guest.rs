//! The guest's side of a VM on the wire: `<reported_device>` (what the guest agent reports) and
//! the body of a start with cloud-init (`<action><use_cloud_init>true</use_cloud_init>
//! <vm><initialization>…`).
//!
//! Shapes from the API model (`types/ReportedDevice.java`, `types/Initialization.java`,
//! `types/NicConfiguration.java`, `services/VmService.java` `start`) and the Engine's
//! `ReportedDeviceMapper` (`description` "guest reported data", `type` `network`, `ips` only
//! when the guest reported some, each with its `version`).

use std::net::IpAddr;

use crate::engine::{Initialization, NicConfiguration, ReportedDevice};
use crate::xml::{Node, Scope, XmlEntity, XmlError, XmlWriter, expect_root, parse};

impl XmlEntity for ReportedDevice {
    const TAG: &'static str = "reported_device";
    const PLURAL: &'static str = "reported_devices";

    fn read(n: &Node<'_>) -> Result<Self, XmlError> {
        let ips = match n.child("ips") {
            Some(list) => list
                .children("ip")
                .map(|ip| read_address(&ip))
                .collect::<Result<Vec<_>, _>>()?,
            None => Vec::new(),
        };
        Ok(Self {
            id: n.id()?,
            vm: n.ref_id("vm")?.unwrap_or(crate::engine::Id::NIL),
            name: n.string_of("name").unwrap_or_default(),
            mac: n
                .string_at(&["mac", "address"])
                .map(|m| m.trim().to_ascii_lowercase()),
            ips,
        })
    }

    fn write(&self, w: &mut XmlWriter, scope: &Scope) {
        let href = scope.href(self.id);
        w.open(Self::TAG, &[("href", &href), ("id", &self.id.to_string())]);
        w.text("name", &self.name);
        w.text("description", "guest reported data");
        if !self.ips.is_empty() {
            w.open("ips", &[]);
            for ip in &self.ips {
                w.open("ip", &[]);
                w.value("address", ip);
                w.text("version", version(*ip));
                w.close("ip");
            }
            w.close("ips");
        }
        if let Some(mac) = &self.mac {
            w.open("mac", &[]);
            w.text("address", mac);
            w.close("mac");
        }
        w.text("type", "network");
        w.reference("vm", "vms", self.vm);
        w.close(Self::TAG);
    }
}

fn version(ip: IpAddr) -> &'static str {
    if ip.is_ipv4() { "v4" } else { "v6" }
}

fn read_address(ip: &Node<'_>) -> Result<IpAddr, XmlError> {
    let text = ip.req_text("address")?.trim();
    text.parse()
        .map_err(|_| ip.error(format!("'{text}' is not an IP address")))
}

/// The body of `POST /vms/{id}/start` with cloud-init applying `init`.
pub fn write_start_with_initialization(init: &Initialization) -> String {
    let mut w = XmlWriter::document();
    w.open("action", &[]);
    w.bool("use_cloud_init", true);
    w.open("vm", &[]);
    w.open("initialization", &[]);
    if !init.dns_servers.is_empty() {
        let servers: Vec<String> = init.dns_servers.iter().map(ToString::to_string).collect();
        w.text("dns_servers", &servers.join(" "));
    }
    w.open("nic_configurations", &[]);
    for c in &init.nic_configurations {
        let (ip_tag, protocol_tag) = if c.address.is_ipv4() {
            ("ip", "boot_protocol")
        } else {
            ("ipv6", "ipv6_boot_protocol")
        };
        w.open("nic_configuration", &[]);
        w.text(protocol_tag, "static");
        w.open(ip_tag, &[]);
        w.value("address", c.address);
        w.opt_value("gateway", c.gateway);
        w.text("netmask", &c.netmask());
        w.close(ip_tag);
        w.text("name", &c.name);
        w.bool("on_boot", true);
        w.close("nic_configuration");
    }
    w.close("nic_configurations");
    w.close("initialization");
    w.close("vm");
    w.close("action");
    w.finish()
}

/// Reads the body of `POST /vms/{id}/start`: the initialization cloud-init applies, `None`
/// when `use_cloud_init` is not `true` or the body has no `vm.initialization`.
pub fn read_start(text: &str) -> Result<Option<Initialization>, XmlError> {
    let root = parse(text)?;
    expect_root(&root, "action")?;
    let root = Node::root(&root);
    if !root.flag("use_cloud_init")? {
        return Ok(None);
    }
    let Some(vm) = root.child("vm") else {
        return Ok(None);
    };
    let Some(init) = vm.child("initialization") else {
        return Ok(None);
    };
    let dns_servers = match init.text_of("dns_servers") {
        Some(list) => list
            .split_whitespace()
            .map(|a| {
                a.parse()
                    .map_err(|_| init.error(format!("'{a}' is not an IP address")))
            })
            .collect::<Result<Vec<_>, _>>()?,
        None => Vec::new(),
    };
    let nic_configurations = match init.child("nic_configurations") {
        Some(list) => list
            .children("nic_configuration")
            .map(|c| read_nic_configuration(&c))
            .collect::<Result<Vec<_>, _>>()?,
        None => Vec::new(),
    };
    Ok(Some(Initialization {
        nic_configurations,
        dns_servers,
    }))
}

fn read_nic_configuration(c: &Node<'_>) -> Result<NicConfiguration, XmlError> {
    let ip = c
        .child("ip")
        .or_else(|| c.child("ipv6"))
        .ok_or_else(|| c.error("a nic_configuration without ip or ipv6"))?;
    let address = read_address(&ip)?;
    let netmask = ip.text_of("netmask").unwrap_or("");
    let prefix = NicConfiguration::prefix_of(netmask)
        .ok_or_else(|| ip.error(format!("'{netmask}' is not a netmask")))?;
    let gateway = match ip.text_of("gateway").map(str::trim) {
        Some(g) if !g.is_empty() => Some(
            g.parse()
                .map_err(|_| ip.error(format!("'{g}' is not an IP address")))?,
        ),
        _ => None,
    };
    Ok(NicConfiguration {
        name: c.req_text("name")?.trim().to_owned(),
        address,
        prefix,
        gateway,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Id;
    use crate::xml::{read_list, write_list};

    #[test]
    fn a_start_with_cloud_init_round_trips() {
        let init = Initialization {
            nic_configurations: vec![
                NicConfiguration {
                    name: "eth0".into(),
                    address: "10.201.4.7".parse().unwrap(),
                    prefix: 16,
                    gateway: Some("10.201.0.1".parse().unwrap()),
                },
                NicConfiguration {
                    name: "eth1".into(),
                    address: "fd00:99::42".parse().unwrap(),
                    prefix: 64,
                    gateway: None,
                },
            ],
            dns_servers: vec!["10.201.0.53".parse().unwrap()],
        };
        let body = write_start_with_initialization(&init);
        assert!(body.contains("<netmask>255.255.0.0</netmask>"), "{body}");
        assert_eq!(read_start(&body).unwrap(), Some(init));
        assert_eq!(read_start("<action/>").unwrap(), None);
    }

    #[test]
    fn reported_devices_round_trip() {
        let devices = vec![
            ReportedDevice {
                id: Id::from_u128(7),
                vm: Id::from_u128(1),
                name: "eth0".into(),
                mac: Some("56:6f:00:00:00:01".into()),
                ips: vec!["10.1.4.7".parse().unwrap(), "fd00:1::7".parse().unwrap()],
            },
            ReportedDevice {
                id: Id::from_u128(8),
                vm: Id::from_u128(1),
                name: "lo".into(),
                mac: None,
                ips: Vec::new(),
            },
        ];
        let text = write_list(&devices, &Scope::new("vms/x/reporteddevices"));
        assert!(text.contains("<version>v6</version>"), "{text}");
        assert_eq!(read_list::<ReportedDevice>(&text).unwrap(), devices);
    }
}
