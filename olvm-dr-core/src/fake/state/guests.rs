//! The guests inside the VMs: the addresses each guest's network configuration holds, whether it
//! runs cloud-init, and what its guest agent reports.
//!
//! A guest's configuration lives on its boot disk, and the disk is replicated: so the world
//! keeps one guest per VM id (registration keeps the id), whichever site runs it. cloud-init
//! writes what a start with `initialization` hands it into that configuration, so it stays
//! after the run (the Engine itself does not store a run-once initialization on the VM:
//! `RunVmOnceCommand` sets it on the running VM only). The agent reports the addresses the
//! [`guest_agent`](crate::fake::TransitionTimes::guest_agent) delay after the VM is `up`
//! (VDSM passes on what qemu-guest-agent reports once the guest booted; the Engine keeps it in
//! `vm_guest_agent_interfaces`, served as `/vms/{id}/reporteddevices`).

use std::net::IpAddr;

use serde::Serialize;
use tokio::time::Instant;

use crate::Site;
use crate::engine::{EngineResult, Id, Initialization, ReportedDevice, VmStatus};

use super::super::ops::Operation;
use super::WorldState;

/// A guest's network interface as its configuration has it. The guest names its interfaces
/// `eth0`, `eth1`, … in the order of the VM's plugged NICs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GuestInterface {
    /// The guest's name of it, e.g. `eth0`.
    pub name: String,
    /// Its address.
    pub address: IpAddr,
    /// The prefix length of its subnet.
    pub prefix: u8,
    /// Its gateway.
    pub gateway: Option<IpAddr>,
}

/// The guest of one VM.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Guest {
    /// It runs cloud-init at boot (applies a start's `initialization`).
    pub cloud_init: bool,
    /// Its configured interfaces.
    pub interfaces: Vec<GuestInterface>,
    /// The last initialization cloud-init applied, if any.
    pub applied: Option<Initialization>,
    /// The DNS servers it resolves with.
    pub dns_servers: Vec<IpAddr>,
    /// How many more times a check of one of its services fails (a service slow to come up).
    pub check_failures: u32,
}

impl Guest {
    /// A guest with cloud-init (`cloud_init`) and one interface per address.
    pub fn with_addresses(cloud_init: bool, addresses: &[(IpAddr, u8)]) -> Self {
        Self {
            cloud_init,
            interfaces: addresses
                .iter()
                .enumerate()
                .map(|(i, (address, prefix))| GuestInterface {
                    name: format!("eth{i}"),
                    address: *address,
                    prefix: *prefix,
                    gateway: None,
                })
                .collect(),
            ..Self::default()
        }
    }

    /// cloud-init's work at boot: each configured interface takes its new address.
    fn apply(&mut self, init: &Initialization) {
        for c in &init.nic_configurations {
            let new = GuestInterface {
                name: c.name.clone(),
                address: c.address,
                prefix: c.prefix,
                gateway: c.gateway,
            };
            match self.interfaces.iter_mut().find(|i| i.name == c.name) {
                Some(i) => *i = new,
                None => self.interfaces.push(new),
            }
        }
        if !init.dns_servers.is_empty() {
            self.dns_servers.clone_from(&init.dns_servers);
        }
        self.applied = Some(init.clone());
    }
}

/// Why a check of a VM's service did not pass.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckFailure {
    /// The site has no such VM.
    #[error("no VM '{0}' on this site")]
    NoVm(String),
    /// The VM does not run here, or its guest has not reported an address yet.
    #[error("VM '{0}' does not answer yet (not up, or its guest has no address yet)")]
    NotAnswering(String),
    /// One of the failures set with [`World::fail_checks`](crate::fake::World::fail_checks).
    #[error("VM '{0}': the service did not answer ({1} more failures to come)")]
    Injected(String, u32),
}

impl WorldState {
    /// `start_vm_with_initialization`: a start; the guest's cloud-init applies `init`.
    pub(crate) fn start_vm_with_initialization(
        &mut self,
        site: Site,
        id: Id,
        init: &Initialization,
        now: Instant,
    ) -> EngineResult<()> {
        self.start_vm(site, id, now)?;
        if let Some(g) = self.guests.get_mut(&id).filter(|g| g.cloud_init) {
            g.apply(init);
        }
        Ok(())
    }

    /// `true` when the guest agent of VM `id` at `site` has reported by `now`.
    fn agent_reported(&self, site: Site, id: Id, now: Instant) -> bool {
        let delay = self.site(site).latency.transitions().guest_agent;
        self.site(site).vms.get(&id).is_some_and(|v| {
            !v.removing && v.power.at(now) == VmStatus::Up && now >= v.power.ends_at() + delay
        })
    }

    /// `GET /vms/{id}/reporteddevices`.
    pub(crate) fn reported_devices_view(
        &self,
        site: Site,
        id: Id,
        now: Instant,
    ) -> EngineResult<Vec<ReportedDevice>> {
        let v = self.site(site).vms.get(&id).ok_or_else(|| {
            super::super::messages::not_found(Operation::VmReportedDevices, format!("vm {id}"))
        })?;
        let Some(guest) = self.guests.get(&id) else {
            return Ok(Vec::new());
        };
        if !self.agent_reported(site, id, now) {
            return Ok(Vec::new());
        }
        Ok(v.nics
            .iter()
            .filter(|n| n.plugged)
            .enumerate()
            .map(|(i, nic)| {
                let name = format!("eth{i}");
                let mac = nic.mac.map(super::macs::format_mac);
                let ips = guest
                    .interfaces
                    .iter()
                    .filter(|g| g.name == name)
                    .map(|g| g.address)
                    .collect();
                let key = format!("{name}{}", mac.as_deref().unwrap_or("null"));
                ReportedDevice {
                    id: device_id(&key),
                    vm: id,
                    name,
                    mac,
                    ips,
                }
            })
            .collect())
    }

    /// A check of a service of the VM named `name` on `site` (by name or id): it passes when the
    /// VM is up there and its guest reported an address, and no injected failure is left.
    pub(crate) fn check(
        &mut self,
        site: Site,
        name: &str,
        now: Instant,
    ) -> Result<(), CheckFailure> {
        let id = self
            .site(site)
            .vms
            .values()
            .find(|v| v.name == name || v.id.to_string() == name)
            .map(|v| v.id)
            .ok_or_else(|| CheckFailure::NoVm(name.to_owned()))?;
        if !self.agent_reported(site, id, now)
            || self.guests.get(&id).is_none_or(|g| g.interfaces.is_empty())
        {
            return Err(CheckFailure::NotAnswering(name.to_owned()));
        }
        let g = self.guests.get_mut(&id).expect("checked");
        if g.check_failures > 0 {
            g.check_failures -= 1;
            return Err(CheckFailure::Injected(name.to_owned(), g.check_failures));
        }
        Ok(())
    }
}

/// A stable id from the device's name and MAC, as the Engine makes one (a name-based UUID of
/// the same text; the Engine hashes with MD5, this with two FNV passes: clients only compare
/// ids).
fn device_id(key: &str) -> Id {
    let high = super::super::rng::stable_hash(&[key.as_bytes()]);
    let low = super::super::rng::stable_hash(&[key.as_bytes(), b"reported-device"]);
    Id::from_u128((u128::from(high) << 64) | u128::from(low))
}
