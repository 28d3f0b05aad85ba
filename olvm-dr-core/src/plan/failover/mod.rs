//! Planning a failover: bring the mapped domains, their templates and VMs up on the target.
//!
//! The plan reads the live target (and the source, if it answers) once and lays out: the
//! split-brain guard; iSCSI logins; import and attach of every mapped domain, each data
//! center's master first; discovery of what the domains' OVF stores hold once they are active;
//! and one step that turns the discoveries into template registrations (base versions first),
//! VM registrations (after their template), start waves (high-available VMs that were up, then
//! the other VMs that were up) and waits for the started VMs. Entities already in place are
//! steps marked "already done". Registration is scoped to the mapped domains unless
//! `all_active_domains` asks for the role's behaviour (every active domain of the target).

mod registration;
pub(crate) mod state;
pub(crate) mod storage;

use std::path::Path;
use std::time::Duration;

use self::state::SiteState;
use super::problems::PlanningError;
use super::{Action, NoteLevel, Phase, Plan, PlanKind, PlanNote, StartSettings, Step, StepId};
use crate::Site;
use crate::engine::{Engine, StorageDomainStatus, StorageDomainType, VmSearch, VmStatus};
use crate::mapping::Mapping;

/// Choices for a failover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailoverOptions {
    /// Start the VMs that were up (from their OVF status). Default `true`.
    pub start_vms: bool,
    /// Wait for the started VMs to be up and report those that are not. Default `true`.
    pub wait_for_up: bool,
    /// Also register what every other active domain of the target holds (the role's behaviour,
    /// its B15). Default `false`: only the mapped domains.
    pub all_active_domains: bool,
    /// Register VMs and templates even if some of their disks are missing (the role's
    /// `dr_partial_import`). Default `true`, as the role.
    pub partial_import: bool,
    /// Give new MACs to NICs whose MAC is out of the target pool's ranges or taken (the role's
    /// `dr_reset_mac_pool`). Default `true`, as the role.
    pub reassign_bad_macs: bool,
    /// Proceed although the source still has the domains active; the reason is journaled.
    pub force_reason: Option<String>,
    /// A drill: the source is alive on purpose; the guard records evidence and proceeds.
    pub drill: bool,
    /// Where drill VMs' NICs go (a drill must not reach production networks).
    pub isolation: NicIsolation,
    /// Only these mapped domains (by their name on either site); `None` = all.
    pub domains: Option<Vec<String>>,
    /// The recovery plan that orders the starts (groups, waits, dependencies, re-IP); `None`:
    /// high-available VMs first, then the others.
    pub recovery_plan: Option<crate::recovery_plan::RecoveryPlan>,
}

/// Where the NICs of the registered VMs go.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum NicIsolation {
    /// As the network mappings say (a real failover).
    #[default]
    None,
    /// Every NIC unplugged (`plugged=false`), keeping the vNIC profile the network mappings
    /// give it: the guest sees no NIC until one is plugged, so a drill's VMs can be connected
    /// one by one (oVirt's meaning of "unplugged").
    Unplugged,
    /// Every NIC on this profile of the target (`name`, or `name/network` when the name is on
    /// several networks).
    Profile(String),
}

impl Default for FailoverOptions {
    fn default() -> Self {
        Self {
            start_vms: true,
            wait_for_up: true,
            all_active_domains: false,
            partial_import: true,
            reassign_bad_macs: true,
            force_reason: None,
            drill: false,
            isolation: NicIsolation::None,
            domains: None,
            recovery_plan: None,
        }
    }
}

/// The mapping a plan is made from.
#[derive(Debug, Clone, Copy)]
pub struct MappingSource<'a> {
    /// The mapping.
    pub mapping: &'a Mapping,
    /// Its file, for the positions in problems.
    pub file: Option<&'a Path>,
    /// SHA-256 of its file's bytes.
    pub sha256: &'a str,
}

/// The step id of the split-brain guard.
pub(crate) const GUARD: &str = "guard/split-brain";
/// The step id of the registration expansion.
pub(crate) const REGISTRATIONS: &str = "register-and-start";

/// How long the planner waits for the source Engine when it only wants to preview what will be
/// started. A dark site must not hold up the plan.
const SOURCE_PREVIEW_TIMEOUT: Duration = Duration::from_secs(5);
/// How long reading the source's record of its VMs may take (one listing per VM, a few at a
/// time: thousands of VMs at realistic latency fit).
const SOURCE_RECORD_TIMEOUT: Duration = Duration::from_secs(120);

