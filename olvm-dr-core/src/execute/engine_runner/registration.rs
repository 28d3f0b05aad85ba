//! Discovery and registration steps.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::op::{Op, Seen};
use super::storage::domain_id;
use crate::Site;
use crate::engine::{
    DiskAttachment, Engine, ErrorKind, Id, Registration, TemplateStatus, Vm, VmStatus,
};
use crate::execute::{Completion, StepFailure};
use crate::plan::{Action, DiscoveredVm, DomainRef, ExpectedVm, Phase, Plan, Step, StepId};
use crate::report::MacChange;

/// What discovery found in one domain's OVF store (the step's journaled output).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discovery {
    /// The domain.
    pub domain: Id,
    /// Its name.
    pub domain_name: String,
    /// The target data center the domain is attached to, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_dc: Option<String>,
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

/// A VM found in an OVF store, with what ordering and start decisions need: what the Engine
/// lists of an unregistered VM (its disks and NICs come from the plan's source record).
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
}

/// Lists the unregistered templates and VMs of a domain.
pub(crate) async fn discover(
    op: &Op<'_>,
    engine: &dyn Engine,
    domain: &DomainRef,
    target_dc: Option<&str>,
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
        target_dc: target_dc.map(str::to_owned),
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

    let domain_names: HashMap<Id, &str> = discoveries
        .iter()
        .map(|d| (d.domain, d.domain_name.as_str()))
        .collect();

    let mut steps: Vec<Step> = Vec::new();
    let mut template_steps: HashMap<Id, StepId> = HashMap::new();
    let mut templates: Vec<(&Discovery, &DiscoveredTemplate)> = Vec::new();
    for d in &discoveries {
        for t in &d.templates {
            if let std::collections::hash_map::Entry::Vacant(slot) = template_steps.entry(t.id) {
                slot.insert(StepId::of(["register-template", &t.id.to_string()]));
                templates.push((d, t));
            }
        }
    }
    for (d, t) in &templates {
        let id = template_steps[&t.id].clone();
        let deps = t.base.and_then(|b| template_steps.get(&b).cloned());
        steps.push(
            Step::new(
                id,
                site,
                Phase::Templates,
                Action::RegisterTemplate {
                    domain: d.domain,
                    template: t.id,
                    name: t.name.clone(),
                    target_dc: d.target_dc.clone(),
                },
                format!("register template '{}' ({})", t.name, t.id),
            )
            .after(deps),
        );
    }

    let vms = vm_copies(&discoveries);
    let mut wave1: Vec<StepId> = Vec::new();
    let mut starts: Vec<Step> = Vec::new();
    let mut waits: Vec<Step> = Vec::new();
    let mut candidates = Vec::new();
    let masters = plan
        .source_record
        .as_ref()
        .map_or(&[][..], |r| r.masters.as_slice());
    for copies in &vms {
        let (chosen, v) = copies.chosen(masters);
        let vid = v.id.to_string();
        let reg_id = StepId::of(["register-vm", &vid]);
        let mut deps: Vec<StepId> = v
            .template
            .and_then(|t| template_steps.get(&t).cloned())
            .into_iter()
            .collect();
        // The source's record of the VM, when the plan has one: the Engine does not list an
        // unregistered VM's disks.
        let source = plan.source_record.as_ref();
        let record = source.and_then(|r| r.vms.get(&v.id));
        let remembered = source.is_some_and(|r| r.remembered);
        // A record made earlier may be out of date: it does not decide what is registered.
        let outside: Vec<Id> = record.filter(|_| !remembered).map_or_else(Vec::new, |r| {
            r.disk_domains()
                .into_iter()
                .filter(|d| !active.contains(d))
                .collect()
        });
        if !outside.is_empty()
            && let Some(failed) = failed_attaches.first()
        {
            deps.push(failed.clone());
        }
        let was_up = match &recorded {
            Some(set) => set.contains(&v.id),
            None => v.status == VmStatus::Up,
        };
        let vm = DiscoveredVm {
            id: v.id,
            name: v.name.clone(),
            domain: chosen.domain,
            was_up,
            high_availability: v.ha,
            ha_priority: v.ha_priority,
            template: v.template,
            target_dc: chosen.target_dc.clone(),
            expect: record.map(|r| ExpectedVm {
                remembered,
                ..r.expected(&domain_names)
            }),
        };
        let mut register = Step::new(
            reg_id.clone(),
            site,
            Phase::Vms,
            Action::RegisterVm { vm },
            format!("register VM '{}' ({vid})", v.name),
        )
        .after(deps);
        if !outside.is_empty() && failed_attaches.is_empty() {
            // The run does not bring every domain of the VM (it is restricted to some): a
            // registration would drop the disks on the others.
            register = register.skipped(format!(
                "some of its disks are on storage domains this run does not bring ({}): registering it would drop them",
                outside.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
            ));
        }
        let skipped = !outside.is_empty() && failed_attaches.is_empty();
        steps.push(register);
        if skipped {
            continue;
        }
        if plan.recovery.is_some() {
            candidates.push(super::group_starts::Candidate {
                id: v.id,
                name: v.name.clone(),
                was_up,
                ha: v.ha,
                register: reg_id,
                record: record.cloned(),
            });
            continue;
        }
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
                    group: None,
                    initialization: None,
                    readdress: Vec::new(),
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
    if let Some(recovery) = &plan.recovery {
        starts = super::group_starts::group_steps(plan, recovery, site, &candidates)?;
    }
    // Wave 1 is sorted first, so every wave-2 start lists all wave-1 starts.
    let summary = serde_json::json!({
        "templates": templates.len(),
        "vms": vms.len(),
        "starts": starts.iter().filter(|s| matches!(s.action, Action::StartVm { .. })).count(),
        "domains_not_active": failed_attaches.len(),
    });
    steps.extend(starts);
    steps.extend(waits);
    Ok(Completion::Added {
        steps,
        output: Some(summary),
    })
}

/// Every copy of one VM the OVF stores hold: a VM with disks on several domains is in the store
/// of each.
struct VmCopies<'a> {
    /// (discovery, the VM as that domain's store records it), in plan order.
    all: Vec<(&'a Discovery, &'a DiscoveredVmFacts)>,
}

