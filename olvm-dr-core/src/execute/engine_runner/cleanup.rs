//! Steps that release a site's domains: record running VMs, shut VMs down, write OVF stores,
//! deactivate, detach, remove, and remove what was left behind.

use serde::{Deserialize, Serialize};

use super::op::{Op, Seen};
use super::spm;
use super::storage::find_domain;
use crate::engine::{
    DiskFilter, Engine, ErrorKind, HostStatus, Id, JobStatus, RemoveStorageDomain,
    StorageDomainStatus, VmSearch, VmStatus,
};
use crate::execute::{Completion, StepFailure};
use crate::plan::{DomainRef, StopMode};

/// How long an `unknown` domain may take to settle: the Engine moves a domain its hosts cannot
/// use to `inactive` after `StorageDomainFailureTimeoutInMinutes` (5 minutes by default,
/// `IrsProxyImpl.addDomainInProblemData`); one more minute covers the storage-pool cycles.
const UNKNOWN_DOMAIN_SETTLES: std::time::Duration = std::time::Duration::from_secs(6 * 60);

/// A VM recorded as running before the source was cleaned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunningVm {
    /// Id.
    pub id: Id,
    /// Name.
    pub name: String,
    /// High availability.
    pub ha: bool,
    /// HA priority.
    pub ha_priority: i32,
}

fn is_running(s: VmStatus) -> bool {
    s.is_running_or_starting() || matches!(s, VmStatus::Paused | VmStatus::PoweringDown)
}

/// Records the running VMs with a disk on any of the domains.
pub(crate) async fn record_running(
    op: &Op<'_>,
    engine: &dyn Engine,
    domains: &[DomainRef],
) -> Result<Completion, StepFailure> {
    let mut running: Vec<RunningVm> = Vec::new();
    for domain in domains {
        let Some(d) = find_domain(op, engine, domain, None).await? else {
            continue;
        };
        let search = VmSearch {
            storage_domain: Some(d.id),
            ..VmSearch::default()
        };
        for vm in op.call("vms", || engine.vms(&search)).await? {
            if is_running(vm.status) && !running.iter().any(|r| r.id == vm.id) {
                running.push(RunningVm {
                    id: vm.id,
                    name: vm.name,
                    ha: vm.high_availability.enabled,
                    ha_priority: vm.high_availability.priority,
                });
            }
        }
    }
    let output = serde_json::to_value(&running).map_err(|e| StepFailure::new(e.to_string()))?;
    Ok(Completion::Done {
        output: Some(output),
    })
}

/// Makes sure the VM is down, the way `mode` says.
pub(crate) async fn ensure_down(
    op: &Op<'_>,
    engine: &dyn Engine,
    vm: Id,
    name: &str,
    mode: StopMode,
) -> Result<Completion, StepFailure> {
    let status = match op.call("vm", || engine.vm(vm)).await {
        Ok(v) => v.status,
        Err(e) if e.kind == ErrorKind::NotFound => {
            return Ok(Completion::AlreadyDone { output: None });
        }
        Err(e) => return Err(e.into()),
    };
    let status = if status == VmStatus::Unknown {
        known_status(op, engine, vm, name).await?
    } else {
        status
    };
    if status == VmStatus::Down {
        return Ok(Completion::AlreadyDone { output: None });
    }
    let what = format!("VM '{name}' to be down");
    if mode != StopMode::PowerOff {
        op.call("shutdown_vm", || engine.shutdown_vm(vm))
            .await
            .map_err(|e| StepFailure::from(e.on(format!("VM '{name}'"))))?;
        match op.poll(&what, op.t.vm_down, || vm_down(engine, vm)).await {
            Ok(()) => {
                return Ok(Completion::Done {
                    output: Some(serde_json::json!({ "stopped_by": "shutdown" })),
                });
            }
            Err(f) if f.kind == Some(ErrorKind::Timeout) && mode == StopMode::Graceful => {
                return Err(StepFailure {
                    message: format!(
                        "VM '{name}' did not shut down within {} s and is not powered off (a planned \
                         switchover never pulls the plug); shut it down, then rerun",
                        op.t.vm_down.as_secs()
                    ),
                    kind: Some(ErrorKind::Timeout),
                });
            }
            Err(f) if f.kind == Some(ErrorKind::Timeout) => {
                op.ctx.progress(format!(
                    "VM '{name}' did not shut down within {} s; powering it off",
                    op.t.vm_down.as_secs()
                ));
            }
            Err(f) => return Err(f),
        }
    }
    match op.call("stop_vm", || engine.stop_vm(vm)).await {
        Ok(()) => {}
        // Went down meanwhile.
        Err(e)
            if e.kind == ErrorKind::InvalidState
                && matches!(engine.vm(vm).await, Ok(v) if v.status == VmStatus::Down) => {}
        Err(e) => return Err(e.on(format!("VM '{name}'")).into()),
    }
    op.poll(&what, op.t.vm_down, || vm_down(engine, vm)).await?;
    Ok(Completion::Done {
        output: Some(serde_json::json!({ "stopped_by": "power-off" })),
    })
}

