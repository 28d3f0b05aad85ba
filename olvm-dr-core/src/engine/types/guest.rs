//! What a VM's guest is told at start (cloud-init's network configuration) and what its guest
//! agent reports back (its devices and their addresses).

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use super::Id;

/// One NIC's static address as cloud-init sets it at start: an element of
/// `vm.initialization.nic_configurations` (API model `NicConfiguration`: `name`, `ip` or
/// `ipv6` with `address`, `netmask` and `gateway`, `boot_protocol` `static`, `on_boot`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NicConfiguration {
    /// The guest's interface name (the Engine passes it to cloud-init as is), e.g. `eth0`.
    pub name: String,
    /// The address; an IPv6 address goes in the model's `ipv6` element.
    pub address: IpAddr,
    /// The prefix length (sent as a dotted netmask for IPv4, as the length for IPv6).
    pub prefix: u8,
    /// The default gateway through this NIC.
    pub gateway: Option<IpAddr>,
}

impl NicConfiguration {
    /// The IPv4 netmask of the prefix (`255.255.0.0` for 16), or the prefix length for IPv6,
    /// as the Engine's `ip.netmask` carries it.
    pub fn netmask(&self) -> String {
        match self.address {
            IpAddr::V4(_) => {
                let bits = u32::MAX.checked_shl(32 - u32::from(self.prefix.min(32)));
                std::net::Ipv4Addr::from(bits.unwrap_or(0)).to_string()
            }
            IpAddr::V6(_) => self.prefix.to_string(),
        }
    }

    /// The prefix length of a netmask as [`netmask`](Self::netmask) writes it; `None` when it
    /// is neither a contiguous dotted IPv4 mask nor a length.
    pub fn prefix_of(netmask: &str) -> Option<u8> {
        if let Ok(len) = netmask.trim().parse::<u8>() {
            return (len <= 128).then_some(len);
        }
        let mask = u32::from(netmask.trim().parse::<std::net::Ipv4Addr>().ok()?);
        let ones = mask.leading_ones();
        (mask.checked_shl(ones).unwrap_or(0) == 0).then_some(ones as u8)
    }
}

/// The `initialization` a VM is started with through cloud-init (`POST /vms/{id}/start` with
/// `use_cloud_init` and `vm.initialization`): only what a recovery changes, the NICs' addresses
/// and the DNS servers.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Initialization {
    /// One entry per NIC whose address is set.
    pub nic_configurations: Vec<NicConfiguration>,
    /// DNS servers (`initialization.dns_servers`, space-separated on the wire); empty = not set.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dns_servers: Vec<IpAddr>,
}

/// A device the VM's guest agent reports (`GET /vms/{id}/reporteddevices`, API model
/// `ReportedDevice`): a network interface as the guest sees it, with its addresses. The list is
/// empty until the agent in the booted guest has reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportedDevice {
    /// Id. The Engine derives it from the name and MAC (`ReportedDeviceMapper.generateDeviceId`,
    /// a name-based UUID), so it stays the same across reports.
    pub id: Id,
    /// The VM.
    pub vm: Id,
    /// The guest's name of the interface, e.g. `eth0`.
    pub name: String,
    /// Its MAC address, lower-case.
    pub mac: Option<String>,
    /// Its addresses.
    pub ips: Vec<IpAddr>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn netmask_and_prefix_round_trip() {
        let c = |a: &str, prefix| NicConfiguration {
            name: "eth0".into(),
            address: a.parse().unwrap(),
            prefix,
            gateway: None,
        };
        assert_eq!(c("10.1.0.5", 16).netmask(), "255.255.0.0");
        assert_eq!(c("10.1.0.5", 0).netmask(), "0.0.0.0");
        assert_eq!(c("10.1.0.5", 32).netmask(), "255.255.255.255");
        assert_eq!(c("fd00::5", 64).netmask(), "64");
        assert_eq!(NicConfiguration::prefix_of("255.255.240.0"), Some(20));
        assert_eq!(NicConfiguration::prefix_of("64"), Some(64));
        assert_eq!(NicConfiguration::prefix_of("255.0.255.0"), None);
    }
}
