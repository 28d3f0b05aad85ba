//! Bringing storage domains in: import (`POST /storagedomains`), attach
//! (`POST /datacenters/{dc}/storagedomains`) and activate.
//!
//! Validation order follows `BackendStorageDomainsResource.add`,
//! `AttachStorageDomainToPoolCommand.validate` and `ActivateStorageDomainCommand.validate`.
//! Sanlock decides last, when the command runs: a read-only replica fails with
//! `[Cannot acquire host id]`; a lease record another site's hosts wrote makes the call block
//! for the lease time before it goes on (`fabric::lease`).

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use crate::Site;
use crate::engine::{
    EngineResult, Id, ImportStorageDomain, StorageConnection, StorageDomain, StorageDomainStatus,
    StorageType,
};

use super::super::clock::Transition;
use super::super::fabric::{Locator, VolumeId};
use super::super::messages::{self as msg, Action, Subject};
use super::super::ops::Operation;
use super::disks::DiskRec;
use super::domains::{Attachment, SdAttrs, SdRec};
use super::site::Unregistered;
use super::{WorldState, locks};

/// Bytes a fake domain reports as free and used: a 100 GiB domain, 10 GiB used.
const DOMAIN_AVAILABLE: u64 = 90 * (1 << 30);
const DOMAIN_USED: u64 = 10 * (1 << 30);

fn key(id: Id) -> u128 {
    id.as_uuid().as_u128()
}

impl WorldState {
    /// `POST /storagedomains` for an existing domain.
    pub(crate) fn import_domain(
        &mut self,
        site: Site,
        req: &ImportStorageDomain,
        now: Instant,
    ) -> EngineResult<StorageDomain> {
        let op = Operation::ImportStorageDomain;
        let s = self.site(site);
        let host = s
            .inv
            .hosts
            .get(&req.host)
            .ok_or_else(|| msg::entity_not_found(op, &format!("Host: id={}", req.host)))?;
        if host.status != crate::engine::HostStatus::Up {
            return Err(msg::import_host_not_up(op));
        }
        // A request naming an existing connection takes the export from it
        // (`BackendStorageDomainsResource.add`, `GetStorageServerConnectionById`).
        let named;
        let req = match req.connection {
            Some(c) => {
                named = ImportStorageDomain {
                    storage: self.file_connection(site, c, op)?,
                    ..req.clone()
                };
                &named
            }
            None => req,
        };
        let storage_type = req
            .storage
            .storage_type
            .ok_or_else(|| msg::incomplete(op, "StorageDomain", "storage.type"))?;
        let volume = if storage_type.is_file() {
            let v = self.find_export_for_import(site, storage_type, req)?;
            if req.connection.is_none() && self.site_mut(site).faults.take_import_crash() {
                // The Engine dies after `AddStorageServerConnection` committed and before the
                // domain is added: the connection stays, the domain does not.
                self.site_mut(site).connections.ensure(&req.storage);
                self.take_down(site, super::super::faults::Outage::Engine, now);
                return Err(msg::connection_lost(op, site));
            }
            v
        } else if storage_type.is_block() {
            let id = req
                .id
                .ok_or_else(|| msg::incomplete(op, "StorageDomain", "id"))?;
            self.find_block_domain_for_import(site, req.host, storage_type, id, now)?
        } else {
            return Err(msg::sd_not_exist(op, Action::Add, Subject::Storage, false));
        };
        let meta = self.fabric.volumes[volume]
            .content
            .as_ref()
            .map(|c| c.meta.clone())
            .expect("checked by the lookups");
        let s = self.site(site);
        if s.domains.contains_key(&meta.id) {
            return Err(msg::sd_already_exists(op));
        }
        let name = req.name.clone().unwrap_or_else(|| meta.name.clone());
        if s.domain_names.contains_key(&name) {
            return Err(msg::sd_name_in_use(op));
        }
        let attrs = SdAttrs {
            wipe_after_delete: req.wipe_after_delete.unwrap_or(false),
            discard_after_delete: req.discard_after_delete.unwrap_or(false),
            backup: req.backup.unwrap_or(false),
            critical_space_action_blocker: req.critical_space_action_blocker.unwrap_or(5),
            warning_low_space_indicator: req.warning_low_space_indicator.unwrap_or(10),
        };
        let rec = SdRec {
            id: meta.id,
            name,
            kind: meta.kind,
            volume,
            connection: self.connection_facts(site, volume),
            attrs,
            storage_format: meta.storage_format.clone(),
            hosted_engine: meta.hosted_engine,
            ovf_disks: meta.ovf_disks,
            available: DOMAIN_AVAILABLE,
            used: DOMAIN_USED,
            attachment: None,
            last_master: None,
        };
        let view = rec.view(now, false);
        self.site_mut(site).insert_domain(rec);
        Ok(view)
    }