/// Waits for the Engine to know the status of a VM it shows `unknown`: its host does not
/// report yet (a site back from a disaster), and neither shutdown nor power-off is allowed
/// (`StopVmCommandBase.validate`). The hosts' first report settles it (`down` when the host no
/// longer runs it, `VmAnalyzer.proceedDisappearedVm`).
async fn known_status(
    op: &Op<'_>,
    engine: &dyn Engine,
    vm: Id,
    name: &str,
) -> Result<VmStatus, StepFailure> {
    op.poll(
        &format!("the Engine to know the status of VM '{name}' (now unknown: its host does not report yet)"),
        op.t.vm_down,
        || async {
            match engine.vm(vm).await {
                Ok(v) if v.status == VmStatus::Unknown => Ok(Seen::Pending("status unknown".into())),
                Ok(v) => Ok(Seen::Ready(v.status)),
                Err(e) if e.kind == ErrorKind::NotFound => Ok(Seen::Ready(VmStatus::Down)),
                Err(e) => Err(e),
            }
        },
    )
    .await
}

async fn vm_down(engine: &dyn Engine, vm: Id) -> crate::EngineResult<Seen<()>> {
    match engine.vm(vm).await {
        Ok(v) if v.status == VmStatus::Down => Ok(Seen::Ready(())),
        Ok(v) => Ok(Seen::Pending(format!("status {}", v.status))),
        Err(e) if e.kind == ErrorKind::NotFound => Ok(Seen::Ready(())),
        Err(e) => Err(e),
    }
}

/// Writes the domain's OVF store (when it is active) and waits for the Engine's job.
pub(crate) async fn update_ovf(
    op: &Op<'_>,
    engine: &dyn Engine,
    domain: &DomainRef,
    dc: Id,
) -> Result<Completion, StepFailure> {
    let Some(d) = find_domain(op, engine, domain, None).await? else {
        return Ok(Completion::AlreadyDone {
            output: Some(serde_json::json!({ "note": "not known to the Engine" })),
        });
    };
    let status = match op
        .call("attached_storage_domain", || {
            engine.attached_storage_domain(dc, d.id)
        })
        .await
    {
        Ok(a) => a.status,
        Err(e) if e.kind == ErrorKind::NotFound => None,
        Err(e) => return Err(e.into()),
    };
    if status != Some(StorageDomainStatus::Active) {
        // Deactivation writes the OVF store itself; an unattached domain has nothing to write.
        return Ok(Completion::AlreadyDone {
            output: Some(serde_json::json!({ "note": "not active" })),
        });
    }
    let job = op
        .call("update_ovf_store", || engine.update_ovf_store(d.id))
        .await?;
    if let Some(job) = job {
        op.poll(
            &format!("the OVF store update of {}", domain.describe()),
            op.t.domain_state,
            || async {
                let j = engine.job(job).await?;
                match j.status {
                    JobStatus::Finished => Ok(Seen::Ready(())),
                    JobStatus::Started => Ok(Seen::Pending("job running".into())),
                    s => Err(
                        crate::EngineError::new(ErrorKind::Internal, "update_ovf_store")
                            .on(format!("storage domain {}", domain.describe()))
                            .with_message(format!("the Engine's job ended {s}: {}", j.description)),
                    ),
                }
            },
        )
        .await?;
    }
    Ok(Completion::Done { output: None })
}

/// `true` for the Engine's refusal while tasks run on the data center (retried like the role).
fn running_tasks(e: &crate::EngineError) -> bool {
    e.kind == ErrorKind::Locked && e.detail().contains("running tasks")
}

