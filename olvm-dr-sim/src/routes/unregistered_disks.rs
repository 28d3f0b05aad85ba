//! `GET /storagedomains/{sd}/disks;unregistered` (also `?unregistered=true`, and below
//! `/datacenters/{dc}/storagedomains/{sd}`): the images on a data domain the Engine's database
//! does not know.
//!
//! The Engine (`AbstractBackendStorageDomainDisksResource.list`, `GetUnregisteredDisksQuery`)
//! lists the domain's images (VDSM `GetImagesList`), drops those its database holds, and
//! describes each of the others from its volume metadata (`GetUnregisteredDisk`), without
//! actions. The fake knows the images of a domain's unregistered VMs and templates from the
//! domain's OVF store; those are the disks listed here, as the Engine maps them: image disks
//! with `ok` status on this domain, attached to nothing.

use olvm_dr_core::engine::{
    Disk, DiskContentType, DiskFilter, DiskStatus, DiskStorageType, Engine, Id, OvfDisk,
};

use crate::respond::{Reply, list};
use crate::server::{ApiRequest, SiteServer};

/// The unregistered disks of `sd`, listed under `collection` (the path's disks).
pub(super) async fn listing(
    st: &SiteServer,
    req: &ApiRequest,
    sd: Id,
    collection: String,
) -> Reply {
    st.engine.storage_domain(sd).await?;
    let known: Vec<Id> = st
        .engine
        .disks(DiskFilter::default())
        .await?
        .into_iter()
        .map(|d| d.id)
        .collect();
    let vms = st.engine.unregistered_vms(sd).await?;
    let templates = st.engine.unregistered_templates(sd).await?;
    let images = vms
        .iter()
        .flat_map(|v| &v.disks)
        .chain(templates.iter().flat_map(|t| &t.disks));
    let disks = unregistered(images, sd, &known);
    let sc = super::scope(collection, &req.params);
    Ok(list(&super::limit(disks, &req.params), &sc))
}

/// The images on `sd` that are not `known`, each once, as disks.
fn unregistered<'a>(images: impl Iterator<Item = &'a OvfDisk>, sd: Id, known: &[Id]) -> Vec<Disk> {
    let mut out: Vec<Disk> = Vec::new();
    for image in images {
        if !image.storage_domains.contains(&sd)
            || known.contains(&image.id)
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
    use olvm_dr_core::engine::DiskInterface;

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
        let disks = unregistered(images.iter(), sd, &[Id::from_u128(4)]);
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