impl<'a> VmCopies<'a> {
    /// The copy to register from: the first in plan order that is not on a domain the source
    /// recorded as a master. The Engine lists no disks of an unregistered VM, so the copies
    /// cannot be compared; but when a site releases its domains the master goes last, and its
    /// store, written after the others left, describes the VM without their disks. A copy that
    /// still lacks disks is caught after registration against the source's record.
    fn chosen(&self, masters: &[Id]) -> (&'a Discovery, &'a DiscoveredVmFacts) {
        self.all
            .iter()
            .find(|(d, _)| !masters.contains(&d.domain))
            .copied()
            .unwrap_or(self.all[0])
    }
}

/// The VMs of the discoveries with all their copies, high-available VMs by restart priority
/// first, then by name: the start order of wave 1.
fn vm_copies(discoveries: &[Discovery]) -> Vec<VmCopies<'_>> {
    let mut index: HashMap<Id, usize> = HashMap::new();
    let mut vms: Vec<VmCopies<'_>> = Vec::new();
    for d in discoveries {
        for v in &d.vms {
            match index.get(&v.id) {
                Some(&i) => vms[i].all.push((d, v)),
                None => {
                    index.insert(v.id, vms.len());
                    vms.push(VmCopies { all: vec![(d, v)] });
                }
            }
        }
    }
    vms.sort_by(|a, b| {
        let (a, b) = (a.all[0].1, b.all[0].1);
        b.ha.cmp(&a.ha)
            .then(b.ha_priority.cmp(&a.ha_priority))
            .then(a.name.cmp(&b.name))
    });
    vms
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

