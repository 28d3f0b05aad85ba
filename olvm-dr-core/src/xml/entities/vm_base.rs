//! The elements a VM and a template share (the API model's `VmBase`), as the Engine's
//! `VmBaseMapper.mapCommonEntityToModel` and `mapVmBaseEntityToModel` write them: every one is
//! always present, so clients such as the Ansible modules can read `os.type`,
//! `cpu.topology`, `memory_policy`, `high_availability`, ... without checks.
//!
//! What [`VmSettings`] holds comes from it; the few settings the entity model does not keep
//! (migration options, SSO, resume behaviour, multi-queue flags, console details) are written
//! with the values the Engine gives every new VM, which the DR flows never change.

use super::{read_high_availability, write_high_availability};
use crate::engine::{CpuTopology, HighAvailability, VmSettings};
use crate::xml::{Node, XmlError, XmlWriter};

/// What the shared elements are written from.
pub(super) struct VmBaseFields<'a> {
    /// Memory in bytes.
    pub(super) memory: u64,
    /// Logical CPUs; the settings' topology is written when it counts as many, else one
    /// socket of `vcpus` cores.
    pub(super) vcpus: u32,
    /// High availability.
    pub(super) high_availability: HighAvailability,
    /// Protected against removal.
    pub(super) delete_protected: bool,
    /// `origin` (`ovirt` for what the Engine created).
    pub(super) origin: &'a str,
    /// The settings.
    pub(super) settings: &'a VmSettings,
}

/// Writes the shared elements (to be called inside the open `<vm>` or `<template>`).
pub(super) fn write_vm_base(w: &mut XmlWriter, f: &VmBaseFields<'_>) {
    let s = f.settings;
    w.text("comment", &s.comment);
    w.text("description", &s.description);
    w.open("bios", &[]);
    w.open("boot_menu", &[]);
    w.bool("enabled", s.boot_menu);
    w.close("boot_menu");
    w.text("type", &s.bios_type);
    w.close("bios");
    let topology = if s.cpu_topology.count() == f.vcpus {
        s.cpu_topology
    } else {
        CpuTopology::flat(f.vcpus)
    };
    w.open("cpu", &[]);
    w.open("topology", &[]);
    w.value("cores", topology.cores);
    w.value("sockets", topology.sockets);
    w.value("threads", topology.threads);
    w.close("topology");
    w.close("cpu");
    w.value("cpu_shares", s.cpu_shares);
    w.bool("delete_protected", f.delete_protected);
    write_display(w, s);
    write_high_availability(w, f.high_availability);
    w.open("io", &[]);
    w.value("threads", s.io_threads);
    w.close("io");
    // `VmBaseMapper`: a VM lease names its storage domain (`StorageDomainLease`).
    if let Some(sd) = s.lease {
        w.open("lease", &[]);
        w.reference("storage_domain", "storagedomains", sd);
        w.close("lease");
    }
    w.value("memory", f.memory);
    w.open("memory_policy", &[]);
    w.bool("ballooning", s.ballooning);
    w.value("guaranteed", s.memory_guaranteed);
    w.value("max", s.memory_max);
    w.close("memory_policy");
    // `MigrationOptionsMapper`: a new VM inherits the cluster's migration policy.
    w.open("migration", &[]);
    w.text("auto_converge", "inherit");
    w.text("compressed", "inherit");
    w.text("encrypted", "inherit");
    w.close("migration");
    // No downtime of its own: `mapNullToMinusOne`.
    w.value("migration_downtime", -1);
    w.bool("multi_queues_enabled", true);
    w.text("origin", f.origin);
    // The default boot sequence of a new VM is the hard disk (`BootSequence.C`).
    w.open("os", &[]);
    w.open("boot", &[]);
    w.open("devices", &[]);
    w.text("device", "hd");
    w.close("devices");
    w.close("boot");
    w.text("type", &s.os_type);
    w.close("os");
    w.open("placement_policy", &[]);
    w.text("affinity", &s.placement_affinity);
    w.close("placement_policy");
    w.open("sso", &[]);
    w.open("methods", &[]);
    w.empty("method", &[("id", "guest_agent")]);
    w.close("methods");
    w.close("sso");
    w.bool("start_paused", false);
    w.bool("stateless", s.stateless);
    w.text("storage_error_resume_behaviour", "auto_resume");
    if let Some(tz) = &s.time_zone {
        w.open("time_zone", &[]);
        w.text("name", tz);
        w.close("time_zone");
    }
    w.bool("tunnel_migration", false);
    w.text("type", &s.vm_type);
    w.open("usb", &[]);
    w.bool("enabled", s.usb_enabled);
    w.close("usb");
    w.bool("virtio_scsi_multi_queues_enabled", false);
}

/// `DisplayMapper.map(VmBase)` plus the type the Engine takes from the graphics device.
fn write_display(w: &mut XmlWriter, s: &VmSettings) {
    w.open("display", &[]);
    w.bool("allow_override", false);
    w.bool("copy_paste_enabled", true);
    w.text("disconnect_action", "LOCK_SCREEN");
    w.value("disconnect_action_delay", 0);
    w.bool("file_transfer_enabled", true);
    w.value("monitors", s.monitors);
    w.bool("smartcard_enabled", false);
    w.text("type", &s.display_type);
    w.close("display");
}

