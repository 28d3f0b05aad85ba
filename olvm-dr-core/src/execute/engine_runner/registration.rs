//! Discovery and registration steps.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::op::{Op, Seen};
use super::storage::domain_id;
use crate::Site;
use crate::engine::{Engine, ErrorKind, Id, Registration, TemplateStatus, VmStatus};
use crate::execute::{Completion, StepFailure};
use crate::plan::{Action, DiscoveredVm, DomainRef, Phase, Plan, Step, StepId};

/// What discovery found in one domain's OVF store (the step's journaled output).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discovery {
    /// The domain.
    pub domain: Id,
    /// Its name.
    pub domain_name: String,
    /// Unregistered templates.
    pub templates: Vec<DiscoveredTemplate>,
    /// Unregistered VMs.
    pub vms: Vec<DiscoveredVmFacts>,
}

/// A template found in an OVF store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscoveredTemplate {
    /// Id.
    pub id: Id,
    /// Name.
    pub name: String,
    /// Its base template, for a sub-version.
    pub base: Option<Id>,
}

/// A VM found in an OVF store, with what ordering and start decisions need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscoveredVmFacts {
    /// Id.
    pub id: Id,
    /// Name.
    pub name: String,
    /// Its status when the OVF store was written.
    pub status: VmStatus,
    /// High availability.
    pub ha: bool,
    /// HA priority.
    pub ha_priority: i32,
    /// Template, when not blank.
    pub template: Option<Id>,
    /// Domains holding its disks.
    pub disk_domains: Vec<Id>,
}

/// Lists the unregistered templates and VMs of a domain.
pub(crate) async fn discover(
    op: &Op<'_>,
    engine: &dyn Engine,
    domain: &DomainRef,
) -> Result<Completion, StepFailure> {
    let sd = domain_id(op, engine, domain).await?;
    let templates = op
        .call("unregistered_templates", || {
            engine.unregistered_templates(sd)
        })
        .await?;
    let vms = op
        .call("unregistered_vms", || engine.unregistered_vms(sd))
        .await?;
    let found = Discovery {
        domain: sd,
        domain_name: domain.name.clone(),
        templates: templates
            .into_iter()
            .map(|t| DiscoveredTemplate {
                id: t.id,
                name: t.name,
                base: t.base_template.filter(|b| *b != t.id && !b.is_nil()),
            })
            .collect(),
        vms: vms
            .into_iter()
            .map(|v| DiscoveredVmFacts {
                id: v.id,
                name: v.name,
                status: v.status,
                ha: v.high_availability.enabled,
                ha_priority: v.high_availability.priority,
                template: v.template.filter(|t| !t.is_nil()),
                disk_domains: {
                    let mut ids: Vec<Id> = v
                        .disks
                        .iter()
                        .flat_map(|d| d.storage_domains.iter().copied())
                        .collect();
                    ids.sort();
                    ids.dedup();
                    ids
                },
            })
            .collect(),
    };
    let output = serde_json::to_value(&found)
        .map_err(|e| StepFailure::new(format!("cannot record discovery: {e}")))?;
    Ok(Completion::Done {
        output: Some(output),
    })
}