/// Runs `f`, retrying refusals because of running tasks `cleanup_retries` times.
async fn with_task_retries<F, Fut>(
    op: &Op<'_>,
    operation: &'static str,
    mut f: F,
) -> crate::EngineResult<()>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = crate::EngineResult<()>>,
{
    let mut attempt = 0;
    loop {
        match op.call(operation, &mut f).await {
            Err(e) if running_tasks(&e) && attempt < op.t.cleanup_retries => {
                attempt += 1;
                op.ctx.progress(format!(
                    "the Engine has tasks running; retry {attempt} of {} in {} s: {}",
                    op.t.cleanup_retries,
                    op.t.cleanup_retry_delay.as_secs(),
                    e.detail()
                ));
                tokio::time::sleep(op.t.cleanup_retry_delay).await;
            }
            other => return other,
        }
    }
}

/// Makes sure the domain is in maintenance (or not attached at all).
pub(crate) async fn ensure_maintenance(
    op: &Op<'_>,
    engine: &dyn Engine,
    domain: &DomainRef,
    dc: Id,
    dc_name: &str,
    force: bool,
    destroy_fallback: bool,
) -> Result<Completion, StepFailure> {
    let Some(d) = find_domain(op, engine, domain, None).await? else {
        return Ok(Completion::AlreadyDone { output: None });
    };
    let what = format!(
        "storage domain {} in '{dc_name}' to be in maintenance",
        domain.describe()
    );
    let mut attached = op
        .call("attached_storage_domain", || {
            engine.attached_storage_domain(dc, d.id)
        })
        .await;
    if matches!(&attached, Ok(a) if a.status == Some(StorageDomainStatus::Unknown)) {
        // The Engine refuses to deactivate an `unknown` domain (its monitoring has not heard
        // from the hosts yet, a site back from a disaster): wait until its monitoring decides
        // (`active`, or `inactive` after the domain failure timeout).
        attached = op
            .poll(
                &format!(
                    "storage domain {} in '{dc_name}' to leave the unknown status",
                    domain.describe()
                ),
                op.t.domain_state.max(UNKNOWN_DOMAIN_SETTLES),
                || async {
                    match engine.attached_storage_domain(dc, d.id).await {
                        Ok(a) if a.status == Some(StorageDomainStatus::Unknown) => {
                            Ok(Seen::Pending("status unknown".into()))
                        }
                        other => Ok(Seen::Ready(other)),
                    }
                },
            )
            .await?;
    }
    match attached {
        Err(e) if e.kind == ErrorKind::NotFound => {
            return Ok(Completion::AlreadyDone { output: None });
        }
        Err(e) => return Err(e.into()),
        Ok(a) if a.status == Some(StorageDomainStatus::Maintenance) => {
            return Ok(Completion::AlreadyDone { output: None });
        }
        Ok(a)
            if matches!(
                a.status,
                Some(StorageDomainStatus::PreparingForMaintenance | StorageDomainStatus::Locked)
            ) => {}
        Ok(_) => {
            if destroy_fallback && let Some(why) = spm::missing_spm(op, engine, dc, dc_name).await?
            {
                return Ok(left_for_database_removal(op, domain, dc_name, &why));
            }
            with_task_retries(op, "deactivate_storage_domain", || {
                engine.deactivate_storage_domain(dc, d.id, force)
            })
            .await?
        }
    }
    op.poll(&what, op.t.domain_state, || async {
        let a = engine.attached_storage_domain(dc, d.id).await?;
        match a.status {
            Some(StorageDomainStatus::Maintenance) => Ok(Seen::Ready(())),
            // Deactivation moves it to `locked` at once; `active` again means the Engine gave
            // up (it could not write the OVF store and the deactivation was not forced).
            Some(StorageDomainStatus::Active) => Err(crate::EngineError::new(
                ErrorKind::InvalidState,
                "deactivate_storage_domain",
            )
            .on(format!("storage domain {}", domain.describe()))
            .with_message(
                "the domain went back to active: the Engine could not write its OVF store \
                 (is the storage read-only?)",
            )),
            // Back where it was: the deactivation ran and failed on the hosts. Without an SPM
            // (a returning site whose master is a read-only replica) it always does.
            Some(s @ (StorageDomainStatus::Inactive | StorageDomainStatus::Unknown)) => Err(
                crate::EngineError::new(ErrorKind::InvalidState, "deactivate_storage_domain")
                    .on(format!("storage domain {}", domain.describe()))
                    .with_message(format!(
                        "the domain went back to {s}: the Engine could not deactivate it (does \
                     '{dc_name}' have an SPM? a data center whose master is a read-only replica \
                     has none); remove it from the Engine's database only (--force-remove)"
                    )),
            ),
            s => Ok(Seen::Pending(format!(
                "status {}",
                s.map_or("none".into(), |s| s.to_string())
            ))),
        }
    })
    .await?;
    Ok(Completion::Done { output: None })
}

