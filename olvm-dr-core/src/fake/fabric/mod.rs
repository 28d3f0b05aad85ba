//! The storage between the two sites: file exports and LUNs on each site's arrays, what each
//! holds (a storage domain's metadata, its OVF store, its disk images), iSCSI targets, and the
//! replication pairs that copy a primary volume to a secondary one.
//!
//! Replication is synchronous in this model: while a pair runs, every write to its source
//! (domain metadata, OVF store writes, removed images) reaches the replica at once, and the
//! replica is read-only. Stopping a pair promotes the replica (both sides read-write, no more
//! copying); reversing it swaps the roles and resynchronises the new replica from the new source.

pub(crate) mod lease;
pub(crate) mod ovf_store;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::Secret;
use crate::Site;
use crate::engine::{Id, StorageDomainType, StorageType};

pub(crate) use ovf_store::{OvfStore, OvfTemplate, OvfVm};

/// Index of a volume in the fabric.
pub(crate) type VolumeId = usize;

/// A replication pair, as the world's API names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct PairId(pub(crate) usize);

/// Which way a replication pair copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplicationDirection {
    /// Primary volume → secondary volume (normal operation).
    PrimaryToSecondary,
    /// Secondary volume → primary volume (after failover, before failback).
    SecondaryToPrimary,
}

impl ReplicationDirection {
    /// The site whose volume is the source.
    pub fn source(self) -> Site {
        match self {
            ReplicationDirection::PrimaryToSecondary => Site::Primary,
            ReplicationDirection::SecondaryToPrimary => Site::Secondary,
        }
    }
}

/// Where a volume is and how it is reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Locator {
    /// An NFS / GlusterFS / POSIX export.
    File {
        storage_type: StorageType,
        address: String,
        path: String,
        vfs_type: Option<String>,
    },
    /// An iSCSI or FC LUN.
    Lun {
        storage_type: StorageType,
        lun_id: String,
        size: u64,
        /// The iSCSI target exporting it (index into the fabric's targets).
        target: Option<usize>,
    },
}

impl Locator {
    pub(crate) fn storage_type(&self) -> StorageType {
        match self {
            Locator::File { storage_type, .. } | Locator::Lun { storage_type, .. } => *storage_type,
        }
    }
}

/// A storage domain's metadata as it lives on the volume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DomainMetadata {
    pub(crate) id: Id,
    pub(crate) name: String,
    pub(crate) kind: StorageDomainType,
    pub(crate) storage_format: String,
    /// The pool (data center) the domain believes it belongs to.
    pub(crate) pool: Option<Id>,
    /// Its two OVF_STORE disks.
    pub(crate) ovf_disks: [Id; 2],
    /// Block domains: the LVM volume group.
    pub(crate) volume_group: Option<String>,
    /// The hosted engine's storage.
    pub(crate) hosted_engine: bool,
}

/// What a volume holding a storage domain contains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DomainContent {
    pub(crate) meta: DomainMetadata,
    pub(crate) ovf: Arc<OvfStore>,
    /// Ids of the disk images present on the domain.
    pub(crate) images: Arc<HashSet<Id>>,
}

/// One export or LUN.
#[derive(Debug, Clone)]
pub(crate) struct Volume {
    pub(crate) site: Site,
    pub(crate) locator: Locator,
    /// `None`: blank (a raw LUN used by a direct-LUN disk, or a formatted domain).
    pub(crate) content: Option<DomainContent>,
}

/// An iSCSI target on one site's array.
#[derive(Debug, Clone)]
pub(crate) struct IscsiTargetRec {
    pub(crate) site: Site,
    pub(crate) address: String,
    pub(crate) port: u16,
    pub(crate) iqn: String,
    /// CHAP user and password the target requires.
    pub(crate) chap: Option<(String, Secret)>,
}

/// A replication pair.
#[derive(Debug, Clone)]
pub(crate) struct Pair {
    pub(crate) primary: VolumeId,
    pub(crate) secondary: VolumeId,
    pub(crate) direction: ReplicationDirection,
    pub(crate) running: bool,
    /// Set while the replica is split off for a drill: read-write, no longer copied to, and no
    /// longer seeing the source site's sanlock renewals (since this instant).
    pub(crate) isolated_since: Option<tokio::time::Instant>,
}

