//! Subnets (`10.1.0.0/16`, `fd00:1::/64`) and the translation of an address from one subnet to
//! another of the same size, host part kept.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A subnet: a network address and a prefix length. The address has no host bits set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Subnet {
    network: IpAddr,
    prefix: u8,
}

/// Why a subnet could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubnetError {
    /// Not `ADDRESS/PREFIX`.
    #[error("'{0}' is not a subnet: write ADDRESS/PREFIX, e.g. 10.1.0.0/16")]
    Shape(String),
    /// The prefix is longer than the address.
    #[error("'{0}': the prefix length is out of range (0-32 for IPv4, 0-128 for IPv6)")]
    Prefix(String),
    /// The address has host bits set.
    #[error("'{0}' has host bits set: its network is {1}")]
    HostBits(String, String),
}

impl Subnet {
    /// The network address.
    pub fn network(&self) -> IpAddr {
        self.network
    }

    /// The prefix length.
    pub fn prefix(&self) -> u8 {
        self.prefix
    }

    /// The subnet of prefix length `prefix` that holds `address`; `None` when the prefix is
    /// longer than the address.
    pub fn holding(address: IpAddr, prefix: u8) -> Option<Self> {
        let (value, width) = bits(address);
        (prefix <= width).then(|| Self {
            network: self::address(value & mask(width, prefix), width),
            prefix,
        })
    }

    /// `true` when `address` is in it.
    pub fn contains(&self, address: IpAddr) -> bool {
        let ((net, width), (addr, w)) = (bits(self.network), bits(address));
        w == width && mask(width, self.prefix) & addr == net
    }

    /// `true` when both are IPv4 or both IPv6, with the same prefix length.
    pub fn same_shape(&self, other: &Subnet) -> bool {
        self.network.is_ipv4() == other.network.is_ipv4() && self.prefix == other.prefix
    }

    /// `true` when the two share an address.
    pub fn overlaps(&self, other: &Subnet) -> bool {
        self.contains(other.network) || other.contains(self.network)
    }
}

/// The address as an integer and its width in bits.
fn bits(address: IpAddr) -> (u128, u8) {
    match address {
        IpAddr::V4(a) => (u128::from(u32::from(a)), 32),
        IpAddr::V6(a) => (u128::from(a), 128),
    }
}

/// The network mask: `prefix` leading one bits of an address `width` bits wide.
fn mask(width: u8, prefix: u8) -> u128 {
    if prefix == 0 {
        return 0;
    }
    let ones = if prefix == 128 {
        u128::MAX
    } else {
        (1u128 << prefix) - 1
    };
    ones << (width - prefix)
}

fn address(value: u128, width: u8) -> IpAddr {
    if width == 32 {
        IpAddr::V4(std::net::Ipv4Addr::from(
            u32::try_from(value).unwrap_or(u32::MAX),
        ))
    } else {
        IpAddr::V6(std::net::Ipv6Addr::from(value))
    }
}

/// `address` moved from `from` to `to` (same shape), host part kept; `None` when it is not in
/// `from` or the shapes differ.
pub(super) fn translate(from: &Subnet, to: &Subnet, address_in: IpAddr) -> Option<IpAddr> {
    if !from.same_shape(to) || !from.contains(address_in) {
        return None;
    }
    let (addr, width) = bits(address_in);
    let (net, _) = bits(to.network);
    let host = addr & !mask(width, from.prefix) & mask(width, width);
    Some(address(net | host, width))
}

impl FromStr for Subnet {
    type Err = SubnetError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let t = text.trim();
        let (a, p) = t
            .split_once('/')
            .ok_or_else(|| SubnetError::Shape(t.to_owned()))?;
        let network: IpAddr = a.parse().map_err(|_| SubnetError::Shape(t.to_owned()))?;
        let prefix: u8 = p.parse().map_err(|_| SubnetError::Shape(t.to_owned()))?;
        let (value, width) = bits(network);
        if prefix > width {
            return Err(SubnetError::Prefix(t.to_owned()));
        }
        let net = value & mask(width, prefix);
        if net != value {
            return Err(SubnetError::HostBits(
                t.to_owned(),
                format!("{}/{prefix}", address(net, width)),
            ));
        }
        Ok(Self { network, prefix })
    }
}

impl TryFrom<String> for Subnet {
    type Error = SubnetError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl From<Subnet> for String {
    fn from(s: Subnet) -> Self {
        s.to_string()
    }
}

impl fmt::Display for Subnet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn net(s: &str) -> Subnet {
        s.parse().unwrap()
    }

    #[test]
    fn reads_and_refuses() {
        assert_eq!(net("10.1.0.0/16").to_string(), "10.1.0.0/16");
        assert_eq!(net("fd00:1::/64").prefix(), 64);
        assert_eq!(net("0.0.0.0/0").prefix(), 0);
        assert!(matches!(
            "10.1.0.0".parse::<Subnet>(),
            Err(SubnetError::Shape(_))
        ));
        assert!(matches!(
            "10.1.0.0/33".parse::<Subnet>(),
            Err(SubnetError::Prefix(_))
        ));
        assert_eq!(
            "10.1.2.0/16".parse::<Subnet>(),
            Err(SubnetError::HostBits(
                "10.1.2.0/16".into(),
                "10.1.0.0/16".into()
            ))
        );
    }

    #[test]
    fn contains_and_overlaps() {
        assert!(net("10.1.0.0/16").contains(ip("10.1.255.7")));
        assert!(!net("10.1.0.0/16").contains(ip("10.2.0.1")));
        assert!(!net("10.1.0.0/16").contains(ip("::1")));
        assert!(net("10.0.0.0/8").overlaps(&net("10.1.0.0/16")));
        assert!(!net("10.1.0.0/16").overlaps(&net("10.2.0.0/16")));
        assert!(net("0.0.0.0/0").contains(ip("192.0.2.1")));
    }

    #[test]
    fn translation_keeps_the_host_part_both_ways() {
        let (a, b) = (net("10.1.0.0/16"), net("10.201.0.0/16"));
        assert_eq!(translate(&a, &b, ip("10.1.4.7")), Some(ip("10.201.4.7")));
        assert_eq!(translate(&b, &a, ip("10.201.4.7")), Some(ip("10.1.4.7")));
        assert_eq!(translate(&a, &b, ip("10.2.4.7")), None);
        assert_eq!(translate(&a, &net("10.201.0.0/24"), ip("10.1.4.7")), None);
        let (c, d) = (net("fd00:1::/64"), net("fd00:99::/64"));
        assert_eq!(translate(&c, &d, ip("fd00:1::42")), Some(ip("fd00:99::42")));
        assert_eq!(
            Subnet::holding(ip("10.201.5.7"), 16),
            Some(net("10.201.0.0/16"))
        );
        assert_eq!(
            Subnet::holding(ip("fd00:1::42"), 64),
            Some(net("fd00:1::/64"))
        );
        assert_eq!(Subnet::holding(ip("10.201.5.7"), 33), None);
        let (e, f) = (net("192.0.2.0/32"), net("198.51.100.9/32"));
        assert_eq!(translate(&e, &f, ip("192.0.2.0")), Some(ip("198.51.100.9")));
    }
}
