//! The settings a VM shares with templates (the API model's `VmBase`): operating system,
//! firmware, CPU topology, memory policy, console, placement. The DR flows carry them over
//! unchanged; the Engine writes them on every VM and template it answers with.

use serde::{Deserialize, Serialize};

/// One GiB in bytes.
const GIB: u64 = 1 << 30;

/// Sockets x cores per socket x threads per core.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CpuTopology {
    /// Sockets.
    pub sockets: u32,
    /// Cores per socket.
    pub cores: u32,
    /// Threads per core.
    pub threads: u32,
}

impl CpuTopology {
    /// `count` logical CPUs as one socket of `count` single-thread cores.
    pub fn flat(count: u32) -> Self {
        Self {
            sockets: 1,
            cores: count,
            threads: 1,
        }
    }

    /// Logical CPUs: sockets x cores x threads (saturating).
    pub fn count(self) -> u32 {
        self.sockets
            .saturating_mul(self.cores)
            .saturating_mul(self.threads)
    }
}

impl Default for CpuTopology {
    fn default() -> Self {
        Self::flat(1)
    }
}

/// The `VmBase` settings of a VM or template, with the values the Engine gives a new VM
/// where nothing else is said ([`VmSettings::for_memory`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VmSettings {
    /// Free-text description (`""` when none).
    pub description: String,
    /// Free-text comment (`""` when none).
    pub comment: String,
    /// Operating system (`os/type`), one of the Engine's `osinfo` names, e.g. `other`,
    /// `rhel_9x64`, `windows_2019x64`.
    pub os_type: String,
    /// Firmware (`bios/type`): `i440fx_sea_bios`, `q35_sea_bios`, `q35_ovmf`,
    /// `q35_secure_boot` or `cluster_default`.
    pub bios_type: String,
    /// The firmware shows a boot menu.
    pub boot_menu: bool,
    /// CPU topology; its [`count`](CpuTopology::count) is the VM's number of CPUs.
    pub cpu_topology: CpuTopology,
    /// Relative CPU weight among the host's VMs (`cpu_shares`, 0 = disabled).
    pub cpu_shares: u32,
    /// Memory the host guarantees, in bytes (`memory_policy/guaranteed`).
    pub memory_guaranteed: u64,
    /// Memory the VM can grow to by hot plug, in bytes (`memory_policy/max`).
    pub memory_max: u64,
    /// Memory balloon device enabled (`memory_policy/ballooning`).
    pub ballooning: bool,
    /// Optimised for `server`, `desktop` or `high_performance`.
    pub vm_type: String,
    /// Stateless: changes are dropped when it stops.
    pub stateless: bool,
    /// Console protocol (`display/type`): `vnc` or `spice`.
    pub display_type: String,
    /// Number of monitors of the console.
    pub monitors: u32,
    /// USB support enabled.
    pub usb_enabled: bool,
    /// I/O threads (`io/threads`).
    pub io_threads: u32,
    /// Migration policy (`placement_policy/affinity`): `migratable`, `user_migratable` or
    /// `pinned`.
    pub placement_affinity: String,
    /// Hardware clock time zone (`time_zone/name`), e.g. `Etc/GMT`.
    pub time_zone: Option<String>,
    /// The storage domain holding its VM lease (`lease/storage_domain`, the API model's
    /// `StorageDomainLease`; `LeaseDomainId` in the OVF): a sanlock lease the VM's host must
    /// acquire to run it, which keeps an HA VM from running twice. `None`: no lease.
    #[serde(default)]
    pub lease: Option<crate::engine::Id>,
}

impl VmSettings {
    /// A new VM's settings on an Engine 4.4/4.5 with `memory` bytes and `vcpus` CPUs: OS
    /// `other`, Q35 with SeaBIOS, server type, VNC, one I/O thread, migratable, UTC clock;
    /// guaranteed memory equal to `memory` and up to four times it by hot plug (the Engine's
    /// `VmHandler` default for the maximum memory).
    pub fn for_memory(memory: u64, vcpus: u32) -> Self {
        Self {
            description: String::new(),
            comment: String::new(),
            os_type: "other".to_owned(),
            bios_type: "q35_sea_bios".to_owned(),
            boot_menu: false,
            cpu_topology: CpuTopology::flat(vcpus),
            cpu_shares: 0,
            memory_guaranteed: memory,
            memory_max: memory.saturating_mul(4),
            ballooning: true,
            vm_type: "server".to_owned(),
            stateless: false,
            display_type: "vnc".to_owned(),
            monitors: 1,
            usb_enabled: false,
            io_threads: 1,
            placement_affinity: "migratable".to_owned(),
            time_zone: Some("Etc/GMT".to_owned()),
            lease: None,
        }
    }
}

impl Default for VmSettings {
    /// [`VmSettings::for_memory`] with 1 GiB and one CPU.
    fn default() -> Self {
        Self::for_memory(GIB, 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topology_counts_and_defaults_follow_the_memory() {
        let t = CpuTopology {
            sockets: 2,
            cores: 4,
            threads: 2,
        };
        assert_eq!(t.count(), 16);
        assert_eq!(CpuTopology::flat(3).count(), 3);
        let s = VmSettings::for_memory(2 * GIB, 4);
        assert_eq!((s.memory_guaranteed, s.memory_max), (2 * GIB, 8 * GIB));
        assert_eq!(s.cpu_topology.count(), 4);
        assert_eq!(VmSettings::default().memory_guaranteed, GIB);
    }
}