impl Pair {
    fn source_target(&self) -> (VolumeId, VolumeId) {
        match self.direction {
            ReplicationDirection::PrimaryToSecondary => (self.primary, self.secondary),
            ReplicationDirection::SecondaryToPrimary => (self.secondary, self.primary),
        }
    }
}

/// A write hit a read-only replica.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ReadOnly;

/// All volumes, targets and pairs of both sites.
#[derive(Debug, Clone, Default)]
pub(crate) struct Fabric {
    pub(crate) volumes: Vec<Volume>,
    file_index: HashMap<(Site, StorageType, String, String), VolumeId>,
    lun_index: HashMap<(Site, String), VolumeId>,
    pub(crate) targets: Vec<IscsiTargetRec>,
    pub(crate) pairs: Vec<Pair>,
    pair_of: HashMap<VolumeId, usize>,
}

impl Fabric {
    /// Adds a volume.
    pub(crate) fn add_volume(&mut self, volume: Volume) -> VolumeId {
        let id = self.volumes.len();
        match &volume.locator {
            Locator::File {
                storage_type,
                address,
                path,
                ..
            } => {
                self.file_index.insert(
                    (volume.site, *storage_type, address.clone(), path.clone()),
                    id,
                );
            }
            Locator::Lun { lun_id, .. } => {
                self.lun_index.insert((volume.site, lun_id.clone()), id);
            }
        }
        self.volumes.push(volume);
        id
    }

    /// Adds an iSCSI target; returns its index.
    pub(crate) fn add_target(&mut self, target: IscsiTargetRec) -> usize {
        self.targets.push(target);
        self.targets.len() - 1
    }

    /// Pairs two volumes and starts replicating primary → secondary (the secondary takes the
    /// primary's content).
    pub(crate) fn add_pair(&mut self, primary: VolumeId, secondary: VolumeId) -> PairId {
        let idx = self.pairs.len();
        self.pairs.push(Pair {
            primary,
            secondary,
            direction: ReplicationDirection::PrimaryToSecondary,
            running: true,
            isolated_since: None,
        });
        self.pair_of.insert(primary, idx);
        self.pair_of.insert(secondary, idx);
        self.propagate(primary);
        PairId(idx)
    }

    /// The export of `storage_type` at `address`:`path` on `site`'s storage.
    pub(crate) fn find_export(
        &self,
        site: Site,
        storage_type: StorageType,
        address: &str,
        path: &str,
    ) -> Option<VolumeId> {
        self.file_index
            .get(&(site, storage_type, address.to_owned(), path.to_owned()))
            .copied()
    }

    /// The LUN `lun_id` on `site`'s storage.
    pub(crate) fn find_lun(&self, site: Site, lun_id: &str) -> Option<VolumeId> {
        self.lun_index.get(&(site, lun_id.to_owned())).copied()
    }

    /// The pair a volume belongs to.
    pub(crate) fn pair_of(&self, v: VolumeId) -> Option<usize> {
        self.pair_of.get(&v).copied()
    }

    /// `true` while `v` is the replica of a running pair.
    pub(crate) fn is_read_only(&self, v: VolumeId) -> bool {
        self.pair_of(v).is_some_and(|p| {
            let pair = &self.pairs[p];
            pair.running && pair.source_target().1 == v
        })
    }

    /// Changes the domain content of `v` and replicates the change.
    pub(crate) fn write(
        &mut self,
        v: VolumeId,
        change: impl FnOnce(&mut DomainContent),
    ) -> Result<(), ReadOnly> {
        if self.is_read_only(v) {
            return Err(ReadOnly);
        }
        if let Some(content) = &mut self.volumes[v].content {
            change(content);
        }
        self.propagate(v);
        Ok(())
    }

    /// Wipes `v` (format): nothing can be imported from it any more.
    pub(crate) fn format(&mut self, v: VolumeId) -> Result<(), ReadOnly> {
        if self.is_read_only(v) {
            return Err(ReadOnly);
        }
        self.volumes[v].content = None;
        self.propagate(v);
        Ok(())
    }

    /// Copies `v`'s content to its replica if `v` is the source of a running pair.
    fn propagate(&mut self, v: VolumeId) {
        if let Some(p) = self.pair_of(v) {
            let pair = &self.pairs[p];
            let (source, target) = pair.source_target();
            if pair.running && source == v {
                self.volumes[target].content = self.volumes[source].content.clone();
            }
        }
    }