/// The end of a maintenance or detach step whose data center has no SPM (`why`) in a cleanup
/// that may remove domains from the Engine's database only: nothing is asked of the Engine, the
/// removal step does that (the master last); the choice is journaled with the step's output and
/// reported as a fact.
fn left_for_database_removal(
    op: &Op<'_>,
    domain: &DomainRef,
    dc_name: &str,
    why: &str,
) -> Completion {
    op.ctx.progress(format!(
        "{why}: storage domain {} is neither moved to maintenance nor detached; it is removed from \
         the Engine's database only",
        domain.describe()
    ));
    // Part of the report: the operator sees why the normal release was not tried.
    let _ = op.ctx.fact(
        format!("cleanup.no_spm.{dc_name}"),
        format!(
            "{why}: its domains were removed from the Engine's database only (the master last), \
             without maintenance or detach"
        ),
    );
    Completion::Done {
        output: Some(serde_json::json!({ "database_only": why })),
    }
}

/// Makes sure the domain is detached from the data center.
pub(crate) async fn ensure_detached(
    op: &Op<'_>,
    engine: &dyn Engine,
    domain: &DomainRef,
    dc: Id,
    dc_name: &str,
    destroy_fallback: bool,
) -> Result<Completion, StepFailure> {
    let Some(d) = find_domain(op, engine, domain, None).await? else {
        return Ok(Completion::AlreadyDone { output: None });
    };
    match op
        .call("attached_storage_domain", || {
            engine.attached_storage_domain(dc, d.id)
        })
        .await
    {
        Err(e) if e.kind == ErrorKind::NotFound => {
            return Ok(Completion::AlreadyDone { output: None });
        }
        Err(e) => return Err(e.into()),
        Ok(a) if a.status == Some(StorageDomainStatus::Detaching) => {}
        Ok(a) => {
            if destroy_fallback
                && a.status != Some(StorageDomainStatus::Maintenance)
                && let Some(why) = spm::missing_spm(op, engine, dc, dc_name).await?
            {
                return Ok(left_for_database_removal(op, domain, dc_name, &why));
            }
            with_task_retries(op, "detach_storage_domain", || {
                engine.detach_storage_domain(dc, d.id)
            })
            .await?
        }
    }
    op.poll(
        &format!("storage domain {} to leave '{dc_name}'", domain.describe()),
        op.t.domain_state,
        || async {
            match engine.attached_storage_domain(dc, d.id).await {
                Err(e) if e.kind == ErrorKind::NotFound => Ok(Seen::Ready(())),
                Err(e) => Err(e),
                Ok(a) => Ok(Seen::Pending(format!(
                    "status {}",
                    a.status.map_or("none".into(), |s| s.to_string())
                ))),
            }
        },
    )
    .await?;
    Ok(Completion::Done { output: None })
}

/// Makes sure the domain is gone from the Engine: normal removal through an UP host (never
/// formatting), retried; then, if allowed, removal from the Engine's database only.
pub(crate) async fn ensure_removed(
    op: &Op<'_>,
    engine: &dyn Engine,
    domain: &DomainRef,
    dc: Option<Id>,
    destroy_fallback: bool,
) -> Result<Completion, StepFailure> {
    let Some(d) = find_domain(op, engine, domain, None).await? else {
        return Ok(Completion::AlreadyDone { output: None });
    };
    let normal = if d.data_centers.is_empty() {
        let clusters = op.call("clusters", || engine.clusters()).await?;
        let hosts = op.call("hosts", || engine.hosts()).await?;
        let host = hosts.iter().find(|h| {
            h.status == HostStatus::Up
                && dc.is_none_or(|dc| {
                    h.cluster
                        .and_then(|c| clusters.iter().find(|cl| cl.id == c))
                        .and_then(|cl| cl.data_center)
                        == Some(dc)
                })
        });
        match host {
            Some(h) => {
                let how = RemoveStorageDomain::WithHost {
                    host: h.id,
                    format: false,
                };
                with_task_retries(op, "remove_storage_domain", || {
                    engine.remove_storage_domain(d.id, how)
                })
                .await
                .map_err(|e| e.to_string())
            }
            None => Err("no host is up to remove it through".to_owned()),
        }
    } else {
        Err("it is still attached to a data center".to_owned())
    };
    let destroyed = match normal {
        Ok(()) => false,
        Err(why) if destroy_fallback => {
            op.ctx.progress(format!("normal removal of {} not possible ({why}); removing it from the Engine's database only", domain.describe()));
            op.call("remove_storage_domain", || {
                engine.remove_storage_domain(d.id, RemoveStorageDomain::Destroy)
            })
            .await?;
            // Part of the report: what the operator must know about a domain only forgotten.
            let _ = op.ctx.fact(
                format!("cleanup.destroyed.{}", d.name),
                format!(
                    "removed from the Engine's database only ({why}); its storage was not touched. \
                     Its metadata still names the old data center, which the next attach \
                     overrides; if the site should use it again, import it"
                ),
            );
            true
        }
        Err(why) => {
            return Err(StepFailure::new(format!(
                "cannot remove storage domain {}: {why}",
                domain.describe()
            )));
        }
    };
    op.poll(
        &format!("storage domain {} to be removed", domain.describe()),
        op.t.domain_state,
        || async {
            match engine.storage_domain(d.id).await {
                Err(e) if e.kind == ErrorKind::NotFound => Ok(Seen::Ready(())),
                Err(e) => Err(e),
                Ok(_) => Ok(Seen::Pending("still listed".into())),
            }
        },
    )
    .await?;
    Ok(Completion::Done {
        output: Some(serde_json::json!({ "destroyed": destroyed })),
    })
}