    /// The LUN volume carrying block domain `id` among those `host` sees, in the order the
    /// Engine fails: a domain it knows already (`canAddDomain`), no iSCSI LUN visible at all
    /// (the query has no target to connect to), none of the visible LUNs carries the domain
    /// (`GetVGInfo` finds nothing), one of its LUNs is a direct LUN disk of this Engine
    /// (`canAddDomain` finds it among the LUNs the Engine knows, `lunDao.getAll()`).
    fn find_block_domain_for_import(
        &self,
        site: Site,
        host: Id,
        storage_type: StorageType,
        id: Id,
        now: Instant,
    ) -> EngineResult<VolumeId> {
        let op = Operation::ImportStorageDomain;
        if self.site(site).domains.contains_key(&id) {
            return Err(msg::sd_already_exists(op));
        }
        let of_type: Vec<VolumeId> = self
            .visible_luns(site, host, now)
            .into_iter()
            .filter(|v| self.fabric.volumes[*v].locator.storage_type() == storage_type)
            .collect();
        if storage_type == StorageType::Iscsi && of_type.is_empty() {
            return Err(msg::block_import_no_targets(op));
        }
        let found = of_type
            .into_iter()
            .find(|v| {
                let vol = &self.fabric.volumes[*v];
                vol.content.as_ref().is_some_and(|c| c.meta.id == id)
            })
            .ok_or_else(|| msg::block_import_not_visible(op))?;
        let used_as_disk = matches!(
            &self.fabric.volumes[found].locator,
            Locator::Lun { lun_id, .. } if self.site(site).lun_disks.contains_key(lun_id)
        );
        if used_as_disk {
            return Err(msg::block_import_lun_disk_exists(op));
        }
        Ok(found)
    }

    fn find_export_for_import(
        &self,
        site: Site,
        storage_type: StorageType,
        req: &ImportStorageDomain,
    ) -> EngineResult<VolumeId> {
        let op = Operation::ImportStorageDomain;
        let path = req
            .storage
            .path
            .as_deref()
            .ok_or_else(|| msg::incomplete(op, "HostStorage", "path"))?;
        if storage_type == StorageType::Nfs && req.storage.address.is_none() {
            return Err(msg::incomplete(op, "HostStorage", "address"));
        }
        if storage_type != StorageType::Nfs && req.storage.vfs_type.is_none() {
            return Err(msg::incomplete(op, "HostStorage", "vfsType"));
        }
        if req.connection.is_none() {
            self.check_no_file_connection(site, &req.storage, op)?;
        }
        let address = req.storage.address.as_deref().unwrap_or_default();
        let v = self
            .fabric
            .find_export(site, storage_type, address, path)
            .ok_or_else(|| msg::mount_failed(op))?;
        if self.fabric.volumes[v].content.is_none() {
            // The Engine would create a new domain here when given a name; the fake never
            // creates (or formats) storage, so it reports what the existing-domain lookup says.
            return Err(if req.name.is_none() {
                msg::incomplete(op, "StorageDomain", "name")
            } else {
                msg::sd_not_exist(op, Action::Add, Subject::Storage, false)
                    .with_message("the fake Engine does not create new storage domains")
            });
        }
        Ok(v)
    }

