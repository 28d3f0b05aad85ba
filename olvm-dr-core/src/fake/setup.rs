//! [`Setup`]: direct construction of a world's contents, bypassing the Engine API.
//!
//! The [`WorldBuilder`](super::WorldBuilder) builds every preset with it, and tests reach it
//! through [`World::setup`](super::World::setup) when they need a situation the presets do not
//! have (a VM with a conflicting MAC, a target with CHAP, an extra domain). It creates things as
//! if an administrator had made them long ago: no latency, no validation beyond consistency.

use std::collections::HashSet;
use std::sync::Arc;

use tokio::time::Instant;

use crate::engine::{
    DiskContentType, DiskStatus, DiskStorageType, HighAvailability, HostStatus, Id, LunStorage,
    Permission, StorageDomainStatus, StorageDomainType, StorageType, TemplateStatus, Version,
    VmStatus,
};
use crate::{Secret, Site};

use super::clock::Transition;
use super::fabric::{DomainContent, DomainMetadata, IscsiTargetRec, Locator, PairId, Volume};
use super::state::WorldState;
use super::state::disks::DiskRec;
use super::state::domains::{Attachment, SdAttrs, SdRec};
use super::state::inventory::{
    AffinityGroupRec, ClusterRec, DcRec, HostRec, LabelRec, NetworkRec, ProfileRec, RoleRec,
};
use super::state::macs::{MacPool, parse_mac};
use super::state::vms::{NicRec, TemplateRec, VmRec};

/// A volume (export or LUN) of the fabric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VolumeRef(pub(crate) usize);

/// An iSCSI target of the fabric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TargetRef(pub(crate) usize);

/// A NIC to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NicSpec {
    /// Name, e.g. `nic1`.
    pub name: String,
    /// Its vNIC profile; `None` = unplugged.
    pub profile: Option<Id>,
    /// Its MAC; `None` = the next free one of the cluster's pool (VMs only).
    pub mac: Option<String>,
}

/// An image disk to create, on one or more domains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiskSpec {
    /// Alias.
    pub alias: String,
    /// The domains holding the image.
    pub domains: Vec<Id>,
}

/// A direct-LUN disk to create on a LUN volume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LunDiskSpec {
    /// Alias.
    pub alias: String,
    /// The LUN.
    pub lun: VolumeRef,
    /// Shareable between VMs.
    pub shareable: bool,
}

/// A VM to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VmSpec {
    /// Name.
    pub name: String,
    /// Cluster.
    pub cluster: Id,
    /// Template (`Id::NIL` = blank).
    pub template: Id,
    /// High availability.
    pub high_availability: HighAvailability,
    /// Delete protection.
    pub delete_protected: bool,
    /// A snapshot in preview.
    pub snapshot_in_preview: bool,
    /// Memory in bytes.
    pub memory: u64,
    /// Virtual CPUs.
    pub vcpus: u32,
    /// Origin (`ovirt`, or [`HOSTED_ENGINE_ORIGIN`](crate::engine::HOSTED_ENGINE_ORIGIN)).
    pub origin: String,
    /// NICs.
    pub nics: Vec<NicSpec>,
    /// Image disks.
    pub disks: Vec<DiskSpec>,
    /// Direct-LUN disks.
    pub luns: Vec<LunDiskSpec>,
    /// Affinity groups (of its cluster).
    pub affinity_groups: Vec<Id>,
    /// Affinity labels.
    pub affinity_labels: Vec<Id>,
    /// Permissions on it.
    pub permissions: Vec<Permission>,
    /// Running (`up`) rather than `down`.
    pub running: bool,
}

