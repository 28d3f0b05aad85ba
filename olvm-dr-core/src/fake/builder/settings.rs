//! The `VmBase` settings the builder gives its VMs and templates: a mix a real inventory has
//! (Linux and Windows guests, SeaBIOS and UEFI, multi-socket topologies, a desktop now and
//! then), chosen from the entity's index or name so that the random draws of the rest of the
//! world stay as they were.

use crate::engine::{CpuTopology, VmSettings};

/// Guest operating systems, as the Engine's `osinfo` names them.
const OS_TYPES: [&str; 5] = [
    "rhel_9x64",
    "rhel_8x64",
    "windows_2019x64",
    "other_linux",
    "other",
];

/// The hardware clock a Windows guest keeps (the Engine's default for Windows is a Windows
/// zone name; for everything else `Etc/GMT`).
const WINDOWS_TIME_ZONE: &str = "GMT Standard Time";

/// Settings of the `i`-th VM with `memory` bytes and `vcpus` CPUs.
pub(super) fn vm_settings(i: usize, memory: u64, vcpus: u32) -> VmSettings {
    let os = OS_TYPES[i % OS_TYPES.len()];
    let mut s = VmSettings::for_memory(memory, vcpus);
    apply_os(&mut s, os);
    if i % 3 == 2 {
        s.bios_type = "q35_ovmf".to_owned();
    }
    if vcpus >= 4 && vcpus.is_multiple_of(2) {
        s.cpu_topology = CpuTopology {
            sockets: 2,
            cores: vcpus / 2,
            threads: 1,
        };
    }
    if i % 4 == 1 {
        // Overcommitted: half the memory guaranteed.
        s.memory_guaranteed = memory / 2;
    }
    if i % 7 == 6 {
        s.vm_type = "desktop".to_owned();
        s.display_type = "spice".to_owned();
        s.usb_enabled = true;
        s.monitors = 2;
    }
    s.description = format!("{os} guest");
    s
}

/// Settings of a template named `name` with `memory` bytes and one CPU: the guest its name
/// says.
pub(super) fn template_settings(name: &str, memory: u64) -> VmSettings {
    let os = if name.starts_with("win") {
        "windows_2022"
    } else if name.starts_with("rhel9") || name.starts_with("ol9") {
        "rhel_9x64"
    } else if name.starts_with("ubuntu") {
        "ubuntu_22_04"
    } else {
        "other_linux"
    };
    let mut s = VmSettings::for_memory(memory, 1);
    apply_os(&mut s, os);
    s
}

fn apply_os(s: &mut VmSettings, os: &str) {
    s.os_type = os.to_owned();
    if os.starts_with("windows") {
        s.time_zone = Some(WINDOWS_TIME_ZONE.to_owned());
        s.bios_type = "q35_ovmf".to_owned();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_agree_with_the_cpu_count_and_vary_with_the_index() {
        for i in 0..20 {
            for vcpus in [1, 2, 4, 8] {
                let s = vm_settings(i, 4 << 30, vcpus);
                assert_eq!(s.cpu_topology.count(), vcpus);
                assert!(s.memory_guaranteed <= 4 << 30 && s.memory_max >= 4 << 30);
            }
        }
        let oses: std::collections::HashSet<_> =
            (0..10).map(|i| vm_settings(i, 1, 1).os_type).collect();
        assert_eq!(oses.len(), OS_TYPES.len());
        let win = template_settings("win2022-base", 1 << 30);
        assert_eq!(win.os_type, "windows_2022");
        assert_eq!(win.time_zone.as_deref(), Some(WINDOWS_TIME_ZONE));
        assert_eq!(template_settings("rhel9-base", 1).os_type, "rhel_9x64");
    }
}
