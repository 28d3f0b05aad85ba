//! Building a [`Report`] from a run's steps and their results.

use std::collections::{BTreeMap, HashMap};

use super::{
    EntityOutcome, EntityStep, REPORT_SCHEMA, Report, ReportInputs, RtoBreakdown, StepCounts,
    StepKind, StepOutcome, StepResult, Verdict, VmOutcome,
};
use crate::Site;
use crate::plan::{Action, Phase, PlanKind, Step, StepId};

/// What a report says about the run itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunMeta {
    /// Run id.
    pub run_id: String,
    /// The flow.
    pub kind: PlanKind,
    /// Target site.
    pub target: Site,
    /// Source site.
    pub source: Site,
    /// A drill.
    pub drill: bool,
    /// RFC 3339 start time.
    pub started_at: String,
    /// RFC 3339 end time.
    pub finished_at: String,
    /// Whole run, in milliseconds.
    pub total_ms: u64,
    /// SHA-256 of the mapping file.
    pub mapping_sha256: String,
    /// The plan's hash.
    pub plan_hash: String,
}

/// Severity rank used to merge the outcomes of an entity's steps: the worst wins.
fn rank(o: StepOutcome) -> u8 {
    match o {
        StepOutcome::Skipped => 0,
        StepOutcome::AlreadyDone => 1,
        StepOutcome::Done => 2,
        StepOutcome::NotRun => 3,
        StepOutcome::Blocked => 4,
        StepOutcome::Failed => 5,
    }
}

fn worse(a: StepOutcome, b: StepOutcome) -> StepOutcome {
    if rank(b) > rank(a) { b } else { a }
}

/// Wall-clock span (first start to last end) of the results matching `pred`, in milliseconds.
fn span(results: &[&StepResult], pred: impl Fn(&StepResult) -> bool) -> u64 {
    let mut first = u64::MAX;
    let mut last = 0u64;
    for r in results.iter().filter(|r| pred(r)) {
        if let Some(start) = r.started_ms {
            first = first.min(start);
            last = last.max(start + r.duration_ms);
        }
    }
    if first == u64::MAX { 0 } else { last - first }
}

