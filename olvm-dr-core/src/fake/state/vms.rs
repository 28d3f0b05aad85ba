//! VMs and templates in one Engine's database, and the VM power state machine.
//!
//! Status checks follow the Engine's validators: `RunVmValidator` (the VM status matrix of
//! `ActionUtils`: starting is refused in every running or transient status), `StopVmCommandBase`
//! (stop and shutdown need a running, paused, not-responding or suspended VM) and
//! `RemoveVmCommand` (delete protection, then status, then the disks' domains).

use std::collections::BTreeSet;

use tokio::time::Instant;

use crate::Site;
use crate::engine::{
    EngineResult, HOSTED_ENGINE_ORIGIN, HighAvailability, Id, Nic, Permission, Template,
    TemplateStatus, Vm, VmSearch, VmSettings, VmStatus,
};

use super::super::clock::Transition;
use super::super::messages::{self as msg, Action, Subject};
use super::super::ops::Operation;
use super::macs::{Mac, format_mac};
use super::vm_leases::LeaseAtStart;
use super::vm_runs::Placement;
use super::{Event, SiteState, WorldState};

/// A NIC of a VM or template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NicRec {
    pub(crate) id: Id,
    pub(crate) name: String,
    pub(crate) mac: Option<Mac>,
    pub(crate) profile: Option<Id>,
    /// Plugged into the VM.
    pub(crate) plugged: bool,
}

/// A registered VM.
#[derive(Debug, Clone)]
pub(crate) struct VmRec {
    pub(crate) id: Id,
    pub(crate) name: String,
    pub(crate) cluster: Id,
    pub(crate) dc: Id,
    /// `Id::NIL` for the blank template.
    pub(crate) template: Id,
    pub(crate) ha: HighAvailability,
    pub(crate) delete_protected: bool,
    pub(crate) snapshot_in_preview: bool,
    pub(crate) memory: u64,
    pub(crate) vcpus: u32,
    pub(crate) origin: String,
    pub(crate) nics: Vec<NicRec>,
    /// Image disks.
    pub(crate) disks: Vec<Id>,
    /// Direct-LUN disks.
    pub(crate) luns: Vec<Id>,
    pub(crate) power: Transition<VmStatus>,
    pub(crate) host: Option<Id>,
    /// Being removed: `image_locked` until the record goes.
    pub(crate) removing: bool,
    pub(crate) affinity_groups: Vec<Id>,
    pub(crate) labels: Vec<Id>,
    pub(crate) permissions: Vec<Permission>,
    /// Its `VmBase` settings (the OVF carries them from site to site).
    pub(crate) settings: VmSettings,
}

impl VmRec {
    pub(crate) fn status(&self, now: Instant) -> VmStatus {
        if self.removing {
            VmStatus::ImageLocked
        } else {
            self.power.at(now)
        }
    }

    pub(crate) fn is_hosted_engine(&self) -> bool {
        self.origin == HOSTED_ENGINE_ORIGIN
    }
}

/// A registered template.
#[derive(Debug, Clone)]
pub(crate) struct TemplateRec {
    pub(crate) id: Id,
    pub(crate) name: String,
    pub(crate) cluster: Id,
    pub(crate) dc: Id,
    pub(crate) version_number: u32,
    /// Itself for a base template.
    pub(crate) base: Id,
    pub(crate) disks: Vec<Id>,
    pub(crate) nics: Vec<NicRec>,
    pub(crate) status: Transition<TemplateStatus>,
    pub(crate) permissions: Vec<Permission>,
    pub(crate) memory: u64,
    pub(crate) ha: HighAvailability,
    /// Its `VmBase` settings (the OVF carries them from site to site).
    pub(crate) settings: VmSettings,
}

/// `VMStatus.isRunning()` of the Engine.
fn is_running(s: VmStatus) -> bool {
    matches!(
        s,
        VmStatus::Up
            | VmStatus::PoweringDown
            | VmStatus::PoweringUp
            | VmStatus::Migrating
            | VmStatus::WaitForLaunch
            | VmStatus::RebootInProgress
    )
}

impl SiteState {
    /// The domains holding a VM's images, sorted.
    fn vm_domains(&self, v: &VmRec) -> Vec<Id> {
        self.image_domains(&v.disks)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    }