    /// The connection facts of a volume, as domain views show them.
    pub(crate) fn connection_facts(&self, site: Site, v: VolumeId) -> StorageConnection {
        let vol = &self.fabric.volumes[v];
        match &vol.locator {
            Locator::File {
                storage_type,
                address,
                path,
                vfs_type,
            } => StorageConnection {
                storage_type: Some(*storage_type),
                address: Some(address.clone()),
                path: Some(path.clone()),
                vfs_type: vfs_type.clone(),
                mount_options: None,
                nfs_version: (*storage_type == StorageType::Nfs)
                    .then_some(crate::engine::NfsVersion::Auto),
                volume_group: None,
                logical_units: Vec::new(),
            },
            Locator::Lun { storage_type, .. } => StorageConnection {
                storage_type: Some(*storage_type),
                address: None,
                path: None,
                vfs_type: None,
                mount_options: None,
                nfs_version: None,
                volume_group: vol
                    .content
                    .as_ref()
                    .and_then(|c| c.meta.volume_group.clone()),
                logical_units: self
                    .logical_unit(site, v)
                    .map(|mut lu| {
                        lu.storage_domain = vol.content.as_ref().map(|c| c.meta.id);
                        lu
                    })
                    .into_iter()
                    .collect(),
            },
        }
    }

    /// Sanlock when `site`'s hosts start using domain `sd` on volume `v`: how long the
    /// acquisition blocks the command (see `fabric::lease`). Taking over the record of another
    /// site whose hosts still run is a split brain, and is recorded (a drill copy's lease area is
    /// its own: nothing is taken there).
    fn acquire_lease(
        &mut self,
        site: Site,
        sd: Id,
        v: VolumeId,
        now: Instant,
        op: Operation,
    ) -> EngineResult<Duration> {
        if self.fabric.is_read_only(v) {
            return Err(msg::cannot_acquire_host_id(op).with_message(
                "the volume is a read-only replica; sanlock cannot write its lease",
            ));
        }
        Ok(self.take_host_id_leases(site, sd, v, now))
    }

