//! Planning a cleanup: release the mapped domains of one site (the role's `clean_engine`), as a
//! part of failback and switchover or on its own.
//!
//! For every mapped domain the site still knows: stop the VMs with disks on it (guest shutdown
//! with a deadline and a power-off fallback by default), write its OVF store so the replica
//! carries the final state, move it to maintenance, detach it, and remove it from the Engine
//! through an UP host — never formatting it. Within a data center every store is written and
//! every non-master domain is in maintenance before the first detach (a detach changes the VMs
//! with disks on several domains, and a store written after it would describe them without
//! those disks); the master goes to maintenance and is detached last. VMs
//! that block a detach (delete-protected, previewing a snapshot) are reported before anything
//! changes; `force_remove` removes such domains from the Engine's database instead. With
//! `remove_orphans`, VMs left without any disk and the direct-LUN disks they used are removed.

use std::collections::{BTreeMap, HashSet};

use super::failover::MappingSource;
use super::problems::{PlanningError, Problems};
use super::{
    Action, DomainRef, NoteLevel, Phase, Plan, PlanKind, PlanNote, Step, StepId, StopMode,
};
use crate::Site;
use crate::engine::{
    DiskFilter, Engine, ErrorKind, Id, StorageDomain, StorageDomainStatus, Vm, VmSearch, VmStatus,
};
use crate::mapping::ImportStorage;
use crate::validate::codes;

/// Choices for a cleanup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanupOptions {
    /// How VMs are stopped. Default: guest shutdown, power-off at the deadline.
    pub stop: StopMode,
    /// Remove VMs left without disks and their direct-LUN disks. Default `false`.
    pub remove_orphans: bool,
    /// Domains whose detach is blocked (delete-protected or previewing VMs) are removed from the
    /// Engine's database only. Default `false`: such VMs make the plan fail with their names.
    pub force_remove: bool,
    /// Only these mapped domains (by their name on either site); `None` = all.
    pub domains: Option<Vec<String>>,
    /// The site is a stale copy coming back after a disaster (the first phase of a failback):
    /// VMs are powered off, deactivation is forced (its storage is a read-only replica now) and
    /// domains that cannot be removed normally are removed from the database only.
    pub stale: bool,
}

impl Default for CleanupOptions {
    fn default() -> Self {
        Self {
            stop: StopMode::GracefulThenPowerOff,
            remove_orphans: false,
            force_remove: false,
            domains: None,
            stale: false,
        }
    }
}

/// The steps of a cleanup, to run on their own or inside failback and switchover.
pub(crate) struct CleanupPart {
    pub(crate) steps: Vec<Step>,
    pub(crate) notes: Vec<PlanNote>,
    /// The steps everything after the cleanup waits for.
    pub(crate) ends: Vec<StepId>,
}

struct Found {
    domain: DomainRef,
    known: StorageDomain,
    data_center: Option<(Id, String)>,
    status: Option<StorageDomainStatus>,
    master: bool,
    vms: Vec<Vm>,
}

