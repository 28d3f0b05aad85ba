//! Taking storage domains out: deactivate (with the OVF update), detach, remove or destroy, and
//! the explicit OVF store update.
//!
//! Validation order follows `DeactivateStorageDomainCommand`, `DetachStorageDomainFromPoolCommand`
//! (`canDetachStorageDomainWithVmsAndDisks`, then `canDetachDomain`), `RemoveStorageDomainCommand`
//! and `ForceRemoveStorageDomainCommand`.

use tokio::time::Instant;

use crate::Site;
use crate::engine::{
    EngineResult, ErrorKind, HostStatus, Id, RemoveStorageDomain, StorageDomainStatus, VmStatus,
};

use super::super::clock::Transition;
use super::super::messages::{self as msg, Action, in_process};
use super::super::ops::Operation;
use super::ovf_generations::OvfWrite;
use super::{Event, WorldState, locks};

/// The async task an OVF update runs on the SPM, as the "running tasks" messages name it.
const OVF_UPLOAD_TASK: &str = "UploadStream";

impl WorldState {
    /// `true` when an OVF update job on one of `domains` is still running at `now`.
    pub(crate) fn ovf_job_running(&self, site: Site, domains: &[Id], now: Instant) -> bool {
        self.site(site).jobs.values().any(|j| {
            j.outcome.is_none() && now < j.ends && j.domain.is_some_and(|d| domains.contains(&d))
        })
    }

    /// `POST /datacenters/{dc}/storagedomains/{sd}/deactivate`.
    pub(crate) fn deactivate_domain(
        &mut self,
        site: Site,
        dc: Id,
        sd: Id,
        force: bool,
        now: Instant,
    ) -> EngineResult<()> {
        let op = Operation::DeactivateStorageDomain;
        let rec = self.attached_or_404(site, dc, sd, op)?;
        let s = self.site(site);
        let is_master = rec.attachment.as_ref().is_some_and(|a| a.master);
        let wanted = locks::deactivate_locks(sd, dc, is_master);
        let wanted = if rec.is_data() {
            &wanted[..]
        } else {
            &wanted[..1]
        };
        self.check_locks(site, wanted, op, Action::Deactivate, now)?;
        let status = rec.status(now);
        if !matches!(
            status,
            StorageDomainStatus::Active | StorageDomainStatus::Inactive
        ) {
            return Err(msg::sd_status(op, Action::Deactivate, status));
        }
        if rec.hosted_engine {
            return Err(msg::hosted_engine_storage(op, Action::Deactivate));
        }
        let others: Vec<_> = s.domains_in(dc).filter(|d| d.id != sd).collect();
        if is_master {
            let active: Vec<_> = others
                .iter()
                .filter(|d| d.active_in(Some(dc), now))
                .collect();
            if !active.is_empty() && !active.iter().any(|d| d.is_data()) {
                return Err(msg::master_with_non_data_domains(op));
            }
            if others.iter().any(|d| in_process(d.status(now))) {
                return Err(msg::master_with_locked_domains(op));
            }
        }
        let running = s.vms.values().any(|v| {
            !matches!(v.status(now), VmStatus::Down | VmStatus::Suspended)
                && s.image_domains(&v.disks).any(|d| d == sd)
        });
        if running {
            return Err(msg::active_vms(op));
        }
        let dc_domains: Vec<Id> = s.domains_in(dc).map(|d| d.id).collect();
        if is_master && self.ovf_job_running(site, &dc_domains, now) {
            return Err(msg::master_with_tasks(op, OVF_UPLOAD_TASK));
        }
        if !is_master && self.ovf_job_running(site, &[sd], now) {
            return Err(msg::domain_with_tasks(op, OVF_UPLOAD_TASK));
        }
        let successor = is_master.then(|| s.elect_new_master(dc, sd, now)).flatten();

        // The command: write the OVF store, then go to maintenance.
        let t = *s.latency.transitions();
        if !s.has_spm(dc, now) {
            // `DeactivateStorageDomainCommand.deactivateStorageDomain` runs the
            // `DeactivateStorageDomain` VDS command on the SPM; with none (a recovered site
            // whose master is a read-only replica) it fails, and the domain returns to its
            // last status after the command held it `locked`.
            let transition = Transition::new(
                now,
                &[(StorageDomainStatus::Locked, t.deactivate_locked)],
                status,
            );
            self.hold_locks(site, wanted, now, transition.ends_at());
            self.set_status(site, sd, transition);
            return Ok(());
        }
        // `DeactivateStorageDomainWithOvfUpdateCommand` runs the OVF update first.
        let ovf_written = self.update_domain_ovf(site, sd, now) != OvfWrite::Failed;
        let (steps, end) = if !ovf_written && !force {
            // The OVF update failed and the caller did not force: the domain returns to its
            // last status (`active`, or `inactive` when its hosts could not use it).
            (
                vec![(StorageDomainStatus::Locked, t.deactivate_locked)],
                status,
            )
        } else if is_master && successor.is_none() {
            (
                vec![(StorageDomainStatus::Locked, t.deactivate_locked)],
                StorageDomainStatus::Maintenance,
            )
        } else {
            (
                vec![
                    (StorageDomainStatus::Locked, t.deactivate_locked),
                    (
                        StorageDomainStatus::PreparingForMaintenance,
                        t.deactivate_preparing,
                    ),
                ],
                StorageDomainStatus::Maintenance,
            )
        };
        let transition = Transition::new(now, &steps, end);
        let done = transition.ends_at();
        self.hold_locks(site, wanted, now, done);
        self.set_status(site, sd, transition);
        if end == StorageDomainStatus::Maintenance {
            self.leases.release(sd, site, done);
            if let Some(new_master) = successor {
                let s = self.site_mut(site);
                s.mark_master(new_master, now);
                if let Some(a) = s.domains.get_mut(&sd).and_then(|d| d.attachment.as_mut()) {
                    a.master = false;
                }
                if let Some(a) = s
                    .domains
                    .get_mut(&new_master)
                    .and_then(|d| d.attachment.as_mut())
                {
                    a.master = true;
                    a.status = Transition::new(
                        now,
                        &[(StorageDomainStatus::Locked, t.master_election)],
                        StorageDomainStatus::Active,
                    );
                }
            }
        }
        Ok(())
    }

