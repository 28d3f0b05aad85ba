//! [`EngineRunner`]: runs plan steps against the sites' Engines.

mod cleanup;
mod gate;
mod group_starts;
mod guard;
mod hook_steps;
pub mod hooks;
mod leftover_connection;
mod op;
mod options;
mod readdress;
mod readiness;
mod registration;
mod spm;
mod storage;
mod vms;

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;

pub use cleanup::RunningVm;
pub use gate::{
    CommandGate, FileGate, GATE_DESCRIPTION_ENV, GATE_ENV, GATE_PLACEHOLDER, GATE_SITE_ENV,
    StorageGate,
};
pub use guard::{DomainEvidence, GuardEvidence};
pub use options::FlowTimeouts;
pub use registration::{DiscoveredTemplate, DiscoveredVmFacts, Discovery};

use self::op::Op;
use crate::engine::{Engine, Registration};
use crate::execute::{Completion, StepContext, StepFailure, StepRun, StepRunner};
use crate::plan::{Action, Plan, Step};
use crate::probe::{HostProbe, KnownHosts, TcpHostProbe};
use crate::{Secret, Site};

/// Where the runner gets the credentials that plans never contain (iSCSI CHAP passwords).
pub trait SecretSource: Send + Sync {
    /// The CHAP password for logging in to `target` at `address` on `site`.
    fn iscsi_password(&self, site: Site, address: &str, target: &str) -> Option<Secret>;
    /// The CHAP password of the direct LUN `lun_id` on `site`.
    fn lun_password(&self, site: Site, lun_id: &str) -> Option<Secret>;
}

/// A [`SecretSource`] with no secrets (no CHAP anywhere).
#[derive(Debug, Default, Clone, Copy)]
pub struct NoSecrets;

impl SecretSource for NoSecrets {
    fn iscsi_password(&self, _site: Site, _address: &str, _target: &str) -> Option<Secret> {
        None
    }
    fn lun_password(&self, _site: Site, _lun_id: &str) -> Option<Secret> {
        None
    }
}

/// Runs the steps of a plan against the Engines of the sites.
pub struct EngineRunner {
    engines: BTreeMap<Site, Arc<dyn Engine>>,
    plan: Arc<Plan>,
    timeouts: FlowTimeouts,
    secrets: Arc<dyn SecretSource>,
    gate: Option<Arc<dyn StorageGate>>,
    vm_registration: Registration,
    template_registration: Registration,
    host_probe: Arc<dyn HostProbe>,
    known_hosts: KnownHosts,
}