    /// `POST /datacenters/{dc}/storagedomains`: attach, then activate. Returns how long the call
    /// blocks beyond its request latency: the sanlock host-id acquisition is synchronous
    /// (VDSM `attachStorageDomain` / `createStoragePool` wait for it).
    ///
    /// As `AttachStorageDomainToPoolCommand` does, the call answers 201 once the domain is
    /// attached, whatever its activation (`attemptToActivateDomain`) gives: a failed activation
    /// leaves the domain `maintenance` (`inactive` when it is the new pool's master,
    /// `AddStoragePoolWithStoragesCommand.activateStorageDomains`). The first domain of an
    /// uninitialized data center creates the pool: it stays `locked` (the data center
    /// `contend`) while the SPM is elected, and a failed creation or election answers
    /// `ENGINE_ERROR_CREATING_STORAGE_POOL` and leaves the domain unattached.
    pub(crate) fn attach_domain(
        &mut self,
        site: Site,
        dc: Id,
        sd: Id,
        now: Instant,
    ) -> EngineResult<Duration> {
        let op = Operation::AttachStorageDomain;
        let s = self.site(site);
        if !s.inv.dcs.contains_key(&dc) {
            return Err(msg::not_found(op, format!("data center {dc}")));
        }
        self.check_locks(site, &[locks::domain_lock(sd)], op, Action::Attach, now)?;
        if s.inv.up_hosts_in_dc(dc).next().is_none() {
            return Err(msg::no_active_host(op, Action::Attach, Subject::Storage));
        }
        let rec = s
            .domains
            .get(&sd)
            .ok_or_else(|| msg::sd_not_exist(op, Action::Attach, Subject::Storage, true))?;
        self.check_storage_format(site, dc, rec, op)?;
        if rec.attachment.is_some() {
            return Err(msg::sd_attached(op, Action::Attach));
        }
        let first = s.master_of(dc).is_none();
        if first && !rec.is_data() {
            return Err(msg::first_domain_must_be_data(op));
        }
        if !first && !s.master_of(dc).is_some_and(|m| m.active_in(Some(dc), now)) {
            return Err(msg::master_not_active(op, Action::Attach));
        }
        let volume = rec.volume;
        let latency = s.latency.request(op, key(sd));
        let t = *s.latency.transitions();
        if self.fabric.volumes[volume].content.is_none() {
            return Err(msg::sd_unreachable(op));
        }
        if first && self.site_mut(site).faults.take_spm_failure() {
            return Err(msg::cannot_create_storage_pool(op));
        }
        let wait = self.acquire_lease(site, sd, volume, now, op)?;
        // Force-detach from any foreign pool, attach to this one (a metadata write).
        self.fabric
            .write(volume, |c| c.meta.pool = Some(dc))
            .map_err(|_| msg::cannot_acquire_host_id(op))?;
        self.publish_ovf_store(site, sd, volume);
        self.upgrade_storage_format(site, dc, sd);
        let activation_failed = self
            .site_mut(site)
            .faults
            .take_internal_failure(Operation::ActivateStorageDomain)
            .is_some();
        let busy = wait + latency;
        let status = match (first, activation_failed) {
            (true, false) => Transition::new(
                now,
                &[(StorageDomainStatus::Locked, busy + t.spm_election)],
                StorageDomainStatus::Active,
            ),
            (true, true) => Transition::new(
                now,
                &[(StorageDomainStatus::Locked, busy + t.spm_election)],
                StorageDomainStatus::Inactive,
            ),
            (false, false) => Transition::new(
                now,
                &[
                    (StorageDomainStatus::Locked, busy),
                    (StorageDomainStatus::Activating, t.attach_activation),
                ],
                StorageDomainStatus::Active,
            ),
            (false, true) => Transition::new(
                now,
                &[(StorageDomainStatus::Locked, busy)],
                StorageDomainStatus::Maintenance,
            ),
        };
        if activation_failed {
            // The hosts disconnect from a domain that did not come up.
            self.leases.release(sd, site, status.ends_at());
        }
        self.hold_locks(site, &[locks::domain_lock(sd)], now, status.ends_at());
        let s = self.site_mut(site);
        if first {
            s.mark_master(sd, now);
        }
        let rec = s.domains.get_mut(&sd).expect("checked");
        rec.attachment = Some(Attachment {
            dc,
            master: first,
            status,
        });
        Ok(wait)
    }

    /// What attach reads from the OVF store: every entity becomes an unregistered row
    /// (`unregistered_ovf_of_entities`), and the OVF_STORE disks are registered.
    ///
    /// As `AttachStorageDomainToPoolCommand` does, the rows are updated one entity at a time
    /// (`removeEntity` then `saveOVFData` for each entity of the store): rows left by an earlier
    /// attachment whose entity the store no longer holds stay (detach keeps them).
    fn publish_ovf_store(&mut self, site: Site, sd: Id, volume: VolumeId) {
        let Some(content) = &self.fabric.volumes[volume].content else {
            return;
        };
        let store = Arc::clone(&content.ovf);
        let ovf_disks = content.meta.ovf_disks;
        let s = self.site_mut(site);
        let rows: &mut Unregistered = s.unregistered.entry(sd).or_default();
        for v in &store.vms {
            rows.vms.insert(v.vm.id, Arc::clone(v));
        }
        for t in &store.templates {
            rows.templates.insert(t.template.id, Arc::clone(t));
        }
        // Registered OVF_STORE disks start outdated (`addOvfStoreDiskToDomain`).
        s.mark_ovf_outdated(sd);
        for disk in ovf_disks {
            s.disks.insert(disk, DiskRec::ovf_store(disk, sd));
        }
    }

