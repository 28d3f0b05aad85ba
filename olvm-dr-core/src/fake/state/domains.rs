//! Storage domains as one Engine knows them, their two views (top-level and data-center-scoped),
//! and the statuses derived from them: a data center's status follows its master domain
//! (`StorageHandlingCommandBase.calcStoragePoolStatusByDomainsStatus`).

use tokio::time::Instant;

use crate::engine::{
    DataCenter, DataCenterStatus, Id, SpmStatus, StorageConnection, StorageDomain,
    StorageDomainStatus, StorageDomainType,
};

use super::super::clock::Transition;
use super::super::fabric::VolumeId;
use super::SiteState;

/// Attributes set on import (or kept from the metadata).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SdAttrs {
    pub(crate) wipe_after_delete: bool,
    pub(crate) discard_after_delete: bool,
    pub(crate) backup: bool,
    pub(crate) critical_space_action_blocker: u32,
    pub(crate) warning_low_space_indicator: u32,
}

/// A domain attached to a data center.
#[derive(Debug, Clone)]
pub(crate) struct Attachment {
    pub(crate) dc: Id,
    pub(crate) master: bool,
    pub(crate) status: Transition<StorageDomainStatus>,
}

/// A storage domain in one Engine's database.
#[derive(Debug, Clone)]
pub(crate) struct SdRec {
    pub(crate) id: Id,
    pub(crate) name: String,
    pub(crate) kind: StorageDomainType,
    pub(crate) volume: VolumeId,
    /// The connection facts the views show.
    pub(crate) connection: StorageConnection,
    pub(crate) attrs: SdAttrs,
    pub(crate) storage_format: String,
    pub(crate) hosted_engine: bool,
    pub(crate) ovf_disks: [Id; 2],
    pub(crate) available: u64,
    pub(crate) used: u64,
    pub(crate) attachment: Option<Attachment>,
    /// The last time it became a master (`lastTimeUsedAsMaster`); `None`: never.
    pub(crate) last_master: Option<Instant>,
}

impl SdRec {
    /// The domain's own status at `now`: its data-center status, or `Unattached`.
    pub(crate) fn status(&self, now: Instant) -> StorageDomainStatus {
        self.attachment
            .as_ref()
            .map_or(StorageDomainStatus::Unattached, |a| a.status.at(now))
    }

    /// `true` when attached to `dc`.
    pub(crate) fn attached_to(&self, dc: Id) -> bool {
        self.attachment.as_ref().is_some_and(|a| a.dc == dc)
    }

    /// `true` when attached, active at `now`, and in `dc` (if given).
    pub(crate) fn active_in(&self, dc: Option<Id>, now: Instant) -> bool {
        self.attachment.as_ref().is_some_and(|a| {
            dc.is_none_or(|d| d == a.dc) && a.status.at(now) == StorageDomainStatus::Active
        })
    }

    pub(crate) fn is_data(&self) -> bool {
        self.kind == StorageDomainType::Data
    }

    /// The domain as the Engine shows it: top-level (`scoped` false: status only `unattached`
    /// or none) or data-center-scoped (the real status).
    pub(crate) fn view(&self, now: Instant, scoped: bool) -> StorageDomain {
        let status = match (&self.attachment, scoped) {
            (None, _) => Some(StorageDomainStatus::Unattached),
            (Some(a), true) => Some(a.status.at(now)),
            (Some(_), false) => None,
        };
        StorageDomain {
            id: self.id,
            name: self.name.clone(),
            kind: self.kind,
            status,
            master: self.attachment.as_ref().is_some_and(|a| a.master),
            data_centers: self.attachment.iter().map(|a| a.dc).collect(),
            storage: self.connection.clone(),
            wipe_after_delete: self.attrs.wipe_after_delete,
            discard_after_delete: self.attrs.discard_after_delete,
            backup: self.attrs.backup,
            critical_space_action_blocker: self.attrs.critical_space_action_blocker,
            warning_low_space_indicator: self.attrs.warning_low_space_indicator,
            available: self.available,
            used: self.used,
            storage_format: Some(self.storage_format.clone()),
        }
    }
}

impl SiteState {
    /// The master domain of `dc`.
    pub(crate) fn master_of(&self, dc: Id) -> Option<&SdRec> {
        self.domains.values().find(|d| {
            d.attachment
                .as_ref()
                .is_some_and(|a| a.dc == dc && a.master)
        })
    }

    /// The domains attached to `dc`.
    pub(crate) fn domains_in(&self, dc: Id) -> impl Iterator<Item = &SdRec> {
        self.domains.values().filter(move |d| d.attached_to(dc))
    }

    /// A data center's status, derived from its master domain's.
    pub(crate) fn dc_status(&self, dc: Id, now: Instant) -> DataCenterStatus {
        let Some(master) = self.master_of(dc) else {
            return DataCenterStatus::Uninitialized;
        };
        match master.status(now) {
            StorageDomainStatus::Active
            | StorageDomainStatus::PreparingForMaintenance
            | StorageDomainStatus::Detaching => DataCenterStatus::Up,
            StorageDomainStatus::Maintenance => DataCenterStatus::Maintenance,
            StorageDomainStatus::Locked | StorageDomainStatus::Activating => {
                DataCenterStatus::Contend
            }
            _ => DataCenterStatus::Problematic,
        }
    }

    pub(crate) fn data_centers_view(&self, now: Instant) -> Vec<DataCenter> {
        self.inv
            .dcs
            .values()
            .map(|dc| DataCenter {
                id: dc.id,
                name: dc.name.clone(),
                status: self.dc_status(dc.id, now),
                version: dc.version,
                local: dc.local,
            })
            .collect()
    }

    /// A host's SPM role: the first Up host of a running data center is its SPM.
    pub(crate) fn spm_status(&self, host: Id, now: Instant) -> SpmStatus {
        let Some(dc) = self
            .inv
            .hosts
            .get(&host)
            .and_then(|h| self.dc_of_cluster(h.cluster))
        else {
            return SpmStatus::None;
        };
        if self.inv.up_hosts_in_dc(dc).next().map(|h| h.id) != Some(host) {
            return SpmStatus::None;
        }
        match self.dc_status(dc, now) {
            DataCenterStatus::Up | DataCenterStatus::Maintenance => SpmStatus::Spm,
            DataCenterStatus::Contend => SpmStatus::Contending,
            _ => SpmStatus::None,
        }
    }

    /// Registers a domain record (import, builder).
    /// A file domain comes with its storage connection (import adds it first; the builder's
    /// domains were imported once).
    pub(crate) fn insert_domain(&mut self, d: SdRec) {
        if d.connection.storage_type.is_some_and(|t| t.is_file()) {
            self.connections.ensure(&d.connection);
        }
        self.domain_names.insert(d.name.clone(), d.id);
        self.domains.insert(d.id, d);
    }

    /// Forgets a domain record.
    pub(crate) fn remove_domain_record(&mut self, id: Id) -> Option<SdRec> {
        let d = self.domains.remove(&id)?;
        self.domain_names.remove(&d.name);
        self.unregistered.remove(&id);
        // `FileStorageHelper.storageDomainRemoved`: the domain's connection goes with it.
        self.connections.remove_export(&d.connection);
        for disk in d.ovf_disks {
            self.disks.remove(&disk);
        }
        Some(d)
    }
}