/// How the failover part of a composite flow starts and what it starts.
#[derive(Debug, Clone, Default)]
pub(crate) struct FailoverPartOptions {
    /// Steps the guard waits for (a cleanup and a storage gate before it).
    pub(crate) after: Vec<StepId>,
    /// Ignore what the target knows now: its domains are removed earlier in the same plan.
    pub(crate) assume_absent: bool,
    /// Start what this step recorded as running instead of what the OVF status says.
    pub(crate) running_from: Option<StepId>,
    /// Every (network, profile) pair of the source, for drill isolation (empty: the mapping's).
    pub(crate) source_pairs: Vec<(String, String)>,
}

/// The failover steps, with what they need in the plan.
pub(crate) struct FailoverPart {
    pub(crate) steps: Vec<Step>,
    pub(crate) notes: Vec<PlanNote>,
    pub(crate) registration: super::RegistrationSettings,
    pub(crate) start: StartSettings,
    /// The mapped domains as the source names them.
    pub(crate) source_domains: Vec<super::DomainRef>,
    /// Where a drill put every NIC.
    pub(crate) isolation: Option<crate::verify::Isolation>,
    /// The recovery plan that orders the starts.
    pub(crate) recovery: Option<crate::recovery_plan::RecoveryPlan>,
}

/// Builds the failover steps to `target`.
pub(crate) async fn failover_part(
    source: MappingSource<'_>,
    target: Site,
    target_engine: &dyn Engine,
    options: &FailoverOptions,
    part: &FailoverPartOptions,
) -> Result<FailoverPart, PlanningError> {
    let engine_err = |error| PlanningError::Engine {
        site: target,
        error,
    };
    let mut state = SiteState::read(target_engine).await.map_err(engine_err)?;
    if part.assume_absent {
        state.domains.clear();
    }
    let guard_id = StepId::from(GUARD);
    let storage = storage::plan_storage(
        source.mapping,
        source.file,
        target,
        target_engine,
        &state,
        Some(&guard_id),
        options.domains.as_deref(),
    )
    .await?;

    let mut notes = storage.notes;
    let mut registration = registration::settings(
        source.mapping,
        target.other(),
        target,
        &state,
        options,
        &mut notes,
    );
    let cluster_networks = match options.isolation {
        NicIsolation::Profile(_) => {
            registration::receiving_cluster_networks(source.mapping, target, target_engine, &state)
                .await
                .map_err(engine_err)?
        }
        _ => Vec::new(),
    };
    let isolation = registration::isolate(
        &mut registration,
        source.mapping,
        target,
        &state,
        &registration::IsolationInputs {
            isolation: &options.isolation,
            source_pairs: &part.source_pairs,
            cluster_networks: &cluster_networks,
        },
        &mut notes,
    )
    .map_err(|message| {
        PlanningError::Problems(vec![
            crate::Diagnostic::error(crate::validate::codes::PLAN_ISOLATION, message).with_hint(
                "name a vNIC profile of the target site (NAME or NAME/NETWORK) whose network is attached to every cluster \
                 the drill VMs go to, or use --isolate unplugged",
            ),
        ])
    })?;
    let start = StartSettings {
        start_vms: options.start_vms,
        wait_for_up: options.wait_for_up,
    };
    let mut steps: Vec<Step> = Vec::new();
    let source_domains: Vec<_> = storage.domains.iter().map(|d| d.source.clone()).collect();
    steps.push(
        Step::new(
            guard_id,
            target,
            Phase::Preflight,
            Action::SplitBrainGuard {
                domains: source_domains.clone(),
                force_reason: options.force_reason.clone(),
                drill: options.drill,
            },
            format!(
                "check that the {} site no longer uses the domains (split-brain guard)",
                target.other()
            ),
        )
        .after(part.after.iter().cloned()),
    );
    steps.extend(storage.steps);

    let mut discoveries: Vec<StepId> = Vec::new();
    for d in &storage.domains {
        let id = StepId::of(["discover", d.attach.as_str().trim_start_matches("attach/")]);
        steps.push(
            Step::new(
                id.clone(),
                target,
                Phase::Discovery,
                Action::DiscoverEntities {
                    domain: d.domain.clone(),
                    target_dc: d.target_dc.clone(),
                },
                format!(
                    "list the VMs and templates in the OVF store of {}",
                    d.domain.describe()
                ),
            )
            .after([d.attach.clone()]),
        );
        discoveries.push(id);
    }
    if options.all_active_domains {
        let mapped: Vec<_> = storage.domains.iter().filter_map(|d| d.domain.id).collect();
        for dc in &state.data_centers {
            let attached = target_engine
                .attached_storage_domains(dc.id)
                .await
                .map_err(engine_err)?;
            for sd in attached.into_iter().filter(|sd| {
                sd.status == Some(StorageDomainStatus::Active)
                    && sd.kind == StorageDomainType::Data
                    && !mapped.contains(&sd.id)
            }) {
                let id = StepId::of(["discover", &sd.name]);
                let domain = super::DomainRef {
                    id: Some(sd.id),
                    name: sd.name.clone(),
                    storage_type: sd
                        .storage
                        .storage_type
                        .unwrap_or(crate::engine::StorageType::Nfs),
                };
                steps.push(
                    Step::new(id.clone(), target, Phase::Discovery, Action::DiscoverEntities { domain: domain.clone(), target_dc: None },
                        format!("list the VMs and templates in the OVF store of {} (active, not mapped: --all-active-domains)", domain.describe()))
                    .after([StepId::from(GUARD)]),
                );
                discoveries.push(id);
            }
        }
    }
    let mut registrations = Step::new(
        StepId::from(REGISTRATIONS),
        target,
        Phase::Discovery,
        Action::PlanRegistrations { running_from: part.running_from.clone() },
        match &part.running_from {
            None => "plan the registrations and starts from what the OVF stores hold".to_owned(),
            Some(r) => format!("plan the registrations from what the OVF stores hold, and the starts of the VMs '{r}' recorded"),
        },
    )
    .after_finished(discoveries)
    .after([StepId::from(GUARD)]);
    if let Some(r) = &part.running_from {
        registrations = registrations.after([r.clone()]);
    }
    steps.push(registrations);
    notes.push(PlanNote {
        level: NoteLevel::Info,
        text: "templates and VMs are registered once every domain is active: their list comes from the domains' OVF stores".into(),
    });
    if let Some(r) = &options.recovery_plan
        && r.groups.iter().any(|g| !g.select.tags.is_empty())
    {
        notes.push(PlanNote {
            level: NoteLevel::Info,
            text: "the recovery plan selects VMs by tag: tags are not part of a VM's OVF, so they are taken from the record of the source's VMs (read while it answers, or kept by validate and earlier runs), and on a run back to the primary from the primary's record kept in the state directory; without that record, VMs only a tag selects start in the last group, 'default'".into(),
        });
    }
    Ok(FailoverPart {
        steps,
        notes,
        registration,
        start,
        source_domains,
        isolation,
        recovery: options.recovery_plan.clone(),
    })
}