    /// `POST /datacenters/{dc}/storagedomains/{sd}/activate`. Returns how long the call blocks
    /// beyond its request latency for the sanlock acquisition, as attach does.
    pub(crate) fn activate_domain(
        &mut self,
        site: Site,
        dc: Id,
        sd: Id,
        now: Instant,
    ) -> EngineResult<Duration> {
        let op = Operation::ActivateStorageDomain;
        let s = self.site(site);
        let rec = self.attached_or_404(site, dc, sd, op)?;
        self.check_locks(site, &[locks::domain_lock(sd)], op, Action::Activate, now)?;
        if s.master_of(dc).is_none() {
            return Err(msg::pool_status_illegal(
                op,
                Action::Activate,
                Subject::Storage,
            ));
        }
        let status = rec.status(now);
        if !matches!(
            status,
            StorageDomainStatus::Inactive
                | StorageDomainStatus::Unknown
                | StorageDomainStatus::Maintenance
                | StorageDomainStatus::PreparingForMaintenance
        ) {
            return Err(msg::sd_status(op, Action::Activate, status));
        }
        let is_master = rec.attachment.as_ref().is_some_and(|a| a.master);
        if !is_master && !s.master_of(dc).is_some_and(|m| m.active_in(Some(dc), now)) {
            return Err(msg::master_not_active(op, Action::Activate));
        }
        if s.inv.up_hosts_in_dc(dc).next().is_none() {
            return Err(msg::no_active_host(op, Action::Activate, Subject::Storage));
        }
        let volume = rec.volume;
        let latency = s.latency.request(op, key(sd));
        let wait = self.acquire_lease(site, sd, volume, now, op)?;
        self.hold_locks(site, &[locks::domain_lock(sd)], now, now + wait + latency);
        // An activating master shows `locked` (`ActivateStorageDomainCommand` locks the pool's
        // master while it reconnects the pool); any other domain shows `activating`.
        let shown = if is_master {
            StorageDomainStatus::Locked
        } else {
            StorageDomainStatus::Activating
        };
        self.set_status(
            site,
            sd,
            Transition::new(now, &[(shown, wait + latency)], StorageDomainStatus::Active),
        );
        Ok(wait)
    }

    /// Domain `sd` as attached to `dc`, or the 404 of a path that does not exist.
    pub(crate) fn attached_or_404(
        &self,
        site: Site,
        dc: Id,
        sd: Id,
        op: Operation,
    ) -> EngineResult<&SdRec> {
        let s = self.site(site);
        if !s.inv.dcs.contains_key(&dc) {
            return Err(msg::not_found(op, format!("data center {dc}")));
        }
        s.domains
            .get(&sd)
            .filter(|d| d.attached_to(dc))
            .ok_or_else(|| msg::not_found(op, format!("storage domain {sd} in data center {dc}")))
    }

    /// Replaces the status transition of an attached domain.
    pub(crate) fn set_status(
        &mut self,
        site: Site,
        sd: Id,
        status: Transition<StorageDomainStatus>,
    ) {
        if let Some(a) = self
            .site_mut(site)
            .domains
            .get_mut(&sd)
            .and_then(|d| d.attachment.as_mut())
        {
            a.status = status;
        }
    }

    pub(crate) fn attached_domains_view(
        &self,
        site: Site,
        dc: Id,
        now: Instant,
    ) -> EngineResult<Vec<StorageDomain>> {
        let s = self.site(site);
        if !s.inv.dcs.contains_key(&dc) {
            return Err(msg::not_found(
                Operation::AttachedStorageDomains,
                format!("data center {dc}"),
            ));
        }
        Ok(s.domains_in(dc).map(|d| d.view(now, true)).collect())
    }

    /// The request latency helper for storage commands whose status lasts the call.
    pub(crate) fn request_latency(&self, site: Site, op: Operation, id: Id) -> Duration {
        self.site(site).latency.request(op, key(id))
    }
}