    pub(crate) fn vm_view(&self, v: &VmRec, now: Instant) -> Vm {
        let status = v.status(now);
        Vm {
            id: v.id,
            name: v.name.clone(),
            status,
            cluster: Some(v.cluster),
            host: if status == VmStatus::Down {
                None
            } else {
                v.host
            },
            template: Some(v.template),
            high_availability: v.ha,
            delete_protected: v.delete_protected,
            snapshot_in_preview: v.snapshot_in_preview,
            memory: v.memory,
            vcpus: v.vcpus,
            origin: v.origin.clone(),
            nics: v
                .nics
                .iter()
                .map(|n| Nic {
                    id: n.id,
                    name: n.name.clone(),
                    mac: n.mac.map(format_mac),
                    vnic_profile: n.profile,
                    plugged: n.plugged,
                })
                .collect(),
            storage_domains: self.vm_domains(v),
            luns: v
                .luns
                .iter()
                .filter_map(|d| self.disks.get(d)?.lun.as_ref())
                .flat_map(|l| l.logical_units.iter().map(|u| u.id.clone()))
                .collect(),
            settings: v.settings.clone(),
            disk_attachments: v
                .disks
                .iter()
                .chain(&v.luns)
                .filter_map(|d| self.disks.get(d))
                .map(super::disks::DiskRec::attachment_view)
                .collect(),
        }
    }

    pub(crate) fn vms_view(&self, search: &VmSearch, now: Instant) -> Vec<Vm> {
        self.vms
            .values()
            .filter(|v| search.name.as_ref().is_none_or(|n| *n == v.name))
            .filter(|v| search.cluster.is_none_or(|c| c == v.cluster))
            .filter(|v| {
                let s = v.status(now);
                search.status.is_none_or(|x| x == s) && search.status_not.is_none_or(|x| x != s)
            })
            .filter(|v| {
                search
                    .storage_domain
                    .is_none_or(|sd| self.image_domains(&v.disks).any(|d| d == sd))
            })
            .map(|v| self.vm_view(v, now))
            .collect()
    }

    pub(crate) fn template_view(&self, t: &TemplateRec, now: Instant) -> Template {
        Template {
            id: t.id,
            name: t.name.clone(),
            status: t.status.at(now),
            cluster: Some(t.cluster),
            version_number: t.version_number,
            base_template: Some(t.base),
            memory: t.memory,
            high_availability: t.ha,
            settings: t.settings.clone(),
            nics: t
                .nics
                .iter()
                .map(|n| Nic {
                    id: n.id,
                    name: n.name.clone(),
                    mac: None,
                    vnic_profile: n.profile,
                    plugged: n.plugged,
                })
                .collect(),
            disk_attachments: t
                .disks
                .iter()
                .filter_map(|d| self.disks.get(d))
                .map(super::disks::DiskRec::attachment_view)
                .collect(),
        }
    }

    /// Inserts a VM record with its name index (its MACs are already recorded in its pool).
    pub(crate) fn insert_vm(&mut self, v: VmRec) {
        self.vm_names.insert((v.dc, v.name.clone()), v.id);
        self.vms.insert(v.id, v);
    }

    /// Inserts a template record with its name index (base templates only).
    pub(crate) fn insert_template(&mut self, t: TemplateRec) {
        if t.base == t.id {
            self.template_names.insert((t.dc, t.name.clone()), t.id);
        }
        self.templates.insert(t.id, t);
    }

    /// Deletes a VM record and what only it used: name, MACs, disks, LUN disks.
    pub(crate) fn delete_vm(&mut self, id: Id) -> Option<VmRec> {
        let v = self.vms.remove(&id)?;
        // `tags_vm_map` references `vm_static` with ON DELETE CASCADE
        // (`packaging/dbscripts/create_tables.sql`, constraint `tags_vm_map_vm`).
        self.vm_tags.remove(&id);
        if self.vm_names.get(&(v.dc, v.name.clone())) == Some(&id) {
            self.vm_names.remove(&(v.dc, v.name.clone()));
        }
        if let Some(pool) = self
            .inv
            .clusters
            .get(&v.cluster)
            .and_then(|c| self.macs.get_mut(&c.mac_pool))
        {
            for n in &v.nics {
                if let Some(m) = n.mac {
                    pool.free(m);
                }
            }
        }
        for d in v.disks.iter().chain(&v.luns) {
            let keep = self.disks.get_mut(d).is_some_and(|rec| {
                rec.vms.retain(|x| *x != id);
                rec.shareable && rec.lun.is_some()
            });
            if !keep && let Some(lun) = self.disks.remove(d).and_then(|rec| rec.lun) {
                for lu in &lun.logical_units {
                    self.lun_disks.remove(&lu.id);
                }
            }
        }
        Some(v)
    }