/// Builds the report of a run. `steps` are all steps the run knew (the plan's and those added
/// while running); `results` has one entry per step that reached an end (others count as not run).
pub fn build_report(
    meta: &RunMeta,
    steps: &[Step],
    results: &[StepResult],
    facts: BTreeMap<String, String>,
) -> Report {
    let by_id: HashMap<&StepId, &StepResult> = results.iter().map(|r| (&r.id, r)).collect();
    let mut all: Vec<StepResult> = Vec::with_capacity(steps.len());
    for s in steps {
        all.push(match by_id.get(&s.id) {
            Some(r) => (*r).clone(),
            None => StepResult {
                id: s.id.clone(),
                phase: s.phase,
                site: s.site,
                summary: s.summary.clone(),
                outcome: StepOutcome::NotRun,
                error: Some("the run ended before this step ran".into()),
                error_kind: None,
                started_ms: None,
                duration_ms: 0,
                attempts: 0,
                lease_wait_ms: 0,
                hint: None,
            },
        });
    }

    for (step, r) in steps.iter().zip(all.iter_mut()) {
        if r.outcome == StepOutcome::Failed {
            let kind = super::FailureKind::of(&step.action, r.error_kind.as_deref());
            r.hint = Some(super::hint(kind, meta.kind, meta.drill, meta.target));
        }
    }

    let mut counts = StepCounts::default();
    for r in &all {
        match r.outcome {
            StepOutcome::Done => counts.done += 1,
            StepOutcome::AlreadyDone => counts.already_done += 1,
            StepOutcome::Skipped => counts.skipped += 1,
            StepOutcome::Failed => counts.failed += 1,
            StepOutcome::Blocked => counts.blocked += 1,
            StepOutcome::NotRun => counts.not_run += 1,
        }
    }

    let mut domains: Vec<EntityOutcome> = Vec::new();
    let mut templates: Vec<EntityOutcome> = Vec::new();
    let mut vms: Vec<VmOutcome> = Vec::new();
    for (step, r) in steps.iter().zip(&all) {
        let site = step.site;
        let Some(kind) = step_kind(&step.action) else {
            continue;
        };
        let entry = EntityStep {
            id: step.id.clone(),
            kind,
        };
        match &step.action {
            Action::ImportDomain { domain, .. }
            | Action::AttachDomain { domain, .. }
            | Action::UpdateOvfStore { domain, .. }
            | Action::DeactivateDomain { domain, .. }
            | Action::DetachDomain { domain, .. }
            | Action::RemoveDomain { domain, .. } => {
                let id = domain.id.map(|i| i.to_string());
                merge_entity(&mut domains, site, &domain.name, id, r, entry);
            }
            Action::RegisterTemplate { template, name, .. } => {
                let id = Some(template.to_string());
                merge_entity(&mut templates, site, name, id, r, entry);
            }
            Action::RegisterVm { vm } => {
                let v = vm_entry(&mut vms, site, &vm.name, &vm.id.to_string());
                v.registered = Some(r.outcome);
                note_error(&mut v.error, r);
                v.steps.push(entry);
            }
            Action::StartVm { vm, name, .. } => {
                let v = vm_entry(&mut vms, site, name, &vm.to_string());
                v.started = Some(r.outcome);
                note_error(&mut v.error, r);
                v.steps.push(entry);
            }
            Action::WaitVmUp { vm, name } | Action::WaitVmReady { vm, name, .. } => {
                let v = vm_entry(&mut vms, site, name, &vm.to_string());
                v.up = Some(r.outcome);
                note_error(&mut v.error, r);
                v.steps.push(entry);
            }
            Action::ShutdownVm { vm, name, .. } => {
                let v = vm_entry(&mut vms, site, name, &vm.to_string());
                v.stopped = Some(r.outcome);
                note_error(&mut v.error, r);
                v.steps.push(entry);
            }
            _ => {}
        }
    }
    // "Failed" means nothing beyond the preflight checks got done.
    let entity_success = all.iter().any(|r| {
        r.phase != Phase::Preflight
            && matches!(r.outcome, StepOutcome::Done | StepOutcome::AlreadyDone)
    });

    let trouble = counts.failed + counts.blocked + counts.not_run > 0;
    let verdict = match (trouble, entity_success) {
        (false, _) => Verdict::Success,
        (true, true) => Verdict::Partial,
        (true, false) => Verdict::Failed,
    };

    let refs: Vec<&StepResult> = all.iter().collect();
    let rto = RtoBreakdown {
        lease_wait_ms: all.iter().map(|r| r.lease_wait_ms).max().unwrap_or(0),
        storage_ms: span(&refs, |r| r.phase == Phase::Storage),
        registration_ms: span(&refs, |r| {
            matches!(r.phase, Phase::Discovery | Phase::Templates | Phase::Vms)
        }),
        start_ms: span(&refs, |r| r.phase == Phase::Start),
        vms_up_ms: span(&refs, |r| r.phase == Phase::Verify),
        total_ms: meta.total_ms,
    };

    let critical_path = super::critical::critical_path(steps, &all);
    Report {
        schema: REPORT_SCHEMA,
        run_id: meta.run_id.clone(),
        kind: meta.kind,
        target: meta.target,
        source: meta.source,
        drill: meta.drill,
        verdict,
        started_at: meta.started_at.clone(),
        finished_at: meta.finished_at.clone(),
        inputs: ReportInputs {
            mapping_sha256: meta.mapping_sha256.clone(),
            plan_hash: meta.plan_hash.clone(),
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        },
        rto,
        counts,
        storage_domains: domains,
        templates,
        vms,
        steps: all,
        facts,
        verification: None,
        critical_path,
        recovery_groups: Vec::new(),
        recovery_hooks: Vec::new(),
    }
}

/// What `action` does to its domain, template or VM; `None` for steps of no one entity.
fn step_kind(action: &Action) -> Option<StepKind> {
    Some(match action {
        Action::ImportDomain { .. } => StepKind::Import,
        Action::AttachDomain { .. } => StepKind::Attach,
        Action::UpdateOvfStore { .. } => StepKind::OvfUpdate,
        Action::DeactivateDomain { .. } => StepKind::Deactivate,
        Action::DetachDomain { .. } => StepKind::Detach,
        Action::RemoveDomain { .. } => StepKind::Remove,
        Action::RegisterTemplate { .. } | Action::RegisterVm { .. } => StepKind::Register,
        Action::StartVm { .. } => StepKind::Start,
        Action::WaitVmUp { .. } | Action::WaitVmReady { .. } => StepKind::Up,
        Action::ShutdownVm { .. } => StepKind::Shutdown,
        _ => return None,
    })
}

