//! Reading a VM's own addresses on the other site (`vms.<name>.addresses`): each names one
//! guest interface (`interface`) or the NIC on a source network (`network`), and gives
//! `address` as ADDRESS/PREFIX, an optional `gateway` inside that subnet and `dns` servers.

use std::net::IpAddr;

use super::super::{NicRef, Subnet, VmAddress};
use super::{Reader, get};
use crate::mapping::yaml::Node;
use crate::validate::codes;

impl Reader {
    /// The list at `path`; each problem is an error at its line and column.
    pub(super) fn vm_addresses(&mut self, node: &Node, path: &str) -> Vec<VmAddress> {
        let mut out: Vec<VmAddress> = Vec::new();
        for (i, item) in self.seq(node, path).iter().enumerate() {
            let at = format!("{path}[{i}]");
            let Some(a) = self.vm_address(item, &at) else {
                continue;
            };
            if out.iter().any(|b| b.nic == a.nic) {
                self.f
                    .error(
                        codes::RECOVERY_REIP,
                        Some(item.pos),
                        at,
                        format!(
                            "{} has two addresses: which one applies would be a guess",
                            a.nic
                        ),
                    )
                    .hint = Some("keep one address per interface".into());
                continue;
            }
            out.push(a);
        }
        out
    }

    fn vm_address(&mut self, node: &Node, path: &str) -> Option<VmAddress> {
        let entries = self.map(node, path)?;
        self.known_keys(
            entries,
            path,
            &["interface", "network", "address", "gateway", "dns"],
        );
        let interface = get(entries, "interface")
            .and_then(|n| self.text(n, &format!("{path}.interface")))
            .map(NicRef::Interface);
        let network = get(entries, "network")
            .and_then(|n| self.text(n, &format!("{path}.network")))
            .map(NicRef::Network);
        let nic = match (interface, network) {
            (Some(nic), None) | (None, Some(nic)) => Some(nic),
            (Some(_), Some(_)) => {
                self.f
                    .error(
                        codes::RECOVERY_REIP,
                        Some(node.pos),
                        path.to_owned(),
                        "an address names its interface by 'interface' or by 'network', not both",
                    )
                    .hint = Some("keep one of the two".into());
                None
            }
            (None, None) => {
                self.f
                    .error(
                        codes::MISSING_KEY,
                        Some(node.pos),
                        path.to_owned(),
                        "an address needs the 'interface' it configures (e.g. eth0) or the 'network' of its NIC",
                    )
                    .hint = Some("add 'interface: eth0' or 'network: <source network>'".into());
                None
            }
        };
        let address = match get(entries, "address") {
            Some(n) => self.cidr(n, &format!("{path}.address")),
            None => {
                self.f
                    .error(
                        codes::MISSING_KEY,
                        Some(node.pos),
                        path.to_owned(),
                        "an address needs 'address' (ADDRESS/PREFIX)",
                    )
                    .hint = Some("e.g. address: 10.201.5.7/16".into());
                None
            }
        };
        let gateway = get(entries, "gateway")
            .and_then(|n| self.ip(n, &format!("{path}.gateway")).map(|ip| (ip, n.pos)));
        let dns: Vec<IpAddr> = get(entries, "dns")
            .map(|n| {
                let items = self.texts(n, &format!("{path}.dns"));
                items
                    .into_iter()
                    .filter_map(|(t, pos)| self.parse_ip(&t, pos, &format!("{path}.dns")))
                    .collect()
            })
            .unwrap_or_default();
        let (nic, (address, prefix)) = (nic?, address?);
        if let Some((gw, pos)) = gateway
            && let Some(subnet) = Subnet::holding(address, prefix)
            && !subnet.contains(gw)
        {
            self.f
                .error(
                    codes::RECOVERY_REIP,
                    Some(pos),
                    format!("{path}.gateway"),
                    format!(
                        "the gateway {gw} is not in {subnet}, the subnet of {address}/{prefix}"
                    ),
                )
                .hint =
                Some("give a gateway on the address's subnet, or correct the prefix".into());
        }
        Some(VmAddress {
            nic,
            address,
            prefix,
            gateway: gateway.map(|(g, _)| g),
            dns,
        })
    }

