//! Setting up storage: iSCSI targets, exports and LUNs, domains on them, their import and
//! attachment, replication.

use std::sync::Arc;

use crate::engine::{Id, StorageDomainStatus, StorageDomainType, StorageType};
use crate::{Secret, Site};

use super::super::clock::Transition;
use super::super::fabric::{
    DomainContent, DomainMetadata, IscsiTargetRec, Locator, PairId, Volume,
};
use super::super::state::disks::DiskRec;
use super::super::state::domains::{Attachment, SdAttrs, SdRec};
use super::{Setup, TargetRef, VolumeRef};

impl Setup<'_> {
    /// Adds an iSCSI target on `site`'s array, optionally requiring CHAP.
    pub fn add_iscsi_target(
        &mut self,
        site: Site,
        address: &str,
        port: u16,
        iqn: &str,
        chap: Option<(&str, &str)>,
    ) -> TargetRef {
        TargetRef(self.w.fabric.add_target(IscsiTargetRec {
            site,
            address: address.into(),
            port,
            iqn: iqn.into(),
            chap: chap.map(|(u, p)| (u.to_owned(), Secret::new(p))),
        }))
    }

    /// Adds an empty export.
    pub fn add_export(
        &mut self,
        site: Site,
        storage_type: StorageType,
        address: &str,
        path: &str,
        vfs_type: Option<&str>,
    ) -> VolumeRef {
        VolumeRef(self.w.fabric.add_volume(Volume {
            site,
            locator: Locator::File {
                storage_type,
                address: address.into(),
                path: path.into(),
                vfs_type: vfs_type.map(str::to_owned),
            },
            content: None,
        }))
    }

    /// Adds a blank LUN (iSCSI behind `target`, or FC when `target` is `None`).
    pub fn add_lun(
        &mut self,
        site: Site,
        lun_id: &str,
        size: u64,
        target: Option<TargetRef>,
    ) -> VolumeRef {
        let storage_type = if target.is_some() {
            StorageType::Iscsi
        } else {
            StorageType::Fcp
        };
        VolumeRef(self.w.fabric.add_volume(Volume {
            site,
            locator: Locator::Lun {
                storage_type,
                lun_id: lun_id.into(),
                size,
                target: target.map(|t| t.0),
            },
            content: None,
        }))
    }

    /// Creates a storage domain on a blank volume; returns its id.
    pub fn create_domain(
        &mut self,
        volume: VolumeRef,
        name: &str,
        kind: StorageDomainType,
        hosted_engine: bool,
    ) -> Id {
        let site = self.w.fabric.volumes[volume.0].site;
        let id = self.new_id(site);
        let ovf_disks = [self.new_id(site), self.new_id(site)];
        let is_block = matches!(self.w.fabric.volumes[volume.0].locator, Locator::Lun { .. });
        let volume_group = is_block.then(|| {
            let n = self.w.site_mut(site).ids.next_u64();
            format!("{:06x}-{:04x}-vg", n >> 40, n & 0xffff)
        });
        self.w.fabric.volumes[volume.0].content = Some(DomainContent {
            meta: DomainMetadata {
                id,
                name: name.into(),
                kind,
                storage_format: "v5".into(),
                pool: None,
                ovf_disks,
                volume_group,
                hosted_engine,
            },
            ovf: Arc::default(),
            images: Arc::default(),
        });
        id
    }

    /// Imports the domain on `volume` into `site`'s Engine and attaches it, active, to `dc`
    /// (as its master when `master`); `site`'s hosts take its lease.
    pub fn attach_domain(&mut self, site: Site, volume: VolumeRef, dc: Id, master: bool) -> Id {
        let meta = self.w.fabric.volumes[volume.0]
            .content
            .as_ref()
            .expect("attach_domain needs a volume holding a domain")
            .meta
            .clone();
        let connection = self.w.connection_facts(site, volume.0);
        let now = self.now;
        let _ = self.w.fabric.write(volume.0, |c| c.meta.pool = Some(dc));
        let s = self.w.site_mut(site);
        s.insert_domain(SdRec {
            id: meta.id,
            name: meta.name.clone(),
            kind: meta.kind,
            volume: volume.0,
            connection,
            attrs: SdAttrs {
                critical_space_action_blocker: 5,
                warning_low_space_indicator: 10,
                ..SdAttrs::default()
            },
            storage_format: meta.storage_format.clone(),
            hosted_engine: meta.hosted_engine,
            ovf_disks: meta.ovf_disks,
            available: 90 << 30,
            used: 10 << 30,
            attachment: Some(Attachment {
                dc,
                master,
                status: Transition::settled(StorageDomainStatus::Active, now),
            }),
            last_master: master.then_some(now),
        });
        if meta.kind == StorageDomainType::Data {
            for disk in meta.ovf_disks {
                s.disks.insert(disk, DiskRec::ovf_store(disk, meta.id));
            }
        }
        self.w.leases.grant(meta.id, site);
        meta.id
    }

    /// Imports the domain on `volume` into `site`'s Engine without attaching it.
    pub fn import_domain(&mut self, site: Site, volume: VolumeRef) -> Id {
        let id = self.attach_domain(site, volume, Id::NIL, false);
        let _ = self.w.fabric.write(volume.0, |c| c.meta.pool = None);
        let s = self.w.site_mut(site);
        if let Some(d) = s.domains.get_mut(&id) {
            d.attachment = None;
        }
        for disk in s.domains[&id].ovf_disks {
            s.disks.remove(&disk);
        }
        self.w.leases.release(id, site, self.now);
        id
    }

    /// Pairs two volumes; the secondary becomes a read-only replica of the primary.
    pub fn replicate(&mut self, primary: VolumeRef, secondary: VolumeRef) -> PairId {
        self.w.fabric.add_pair(primary.0, secondary.0)
    }
}