/// Makes sure the VM is registered with every disk its source had. A VM the Engine registered
/// without some of them (partial import drops a disk whose image it cannot find) is a failure
/// naming the missing disks: it stays registered, and is not started. NICs whose MAC the
/// Engine changed (out of the target pool's ranges, or taken) and the cluster it is in (by id)
/// are the step's output. With
/// `unplug` (a drill's `--isolate unplugged`) every NIC is unplugged before the step ends.
///
/// A VM without a record made by its plan (`expect` is `None`, or remembered from earlier) is
/// registered refusing partial imports whatever the plan's settings: nothing else can tell for
/// sure that a disk is missing. A remembered record's disks are only verified, not checked here.
pub(crate) async fn ensure_vm(
    op: &Op<'_>,
    engine: &dyn Engine,
    vm: &DiscoveredVm,
    registration: &Registration,
    unplug: bool,
) -> Result<Completion, StepFailure> {
    let strict;
    let planned = vm.expect.as_ref().filter(|e| !e.remembered);
    let registration = if planned.is_none() && registration.allow_partial_import {
        strict = Registration {
            allow_partial_import: false,
            ..registration.clone()
        };
        &strict
    } else {
        registration
    };
    let (did_work, registered) = register_vm(op, engine, vm, registration).await?;
    if unplug {
        for nic in registered.nics.iter().filter(|n| n.plugged) {
            op.call("set_nic_plugged", || {
                engine.set_nic_plugged(vm.id, nic.id, false)
            })
            .await?;
        }
    }
    if let Some(expect) = planned.filter(|e| !e.disks.is_empty()) {
        let attached = op
            .call("vm_disk_attachments", || engine.vm_disk_attachments(vm.id))
            .await?;
        check_disks(&vm.name, expect, &attached)?;
    }
    let changes = mac_changes(vm, &registered);
    let mut output = serde_json::Map::new();
    if !changes.is_empty() {
        output.insert("macs_reassigned".into(), serde_json::json!(changes));
    }
    if let Some(cluster) = registered.cluster {
        output.insert("cluster".into(), cluster.to_string().into());
    }
    let output = (!output.is_empty()).then_some(serde_json::Value::Object(output));
    Ok(if did_work {
        Completion::Done { output }
    } else {
        Completion::AlreadyDone { output }
    })
}

/// The NICs of `registered` whose MAC differs from the one the source recorded.
fn mac_changes(vm: &DiscoveredVm, registered: &Vm) -> Vec<MacChange> {
    vm.expect
        .iter()
        .flat_map(|e| &e.nics)
        .filter_map(|want| {
            let from = want.mac.as_ref()?;
            let nic = registered.nics.iter().find(|n| n.name == want.name)?;
            let to = nic.mac.as_ref()?;
            (!from.eq_ignore_ascii_case(to)).then(|| MacChange {
                nic: want.name.clone(),
                from: from.clone(),
                to: to.clone(),
            })
        })
        .collect()
}

/// The disks of `expect` missing from the registered VM `name`, as a failure.
fn check_disks(
    name: &str,
    expect: &ExpectedVm,
    attached: &[DiskAttachment],
) -> Result<(), StepFailure> {
    let have: HashSet<Id> = attached.iter().map(|a| a.disk).collect();
    let missing: Vec<String> = expect
        .disks
        .iter()
        .filter(|d| !have.contains(&d.id))
        .map(|d| {
            if d.domains.is_empty() {
                format!("'{}' ({}, direct LUN)", d.alias, d.id)
            } else {
                format!("'{}' ({}) on '{}'", d.alias, d.id, d.domains.join("', '"))
            }
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(StepFailure {
        message: format!(
            "VM '{}' was registered without {} of its {} disks: {}; the Engine did not find those images on the domains it has \
             (is each domain holding them attached and active?). The VM is not started; attach the domain and register the disks, or remove the VM and run again",
            name,
            missing.len(),
            expect.disks.len(),
            missing.join(", ")
        ),
        kind: Some(ErrorKind::InvalidState),
    })
}

/// Registers the VM unless the Engine has it; waits until its images are unlocked.
/// Returns whether it registered the VM, and the VM as the Engine has it.
async fn register_vm(
    op: &Op<'_>,
    engine: &dyn Engine,
    vm: &DiscoveredVm,
    registration: &Registration,
) -> Result<(bool, Vm), StepFailure> {
    match op.call("vm", || engine.vm(vm.id)).await {
        Ok(v) => return Ok((false, v)),
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
        Err(e) if e.kind == ErrorKind::Conflict => {
            if let Ok(v) = engine.vm(vm.id).await {
                return Ok((false, v));
            }
            return Err(e.into());
        }
        Err(e) => return Err(e.into()),
    }
    let registered = op
        .poll(
            &format!("VM '{}' to be registered", vm.name),
            op.t.registration,
            || async {
                match engine.vm(vm.id).await {
                    Ok(v) if v.status == VmStatus::ImageLocked => {
                        Ok(Seen::Pending("image locked".into()))
                    }
                    Ok(v) => Ok(Seen::Ready(v)),
                    Err(e) if e.kind == ErrorKind::NotFound => {
                        Ok(Seen::Pending("not registered yet".into()))
                    }
                    Err(e) => Err(e),
                }
            },
        )
        .await?;
    Ok((true, registered))
}
