//! A LUN as one host's device list shows it (`GET /hosts/{id}/storage`): what VDSM's
//! `getDeviceList` reports (`GetDeviceListVDSCommand.parseLun`) merged with what the Engine's
//! database knows (`GetDeviceListQuery`), as `StorageLogicalUnitMapper` writes it.

use crate::Site;
use crate::engine::{HostLun, Id, LogicalUnit};

use super::super::fabric::{Locator, VolumeId};
use super::WorldState;

/// Paths a fake host has to each FC LUN: two HBA ports, one per fabric, as FC SANs are
/// usually cabled.
const FC_PATHS_PER_HOST: u32 = 2;

/// Paths a fake host has to each iSCSI LUN: one session per target it logged in to (the fake
/// arrays have one portal per target).
const ISCSI_PATHS_PER_HOST: u32 = 1;

/// Bytes per GiB: VDSM's capacity reaches the Engine in whole GiB (`setDeviceSize`), which
/// the REST mapper turns back into bytes.
const GIB: u64 = 1 << 30;

impl WorldState {
    /// `host`'s entry for LUN volume `v` of `site`, or `None` when `v` is no LUN.
    ///
    /// `storage_domain_id` is the volume group's name, which is the id of the domain on the LUN
    /// whether this Engine knows the domain or not; a LUN this Engine holds as a direct LUN disk
    /// shows that disk instead (the database's row wins). Vendor, product and serial follow the
    /// array the LUN id names (`36001405…` a Linux LIO target, `3600a0980…` a NetApp).
    pub(crate) fn host_device(&self, site: Site, host: Id, v: VolumeId) -> Option<HostLun> {
        let mut lu = self.logical_unit(site, v)?;
        let vol = &self.fabric.volumes[v];
        let Locator::Lun {
            storage_type,
            lun_id,
            size,
            target,
        } = &vol.locator
        else {
            return None;
        };
        let disk = self.site(site).lun_disks.get(lun_id).copied();
        lu.disk = disk;
        lu.storage_domain = match disk {
            Some(_) => None,
            None => vol.content.as_ref().map(|c| c.meta.id),
        };
        lu.size = Some(size / GIB * GIB);
        lu.username =
            target.and_then(|t| self.fabric.targets[t].chap.as_ref().map(|c| c.0.clone()));
        let paths = if target.is_some() {
            ISCSI_PATHS_PER_HOST
        } else {
            FC_PATHS_PER_HOST
        };
        lu.paths = Some(paths);
        lu.active_paths = Some(paths);
        lu.lun_mapping = Some(self.lun_number(site, v));
        // Neither fake array advertises UNMAP; the deprecated flag is always false.
        lu.discard_max_size = Some(0);
        lu.discard_zeroes_data = Some(false);
        set_scsi_identity(&mut lu);
        Some(HostLun {
            id: lu.id.clone(),
            storage_type: *storage_type,
            logical_unit: lu,
            host: Some(host),
        })
    }

    /// The LUN number of `v` behind its target (iSCSI) or on its site's FC array, counted in
    /// the order the array exports them.
    fn lun_number(&self, site: Site, v: VolumeId) -> u32 {
        let target_of = |x: VolumeId| match &self.fabric.volumes[x].locator {
            Locator::Lun { target, .. } => *target,
            Locator::File { .. } => None,
        };
        let mine = target_of(v);
        let before = self
            .fabric
            .site_luns(site)
            .filter(|(x, _)| *x < v && target_of(*x) == mine)
            .count();
        u32::try_from(before).unwrap_or(u32::MAX)
    }
}

/// Vendor, product and serial of the array that hands out LUN ids with this NAA prefix. The
/// serial is the SCSI serial (VPD page 0x80) as `scsi_id` renders it, `S<vendor>_<product>_`
/// followed by the unit serial, which here is the id's vendor-specific digits.
fn set_scsi_identity(lu: &mut LogicalUnit) {
    // LIO: the Linux target's default product for a block backstore (`target_core_iblock`).
    // NetApp ONTAP: `LUN C-Mode`.
    const ARRAYS: [(&str, &str, &str); 2] = [
        ("36001405", "LIO-ORG", "IBLOCK"),
        ("3600a0980", "NETAPP", "LUN C-Mode"),
    ];
    let Some((prefix, vendor, product)) = ARRAYS.iter().find(|(p, _, _)| lu.id.starts_with(p))
    else {
        return;
    };
    let unit = &lu.id[prefix.len()..];
    lu.serial = Some(format!("S{vendor}_{}_{unit}", product.replace(' ', "_")));
    lu.vendor_id = Some((*vendor).to_owned());
    lu.product_id = Some((*product).to_owned());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_follows_the_naa_prefix() {
        let mut lio = LogicalUnit {
            id: "36001405abc".into(),
            ..LogicalUnit::default()
        };
        set_scsi_identity(&mut lio);
        assert_eq!(lio.vendor_id.as_deref(), Some("LIO-ORG"));
        assert_eq!(lio.serial.as_deref(), Some("SLIO-ORG_IBLOCK_abc"));
        let mut netapp = LogicalUnit {
            id: "3600a0980def".into(),
            ..LogicalUnit::default()
        };
        set_scsi_identity(&mut netapp);
        assert_eq!(netapp.product_id.as_deref(), Some("LUN C-Mode"));
        assert_eq!(netapp.serial.as_deref(), Some("SNETAPP_LUN_C-Mode_def"));
        let mut other = LogicalUnit {
            id: "2001122".into(),
            ..LogicalUnit::default()
        };
        set_scsi_identity(&mut other);
        assert_eq!((other.vendor_id, other.serial), (None, None));
    }
}