impl VmSpec {
    /// A down, diskless VM with one CPU and 1 GiB in `cluster`.
    pub fn new(name: impl Into<String>, cluster: Id) -> Self {
        Self {
            name: name.into(),
            cluster,
            template: Id::NIL,
            high_availability: HighAvailability::default(),
            delete_protected: false,
            snapshot_in_preview: false,
            memory: 1 << 30,
            vcpus: 1,
            origin: "ovirt".into(),
            nics: Vec::new(),
            disks: Vec::new(),
            luns: Vec::new(),
            affinity_groups: Vec::new(),
            affinity_labels: Vec::new(),
            permissions: Vec::new(),
            running: false,
        }
    }
}

/// A template to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateSpec {
    /// Name (a version shares its base's name).
    pub name: String,
    /// Cluster.
    pub cluster: Id,
    /// The base template of a version; `None` for a base template.
    pub base: Option<Id>,
    /// Version number (1 for a base template).
    pub version: u32,
    /// Image disks.
    pub disks: Vec<DiskSpec>,
    /// NICs (their MACs are ignored).
    pub nics: Vec<NicSpec>,
    /// Permissions on it.
    pub permissions: Vec<Permission>,
}

/// Direct access to a world's state for building it.
pub struct Setup<'a> {
    pub(crate) w: &'a mut WorldState,
    pub(crate) now: Instant,
}

impl std::fmt::Debug for Setup<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Setup").finish_non_exhaustive()
    }
}