impl std::fmt::Debug for EngineRunner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineRunner")
            .field("sites", &self.engines.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl EngineRunner {
    /// A runner for `plan` with the Engines of the sites its steps act on.
    pub fn new(
        plan: Arc<Plan>,
        engines: BTreeMap<Site, Arc<dyn Engine>>,
        timeouts: FlowTimeouts,
        secrets: Arc<dyn SecretSource>,
    ) -> Self {
        let site = plan.target;
        let mut vm_registration = plan.registration.vm.clone();
        for m in &mut vm_registration.lun_mappings {
            if m.target.username.is_some() {
                m.target.password = secrets.lun_password(site, &m.target.lun_id);
            }
        }
        let template_registration = plan.registration.template.clone();
        Self {
            engines,
            plan,
            timeouts,
            secrets,
            gate: None,
            vm_registration,
            template_registration,
            host_probe: Arc::new(TcpHostProbe),
            known_hosts: KnownHosts::new(),
        }
    }

    /// The hosts the split-brain guard probes when the source Engine does not answer (per site,
    /// from the state directory's record of each site's last inventory), and how it probes
    /// them (default: a TCP connect to VDSM's port).
    #[must_use]
    pub fn with_hosts(mut self, probe: Arc<dyn HostProbe>, known: KnownHosts) -> Self {
        self.host_probe = probe;
        self.known_hosts = known;
        self
    }

    /// Sets the storage gate the plan's storage-gate steps wait at.
    #[must_use]
    pub fn with_gate(mut self, gate: Arc<dyn StorageGate>) -> Self {
        self.gate = Some(gate);
        self
    }

    fn engine(&self, site: Site) -> Result<&dyn Engine, StepFailure> {
        self.engines.get(&site).map(|e| &**e).ok_or_else(|| {
            StepFailure::new(format!(
                "no connection to the {site} site was given for this step"
            ))
        })
    }

    /// The steps that need no Engine of their own site (`None` for all others).
    async fn dispatch_siteless(
        &self,
        step: &Step,
        op: &Op<'_>,
        ctx: &StepContext,
    ) -> Option<Result<Completion, StepFailure>> {
        Some(match &step.action {
            Action::Barrier => Ok(Completion::Done { output: None }),
            Action::PlanRegistrations { running_from } => registration::plan_registrations(
                &self.plan,
                step.site,
                running_from.as_ref(),
                &ctx.outputs(),
            ),
            Action::SplitBrainGuard {
                domains,
                force_reason,
                drill,
            } => {
                let source = self.engines.get(&step.site.other()).map(|e| &**e);
                let hosts = self
                    .known_hosts
                    .get(&step.site.other())
                    .map_or(&[][..], Vec::as_slice);
                guard::split_brain_guard(
                    op,
                    source,
                    step.site.other(),
                    domains,
                    force_reason.as_deref(),
                    *drill,
                    guard::HostCheck {
                        probe: &*self.host_probe,
                        hosts,
                    },
                    self.plan.source_unanswered.as_ref(),
                )
                .await
            }
            Action::FinishGroup {
                group,
                vms,
                wait,
                delay_after_ms,
            } => {
                readiness::finish_group(
                    ctx,
                    self.gate.as_deref(),
                    group,
                    vms,
                    wait,
                    std::time::Duration::from_millis(*delay_after_ms),
                )
                .await
            }
            Action::RunHook {
                point,
                hook,
                group,
                vm,
            } => {
                let run = hooks::HookRun {
                    plan: &self.plan,
                    point: *point,
                    hook,
                    group: group.as_deref(),
                    vm: vm.as_ref(),
                };
                hooks::run_hook(&run, ctx, self.gate.as_deref()).await
            }
            Action::ManualStep { question, .. } => {
                hooks::manual_step(ctx, self.gate.as_deref(), question).await
            }
            Action::StorageGate { description } => match &self.gate {
                Some(gate) => gate.wait_ready(description, ctx).await.map(|confirmed| {
                    let _ = ctx.fact("storage_gate.confirmed", confirmed.clone());
                    Completion::Done {
                        output: Some(serde_json::json!({ "confirmed": confirmed })),
                    }
                }),
                None => Err(StepFailure::new(
                    "the plan has a storage gate but no way to pass it was given (prompt, command or file)",
                )),
            },
            _ => return None,
        })
    }

    async fn dispatch(
        &self,
        step: &Step,
        op: &Op<'_>,
        ctx: &StepContext,
    ) -> Result<Completion, StepFailure> {
        if let Some(result) = self.dispatch_siteless(step, op, ctx).await {
            return result;
        }
        let engine = self.engine(step.site)?;
        match &step.action {
            Action::IscsiLogin { host, login, .. } => {
                let mut login = login.clone();
                if login.username.is_some() {
                    login.password =
                        self.secrets
                            .iscsi_password(step.site, &login.address, &login.target);
                }
                storage::iscsi_login(op, engine, *host, &login).await
            }
            Action::ImportDomain { domain, request } => {
                storage::ensure_imported(op, engine, domain, request).await
            }
            Action::AttachDomain {
                domain,
                data_center,
                data_center_name,
                ..
            } => storage::ensure_attached(op, engine, domain, *data_center, data_center_name).await,
            Action::DiscoverEntities { domain, target_dc } => {
                registration::discover(op, engine, domain, target_dc.as_deref()).await
            }
            Action::RegisterTemplate {
                domain,
                template,
                name,
                target_dc,
            } => {
                let registration = self
                    .plan
                    .registration
                    .for_data_center(&self.template_registration, target_dc.as_deref());
                registration::ensure_template(op, engine, *domain, *template, name, &registration)
                    .await
            }
            Action::RegisterVm { vm } => {
                let registration = self
                    .plan
                    .registration
                    .for_data_center(&self.vm_registration, vm.target_dc.as_deref());
                let unplug = matches!(
                    self.plan.isolation,
                    Some(crate::verify::Isolation::Unplugged)
                );
                registration::ensure_vm(op, engine, vm, &registration, unplug).await
            }
            Action::StartVm {
                vm,
                name,
                initialization,
                ..
            } => vms::ensure_started(op, engine, *vm, name, initialization.as_ref()).await,
            Action::WaitVmReady { vm, name, wait, .. } => {
                readiness::wait_ready(op, engine, *vm, name, wait).await
            }
            Action::WaitVmUp { vm, name } => vms::wait_up(op, engine, *vm, name).await,
            Action::Barrier
            | Action::PlanRegistrations { .. }
            | Action::SplitBrainGuard { .. }
            | Action::StorageGate { .. }
            | Action::FinishGroup { .. }
            | Action::RunHook { .. }
            | Action::ManualStep { .. } => unreachable!("handled above"),
            Action::RecordRunningVms { domains } => {
                cleanup::record_running(op, engine, domains).await
            }
            Action::ShutdownVm { vm, name, mode } => {
                cleanup::ensure_down(op, engine, *vm, name, *mode).await
            }
            Action::UpdateOvfStore {
                domain,
                data_center,
            } => cleanup::update_ovf(op, engine, domain, *data_center).await,
            Action::DeactivateDomain {
                domain,
                data_center,
                data_center_name,
                force,
                destroy_fallback,
                ..
            } => {
                cleanup::ensure_maintenance(
                    op,
                    engine,
                    domain,
                    *data_center,
                    data_center_name,
                    *force,
                    *destroy_fallback,
                )
                .await
            }
            Action::DetachDomain {
                domain,
                data_center,
                data_center_name,
                destroy_fallback,
            } => {
                cleanup::ensure_detached(
                    op,
                    engine,
                    domain,
                    *data_center,
                    data_center_name,
                    *destroy_fallback,
                )
                .await
            }
            Action::RemoveDomain {
                domain,
                data_center,
                destroy_fallback,
            } => cleanup::ensure_removed(op, engine, domain, *data_center, *destroy_fallback).await,
            Action::RemoveVm { vm, name } => {
                cleanup::ensure_vm_removed(op, engine, *vm, name).await
            }
            Action::RemoveDisk { disk, alias } => {
                cleanup::ensure_disk_removed(op, engine, *disk, alias).await
            }
        }
    }
}

#[async_trait]
impl StepRunner for EngineRunner {
    async fn run(&self, step: &Step, ctx: &StepContext) -> StepRun {
        let op = Op::new(ctx, &self.timeouts);
        let result = self.dispatch(step, &op, ctx).await;
        op.finish(result)
    }
}