    /// `DELETE /datacenters/{dc}/storagedomains/{sd}`.
    pub(crate) fn detach_domain(
        &mut self,
        site: Site,
        dc: Id,
        sd: Id,
        now: Instant,
    ) -> EngineResult<()> {
        let op = Operation::DetachStorageDomain;
        let rec = self.attached_or_404(site, dc, sd, op)?;
        self.check_locks(site, &[locks::domain_lock(sd)], op, Action::Detach, now)?;
        let s = self.site(site);
        if rec.is_data() {
            let related: Vec<_> = s
                .vms
                .values()
                .filter(|v| s.image_domains(&v.disks).any(|d| d == sd))
                .collect();
            let mut previewing: Vec<String> = related
                .iter()
                .filter(|v| v.snapshot_in_preview)
                .map(|v| v.name.clone())
                .collect();
            let only_here = |disks: &[Id]| s.image_domains(disks).all(|d| d == sd);
            let mut protected: Vec<String> = related
                .iter()
                .filter(|v| only_here(&v.disks) && v.delete_protected)
                .map(|v| v.name.clone())
                .collect();
            // The Engine lists them in database order; the fake sorts them by name.
            protected.sort();
            previewing.sort();
            let mut messages = Vec::new();
            if !protected.is_empty() {
                messages.push(msg::delete_protected_on_domain(Action::Detach, &protected));
            }
            if !previewing.is_empty() {
                messages.push(msg::previewing_on_domain(Action::Detach, &previewing));
            }
            if !messages.is_empty() {
                let kind = if protected.is_empty() {
                    ErrorKind::InvalidState
                } else {
                    ErrorKind::Conflict
                };
                return Err(msg::command(kind, op, 409, &messages));
            }
        }
        let status = rec.status(now);
        if status != StorageDomainStatus::Maintenance {
            return Err(msg::sd_status(op, Action::Detach, status));
        }
        let is_master = rec.attachment.as_ref().is_some_and(|a| a.master);
        if !is_master && !s.master_of(dc).is_some_and(|m| m.active_in(Some(dc), now)) {
            return Err(msg::master_not_active(op, Action::Detach));
        }
        if is_master && s.domains_in(dc).count() > 1 {
            return Err(msg::detach_master_with_others(op));
        }
        let volume = rec.volume;
        let latency = self.request_latency(site, op, sd);

        let s = self.site_mut(site);
        s.remove_entities_of_domain(sd);
        // The unregistered-entity rows stay: `DetachStorageDomainFromPoolCommand` leaves
        // `unregistered_ovf_of_entities` alone; only deleting the domain's row removes them
        // (`fk_unregistered_ovf_of_entities_storage_domain ... ON DELETE CASCADE`).
        let ovf_disks = s.domains[&sd].ovf_disks;
        for d in ovf_disks {
            s.disks.remove(&d);
        }
        // The domain's metadata no longer names the pool; a failed write (read-only replica)
        // leaves the old pool in it, which the next attach overrides anyway.
        let _ = self.fabric.write(volume, |c| c.meta.pool = None);
        self.leases.release(sd, site, now);
        self.set_status(
            site,
            sd,
            Transition::settled(StorageDomainStatus::Detaching, now),
        );
        self.hold_locks(site, &[locks::domain_lock(sd)], now, now + latency);
        self.schedule(now + latency, Event::FinishDetach { site, sd });
        Ok(())
    }