    /// Stops a pair: no more copying, the replica becomes read-write (promoted).
    pub(crate) fn stop(&mut self, p: PairId) {
        self.pairs[p.0].running = false;
        self.pairs[p.0].isolated_since = None;
    }

    /// Splits the replica off for a drill at `now`: read-write, no more copying, and (unlike a
    /// promotion after a disaster) its lease area is its own from now on.
    pub(crate) fn isolate(&mut self, p: PairId, now: tokio::time::Instant) {
        self.pairs[p.0].running = false;
        self.pairs[p.0].isolated_since = Some(now);
    }

    /// When `v` was split off as a drill copy, if it is one.
    pub(crate) fn isolated_since(&self, v: VolumeId) -> Option<tokio::time::Instant> {
        let pair = &self.pairs[self.pair_of(v)?];
        (pair.source_target().1 == v)
            .then_some(pair.isolated_since)
            .flatten()
    }

    /// Starts (or restarts) a pair in its current direction, first copying the source over the
    /// target (a full resync).
    pub(crate) fn resync(&mut self, p: PairId) {
        self.pairs[p.0].running = true;
        self.pairs[p.0].isolated_since = None;
        let (source, _) = self.pairs[p.0].source_target();
        self.propagate(source);
    }

    /// Reverses a pair's direction and resynchronises the new replica from the new source.
    pub(crate) fn reverse(&mut self, p: PairId) {
        let pair = &mut self.pairs[p.0];
        pair.direction = match pair.direction {
            ReplicationDirection::PrimaryToSecondary => ReplicationDirection::SecondaryToPrimary,
            ReplicationDirection::SecondaryToPrimary => ReplicationDirection::PrimaryToSecondary,
        };
        self.resync(p);
    }

    /// The volumes of `site` carrying a LUN (with their index).
    pub(crate) fn site_luns(&self, site: Site) -> impl Iterator<Item = (VolumeId, &Volume)> {
        self.volumes
            .iter()
            .enumerate()
            .filter(move |(_, v)| v.site == site && matches!(v.locator, Locator::Lun { .. }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(name: &str) -> DomainContent {
        DomainContent {
            meta: DomainMetadata {
                id: Id::from_u128(1),
                name: name.into(),
                kind: StorageDomainType::Data,
                storage_format: "v5".into(),
                pool: None,
                ovf_disks: [Id::from_u128(2), Id::from_u128(3)],
                volume_group: None,
                hosted_engine: false,
            },
            ovf: Arc::default(),
            images: Arc::default(),
        }
    }

    fn export(site: Site, content: Option<DomainContent>) -> Volume {
        Volume {
            site,
            locator: Locator::File {
                storage_type: StorageType::Nfs,
                address: format!("nfs.{site}"),
                path: "/x".into(),
                vfs_type: None,
            },
            content,
        }
    }

    #[test]
    fn replication_copies_writes_and_protects_the_replica() {
        let mut f = Fabric::default();
        let a = f.add_volume(export(Site::Primary, Some(content("d"))));
        let b = f.add_volume(export(Site::Secondary, None));
        let p = f.add_pair(a, b);
        assert_eq!(f.volumes[b].content, f.volumes[a].content);
        assert!(f.is_read_only(b) && !f.is_read_only(a));
        f.write(a, |c| c.meta.pool = Some(Id::from_u128(9)))
            .unwrap();
        assert_eq!(
            f.volumes[b].content.as_ref().unwrap().meta.pool,
            Some(Id::from_u128(9))
        );
        assert_eq!(f.write(b, |_| {}), Err(ReadOnly));

        f.stop(p);
        f.write(b, |c| c.meta.pool = None).unwrap();
        assert!(f.volumes[a].content.as_ref().unwrap().meta.pool.is_some());

        f.reverse(p);
        assert!(f.is_read_only(a));
        assert!(f.volumes[a].content.as_ref().unwrap().meta.pool.is_none());
        assert_eq!(
            f.find_export(Site::Primary, StorageType::Nfs, "nfs.primary", "/x"),
            Some(a)
        );
        assert_eq!(
            f.find_export(Site::Primary, StorageType::Posixfs, "nfs.primary", "/x"),
            None
        );
    }
}