    /// Deletes a template record and its disks.
    pub(crate) fn delete_template(&mut self, id: Id) -> Option<TemplateRec> {
        let t = self.templates.remove(&id)?;
        if self.template_names.get(&(t.dc, t.name.clone())) == Some(&id) {
            self.template_names.remove(&(t.dc, t.name.clone()));
        }
        for d in &t.disks {
            self.disks.remove(d);
        }
        Some(t)
    }

    /// The first domain holding one of `disks` that is not active in `dc`, with its status
    /// (`None` = not attached to `dc` at all).
    fn inactive_disk_domain(
        &self,
        disks: &[Id],
        dc: Id,
        now: Instant,
    ) -> Option<Option<crate::engine::StorageDomainStatus>> {
        self.image_domains(disks).find_map(|sd| {
            let rec = self.domains.get(&sd).filter(|r| r.attached_to(dc));
            match rec {
                None => Some(None),
                Some(r) if !r.active_in(Some(dc), now) => Some(Some(r.status(now))),
                Some(_) => None,
            }
        })
    }
}

impl WorldState {
    fn vm_or_404(&self, site: Site, id: Id, op: Operation) -> EngineResult<&VmRec> {
        self.site(site)
            .vms
            .get(&id)
            .ok_or_else(|| msg::not_found(op, format!("vm {id}")))
    }

    /// `POST /vms/{id}/start`.
    pub(crate) fn start_vm(&mut self, site: Site, id: Id, now: Instant) -> EngineResult<()> {
        let op = Operation::StartVm;
        let times = *self.site(site).latency.transitions();
        let s = self.site(site);
        let v = self.vm_or_404(site, id, op)?;
        let status = v.status(now);
        let steps: Vec<(VmStatus, std::time::Duration)> = match status {
            VmStatus::ImageLocked => return Err(msg::vm_locked(op, Action::Run)),
            VmStatus::Paused => Vec::new(),
            VmStatus::Suspended => vec![(VmStatus::RestoringState, times.vm_restoring)],
            VmStatus::Down => vec![
                (VmStatus::WaitForLaunch, times.vm_wait_for_launch),
                (VmStatus::PoweringUp, times.vm_powering_up),
            ],
            other => return Err(msg::vm_status_illegal(op, Action::Run, other)),
        };
        if let Some(st) = s.inactive_disk_domain(&v.disks, v.dc, now) {
            return Err(msg::vm_disk_domain(op, Action::Run, Subject::Vm, st));
        }
        // A paused VM resumes where it is; anything else goes through the scheduler, and
        // through reruns on other hosts when its host cannot see its LUNs (see `vm_runs`).
        let placement = match v.host.filter(|_| status == VmStatus::Paused) {
            Some(h) => Placement::resumed(h),
            None => self.place_vm(site, v, now, op)?,
        };
        let host = placement.host;
        let launch = times.vm_wait_for_launch;
        let power = if placement.runs {
            // A VM that is not running yet has its host acquire its lease (see `vm_leases`).
            let lease = if steps.is_empty() {
                LeaseAtStart::Acquired
            } else {
                let (lease, dc) = (v.settings.lease, v.dc);
                self.acquire_vm_lease(site, id, lease, dc, now)
            };
            WorldState::start_with_lease(&placement.way_up(&steps, launch), lease, launch, now)
        } else {
            let failed = [(VmStatus::WaitForLaunch, launch * placement.failed_runs)];
            Transition::new(now, &failed, VmStatus::Down)
        };
        let s = self.site_mut(site);
        // `RunVmCommand.runningSucceded` bumps the configuration generation; a start whose
        // runs all failed never gets there.
        if placement.runs {
            s.bump_generation(id);
        }
        let v = s.vms.get_mut(&id).expect("checked");
        v.power = power;
        v.host = Some(host);
        Ok(())
    }

