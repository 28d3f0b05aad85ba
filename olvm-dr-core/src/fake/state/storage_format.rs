//! Storage domain formats against data center compatibility levels.
//!
//! A data center's level fixes the format of its data domains (ovirt-engine
//! `VersionStorageFormatUtil`, see [`StorageFormat::for_level`]). Attach refuses a domain whose
//! format is newer than that (`StorageDomainToPoolRelationValidator.isStorageDomainFormatCorrectForDC`,
//! checked before the domain's pool mapping; ISO and export domains are exempt), and attaching a
//! data domain to a data center of a newer level upgrades it: the Engine updates its record
//! (`StorageHandlingCommandBase.updateStorageDomainFormatIfNeeded`, called by
//! `AttachStorageDomainToPoolCommand`) and the SPM rewrites the metadata on the storage when the
//! pool connects it (VDSM `StoragePool._upgradePoolDomain`). There is no downgrade, and a
//! replica carries the new format: after a failover to a newer site, the failback's attach on
//! the older one is refused.

use crate::Site;
use crate::engine::{EngineResult, Id, StorageDomainType, StorageFormat};

use super::super::messages::{self as msg, Action};
use super::super::ops::Operation;
use super::WorldState;
use super::domains::SdRec;

impl WorldState {
    /// The format `dc` of `site` gives its data domains.
    fn dc_storage_format(&self, site: Site, dc: Id) -> Option<StorageFormat> {
        let level = self.site(site).inv.dcs.get(&dc)?.version;
        Some(StorageFormat::for_level(level))
    }

    /// Refuses to attach `rec` to `dc` when its format is newer than the level allows.
    pub(crate) fn check_storage_format(
        &self,
        site: Site,
        dc: Id,
        rec: &SdRec,
        op: Operation,
    ) -> EngineResult<()> {
        if matches!(rec.kind, StorageDomainType::Iso | StorageDomainType::Export) {
            return Ok(());
        }
        let (Some(format), Some(allowed)) = (
            StorageFormat::parse(&rec.storage_format),
            self.dc_storage_format(site, dc),
        ) else {
            return Ok(());
        };
        if format > allowed {
            return Err(msg::sd_format_illegal(op, Action::Attach, format));
        }
        Ok(())
    }

    /// Upgrades the data domain `sd`, just attached to `dc`, to the data center's format: in the
    /// Engine's record and in the metadata on its volume (replicated like any write). A
    /// read-only volume keeps its format (the attach could not have reached this point).
    pub(crate) fn upgrade_storage_format(&mut self, site: Site, dc: Id, sd: Id) {
        let Some(target) = self.dc_storage_format(site, dc) else {
            return;
        };
        let Some(rec) = self.site(site).domains.get(&sd).filter(|r| r.is_data()) else {
            return;
        };
        if StorageFormat::parse(&rec.storage_format).is_some_and(|f| f >= target) {
            return;
        }
        let volume = rec.volume;
        let format = target.as_str().to_owned();
        let _ = self
            .fabric
            .write(volume, |c| c.meta.storage_format.clone_from(&format));
        if let Some(rec) = self.site_mut(site).domains.get_mut(&sd) {
            rec.storage_format = format;
        }
    }
}