impl Setup<'_> {
    /// A fresh id from `site`'s deterministic generator.
    pub fn new_id(&mut self, site: Site) -> Id {
        self.w.site_mut(site).ids.id()
    }

    /// Adds a data center (it stays `uninitialized` until a data domain is attached).
    pub fn add_data_center(&mut self, site: Site, name: &str, version: Version) -> Id {
        let id = self.new_id(site);
        self.w.site_mut(site).inv.add_dc(DcRec {
            id,
            name: name.into(),
            version,
            local: false,
        });
        id
    }

    /// Adds a MAC pool with inclusive ranges given as MAC texts. Panics on a malformed MAC: the
    /// caller writes them as literals.
    pub fn add_mac_pool(
        &mut self,
        site: Site,
        ranges: &[(&str, &str)],
        allow_duplicates: bool,
    ) -> Id {
        let id = self.new_id(site);
        let ranges = ranges
            .iter()
            .map(|(a, b)| {
                let parse = |m: &str| parse_mac(m).unwrap_or_else(|| panic!("bad MAC {m:?}"));
                (parse(a), parse(b))
            })
            .collect();
        self.w
            .site_mut(site)
            .macs
            .insert(id, MacPool::new(ranges, allow_duplicates));
        id
    }

    /// Adds a cluster.
    pub fn add_cluster(
        &mut self,
        site: Site,
        name: &str,
        dc: Id,
        mac_pool: Id,
        version: Version,
    ) -> Id {
        let id = self.new_id(site);
        self.w.site_mut(site).inv.add_cluster(ClusterRec {
            id,
            name: name.into(),
            dc,
            version,
            mac_pool,
            cpu_architecture: "x86_64".into(),
            networks: HashSet::new(),
        });
        id
    }

    /// Adds a host (256 GiB, 64 threads).
    pub fn add_host(&mut self, site: Site, name: &str, cluster: Id, status: HostStatus) -> Id {
        let id = self.new_id(site);
        self.w.site_mut(site).inv.add_host(HostRec {
            id,
            name: name.into(),
            address: format!("{name}.{site}.example"),
            cluster,
            status,
            memory: 256 << 30,
            cpu_threads: 64,
            iscsi_initiator: format!("iqn.1994-05.com.redhat:{name}"),
        });
        id
    }

    /// Adds a logical network and attaches it to `clusters`.
    pub fn add_network(
        &mut self,
        site: Site,
        dc: Id,
        name: &str,
        vlan: Option<u32>,
        clusters: &[Id],
    ) -> Id {
        let id = self.new_id(site);
        let s = self.w.site_mut(site);
        s.inv.add_network(NetworkRec {
            id,
            name: name.into(),
            dc,
            vlan,
        });
        for c in clusters {
            if let Some(c) = s.inv.clusters.get_mut(c) {
                c.networks.insert(id);
            }
        }
        id
    }

    /// Adds a vNIC profile on `network`.
    pub fn add_vnic_profile(&mut self, site: Site, network: Id, name: &str) -> Id {
        let id = self.new_id(site);
        self.w.site_mut(site).inv.add_profile(ProfileRec {
            id,
            name: name.into(),
            network,
        });
        id
    }

    /// Adds an affinity group to `cluster`.
    pub fn add_affinity_group(
        &mut self,
        site: Site,
        cluster: Id,
        name: &str,
        positive: bool,
    ) -> Id {
        let id = self.new_id(site);
        self.w
            .site_mut(site)
            .inv
            .add_affinity_group(AffinityGroupRec {
                id,
                name: name.into(),
                cluster,
                positive,
                enforcing: true,
            });
        id
    }

    /// Adds an affinity label.
    pub fn add_affinity_label(&mut self, site: Site, name: &str) -> Id {
        let id = self.new_id(site);
        self.w.site_mut(site).inv.add_label(LabelRec {
            id,
            name: name.into(),
        });
        id
    }

    /// Adds a user `login` in authz domain `authz` (creating the domain).
    pub fn add_user(&mut self, site: Site, login: &str, authz: &str) {
        self.w.site_mut(site).inv.add_user(login, authz);
    }

    /// Adds a role.
    pub fn add_role(&mut self, site: Site, name: &str, administrative: bool) -> Id {
        let id = self.new_id(site);
        self.w.site_mut(site).inv.add_role(RoleRec {
            id,
            name: name.into(),
            administrative,
            mutable: false,
        });
        id
    }

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

    fn put_images(&mut self, disks: &[DiskSpec], ids: &[Id], site: Site) {
        for (spec, id) in disks.iter().zip(ids) {
            for sd in &spec.domains {
                if let Some(v) = self.w.site(site).domains.get(sd).map(|d| d.volume) {
                    let _ = self.w.fabric.write(v, |c| {
                        Arc::make_mut(&mut c.images).insert(*id);
                    });
                }
            }
        }
    }

    fn nics(&mut self, site: Site, nics: &[NicSpec]) -> Vec<NicRec> {
        nics.iter()
            .map(|n| NicRec {
                id: self.new_id(site),
                name: n.name.clone(),
                mac: n.mac.as_deref().and_then(parse_mac),
                profile: n.profile,
            })
            .collect()
    }

    /// Adds a template with its disks.
    pub fn add_template(&mut self, site: Site, spec: TemplateSpec) -> Id {
        let id = self.new_id(site);
        let disk_ids: Vec<Id> = spec.disks.iter().map(|_| self.new_id(site)).collect();
        let nics = self
            .nics(site, &spec.nics)
            .into_iter()
            .map(|n| NicRec { mac: None, ..n })
            .collect();
        self.put_images(&spec.disks, &disk_ids, site);
        let now = self.now;
        let s = self.w.site_mut(site);
        let dc = s
            .dc_of_cluster(spec.cluster)
            .expect("template in a known cluster");
        for (d, did) in spec.disks.iter().zip(&disk_ids) {
            s.disks.insert(
                *did,
                DiskRec::image(*did, &d.alias, d.domains.clone(), Some(id)),
            );
        }
        s.insert_template(TemplateRec {
            id,
            name: spec.name,
            cluster: spec.cluster,
            dc,
            version_number: spec.version,
            base: spec.base.unwrap_or(id),
            disks: disk_ids,
            nics,
            status: Transition::settled(TemplateStatus::Ok, now),
            permissions: spec.permissions,
        });
        id
    }

    /// Adds a VM with its disks; NICs without a MAC get the next free one of the cluster's pool.
    pub fn add_vm(&mut self, site: Site, spec: VmSpec) -> Id {
        let id = self.new_id(site);
        let disk_ids: Vec<Id> = spec.disks.iter().map(|_| self.new_id(site)).collect();
        // A LUN that already backs a disk is shared: the VM gets that disk.
        let lun_ids: Vec<Id> = spec
            .luns
            .iter()
            .map(|l| {
                let existing = match &self.w.fabric.volumes[l.lun.0].locator {
                    Locator::Lun { lun_id, .. } => self.w.site(site).lun_disks.get(lun_id).copied(),
                    Locator::File { .. } => None,
                };
                existing.unwrap_or_else(|| self.new_id(site))
            })
            .collect();
        let mut nics = self.nics(site, &spec.nics);
        self.put_images(&spec.disks, &disk_ids, site);
        let luns: Vec<_> = spec
            .luns
            .iter()
            .map(|l| {
                let v = l.lun.0;
                let storage_type = self.w.fabric.volumes[v].locator.storage_type();
                (
                    self.w.logical_unit(site, v).unwrap_or_default(),
                    storage_type,
                )
            })
            .collect();
        let now = self.now;
        let s = self.w.site_mut(site);
        let dc = s
            .dc_of_cluster(spec.cluster)
            .expect("VM in a known cluster");
        let pool_id = s.inv.clusters[&spec.cluster].mac_pool;
        for n in nics.iter_mut().filter(|n| n.mac.is_none()) {
            // `insert_vm` records the use.
            n.mac = s.macs.get_mut(&pool_id).and_then(|p| p.next_free().ok());
        }
        for (d, did) in spec.disks.iter().zip(&disk_ids) {
            s.disks.insert(
                *did,
                DiskRec::image(*did, &d.alias, d.domains.clone(), Some(id)),
            );
        }
        for ((l, did), (mut lu, storage_type)) in spec.luns.iter().zip(&lun_ids).zip(luns) {
            if let Some(shared) = s.disks.get_mut(did) {
                shared.vms.push(id);
                continue;
            }
            lu.status = None;
            s.lun_disks.insert(lu.id.clone(), *did);
            s.disks.insert(
                *did,
                DiskRec {
                    id: *did,
                    alias: l.alias.clone(),
                    content: DiskContentType::Data,
                    storage: DiskStorageType::Lun,
                    shareable: l.shareable,
                    wipe_after_delete: false,
                    domains: Vec::new(),
                    lun: Some(LunStorage {
                        storage_type,
                        logical_units: vec![lu],
                    }),
                    vms: vec![id],
                    status: DiskStatus::Ok,
                },
            );
        }
        let hosts: Vec<Id> = s
            .inv
            .up_hosts_in_dc(dc)
            .filter(|h| h.cluster == spec.cluster)
            .map(|h| h.id)
            .collect();
        let running = spec.running && !hosts.is_empty();
        let host = running.then(|| hosts[s.vms.len() % hosts.len()]);
        s.insert_vm(VmRec {
            id,
            name: spec.name,
            cluster: spec.cluster,
            dc,
            template: spec.template,
            ha: spec.high_availability,
            delete_protected: spec.delete_protected,
            snapshot_in_preview: spec.snapshot_in_preview,
            memory: spec.memory,
            vcpus: spec.vcpus,
            origin: spec.origin,
            nics,
            disks: disk_ids,
            luns: lun_ids,
            power: Transition::settled(
                if running {
                    VmStatus::Up
                } else {
                    VmStatus::Down
                },
                now,
            ),
            host,
            removing: false,
            affinity_groups: spec.affinity_groups,
            labels: spec.affinity_labels,
            permissions: spec.permissions,
        });
        id
    }

    /// Writes the OVF stores of every active data domain of `site`, as the periodic update would.
    pub fn write_ovf_stores(&mut self, site: Site) {
        let now = self.now;
        self.w.periodic_ovf_write(site, now);
    }
}