/// Removes a VM left behind (it must be down).
pub(crate) async fn ensure_vm_removed(
    op: &Op<'_>,
    engine: &dyn Engine,
    vm: Id,
    name: &str,
) -> Result<Completion, StepFailure> {
    let mut v = match op.call("vm", || engine.vm(vm)).await {
        Ok(v) => v,
        Err(e) if e.kind == ErrorKind::NotFound => {
            return Ok(Completion::AlreadyDone { output: None });
        }
        Err(e) => return Err(e.into()),
    };
    if v.status == VmStatus::ImageLocked {
        // A removal this step started before the run was interrupted is still under way.
        let settled = op
            .poll(
                &format!("VM '{name}' to be unlocked or removed"),
                op.t.vm_down,
                || async {
                    match engine.vm(vm).await {
                        Err(e) if e.kind == ErrorKind::NotFound => Ok(Seen::Ready(None)),
                        Err(e) => Err(e),
                        Ok(v) if v.status == VmStatus::ImageLocked => {
                            Ok(Seen::Pending("image locked".into()))
                        }
                        Ok(v) => Ok(Seen::Ready(Some(v))),
                    }
                },
            )
            .await?;
        match settled {
            None => return Ok(Completion::Done { output: None }),
            Some(now) => v = now,
        }
    }
    if v.delete_protected {
        return Err(StepFailure::new(format!(
            "VM '{name}' is delete-protected; remove the protection or the VM by hand"
        )));
    }
    if v.status != VmStatus::Down {
        return Err(StepFailure::new(format!(
            "VM '{name}' is {} and not down; it is not removed",
            v.status
        )));
    }
    // Removing a VM removes its disks: one that still has images (its domain's removal
    // failed, or a disk lives elsewhere) is kept, never deleted with its data.
    if !v.storage_domains.is_empty() {
        return Err(StepFailure::new(format!(
            "VM '{name}' still has disks on {} storage domain(s); it is not removed (did the removal of its domain fail?)",
            v.storage_domains.len()
        )));
    }
    op.call("remove_vm", || engine.remove_vm(vm)).await?;
    op.poll(
        &format!("VM '{name}' to be removed"),
        op.t.vm_down,
        || async {
            match engine.vm(vm).await {
                Err(e) if e.kind == ErrorKind::NotFound => Ok(Seen::Ready(())),
                Err(e) => Err(e),
                Ok(v) => Ok(Seen::Pending(format!("status {}", v.status))),
            }
        },
    )
    .await?;
    Ok(Completion::Done { output: None })
}

/// Removes a direct-LUN disk attached to no VM.
pub(crate) async fn ensure_disk_removed(
    op: &Op<'_>,
    engine: &dyn Engine,
    disk: Id,
    alias: &str,
) -> Result<Completion, StepFailure> {
    let disks = op
        .call("disks", || {
            engine.disks(DiskFilter {
                lun_only: true,
                unattached_only: false,
            })
        })
        .await?;
    let Some(d) = disks.iter().find(|d| d.id == disk) else {
        return Ok(Completion::AlreadyDone { output: None });
    };
    if !d.vms.is_empty() {
        return Err(StepFailure::new(format!(
            "disk '{alias}' is attached to a VM again; it is not removed"
        )));
    }
    op.call("remove_disk", || engine.remove_disk(disk)).await?;
    Ok(Completion::Done { output: None })
}