/// Turns every discovery of the run into registration, start and wait steps.
///
/// Templates are registered once (from the first domain that lists them), base versions before
/// sub-versions, before the VMs based on them. VMs whose disks are on a domain that did not
/// become active are made to depend on a failed attach, so they are reported as blocked instead
/// of being registered with their disks silently dropped.
pub(crate) fn plan_registrations(
    plan: &Plan,
    site: Site,
    running_from: Option<&StepId>,
    outputs: &HashMap<StepId, serde_json::Value>,
) -> Result<Completion, StepFailure> {
    // With a record of running VMs (failback, switchover), that record decides what starts.
    let recorded: Option<HashSet<Id>> = match running_from {
        None => None,
        Some(step) => {
            let value = outputs
                .get(step)
                .ok_or_else(|| StepFailure::new(format!("'{step}' recorded no running VMs")))?;
            let vms: Vec<super::cleanup::RunningVm> = serde_json::from_value(value.clone())
                .map_err(|e| {
                    StepFailure::new(format!("cannot read the VMs '{step}' recorded: {e}"))
                })?;
            Some(vms.into_iter().map(|v| v.id).collect())
        }
    };
    // Discovery steps of the plan, in plan order, with the attach step each depends on.
    let mut discoveries: Vec<Discovery> = Vec::new();
    let mut failed_attaches: Vec<StepId> = Vec::new();
    for step in plan
        .steps
        .iter()
        .filter(|s| s.site == site && matches!(s.action, Action::DiscoverEntities { .. }))
    {
        match outputs
            .get(&step.id)
            .map(|v| serde_json::from_value::<Discovery>(v.clone()))
        {
            Some(Ok(d)) => discoveries.push(d),
            Some(Err(e)) => {
                return Err(StepFailure::new(format!(
                    "cannot read what '{}' discovered: {e}",
                    step.id
                )));
            }
            None => failed_attaches.extend(step.depends_on.iter().cloned()),
        }
    }
    let active: HashSet<Id> = discoveries.iter().map(|d| d.domain).collect();

    let mut steps: Vec<Step> = Vec::new();
    let mut template_steps: HashMap<Id, StepId> = HashMap::new();
    let mut templates: Vec<(Id, &DiscoveredTemplate)> = Vec::new();
    for d in &discoveries {
        for t in &d.templates {
            if let std::collections::hash_map::Entry::Vacant(slot) = template_steps.entry(t.id) {
                slot.insert(StepId::of(["register-template", &t.id.to_string()]));
                templates.push((d.domain, t));
            }
        }
    }
    for (domain, t) in &templates {
        let id = template_steps[&t.id].clone();
        let deps = t.base.and_then(|b| template_steps.get(&b).cloned());
        steps.push(
            Step::new(
                id,
                site,
                Phase::Templates,
                Action::RegisterTemplate {
                    domain: *domain,
                    template: t.id,
                    name: t.name.clone(),
                },
                format!("register template '{}' ({})", t.name, t.id),
            )
            .after(deps),
        );
    }

    let mut seen_vms: HashSet<Id> = HashSet::new();
    let mut vms: Vec<(Id, &DiscoveredVmFacts)> = Vec::new();
    for d in &discoveries {
        for v in &d.vms {
            if seen_vms.insert(v.id) {
                vms.push((d.domain, v));
            }
        }
    }
    // High-available VMs by restart priority first, then by name: the start order of wave 1.
    vms.sort_by(|a, b| {
        b.1.ha
            .cmp(&a.1.ha)
            .then(b.1.ha_priority.cmp(&a.1.ha_priority))
            .then(a.1.name.cmp(&b.1.name))
    });
    let mut wave1: Vec<StepId> = Vec::new();
    let mut starts: Vec<Step> = Vec::new();
    let mut waits: Vec<Step> = Vec::new();
    for (domain, v) in &vms {
        let vid = v.id.to_string();
        let reg_id = StepId::of(["register-vm", &vid]);
        let mut deps: Vec<StepId> = v
            .template
            .and_then(|t| template_steps.get(&t).cloned())
            .into_iter()
            .collect();
        let missing_disk_domain = v.disk_domains.iter().any(|d| !active.contains(d));
        if missing_disk_domain && let Some(failed) = failed_attaches.first() {
            deps.push(failed.clone());
        }
        let was_up = match &recorded {
            Some(set) => set.contains(&v.id),
            None => v.status == VmStatus::Up,
        };
        let vm = DiscoveredVm {
            id: v.id,
            name: v.name.clone(),
            domain: *domain,
            was_up,
            high_availability: v.ha,
            ha_priority: v.ha_priority,
            template: v.template,
        };
        steps.push(
            Step::new(
                reg_id.clone(),
                site,
                Phase::Vms,
                Action::RegisterVm { vm },
                format!("register VM '{}' ({vid})", v.name),
            )
            .after(deps),
        );
        if was_up && plan.start.start_vms {
            let wave = if v.ha { 1 } else { 2 };
            let start_id = StepId::of(["start-vm", &vid]);
            let mut start = Step::new(
                start_id.clone(),
                site,
                Phase::Start,
                Action::StartVm {
                    vm: v.id,
                    name: v.name.clone(),
                    wave,
                },
                format!(
                    "start VM '{}' (wave {wave}{})",
                    v.name,
                    if v.ha { ", high-available" } else { "" }
                ),
            )
            .after([reg_id]);
            if wave == 1 {
                wave1.push(start_id.clone());
            } else {
                start = start.after_finished(wave1.iter().cloned());
            }
            starts.push(start);
            if plan.start.wait_for_up {
                waits.push(
                    Step::new(
                        StepId::of(["wait-vm", &vid]),
                        site,
                        Phase::Verify,
                        Action::WaitVmUp {
                            vm: v.id,
                            name: v.name.clone(),
                        },
                        format!("wait for VM '{}' to be up", v.name),
                    )
                    .after([start_id]),
                );
            }
        }
    }
    // Wave 1 is sorted first, so every wave-2 start lists all wave-1 starts.
    let summary = serde_json::json!({
        "templates": templates.len(),
        "vms": vms.len(),
        "starts": starts.len(),
        "domains_not_active": failed_attaches.len(),
    });
    steps.extend(starts);
    steps.extend(waits);
    Ok(Completion::Added {
        steps,
        output: Some(summary),
    })
}