/// Builds the cleanup steps of `site`; they start after `after`. Step ids start with the site.
pub(crate) async fn cleanup_part(
    source: MappingSource<'_>,
    site: Site,
    engine: &dyn Engine,
    options: &CleanupOptions,
    after: &[StepId],
) -> Result<CleanupPart, PlanningError> {
    let err = |error| PlanningError::Engine { site, error };
    let (domains, data_centers) =
        tokio::try_join!(engine.storage_domains(), engine.data_centers()).map_err(err)?;
    let mut problems = Problems::new(source.file, site);
    let mut notes: Vec<PlanNote> = Vec::new();
    let mut found: Vec<Found> = Vec::new();
    for name in super::selection::unknown(source.mapping, options.domains.as_deref()) {
        problems.error(
            codes::PLAN_UNKNOWN_DOMAIN,
            None,
            Some("dr_import_storages".into()),
            Some(format!("storage domain '{name}'")),
            format!("no storage entry of the mapping is named '{name}' on either site"),
            "use the domain names of the mapping file",
        );
    }
    for storage in source
        .mapping
        .storages()
        .iter()
        .filter(|s| super::selection::selected(s, options.domains.as_deref()))
    {
        let storage_type = storage.storage_type();
        let id = storage.domain_id().and_then(|f| f.get().copied());
        let name = storage.name(site).get().cloned();
        let export = match storage {
            ImportStorage::Nfs(f) | ImportStorage::Glusterfs(f) | ImportStorage::Posixfs(f) => {
                let s = f.site(site);
                s.address.get().cloned().zip(s.path.get().cloned())
            }
            _ => None,
        };
        let known = id
            .and_then(|id| domains.iter().find(|d| d.id == id))
            .or_else(|| {
                name.as_ref()
                    .and_then(|n| domains.iter().find(|d| &d.name == n))
            })
            .or_else(|| {
                let (a, p) = export.as_ref()?;
                domains.iter().find(|d| {
                    d.storage.address.as_deref() == Some(a) && d.storage.path.as_deref() == Some(p)
                })
            });
        let label = name
            .clone()
            .or_else(|| id.map(|i| i.to_string()))
            .unwrap_or_else(|| format!("entry {}", storage.common().index));
        let Some(known) = known else {
            notes.push(PlanNote { level: NoteLevel::Info, text: format!("{storage_type} domain '{label}' is not known to the {site} Engine: nothing to release") });
            continue;
        };
        let domain = DomainRef {
            id: Some(known.id),
            name: known.name.clone(),
            storage_type,
        };
        let (data_center, status, master) = match known.data_centers.first() {
            None => (None, Some(StorageDomainStatus::Unattached), false),
            Some(&dc) => {
                let dc_name = data_centers
                    .iter()
                    .find(|d| d.id == dc)
                    .map_or_else(|| dc.to_string(), |d| d.name.clone());
                match engine.attached_storage_domain(dc, known.id).await {
                    Ok(a) => (Some((dc, dc_name)), a.status, a.master),
                    Err(e) if e.kind == ErrorKind::NotFound => {
                        (None, Some(StorageDomainStatus::Unattached), false)
                    }
                    Err(e) => return Err(err(e)),
                }
            }
        };
        let search = VmSearch {
            storage_domain: Some(known.id),
            ..VmSearch::default()
        };
        let vms = engine.vms(&search).await.map_err(err)?;
        found.push(Found {
            domain,
            known: known.clone(),
            data_center,
            status,
            master,
            vms,
        });
    }

    // VMs that make the Engine refuse the detach.
    for f in &found {
        for vm in &f.vms {
            let why = match (vm.delete_protected, vm.snapshot_in_preview) {
                (true, true) => "is delete-protected and previews a snapshot",
                (true, false) => "is delete-protected",
                (false, true) => "previews a snapshot",
                (false, false) => continue,
            };
            if options.force_remove || options.stale {
                notes.push(PlanNote {
                    level: NoteLevel::Warning,
                    text: format!("VM '{}' {why}: the Engine will refuse to detach '{}', which is then removed from its database only", vm.name, f.domain.name),
                });
            } else {
                problems.error(
                    codes::CLEANUP_BLOCKED,
                    None,
                    None,
                    Some(format!("VM '{}' on storage domain '{}'", vm.name, f.domain.name)),
                    format!("VM '{}' {why}: the Engine refuses to detach storage domain '{}' while it does", vm.name, f.domain.name),
                    "remove the delete protection or commit/undo the snapshot preview; or use --force-remove to remove the domain from the Engine's database only",
                );
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems.into_error());
    }
    let splits =
        super::selection::split_vms(source.mapping, site, engine, options.domains.as_deref())
            .await
            .map_err(err)?;
    if let Some(problem) = super::selection::split_problem(&splits, site) {
        return Err(PlanningError::Problems(vec![problem]));
    }

    let prefix = site.as_str();
    let stop_mode = if options.stale {
        StopMode::PowerOff
    } else {
        options.stop
    };
    let mut steps: Vec<Step> = Vec::new();
    let mut stop_steps: BTreeMap<Id, StepId> = BTreeMap::new();
    let mut vms_by_domain: BTreeMap<Id, Vec<Id>> = BTreeMap::new();
    let mut all_vms: BTreeMap<Id, &Vm> = BTreeMap::new();
    for f in &found {
        for vm in &f.vms {
            vms_by_domain.entry(f.known.id).or_default().push(vm.id);
            all_vms.insert(vm.id, vm);
        }
    }
    for vm in all_vms.values().filter(|v| v.status != VmStatus::Down) {
        let id = StepId::of([prefix, "stop-vm", &vm.id.to_string()]);
        let how = match stop_mode {
            StopMode::PowerOff => "power off",
            StopMode::Graceful => "shut down",
            StopMode::GracefulThenPowerOff => "shut down (power off at the deadline)",
        };
        steps.push(
            Step::new(
                id.clone(),
                site,
                Phase::Shutdown,
                Action::ShutdownVm {
                    vm: vm.id,
                    name: vm.name.clone(),
                    mode: stop_mode,
                },
                format!(
                    "{how} VM '{}' on the {site} site (now {})",
                    vm.name, vm.status
                ),
            )
            .after(after.iter().cloned()),
        );
        stop_steps.insert(vm.id, id);
    }

    let destroy_fallback = options.force_remove || options.stale;
    // Non-masters first so the masters' steps can wait for them.
    let mut ordered: Vec<&Found> = found.iter().filter(|f| !f.master).collect();
    ordered.extend(found.iter().filter(|f| f.master));
    let vm_stops_of = |f: &Found| -> Vec<StepId> {
        vms_by_domain
            .get(&f.known.id)
            .into_iter()
            .flatten()
            .filter_map(|v| stop_steps.get(v).cloned())
            .collect()
    };

    // Every OVF store of a data center is written before any of its domains changes: a detach
    // takes the disks on the detached domain out of the VMs that also have disks elsewhere
    // (`Remove_Entities_From_storage_domain`, ovirt-engine `storages_sp.sql`), so a store
    // written after a detach would describe those VMs without them.
    let mut ovf_writes: BTreeMap<Id, Vec<StepId>> = BTreeMap::new();
    for f in &ordered {
        let Some((dc, _)) = &f.data_center else {
            continue;
        };
        if f.status != Some(StorageDomainStatus::Active) || options.stale {
            continue;
        }
        let name = &f.domain.name;
        let ovf = StepId::of([prefix, "ovf-update", name]);
        steps.push(
            Step::new(
                ovf.clone(),
                site,
                Phase::OvfUpdate,
                Action::UpdateOvfStore {
                    domain: f.domain.clone(),
                    data_center: *dc,
                },
                format!("write the OVF store of '{name}' on the {site} site"),
            )
            .after(after.iter().cloned())
            .after_finished(vm_stops_of(f)),
        );
        ovf_writes.entry(*dc).or_default().push(ovf);
    }

    // Every non-master domain of a data center is in maintenance (which writes its store
    // again, with every disk still attached) before any of them is detached. The master is
    // deactivated last, once the others are detached: a non-master detach needs an active
    // master, and the master can only be detached as the last domain of its data center
    // (`StorageDomainCommandBase.canDetachDomain`, `isDetachAllowed`).
    let mut detaches: BTreeMap<Id, Vec<StepId>> = BTreeMap::new();
    let mut ends: Vec<StepId> = Vec::new();
    // A data center without an SPM cannot deactivate or detach anything: with the
    // database-only fallback its domains then go straight to that removal, the master last
    // (`ForceRemoveStorageDomainCommand` needs a new master candidate and an UP host for a
    // master that is not the last domain of its pool). Whether it has one is decided when the
    // steps run (`execute::engine_runner::spm`): a site just back from a disaster shows every
    // data center `problematic` until its monitoring heard from the hosts, and one whose master
    // it can write elects an SPM then.
    if destroy_fallback {
        for (dc_name, status) in without_spm(&found, &data_centers).values() {
            notes.push(PlanNote {
                level: NoteLevel::Warning,
                text: format!(
                    "data center '{dc_name}' is {status} on the {site} site now: if it still has \
                     no SPM when its domains are released (its master on a read-only replica, \
                     or no host up), the Engine can neither move them to maintenance nor detach \
                     them, and they are removed from its database only (the storage is not \
                     touched), the master last"
                ),
            });
        }
    }
    let mut removals: BTreeMap<Id, Vec<StepId>> = BTreeMap::new();
    for f in ordered {
        let name = &f.domain.name;
        let vm_stops = vm_stops_of(f);
        let mut before_removal: Vec<StepId> = vm_stops.clone();
        let mut detach_id: Option<StepId> = None;
        let dc_of = f.data_center.as_ref().map(|(dc, _)| *dc);
        if let Some((dc, dc_name)) = &f.data_center {
            let others_detached: Vec<StepId> = if f.master {
                detaches.get(dc).cloned().unwrap_or_default()
            } else {
                Vec::new()
            };
            let deactivate = StepId::of([prefix, "deactivate", name]);
            let mut step = Step::new(
                deactivate.clone(),
                site,
                Phase::Detach,
                Action::DeactivateDomain {
                    domain: f.domain.clone(),
                    data_center: *dc,
                    data_center_name: dc_name.clone(),
                    master: f.master,
                    force: options.stale,
                    destroy_fallback,
                },
                format!(
                    "move '{name}' to maintenance in '{dc_name}' on the {site} site{}",
                    if f.master { " (master, last)" } else { "" }
                ),
            )
            .after(vm_stops)
            .after(ovf_writes.get(dc).into_iter().flatten().cloned())
            .after(after.iter().cloned())
            .after(others_detached.iter().cloned());
            if f.status == Some(StorageDomainStatus::Maintenance) {
                step = step.already_done("in maintenance");
            }
            steps.push(step);

            let detach = StepId::of([prefix, "detach", name]);
            let mut step = Step::new(
                detach.clone(),
                site,
                Phase::Detach,
                Action::DetachDomain {
                    domain: f.domain.clone(),
                    data_center: *dc,
                    data_center_name: dc_name.clone(),
                    destroy_fallback,
                },
                format!("detach '{name}' from '{dc_name}' on the {site} site"),
            )
            .after([deactivate])
            .after(others_detached);
            if !f.master {
                // Non-masters come first in `ordered`: every one of the data center is listed.
                let non_masters = found
                    .iter()
                    .filter(|o| !o.master && o.data_center.as_ref().map(|(d, _)| d) == Some(dc))
                    .map(|o| StepId::of([prefix, "deactivate", &o.domain.name]));
                step = step.after(non_masters);
                detaches.entry(*dc).or_default().push(detach.clone());
            }
            steps.push(step);
            detach_id = Some(detach);
            before_removal.clear();
        }
        let remove = StepId::of([prefix, "remove", name]);
        let mut step = Step::new(
            remove.clone(),
            site,
            Phase::Remove,
            Action::RemoveDomain {
                domain: f.domain.clone(),
                data_center: f.data_center.as_ref().map(|(dc, _)| *dc),
                destroy_fallback,
            },
            format!(
                "remove '{name}' from the {site} Engine (never formatted){}",
                if destroy_fallback {
                    "; from its database only if it cannot be removed normally"
                } else {
                    ""
                }
            ),
        )
        .after(after.iter().cloned());
        step = step.after(before_removal);
        if let Some(dc) = dc_of.filter(|_| f.master && destroy_fallback) {
            // Removed from the database only, a master goes after every other domain of its
            // data center, whatever their removals gave.
            step = step.after_finished(removals.get(&dc).into_iter().flatten().cloned());
        }
        step = match detach_id {
            // With a database-only fallback the removal runs even if the detach failed.
            Some(d) if destroy_fallback => step.after_finished([d]),
            Some(d) => step.after([d]),
            None => step,
        };
        if let Some(dc) = dc_of.filter(|_| !f.master) {
            removals.entry(dc).or_default().push(remove.clone());
        }
        steps.push(step);
        ends.push(remove);
    }

    if options.remove_orphans {
        let mapped: HashSet<Id> = found.iter().map(|f| f.known.id).collect();
        let removals = ends.clone();
        let orphans: Vec<&Vm> = all_vms
            .values()
            .copied()
            .filter(|v| {
                !v.storage_domains.is_empty()
                    && v.storage_domains.iter().all(|d| mapped.contains(d))
            })
            .collect();
        let mut vm_steps = Vec::new();
        for vm in &orphans {
            let id = StepId::of([prefix, "remove-vm", &vm.id.to_string()]);
            steps.push(
                Step::new(
                    id.clone(),
                    site,
                    Phase::Orphans,
                    Action::RemoveVm {
                        vm: vm.id,
                        name: vm.name.clone(),
                    },
                    format!(
                        "remove VM '{}' if the removed domains left it without disks",
                        vm.name
                    ),
                )
                .after_finished(removals.iter().cloned()),
            );
            vm_steps.push(id);
        }
        let orphan_ids: HashSet<Id> = orphans.iter().map(|v| v.id).collect();
        let disks = engine
            .disks(DiskFilter {
                lun_only: true,
                unattached_only: false,
            })
            .await
            .map_err(err)?;
        for disk in disks
            .iter()
            .filter(|d| !d.vms.is_empty() && d.vms.iter().all(|v| orphan_ids.contains(v)))
        {
            let id = StepId::of([prefix, "remove-disk", &disk.id.to_string()]);
            steps.push(
                Step::new(
                    id.clone(),
                    site,
                    Phase::Orphans,
                    Action::RemoveDisk {
                        disk: disk.id,
                        alias: disk.alias.clone(),
                    },
                    format!("remove direct-LUN disk '{}' once no VM uses it", disk.alias),
                )
                .after_finished(vm_steps.iter().cloned()),
            );
            ends.push(id);
        }
        ends.extend(vm_steps);
    }
    Ok(CleanupPart { steps, notes, ends })
}

/// Makes the plan of a cleanup of `site`.
///
/// # Errors
/// [`PlanningError`] when the site cannot be read or VMs block the detach of a domain.
pub async fn plan_cleanup(
    source: MappingSource<'_>,
    site: Site,
    engine: &dyn Engine,
    options: &CleanupOptions,
) -> Result<Plan, PlanningError> {
    let part = cleanup_part(source, site, engine, options, &[]).await?;
    let mut plan = Plan::new(PlanKind::Cleanup, site, source.sha256);
    plan.domains = options.domains.clone();
    plan.notes = part.notes;
    plan.steps = part.steps;
    super::failover::seal(&mut plan)?;
    Ok(plan)
}

/// The data centers among `found`'s that have no SPM now (`problematic`: the REST name of the
/// pool's `NonResponsive`, or `not_operational`), with their names and statuses. The
/// deactivation and the detach of their domains are SPM commands
/// (`DeactivateStorageDomainCommand`, `DetachStorageDomainFromPoolCommand`) that cannot
/// succeed; a site back from a disaster whose master is a read-only replica is one.
fn without_spm(
    found: &[Found],
    data_centers: &[crate::engine::DataCenter],
) -> BTreeMap<Id, (String, crate::engine::DataCenterStatus)> {
    use crate::engine::DataCenterStatus;
    found
        .iter()
        .filter_map(|f| f.data_center.as_ref())
        .filter_map(|(dc, name)| {
            let status = data_centers.iter().find(|d| d.id == *dc)?.status;
            matches!(
                status,
                DataCenterStatus::Problematic | DataCenterStatus::NotOperational
            )
            .then(|| (*dc, (name.clone(), status)))
        })
        .collect()
}
