//! How a run changes the guests' addresses (re-IP): the recovery plan's per-VM addresses and
//! subnet translations, turned into the cloud-init `initialization` a VM starts with and the
//! changes the report lists.
//!
//! Forward (a run to the secondary), a VM's own addresses configure the interfaces they name;
//! the subnet translations then move the addresses of its other interfaces. Back (a run to the
//! primary), an interface with an own address returns to the address the primary's record of
//! the VM has ([`Plan::return_record`]), with the prefix, gateway and DNS servers of the subnet
//! translation covering it; the other interfaces are translated back.

use std::collections::BTreeMap;
use std::net::IpAddr;

use crate::Site;
use crate::engine::{Initialization, NicConfiguration};
use crate::plan::source_record::RecordedVm;
use crate::plan::{AddressChange, Plan};
use crate::recovery_plan::{RecoveryPlan, SubnetTranslation, VmAddress};

/// The re-IP of one run.
pub(crate) struct Readdress<'a> {
    recovery: &'a RecoveryPlan,
    back: bool,
    returns: &'a BTreeMap<String, RecordedVm>,
}

/// What one VM starts with, being built.
#[derive(Default)]
struct Changes {
    init: Initialization,
    changes: Vec<AddressChange>,
    /// Interfaces with own addresses that keep the address they have.
    kept: Vec<String>,
}

impl Changes {
    fn configured(&self, interface: &str) -> bool {
        self.kept.iter().any(|k| k == interface)
            || self
                .init
                .nic_configurations
                .iter()
                .any(|c| c.name == interface)
    }

    fn add(&mut self, configuration: NicConfiguration, dns: impl IntoIterator<Item = IpAddr>) {
        self.init.nic_configurations.push(configuration);
        for d in dns {
            if !self.init.dns_servers.contains(&d) {
                self.init.dns_servers.push(d);
            }
        }
    }
}

impl<'a> Readdress<'a> {
    /// `None` when the plan changes no address, or in a drill that keeps the old addresses.
    pub(crate) fn for_plan(plan: &'a Plan, recovery: &'a RecoveryPlan) -> Option<Self> {
        let own = recovery.vms.values().any(|r| !r.addresses.is_empty());
        let applies =
            (own || !recovery.reip.networks.is_empty()) && (!plan.drill || recovery.reip.in_drills);
        applies.then_some(Self {
            recovery,
            back: plan.target == Site::Primary,
            returns: &plan.return_record,
        })
    }

    /// The initialization for VM `name` and the changes it makes; `None` when nothing changes.
    /// `record` is what its source site recorded of it.
    pub(crate) fn of(
        &self,
        name: &str,
        record: Option<&RecordedVm>,
    ) -> (Option<Initialization>, Vec<AddressChange>) {
        let mut out = Changes::default();
        for a in self
            .recovery
            .vms
            .get(name)
            .map_or(&[][..], |r| &r.addresses)
        {
            if self.back {
                self.own_back(name, a, record, &mut out);
            } else {
                own_forward(name, a, record, &mut out);
            }
        }
        if let Some(record) = record {
            self.translate(record, &mut out);
        }
        if out.init.nic_configurations.is_empty() {
            (None, Vec::new())
        } else {
            (Some(out.init), out.changes)
        }
    }

    /// Forward, each address in a translation's `from` on its network moves to its `to`; back,
    /// each address in a `to` returns to its `from` (the target network may be named
    /// otherwise), the gateway and DNS servers translated back too. Interfaces already
    /// configured (own addresses) are left as they are.
    fn translate(&self, record: &RecordedVm, out: &mut Changes) {
        for a in &record.addresses {
            if out.configured(&a.interface) {
                continue;
            }
            let network = network_of(record, &a.interface);
            let found = a.ips.iter().find_map(|ip| {
                self.recovery.reip.networks.iter().find_map(|t| {
                    let new = if self.back {
                        t.back(*ip)
                    } else if t.network == network {
                        t.forward(*ip)
                    } else {
                        None
                    };
                    new.map(|new| (t, *ip, new))
                })
            });
            let Some((t, old, new)) = found else { continue };
            let moved = |x: IpAddr| if self.back { t.back(x) } else { Some(x) };
            out.add(
                NicConfiguration {
                    name: a.interface.clone(),
                    address: new,
                    prefix: t.to.prefix(),
                    gateway: t.gateway.and_then(moved),
                },
                t.dns.iter().filter_map(|d| moved(*d)),
            );
            out.changes.push(AddressChange {
                interface: a.interface.clone(),
                network,
                old,
                new,
            });
        }
    }