/// Makes sure the template is registered and `ok`.
pub(crate) async fn ensure_template(
    op: &Op<'_>,
    engine: &dyn Engine,
    domain: Id,
    template: Id,
    name: &str,
    registration: &Registration,
) -> Result<Completion, StepFailure> {
    let existing = op.call("template", || engine.template(template)).await;
    let did_work = match existing {
        Ok(t) if t.status == TemplateStatus::Ok => {
            return Ok(Completion::AlreadyDone { output: None });
        }
        Ok(_) => false,
        Err(e) if e.kind == ErrorKind::NotFound => {
            match op
                .call("register_template", || {
                    engine.register_template(domain, template, registration)
                })
                .await
            {
                Ok(()) => true,
                Err(e)
                    if e.kind == ErrorKind::Conflict && engine.template(template).await.is_ok() =>
                {
                    false
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(e) => return Err(e.into()),
    };
    op.poll(
        &format!("template '{name}' to be ok"),
        op.t.registration,
        || async {
            match engine.template(template).await {
                Ok(t) if t.status == TemplateStatus::Ok => Ok(Seen::Ready(())),
                Ok(t) if t.status == TemplateStatus::Illegal => {
                    Err(crate::EngineError::new(ErrorKind::InvalidState, "template")
                        .on(format!("template '{name}'"))
                        .with_message("the template is illegal after registration"))
                }
                Ok(t) => Ok(Seen::Pending(format!("status {}", t.status))),
                Err(e) if e.kind == ErrorKind::NotFound => {
                    Ok(Seen::Pending("not registered yet".into()))
                }
                Err(e) => Err(e),
            }
        },
    )
    .await?;
    Ok(if did_work {
        Completion::Done { output: None }
    } else {
        Completion::AlreadyDone { output: None }
    })
}

/// Makes sure the VM is registered.
pub(crate) async fn ensure_vm(
    op: &Op<'_>,
    engine: &dyn Engine,
    vm: &DiscoveredVm,
    registration: &Registration,
) -> Result<Completion, StepFailure> {
    match op.call("vm", || engine.vm(vm.id)).await {
        Ok(_) => return Ok(Completion::AlreadyDone { output: None }),
        Err(e) if e.kind == ErrorKind::NotFound => {}
        Err(e) => return Err(e.into()),
    }
    match op
        .call("register_vm", || {
            engine.register_vm(vm.domain, vm.id, registration)
        })
        .await
    {
        Ok(()) => {}
        Err(e) if e.kind == ErrorKind::Conflict && engine.vm(vm.id).await.is_ok() => {
            return Ok(Completion::AlreadyDone { output: None });
        }
        Err(e) => return Err(e.into()),
    }
    op.poll(
        &format!("VM '{}' to be registered", vm.name),
        op.t.registration,
        || async {
            match engine.vm(vm.id).await {
                Ok(v) if v.status == VmStatus::ImageLocked => {
                    Ok(Seen::Pending("image locked".into()))
                }
                Ok(_) => Ok(Seen::Ready(())),
                Err(e) if e.kind == ErrorKind::NotFound => {
                    Ok(Seen::Pending("not registered yet".into()))
                }
                Err(e) => Err(e),
            }
        },
    )
    .await?;
    Ok(Completion::Done { output: None })
}