/// Seals a plan, turning a graph error into a planning problem.
pub(crate) fn seal(plan: &mut Plan) -> Result<(), PlanningError> {
    plan.seal().map_err(|e| {
        let code = match e {
            super::PlanError::DuplicateStep(_) => crate::validate::codes::DUPLICATE_STORAGE,
            _ => crate::validate::codes::PLAN_INTERNAL,
        };
        PlanningError::Problems(vec![
            crate::Diagnostic::error(code, format!("the steps of the plan are inconsistent: {e}"))
                .with_hint(
                    "two storage entries probably name the same domain; run `olvm-dr validate`",
                ),
        ])
    })
}

/// Makes the plan of a failover to `target`.
///
/// # Errors
/// [`PlanningError::Engine`] when the target cannot be read; [`PlanningError::Problems`] when
/// the mapping does not fit the target (a data center that does not exist, no host up, ...).
pub async fn plan_failover(
    source: MappingSource<'_>,
    target: Site,
    target_engine: &dyn Engine,
    source_engine: Option<&dyn Engine>,
    options: &FailoverOptions,
) -> Result<Plan, PlanningError> {
    let source_pairs = match (&options.isolation, source_engine) {
        (NicIsolation::None, _) | (_, None) => Vec::new(),
        (_, Some(engine)) => source_profile_pairs(engine).await,
    };
    let part = failover_part(
        source,
        target,
        target_engine,
        options,
        &FailoverPartOptions {
            source_pairs,
            ..FailoverPartOptions::default()
        },
    )
    .await?;
    let mut plan = Plan::new(PlanKind::Failover, target, source.sha256);
    plan.drill = options.drill;
    plan.domains = options.domains.clone();
    plan.isolation = part.isolation;
    plan.notes = part.notes;
    plan.registration = part.registration;
    plan.start = part.start;
    plan.recovery = part.recovery;
    plan.steps = part.steps;
    if let Some(engine) = source_engine {
        plan.source_unanswered = probe_source(engine).await;
        if plan.source_unanswered.is_none() {
            if let Some(preview) = preview_source(engine, &part.source_domains).await {
                plan.notes.push(preview);
            }
            record_source(&mut plan, engine).await;
        }
    }
    seal(&mut plan)?;
    Ok(plan)
}