    /// Back to the primary: the interface returns to the address the primary's record has on
    /// it, with the prefix, gateway and DNS servers of the translation covering that address.
    /// Without that record or translation it keeps its address (logged): a guessed prefix or
    /// gateway would cut the guest off its network.
    fn own_back(&self, name: &str, a: &VmAddress, record: Option<&RecordedVm>, out: &mut Changes) {
        let primary = self.returns.get(name);
        let Some(interface) = a.nic.interface(primary).or_else(|| a.nic.interface(record)) else {
            tracing::warn!(vm = name, nic = %a.nic, "neither site's record names its interface: it keeps its address");
            return;
        };
        out.kept.push(interface.clone());
        let Some(primary) = primary else {
            tracing::warn!(
                vm = name,
                interface,
                "no record of the VM on the primary: it keeps its address"
            );
            return;
        };
        let network = network_of(primary, &interface);
        let covering = |ip: &IpAddr| -> Option<&SubnetTranslation> {
            self.recovery
                .reip
                .networks
                .iter()
                .find(|t| t.network == network && t.from.contains(*ip))
        };
        let Some((original, t)) = ips_on(primary, &interface)
            .filter(|ip| ip.is_ipv4() == a.address.is_ipv4())
            .find_map(|ip| covering(&ip).map(|t| (ip, t)))
        else {
            tracing::warn!(
                vm = name,
                interface,
                "no subnet translation covers the primary's address: it keeps its address"
            );
            return;
        };
        out.add(
            NicConfiguration {
                name: interface.clone(),
                address: original,
                prefix: t.from.prefix(),
                gateway: t.gateway.and_then(|g| t.back(g)),
            },
            t.dns.iter().filter_map(|d| t.back(*d)),
        );
        let now = record
            .and_then(|r| ips_on(r, &interface).find(|ip| ip.is_ipv4() == original.is_ipv4()))
            .unwrap_or(a.address);
        out.changes.push(AddressChange {
            interface,
            network,
            old: now,
            new: original,
        });
    }
}

/// Forward: the interface gets the VM's own address. The change is reported when the source's
/// record has the address it replaces.
fn own_forward(name: &str, a: &VmAddress, record: Option<&RecordedVm>, out: &mut Changes) {
    let Some(interface) = a.nic.interface(record) else {
        tracing::warn!(vm = name, nic = %a.nic, "the guest reported no interface for it on the source: its address is not set");
        return;
    };
    if out.configured(&interface) {
        return;
    }
    out.add(
        NicConfiguration {
            name: interface.clone(),
            address: a.address,
            prefix: a.prefix,
            gateway: a.gateway,
        },
        a.dns.iter().copied(),
    );
    let old = record.and_then(|r| {
        ips_on(r, &interface)
            .find(|ip| ip.is_ipv4() == a.address.is_ipv4())
            .map(|old| (r, old))
    });
    if let Some((record, old)) = old {
        out.changes.push(AddressChange {
            network: network_of(record, &interface),
            interface,
            old,
            new: a.address,
        });
    }
}

/// The addresses the guest reported on `interface`.
fn ips_on<'r>(record: &'r RecordedVm, interface: &'r str) -> impl Iterator<Item = IpAddr> + 'r {
    record
        .addresses
        .iter()
        .filter(move |a| a.interface == interface)
        .flat_map(|a| a.ips.iter().copied())
}

/// The network of the NIC behind the guest's `interface` (matched by MAC); empty when unknown.
fn network_of(record: &RecordedVm, interface: &str) -> String {
    let mac = record
        .addresses
        .iter()
        .find(|a| a.interface == interface)
        .and_then(|a| a.mac.as_ref());
    record
        .nics
        .iter()
        .find(|n| n.mac.is_some() && n.mac.as_ref() == mac)
        .and_then(|n| n.network_profile.as_ref())
        .map(|(net, _)| net.clone())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