    /// `POST /vms/{id}/stop` (`graceful` false) or `/shutdown` (`graceful` true).
    pub(crate) fn power_off_vm(
        &mut self,
        site: Site,
        id: Id,
        graceful: bool,
        now: Instant,
    ) -> EngineResult<()> {
        let (op, action) = if graceful {
            (Operation::ShutdownVm, Action::Shutdown)
        } else {
            (Operation::StopVm, Action::Stop)
        };
        let times = *self.site(site).latency.transitions();
        let status = self.vm_or_404(site, id, op)?.status(now);
        let allowed = is_running(status)
            || matches!(
                status,
                VmStatus::Paused | VmStatus::NotResponding | VmStatus::Suspended
            );
        if !allowed {
            return Err(match status {
                VmStatus::SavingState | VmStatus::RestoringState => {
                    msg::vm_saving_restoring(op, action)
                }
                _ => msg::vm_not_running(op, action),
            });
        }
        let d = if graceful && status != VmStatus::Suspended {
            times.vm_shutdown
        } else {
            times.vm_stop
        };
        self.release_vm_lease(site, id, now + d);
        let s = self.site_mut(site);
        // `StopVmCommandBase` bumps the configuration generation.
        s.bump_generation(id);
        let v = s.vms.get_mut(&id).expect("checked");
        v.power = Transition::new(now, &[(VmStatus::PoweringDown, d)], VmStatus::Down);
        Ok(())
    }

    /// `DELETE /vms/{id}`.
    /// `PUT /vms/{vm}/nics/{nic}` with `plugged` (`UpdateVmInterfaceCommand`).
    pub(crate) fn set_nic_plugged(
        &mut self,
        site: Site,
        vm: Id,
        nic: Id,
        plugged: bool,
    ) -> EngineResult<()> {
        let op = Operation::SetNicPlugged;
        self.vm_or_404(site, vm, op)?;
        let v = self.site_mut(site).vms.get_mut(&vm).expect("checked");
        let n = v
            .nics
            .iter_mut()
            .find(|n| n.id == nic)
            .ok_or_else(|| msg::not_found(op, format!("nic {nic}")))?;
        n.plugged = plugged;
        Ok(())
    }

    pub(crate) fn remove_vm(&mut self, site: Site, id: Id, now: Instant) -> EngineResult<()> {
        let op = Operation::RemoveVm;
        let s = self.site(site);
        let v = self.vm_or_404(site, id, op)?;
        if v.delete_protected {
            return Err(msg::vm_delete_protected(op));
        }
        match v.status(now) {
            VmStatus::Down | VmStatus::Unassigned => {}
            VmStatus::ImageLocked => return Err(msg::vm_locked(op, Action::Remove)),
            VmStatus::Suspended => return Err(msg::vm_remove_not_down(op)),
            _ => return Err(msg::vm_running(op, Action::Remove)),
        }
        if let Some(st) = s.inactive_disk_domain(&v.disks, v.dc, now) {
            return Err(msg::vm_disk_domain(op, Action::Remove, Subject::Vm, st));
        }
        let delay = s.latency.transitions().vm_remove;
        self.site_mut(site)
            .vms
            .get_mut(&id)
            .expect("checked")
            .removing = true;
        self.schedule(now + delay, Event::PurgeVm { site, vm: id });
        Ok(())
    }

    /// The end of a VM's removal: its record goes, its images leave their domains.
    pub(crate) fn purge_vm(&mut self, site: Site, id: Id) {
        let s = self.site_mut(site);
        let images: Vec<(Id, Vec<Id>)> = s
            .vms
            .get(&id)
            .map(|v| {
                v.disks
                    .iter()
                    .filter_map(|d| s.disks.get(d))
                    .map(|d| (d.id, d.domains.clone()))
                    .collect()
            })
            .unwrap_or_default();
        s.delete_vm(id);
        for (disk, domains) in images {
            for sd in domains {
                if let Some(vol) = self.site(site).domains.get(&sd).map(|r| r.volume) {
                    let _ = self.fabric.write(vol, |c| {
                        std::sync::Arc::make_mut(&mut c.images).remove(&disk);
                    });
                }
            }
        }
    }
}