    /// `DELETE /storagedomains/{sd}` with a host or with `destroy=true`.
    pub(crate) fn remove_domain(
        &mut self,
        site: Site,
        sd: Id,
        how: RemoveStorageDomain,
        now: Instant,
    ) -> EngineResult<()> {
        let op = Operation::RemoveStorageDomain;
        let s = self.site(site);
        let rec = s
            .domains
            .get(&sd)
            .ok_or_else(|| msg::not_found(op, format!("storage domain {sd}")))?;
        let action = match how {
            RemoveStorageDomain::Destroy => Action::Destroy,
            RemoveStorageDomain::WithHost { .. } => Action::Remove,
        };
        self.check_locks(site, &[locks::domain_lock(sd)], op, action, now)?;
        match how {
            RemoveStorageDomain::Destroy => {
                let status = rec.status(now);
                if status == StorageDomainStatus::Active {
                    return Err(msg::sd_status(op, Action::Destroy, status));
                }
                if let Some(a) = rec.attachment.as_ref().filter(|a| a.master) {
                    let dc = a.dc;
                    let others: Vec<Id> = s
                        .domains_in(dc)
                        .filter(|d| d.id != sd)
                        .map(|d| d.id)
                        .collect();
                    if !others.is_empty() {
                        let successor = s
                            .elect_new_master(dc, sd, now)
                            .ok_or_else(|| msg::destroy_master_without_successor(op))?;
                        if s.inv.up_hosts_in_dc(dc).next().is_none() {
                            return Err(msg::destroy_master_without_host(op));
                        }
                        let election = s.latency.transitions().master_election;
                        let s = self.site_mut(site);
                        s.mark_master(successor, now);
                        if let Some(a) = s
                            .domains
                            .get_mut(&successor)
                            .and_then(|d| d.attachment.as_mut())
                        {
                            a.master = true;
                            a.status = Transition::new(
                                now,
                                &[(StorageDomainStatus::Locked, election)],
                                StorageDomainStatus::Active,
                            );
                        }
                    }
                }
                let s = self.site_mut(site);
                s.remove_entities_of_domain(sd);
                s.remove_domain_record(sd);
                self.leases.release(sd, site, now);
                Ok(())
            }
            RemoveStorageDomain::WithHost { host, format } => {
                let h = s
                    .inv
                    .hosts
                    .get(&host)
                    .ok_or_else(|| msg::remove_invalid_host(op))?;
                if h.status != HostStatus::Up {
                    return Err(msg::remove_host_not_up(op, &h.name));
                }
                if rec.attachment.is_some() {
                    return Err(msg::sd_attached(op, Action::Remove));
                }
                let volume = rec.volume;
                if format {
                    let attached = self.fabric.volumes[volume]
                        .content
                        .as_ref()
                        .is_some_and(|c| c.meta.pool.is_some());
                    if attached {
                        return Err(msg::format_attached(op));
                    }
                    self.fabric
                        .format(volume)
                        .map_err(|_| msg::storage_action_failed(op))?;
                }
                self.site_mut(site).remove_domain_record(sd);
                Ok(())
            }
        }
    }

    /// `POST /storagedomains/{sd}/updateovfstore`: submits a job that writes the OVF store.
    pub(crate) fn update_ovf_store(
        &mut self,
        site: Site,
        sd: Id,
        now: Instant,
    ) -> EngineResult<Option<Id>> {
        let op = Operation::UpdateOvfStore;
        let s = self.site(site);
        let rec = s
            .domains
            .get(&sd)
            .ok_or_else(|| msg::not_found(op, format!("storage domain {sd}")))?;
        self.check_locks(site, &[locks::domain_lock(sd)], op, Action::UpdateOvfs, now)?;
        if !rec.active_in(None, now) {
            return Err(msg::sd_status(op, Action::UpdateOvfs, rec.status(now)));
        }
        if !rec.is_data() {
            return Err(msg::sd_type_illegal(op, Action::UpdateOvfs));
        }
        let dc_name = rec
            .attachment
            .as_ref()
            .and_then(|a| s.inv.dcs.get(&a.dc))
            .map(|d| d.name.clone())
            .unwrap_or_default();
        let description = format!(
            "Updating OVFs for Storage Domain {} in Data Center {dc_name}",
            rec.name
        );
        let ends = now + s.latency.transitions().ovf_update;
        // `ProcessOvfUpdateForStoragePool` runs within the command; a domain it did not find
        // outdated is not written and the command ends at once ("OVFs update was ignored -
        // nothing to update", `UpdateOvfStoreForStorageDomainCommand.performNextOperation`).
        let s = self.site_mut(site);
        s.process_ovf_generations(now);
        if !s.ovf_gens.is_outdated(sd) {
            let job = s.start_job(description, now, Some(sd));
            s.finish_job(job, true);
            if let Some(j) = s.jobs.get_mut(&job) {
                j.nothing_to_update = true;
            }
            return Ok(Some(job));
        }
        self.hold_locks(site, &[locks::domain_lock(sd)], now, ends);
        let job = self.site_mut(site).start_job(description, ends, Some(sd));
        self.schedule(ends, Event::OvfWrite { site, sd, job });
        Ok(Some(job))
    }

    /// `GET /jobs/{id}`.
    pub(crate) fn job(&self, site: Site, id: Id, now: Instant) -> EngineResult<crate::engine::Job> {
        self.site(site)
            .job_view(id, now)
            .ok_or_else(|| msg::not_found(Operation::Job, format!("job {id}")))
    }
}
