//! `unregistered_disks`: the images on a data domain the Engine's database does not hold.
//!
//! The Engine (`AbstractBackendStorageDomainDisksResource.list`, `GetUnregisteredDisksQuery`)
//! lists the domain's images (VDSM `GetImagesList`), drops those its database holds, and
//! describes each of the others from its volume metadata (`GetUnregisteredDisk`). The fake
//! knows the images of a domain's unregistered VMs and templates from the domain's OVF store;
//! those are the disks listed, as the Engine maps them: image disks with `ok` status on this
//! domain, attached to nothing (the volume metadata does not name a VM).

use crate::Site;
use crate::engine::{
    Disk, DiskContentType, DiskStatus, DiskStorageType, EngineResult, Id, OvfDisk,
};

use super::super::messages as msg;
use super::super::ops::Operation;
use super::WorldState;

impl WorldState {
    pub(crate) fn unregistered_disks_view(&self, site: Site, sd: Id) -> EngineResult<Vec<Disk>> {
        let s = self.site(site);
        if !s.domains.contains_key(&sd) {
            return Err(msg::not_found(
                Operation::UnregisteredDisks,
                format!("storage domain {sd}"),
            ));
        }
        let Some(u) = s.unregistered.get(&sd) else {
            return Ok(Vec::new());
        };
        let images = u
            .vms
            .values()
            .flat_map(|v| &v.disks)
            .chain(u.templates.values().flat_map(|t| &t.disks));
        Ok(unregistered(images, sd, |id| s.disks.contains_key(&id)))
    }
}

/// The images on `sd` that are not `known`, each once, as disks.
fn unregistered<'a>(
    images: impl Iterator<Item = &'a OvfDisk>,
    sd: Id,
    known: impl Fn(Id) -> bool,
) -> Vec<Disk> {
    let mut out: Vec<Disk> = Vec::new();
    for image in images {
        if !image.storage_domains.contains(&sd)
            || known(image.id)
            || out.iter().any(|d| d.id == image.id)
        {
            continue;
        }
        out.push(Disk {
            id: image.id,
            alias: image.alias.clone(),
            description: None,
            status: DiskStatus::Ok,
            storage_type: DiskStorageType::Image,
            content_type: DiskContentType::Data,
            shareable: false,
            wipe_after_delete: false,
            storage_domains: vec![sd],
            lun_storage: None,
            vms: Vec::new(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::DiskInterface;

    fn image(n: u128, domains: &[Id]) -> OvfDisk {
        OvfDisk {
            id: Id::from_u128(n),
            alias: format!("disk{n}"),
            storage_domains: domains.to_vec(),
            provisioned_size: 1 << 30,
            interface: DiskInterface::Virtio,
            bootable: false,
            active: true,
        }
    }

    #[test]
    fn images_on_the_domain_not_known_each_once() {
        let (sd, other) = (Id::from_u128(100), Id::from_u128(200));
        let images = [
            image(1, &[sd]),
            image(2, &[other]),
            image(3, &[sd, other]),
            image(1, &[sd]),
            image(4, &[sd]),
        ];
        let disks = unregistered(images.iter(), sd, |id| id == Id::from_u128(4));
        let ids: Vec<Id> = disks.iter().map(|d| d.id).collect();
        assert_eq!(ids, [Id::from_u128(1), Id::from_u128(3)]);
        assert!(
            disks
                .iter()
                .all(|d| d.storage_domains == [sd] && d.vms.is_empty())
        );
        assert_eq!(disks[0].alias, "disk1");
        assert_eq!(disks[0].storage_type, DiskStorageType::Image);
    }
}