/// Reads the settings below `n`; what is missing takes the value of
/// [`VmSettings::for_memory`]`(memory, vcpus)`, and a missing topology is one socket of
/// `vcpus` cores.
pub(super) fn read_vm_settings(
    n: &Node<'_>,
    memory: u64,
    vcpus: u32,
) -> Result<VmSettings, XmlError> {
    let d = VmSettings::for_memory(memory, vcpus);
    let text = |path: &[&str], default: &str| n.string_at(path).unwrap_or_else(|| default.into());
    let cpu_topology = match n.descend(&["cpu", "topology"]) {
        Some(_) => CpuTopology {
            sockets: n.parse_at(&["cpu", "topology", "sockets"])?.unwrap_or(1),
            cores: n.parse_at(&["cpu", "topology", "cores"])?.unwrap_or(1),
            threads: n.parse_at(&["cpu", "topology", "threads"])?.unwrap_or(1),
        },
        None => CpuTopology::flat(vcpus),
    };
    Ok(VmSettings {
        description: n.text_of("description").unwrap_or_default().to_owned(),
        comment: n.text_of("comment").unwrap_or_default().to_owned(),
        os_type: text(&["os", "type"], &d.os_type),
        bios_type: text(&["bios", "type"], &d.bios_type),
        boot_menu: n
            .bool_at(&["bios", "boot_menu", "enabled"])?
            .unwrap_or(d.boot_menu),
        cpu_topology,
        cpu_shares: n.parse_at(&["cpu_shares"])?.unwrap_or(d.cpu_shares),
        memory_guaranteed: n
            .parse_at(&["memory_policy", "guaranteed"])?
            .unwrap_or(d.memory_guaranteed),
        memory_max: n
            .parse_at(&["memory_policy", "max"])?
            .unwrap_or(d.memory_max),
        ballooning: n
            .bool_at(&["memory_policy", "ballooning"])?
            .unwrap_or(d.ballooning),
        vm_type: text(&["type"], &d.vm_type),
        stateless: n.bool_at(&["stateless"])?.unwrap_or(d.stateless),
        display_type: text(&["display", "type"], &d.display_type),
        monitors: n.parse_at(&["display", "monitors"])?.unwrap_or(d.monitors),
        usb_enabled: n.bool_at(&["usb", "enabled"])?.unwrap_or(d.usb_enabled),
        io_threads: n.parse_at(&["io", "threads"])?.unwrap_or(d.io_threads),
        placement_affinity: text(&["placement_policy", "affinity"], &d.placement_affinity),
        time_zone: n.string_at(&["time_zone", "name"]),
        lease: match n.child("lease") {
            Some(l) => l.ref_id("storage_domain")?,
            None => None,
        },
    })
}

/// Memory, CPU count and high availability of a `<vm>` or `<template>`: 0 / 0 / disabled when
/// absent.
pub(super) fn read_sizing(n: &Node<'_>) -> Result<(u64, u32, HighAvailability), XmlError> {
    Ok((
        n.parse_at(&["memory"])?.unwrap_or(0),
        super::read_cpu_count(n)?,
        read_high_availability(n)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::{Element, dom::parse};

    fn written(f: &VmBaseFields<'_>) -> Element {
        let mut w = XmlWriter::new();
        w.open("vm", &[]);
        write_vm_base(&mut w, f);
        w.close("vm");
        parse(&w.finish()).unwrap()
    }

    #[test]
    fn every_element_is_written_and_reads_back() {
        let settings = VmSettings {
            os_type: "rhel_9x64".into(),
            bios_type: "q35_ovmf".into(),
            cpu_topology: CpuTopology {
                sockets: 2,
                cores: 2,
                threads: 1,
            },
            stateless: true,
            vm_type: "desktop".into(),
            time_zone: Some("Europe/Paris".into()),
            comment: "c & <d>".into(),
            lease: Some(crate::engine::Id::from_u128(0xa2)),
            ..VmSettings::for_memory(4 << 30, 4)
        };
        let f = VmBaseFields {
            memory: 4 << 30,
            vcpus: 4,
            high_availability: HighAvailability {
                enabled: true,
                priority: 50,
            },
            delete_protected: true,
            origin: "ovirt",
            settings: &settings,
        };
        let el = written(&f);
        let n = Node::root(&el);
        for path in [
            &["os", "type"][..],
            &["bios", "type"],
            &["bios", "boot_menu", "enabled"],
            &["cpu", "topology", "sockets"],
            &["memory_policy", "guaranteed"],
            &["memory_policy", "max"],
            &["high_availability", "priority"],
            &["placement_policy", "affinity"],
            &["display", "type"],
            &["usb", "enabled"],
            &["io", "threads"],
            &["time_zone", "name"],
            &["sso", "methods", "method"],
            &["migration", "auto_converge"],
        ] {
            assert!(n.descend(path).is_some(), "{path:?} missing");
        }
        assert_eq!(read_sizing(&n).unwrap(), (4 << 30, 4, f.high_availability));
        assert_eq!(read_vm_settings(&n, 4 << 30, 4).unwrap(), settings);
    }

    #[test]
    fn a_topology_that_disagrees_with_the_cpu_count_gives_way_and_missing_means_defaults() {
        let settings = VmSettings::for_memory(1 << 30, 2);
        let f = VmBaseFields {
            memory: 1 << 30,
            vcpus: 6,
            high_availability: HighAvailability::default(),
            delete_protected: false,
            origin: "ovirt",
            settings: &settings,
        };
        let el = written(&f);
        let n = Node::root(&el);
        assert_eq!(n.text_at(&["cpu", "topology", "cores"]), Some("6"));
        let bare = parse("<vm><memory>1024</memory></vm>").unwrap();
        let read = read_vm_settings(&Node::root(&bare), 1024, 3).unwrap();
        let expected = VmSettings {
            time_zone: None,
            ..VmSettings::for_memory(1024, 3)
        };
        assert_eq!(read, expected);
        let bad = parse("<vm><memory_policy><max>lots</max></memory_policy></vm>").unwrap();
        assert!(read_vm_settings(&Node::root(&bad), 0, 0).is_err());
    }
}
