//! The world's controls for the guests inside the VMs: what a guest's configuration holds, and a
//! check of a service on a VM (what a recovery plan's `check` command asks the simulator).

use crate::Site;
use crate::engine::Id;

use super::state::guests::{CheckFailure, Guest};
use super::world::World;

impl World {
    /// Sets the guest inside VM `vm` (both sites: its configuration is on the replicated disk).
    /// A VM without one has no guest agent: it reports no device.
    pub fn set_guest(&self, vm: Id, guest: Guest) {
        self.with(|w, _| {
            w.guests.insert(vm, guest);
        });
    }

    /// The guest inside VM `vm`, if it has one.
    pub fn guest(&self, vm: Id) -> Option<Guest> {
        self.with(|w, _| w.guests.get(&vm).cloned())
    }

    /// The next `times` checks of a service of VM `vm` fail (a service slow to come up after
    /// the VM is `up`). Nothing for a VM without a guest.
    pub fn fail_checks(&self, vm: Id, times: u32) {
        self.with(|w, _| {
            if let Some(g) = w.guests.get_mut(&vm) {
                g.check_failures = times;
            }
        });
    }

    /// A check of a service of the VM named `name` (or with that id) on `site`: it passes when
    /// the VM is up there, its guest agent reported an address, and no failure set with
    /// [`fail_checks`](Self::fail_checks) is left (each failed check uses one up). Read from the
    /// state: no Engine call is counted.
    ///
    /// # Errors
    /// Why the check did not pass.
    pub fn check(&self, site: Site, name: &str) -> Result<(), CheckFailure> {
        self.with(|w, now| w.check(site, name, now))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::engine::{Initialization, NicConfiguration, VmSearch, VmStatus};
    use crate::fake::{LatencyProfile, TransitionTimes, WorldBuilder};

    fn ip(s: &str) -> std::net::IpAddr {
        s.parse().unwrap()
    }

    /// `eth0` at `address`/16.
    fn eth0(address: &str) -> Initialization {
        Initialization {
            nic_configurations: vec![NicConfiguration {
                name: "eth0".into(),
                address: ip(address),
                prefix: 16,
                gateway: None,
            }],
            dns_servers: Vec::new(),
        }
    }

    async fn first_down_vm_with_a_nic(world: &World) -> crate::engine::Vm {
        let e = world.dyn_engine(Site::Primary);
        let vms = e.vms(&VmSearch::default()).await.unwrap();
        vms.into_iter()
            .find(|v| v.status == VmStatus::Down && !v.nics.is_empty())
            .expect("a down VM with a NIC")
    }

    #[tokio::test(start_paused = true)]
    async fn the_agent_reports_after_its_delay_and_cloud_init_changes_the_address() {
        let world = WorldBuilder::small(1).build();
        world.set_latency(
            Site::Primary,
            LatencyProfile::instant().with_transitions(TransitionTimes {
                guest_agent: Duration::from_secs(15),
                ..TransitionTimes::default()
            }),
        );
        let e = world.dyn_engine(Site::Primary);
        let vm = &first_down_vm_with_a_nic(&world).await;
        world.set_guest(vm.id, Guest::with_addresses(true, &[(ip("10.1.4.7"), 16)]));
        world.fail_checks(vm.id, 1);
        assert!(e.vm_reported_devices(vm.id).await.unwrap().is_empty());
        let init = eth0("10.201.4.7");
        e.start_vm_with_initialization(vm.id, &init).await.unwrap();
        assert_eq!(e.vm(vm.id).await.unwrap().status, VmStatus::Up);
        assert!(e.vm_reported_devices(vm.id).await.unwrap().is_empty());
        assert!(matches!(
            world.check(Site::Primary, &vm.name),
            Err(CheckFailure::NotAnswering(_))
        ));
        tokio::time::advance(Duration::from_secs(15)).await;
        let devices = e.vm_reported_devices(vm.id).await.unwrap();
        assert_eq!(devices[0].name, "eth0");
        assert_eq!(devices[0].ips, vec![ip("10.201.4.7")]);
        assert_eq!(devices[0].mac, vm.nics[0].mac);
        assert_eq!(world.guest(vm.id).unwrap().applied, Some(init));
        assert!(matches!(
            world.check(Site::Primary, &vm.name),
            Err(CheckFailure::Injected(_, 0))
        ));
        assert_eq!(world.check(Site::Primary, &vm.name), Ok(()));
    }

    #[tokio::test]
    async fn a_guest_without_cloud_init_keeps_its_address() {
        let world = WorldBuilder::small(1).build();
        let e = world.dyn_engine(Site::Primary);
        let vm = &first_down_vm_with_a_nic(&world).await;
        world.set_guest(vm.id, Guest::with_addresses(false, &[(ip("10.1.4.8"), 16)]));
        let init = eth0("10.201.4.8");
        e.start_vm_with_initialization(vm.id, &init).await.unwrap();
        let devices = e.vm_reported_devices(vm.id).await.unwrap();
        assert_eq!(devices[0].ips, vec![ip("10.1.4.8")]);
        assert!(world.guest(vm.id).unwrap().applied.is_none());
        // Starting a running VM is refused, with or without cloud-init.
        assert!(e.start_vm_with_initialization(vm.id, &init).await.is_err());
    }
}