/// Adds to `report` what the steps' outputs say about entities: the NICs whose MAC a VM
/// registration changed, and the cluster (by id) it registered the VM into.
pub fn add_step_outputs(
    report: &mut Report,
    steps: &[Step],
    outputs: &HashMap<StepId, serde_json::Value>,
) {
    for step in steps {
        let Action::RegisterVm { vm } = &step.action else {
            continue;
        };
        let Some(output) = outputs.get(&step.id) else {
            continue;
        };
        let v = vm_entry(&mut report.vms, step.site, &vm.name, &vm.id.to_string());
        if let Some(changes) = output
            .get("macs_reassigned")
            .and_then(|c| serde_json::from_value::<Vec<super::MacChange>>(c.clone()).ok())
        {
            v.macs_reassigned = changes;
        }
        if let Some(cluster) = output.get("cluster").and_then(|c| c.as_str()) {
            v.cluster = Some(cluster.to_owned());
        }
    }
}

impl Report {
    /// Replaces the cluster ids of the VMs with the clusters' names, where `clusters` has them.
    pub fn name_clusters(&mut self, clusters: &[crate::engine::Cluster]) {
        for v in &mut self.vms {
            if let Some(c) = v
                .cluster
                .as_deref()
                .and_then(|id| clusters.iter().find(|c| c.id.to_string() == id))
            {
                v.cluster = Some(c.name.clone());
            }
        }
    }
}

fn merge_entity(
    list: &mut Vec<EntityOutcome>,
    site: Site,
    name: &str,
    id: Option<String>,
    r: &StepResult,
    entry: EntityStep,
) {
    // By id where the step knows it: template versions share their base's name. A domain's
    // import step may not know the id yet; its later steps join it by name.
    let pos = id
        .as_ref()
        .and_then(|id| {
            list.iter()
                .position(|e| e.site == site && e.id.as_ref() == Some(id))
        })
        .or_else(|| {
            list.iter()
                .position(|e| e.site == site && e.name == name && (e.id.is_none() || id.is_none()))
        });
    let e = match pos {
        Some(i) => &mut list[i],
        None => {
            list.push(EntityOutcome {
                site,
                name: name.to_owned(),
                id: None,
                outcome: StepOutcome::Skipped,
                error: None,
                duration_ms: 0,
                steps: Vec::new(),
            });
            list.last_mut().expect("just pushed")
        }
    };
    if e.id.is_none() {
        e.id = id;
    }
    e.outcome = worse(e.outcome, r.outcome);
    e.duration_ms += r.duration_ms;
    note_error(&mut e.error, r);
    e.steps.push(entry);
}

fn vm_entry<'a>(
    list: &'a mut Vec<VmOutcome>,
    site: Site,
    name: &str,
    id: &str,
) -> &'a mut VmOutcome {
    let pos = list.iter().position(|v| v.site == site && v.id == id);
    match pos {
        Some(i) => &mut list[i],
        None => {
            list.push(VmOutcome {
                site,
                name: name.to_owned(),
                id: id.to_owned(),
                registered: None,
                started: None,
                up: None,
                stopped: None,
                error: None,
                macs_reassigned: Vec::new(),
                cluster: None,
                steps: Vec::new(),
            });
            list.last_mut().expect("just pushed")
        }
    }
}