/// Records what the source shows of its VMs ([`super::source_record`]) in the plan; when it
/// cannot be read, a note says what that costs.
pub(crate) async fn record_source(plan: &mut Plan, engine: &dyn Engine) {
    match tokio::time::timeout(
        SOURCE_RECORD_TIMEOUT,
        super::source_record::read_source_record(engine),
    )
    .await
    {
        Ok(Ok(record)) => plan.source_record = Some(record),
        Ok(Err(e)) => plan.notes.push(unrecorded_note(&e.to_string())),
        Err(_) => plan.notes.push(unrecorded_note(&format!(
            "no complete answer within {} s",
            SOURCE_RECORD_TIMEOUT.as_secs()
        ))),
    }
}

fn unrecorded_note(why: &str) -> PlanNote {
    PlanNote {
        level: NoteLevel::Warning,
        text: format!(
            "the source's VMs (their disks and NICs) could not be read ({why}): VMs are registered refusing partial imports, \
             so the Engine refuses any VM whose disk images it cannot find, and the report cannot compare them with their source"
        ),
    }
}

/// Every (network, profile) pair of a site, when it answers quickly (drill isolation maps them
/// all); empty when it does not.
pub(crate) async fn source_profile_pairs(engine: &dyn Engine) -> Vec<(String, String)> {
    let work = async {
        let (profiles, networks) =
            tokio::try_join!(engine.vnic_profiles(), engine.networks()).ok()?;
        Some(
            profiles
                .iter()
                .filter_map(|p| {
                    networks
                        .iter()
                        .find(|n| n.id == p.network)
                        .map(|n| (n.name.clone(), p.name.clone()))
                })
                .collect::<Vec<_>>(),
        )
    };
    tokio::time::timeout(SOURCE_PREVIEW_TIMEOUT, work)
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// One probe of the source Engine (`api_info`, within the preview's time): `Some` when it gave
/// no answer at all, for the guard to reuse; `None` when it answered, with anything, or was too
/// slow to tell (the guard then asks itself).
pub(crate) async fn probe_source(engine: &dyn Engine) -> Option<super::SourceUnanswered> {
    match tokio::time::timeout(SOURCE_PREVIEW_TIMEOUT, engine.api_info()).await {
        Ok(Err(e)) if e.kind.is_no_answer() => Some(super::SourceUnanswered {
            at_ms: crate::execute::millis(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap_or_default(),
            ),
            error: e.to_string(),
        }),
        _ => None,
    }
}

/// What the source shows on the mapped domains, when it answers quickly.
pub(crate) async fn preview_source(
    engine: &dyn Engine,
    domains: &[super::DomainRef],
) -> Option<PlanNote> {
    let work = async {
        let all = engine.storage_domains().await.ok()?;
        let (mut vms, mut up, mut ha) = (0usize, 0usize, 0usize);
        let mut seen = std::collections::HashSet::new();
        for d in domains {
            let Some(sd) =
                d.id.and_then(|id| all.iter().find(|s| s.id == id))
                    .or_else(|| all.iter().find(|s| s.name == d.name))
            else {
                continue;
            };
            let search = VmSearch {
                storage_domain: Some(sd.id),
                ..VmSearch::default()
            };
            for vm in engine.vms(&search).await.ok()? {
                if seen.insert(vm.id) {
                    vms += 1;
                    if vm.status == VmStatus::Up {
                        up += 1;
                        ha += usize::from(vm.high_availability.enabled);
                    }
                }
            }
        }
        Some(PlanNote {
            level: NoteLevel::Info,
            text: format!(
                "the source site answers: {vms} VMs on the mapped domains, {up} of them up ({ha} high-available)"
            ),
        })
    };
    tokio::time::timeout(SOURCE_PREVIEW_TIMEOUT, work)
        .await
        .ok()
        .flatten()
}