    /// ADDRESS/PREFIX, host bits allowed.
    fn cidr(&mut self, node: &Node, path: &str) -> Option<(IpAddr, u8)> {
        let text = self.text(node, path)?;
        let parsed = text.trim().split_once('/').and_then(|(a, p)| {
            let address: IpAddr = a.parse().ok()?;
            let prefix: u8 = p.parse().ok()?;
            Subnet::holding(address, prefix).map(|_| (address, prefix))
        });
        if parsed.is_none() {
            self.f
                .error(
                    codes::RECOVERY_REIP,
                    Some(node.pos),
                    path.to_owned(),
                    format!("'{text}' is not an address with its prefix length"),
                )
                .hint = Some(
                "write ADDRESS/PREFIX, e.g. 10.201.5.7/16 (prefix 0-32 for IPv4, 0-128 for IPv6)"
                    .into(),
            );
        }
        parsed
    }
}

#[cfg(test)]
mod tests {
    use crate::recovery_plan::{NicRef, RecoveryPlan};

    fn errors(text: &str) -> Vec<(String, u32, u32)> {
        RecoveryPlan::from_str(text, None)
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| {
                (
                    d.code.to_string(),
                    d.location.line.unwrap_or(0),
                    d.location.column.unwrap_or(0),
                )
            })
            .collect()
    }

    #[test]
    fn reads_addresses_by_interface_and_by_network() {
        let text = "vms:\n  web01:\n    addresses:\n      - interface: eth0\n        address: 10.201.5.7/16\n        gateway: 10.201.0.1\n        dns: [10.201.0.53]\n      - network: backup-net\n        address: fd00:99::7/64\n";
        let loaded = RecoveryPlan::from_str(text, None);
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        let plan = loaded.plan.unwrap();
        let a = &plan.vms["web01"].addresses;
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].nic, NicRef::Interface("eth0".into()));
        assert_eq!(a[0].address.to_string(), "10.201.5.7");
        assert_eq!(a[0].prefix, 16);
        assert_eq!(a[0].gateway.unwrap().to_string(), "10.201.0.1");
        assert_eq!(a[0].dns.len(), 1);
        assert_eq!(a[1].nic, NicRef::Network("backup-net".into()));
        assert_eq!(a[1].prefix, 64);
    }

    #[test]
    fn each_problem_is_an_error_at_its_place() {
        let text = "vms:\n  web01:\n    addresses:\n      - interface: eth0\n        address: 10.201.5.7\n      - network: n\n        interface: eth1\n        address: 10.201.5.8/16\n      - address: 10.201.5.9/16\n      - interface: eth2\n        address: 10.201.5.9/16\n        gateway: 10.202.0.1\n      - interface: eth2\n        address: 10.201.5.10/16\n      - interface: eth3\n        address: 10.1.1.1/40\n      - interface: eth4\n        adress: 10.1.1.1/16\n";
        let e = errors(text);
        assert!(e.contains(&("DR1306".into(), 5, 18)), "no prefix: {e:?}");
        assert!(e.contains(&("DR1306".into(), 6, 9)), "both names: {e:?}");
        assert!(e.contains(&("DR0202".into(), 9, 9)), "no name: {e:?}");
        assert!(
            e.contains(&("DR1306".into(), 12, 18)),
            "gateway outside: {e:?}"
        );
        assert!(e.contains(&("DR1306".into(), 13, 9)), "twice eth2: {e:?}");
        assert!(e.contains(&("DR1306".into(), 16, 18)), "prefix 40: {e:?}");
        assert!(
            e.iter().any(|(c, l, _)| c == "DR0201" && *l == 18),
            "misspelt key: {e:?}"
        );
        assert!(RecoveryPlan::from_str(text, None).plan.is_none());
    }
}
