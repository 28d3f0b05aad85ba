//! What registration checks of a VM against its target cluster besides names and MACs: the
//! BIOS type the cluster's architecture allows and the architecture itself.
//!
//! A VM's architecture is its guest OS's (`OvfOvirtReader` sets it from
//! `osRepository.getArchitectureFromOS`), so an x86 guest's OVF cannot run in a POWER or s390x
//! cluster. Not checked here because they cannot fail in the fake: disk and CPU profiles
//! (registration takes the domain's and the cluster's default ones, which always exist here) and
//! free space (`ImportValidator.validateSpaceRequirements` runs only when images are copied,
//! never for a registration from an OVF store, whose images are already on the domain:
//! `ImportVmCommand.validateAfterCloneVm`, `isImagesAlreadyOnTarget`).

use crate::engine::{EngineResult, VmSettings};

use super::super::messages as msg;
use super::super::ops::Operation;
use super::inventory::ClusterRec;

/// The CPU architecture of a guest OS as the Engine's `osinfo` names it (`rhel_8ppc64`,
/// `other_linux_ppc64le`, `rhel_7_s390x`; everything else is x86_64).
pub(crate) fn os_architecture(os_type: &str) -> &'static str {
    if os_type.contains("ppc64le") {
        "ppc64le"
    } else if os_type.contains("ppc64") {
        "ppc64"
    } else if os_type.contains("s390x") {
        "s390x"
    } else {
        "x86_64"
    }
}

/// `true` for the x86 family (`ArchitectureType.getFamily() == x86`).
fn is_x86(arch: &str) -> bool {
    matches!(arch, "x86_64" | "x86")
}

/// `VmValidator.isBiosTypeSupported`, as `ImportVmCommandBase.validate` runs it: a BIOS type
/// other than i440fx SeaBIOS needs an x86 cluster.
pub(crate) fn check_bios_type(
    vm: &VmSettings,
    cluster: &ClusterRec,
    op: Operation,
) -> EngineResult<()> {
    if vm.bios_type != "i440fx_sea_bios" && !is_x86(&cluster.cpu_architecture) {
        return Err(msg::bios_type_for_x86_only(op));
    }
    Ok(())
}

/// `ImportVmCommandBase.validateVdsCluster`: the cluster's architecture must be the VM's.
pub(crate) fn check_architecture(
    vm: &VmSettings,
    cluster: &ClusterRec,
    op: Operation,
) -> EngineResult<()> {
    if os_architecture(&vm.os_type) != cluster.cpu_architecture {
        return Err(msg::import_architecture_unsupported(op));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn architecture_follows_the_guest_os() {
        assert_eq!(os_architecture("rhel_9x64"), "x86_64");
        assert_eq!(os_architecture("windows_2019x64"), "x86_64");
        assert_eq!(os_architecture("rhel_8ppc64"), "ppc64");
        assert_eq!(os_architecture("other_linux_ppc64le"), "ppc64le");
        assert_eq!(os_architecture("rhel_7_s390x"), "s390x");
    }
}