fn note_error(slot: &mut Option<String>, r: &StepResult) {
    if slot.is_none() && !r.outcome.is_success() {
        slot.clone_from(&r.error);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Id;
    use crate::plan::DiscoveredVm;

    fn meta() -> RunMeta {
        RunMeta {
            run_id: "r1".into(),
            kind: PlanKind::Failover,
            target: Site::Secondary,
            source: Site::Primary,
            drill: false,
            started_at: "2026-01-01T00:00:00Z".into(),
            finished_at: "2026-01-01T00:01:00Z".into(),
            total_ms: 60_000,
            mapping_sha256: "m".into(),
            plan_hash: "p".into(),
        }
    }

    fn result(step: &Step, outcome: StepOutcome, started: u64, dur: u64) -> StepResult {
        StepResult {
            id: step.id.clone(),
            phase: step.phase,
            site: step.site,
            summary: step.summary.clone(),
            outcome,
            error: (!outcome.is_success()).then(|| "boom".to_owned()),
            error_kind: None,
            started_ms: Some(started),
            duration_ms: dur,
            attempts: 1,
            lease_wait_ms: 0,
            hint: None,
        }
    }

    #[test]
    fn merges_vm_steps_and_decides_verdict() {
        let vm = DiscoveredVm {
            id: Id::from_u128(7),
            name: "web1".into(),
            domain: Id::from_u128(1),
            was_up: true,
            high_availability: false,
            ha_priority: 0,
            template: None,
            target_dc: None,
            expect: Default::default(),
        };
        let reg = Step::new(
            "register-vm/7".into(),
            Site::Secondary,
            Phase::Vms,
            Action::RegisterVm { vm },
            "register",
        );
        let start = Step::new(
            "start-vm/7".into(),
            Site::Secondary,
            Phase::Start,
            Action::StartVm {
                vm: Id::from_u128(7),
                name: "web1".into(),
                wave: 2,
                group: None,
                initialization: None,
                readdress: Vec::new(),
            },
            "start",
        );
        let wait = Step::new(
            "wait-vm/7".into(),
            Site::Secondary,
            Phase::Verify,
            Action::WaitVmUp {
                vm: Id::from_u128(7),
                name: "web1".into(),
            },
            "wait",
        );
        let steps = vec![reg.clone(), start.clone(), wait];
        let results = vec![
            result(&reg, StepOutcome::Done, 0, 100),
            result(&start, StepOutcome::Failed, 100, 50),
        ];
        let report = build_report(&meta(), &steps, &results, BTreeMap::new());
        assert_eq!(report.verdict, Verdict::Partial);
        assert_eq!(report.vms.len(), 1);
        let v = &report.vms[0];
        assert_eq!(v.registered, Some(StepOutcome::Done));
        assert_eq!(v.started, Some(StepOutcome::Failed));
        assert_eq!(v.up, Some(StepOutcome::NotRun));
        assert_eq!(v.error.as_deref(), Some("boom"));
        assert_eq!(report.counts.not_run, 1);
        assert_eq!(report.rto.start_ms, 50);
        assert_eq!(report.rto.registration_ms, 100);

        let all_failed = build_report(
            &meta(),
            &steps[..1],
            &[result(&reg, StepOutcome::Failed, 0, 1)],
            BTreeMap::new(),
        );
        assert_eq!(all_failed.verdict, Verdict::Failed);
    }

    #[test]
    fn template_versions_count_as_the_engine_counts_them_and_reassigned_macs_are_listed() {
        let template = |id: u128| {
            Step::new(
                StepId::of(["register-template", &id.to_string()]),
                Site::Secondary,
                Phase::Templates,
                Action::RegisterTemplate {
                    domain: Id::from_u128(1),
                    template: Id::from_u128(id),
                    name: "rhel9".into(),
                    target_dc: None,
                },
                "register",
            )
        };
        let vm = DiscoveredVm {
            id: Id::from_u128(7),
            name: "web1".into(),
            domain: Id::from_u128(1),
            was_up: false,
            high_availability: false,
            ha_priority: 0,
            template: None,
            target_dc: None,
            expect: Default::default(),
        };
        let reg = Step::new(
            "register-vm/7".into(),
            Site::Secondary,
            Phase::Vms,
            Action::RegisterVm { vm },
            "register",
        );
        let steps = vec![template(10), template(11), reg.clone()];
        let results: Vec<StepResult> = steps
            .iter()
            .map(|s| result(s, StepOutcome::Done, 0, 1))
            .collect();
        let mut report = build_report(&meta(), &steps, &results, BTreeMap::new());
        assert_eq!(report.templates.len(), 2, "two versions of one template");
        let outputs: HashMap<StepId, serde_json::Value> = [(
            reg.id.clone(),
            serde_json::json!({ "macs_reassigned": [
                { "nic": "nic1", "from": "56:6f:1a:00:00:01", "to": "56:6f:2b:00:00:07" }
            ] }),
        )]
        .into_iter()
        .collect();
        add_step_outputs(&mut report, &steps, &outputs);
        assert_eq!(report.vms[0].macs_reassigned.len(), 1);
        let text = report.render_summary();
        assert!(
            text.contains("VM 'web1': nic1 56:6f:1a:00:00:01 -> 56:6f:2b:00:00:07"),
            "{text}"
        );
        assert!(
            text.contains("templates on the secondary site: 2 of 2 registered"),
            "{text}"
        );
    }
}
