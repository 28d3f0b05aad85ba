//! Shared pieces of the flow tests: a flow context over a fake world, a storage gate that acts
//! on the world, and checks of the world after a run.
#![allow(dead_code, unreachable_pub)]

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use async_trait::async_trait;
use olvm_dr_core::Site;
use olvm_dr_core::engine::{Engine, StorageDomainStatus, VmStatus};
use olvm_dr_core::execute::{StepContext, StepFailure, StorageGate};
use olvm_dr_core::fake::{SiteUrls, World};
use olvm_dr_core::flow::FlowContext;
use olvm_dr_core::journal::Record;
use olvm_dr_core::mapping::MappingSecrets;
use olvm_dr_core::report::StepOutcome;

/// The URLs written into the mapping of a fake world (never contacted: the engines are fake).
pub fn urls() -> SiteUrls {
    SiteUrls {
        primary: "https://primary.example/ovirt-engine/api".into(),
        secondary: "https://secondary.example/ovirt-engine/api".into(),
        username: "admin@internal".into(),
        insecure: false,
    }
}

/// A failover of `ctx` to `target` with `options`, planned and run to its end with a fresh
/// in-memory store and the default run options (panics when it cannot be planned or run).
pub async fn fail_over(
    ctx: &FlowContext,
    target: Site,
    options: &olvm_dr_core::plan::FailoverOptions,
) -> olvm_dr_core::report::Report {
    let store = olvm_dr_core::flow::RunStore::in_memory();
    fail_over_in(
        ctx,
        target,
        options,
        &store,
        &olvm_dr_core::flow::Resume::Never,
    )
    .await
}

/// Plans (or resumes, as `resume` says) and runs a failover to `target` with its run in `store`.
pub async fn fail_over_in(
    ctx: &FlowContext,
    target: Site,
    options: &olvm_dr_core::plan::FailoverOptions,
    store: &olvm_dr_core::flow::RunStore,
    resume: &olvm_dr_core::flow::Resume,
) -> olvm_dr_core::report::Report {
    ctx.prepare_failover(target, options, store, resume)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .execute(ctx, store, &olvm_dr_core::flow::RunOptions::default())
        .await
        .unwrap()
}

/// A flow context over both sites of `world`, with its filled-in mapping.
pub fn context(world: &World, tag: &str) -> FlowContext {
    let mapping = world.facts().mapping(&urls());
    let mut engines: BTreeMap<Site, Arc<dyn Engine>> = BTreeMap::new();
    for site in Site::BOTH {
        engines.insert(site, world.dyn_engine(site));
    }
    FlowContext {
        secrets: Arc::new(MappingSecrets::new(mapping.clone(), None)),
        mapping,
        mapping_file: None,
        mapping_sha256: tag.to_owned(),
        engines,
    }
}

/// A storage gate that does the storage administrator's work on the fake world.
pub struct WorldGate {
    world: World,
    action: fn(&World),
}

impl WorldGate {
    /// A gate that runs `action` on `world` when the run reaches it.
    pub fn new(world: &World, action: fn(&World)) -> Arc<Self> {
        Arc::new(Self {
            world: world.clone(),
            action,
        })
    }
}

#[async_trait]
impl StorageGate for WorldGate {
    async fn wait_ready(
        &self,
        _description: &str,
        _ctx: &StepContext,
    ) -> Result<String, StepFailure> {
        (self.action)(&self.world);
        Ok("the test's storage administrator acted on the fake arrays".into())
    }
}

/// Failing back: the returning site's volumes become the replication source again and are
/// writable (the current site's copies carry the latest data).
pub fn promote_returning_site(world: &World) {
    world.stop_all_replication();
}

/// Every VM in `running` is up on `site`, and every other VM of the world is registered there
/// and down.
pub async fn assert_running_exactly(
    world: &World,
    site: Site,
    running: &[olvm_dr_core::engine::Id],
) {
    let engine = world.dyn_engine(site);
    for vm in &world.facts().vms {
        let got = engine
            .vm(vm.id)
            .await
            .unwrap_or_else(|e| panic!("VM {} is not registered on the {site} site: {e}", vm.name));
        let want = if running.contains(&vm.id) {
            VmStatus::Up
        } else {
            VmStatus::Down
        };
        assert_eq!(got.status, want, "VM {} on the {site} site", vm.name);
    }
}

/// Every replicated domain is active on `site` and unknown to the other site's Engine, and the
/// two sites never used their copies of a domain at once (no split brain).
pub async fn assert_domains_only_on(world: &World, site: Site) {
    assert!(
        world.split_brains().is_empty(),
        "split brain: {:?}",
        world.split_brains()
    );
    let here = world.dyn_engine(site);
    let there = world.dyn_engine(site.other());
    let there_domains = there.storage_domains().await.unwrap();
    for d in &world.facts().domains {
        let dc = match site {
            Site::Primary => d.primary_dc.id,
            Site::Secondary => d.secondary_dc.id,
        };
        let attached = here
            .attached_storage_domain(dc, d.id)
            .await
            .unwrap_or_else(|e| panic!("{} not attached on the {site} site: {e}", d.name));
        assert_eq!(
            attached.status,
            Some(StorageDomainStatus::Active),
            "{} on the {site} site",
            d.name
        );
        assert!(
            !there_domains.iter().any(|x| x.id == d.id),
            "{} is still known to the {} site",
            d.name,
            site.other()
        );
    }
}

/// No step of the run reported doing its work twice.
pub fn assert_nothing_done_twice(records: &[Record]) {
    let mut done: HashMap<String, usize> = HashMap::new();
    for r in records {
        if let Record::StepFinished { result, .. } = r
            && result.outcome == StepOutcome::Done
        {
            *done.entry(result.id.0.clone()).or_default() += 1;
        }
    }
    let twice: Vec<_> = done.into_iter().filter(|(_, n)| *n > 1).collect();
    assert!(twice.is_empty(), "steps done twice: {twice:?}");
}

/// What the storage administrator does at a gate (the gate step's id).
type GateAction = Box<dyn Fn(&World, &str) + Send + Sync>;

/// A storage gate that acts on the world per gate (the gate step's id) and remembers the
/// gates it passed, in order.
pub struct PerGate {
    world: World,
    action: GateAction,
    passed: std::sync::Mutex<Vec<String>>,
}

impl PerGate {
    /// A gate that runs `action(world, gate_id)` when the run reaches a gate.
    pub fn new(world: &World, action: impl Fn(&World, &str) + Send + Sync + 'static) -> Arc<Self> {
        Arc::new(Self {
            world: world.clone(),
            action: Box::new(action),
            passed: std::sync::Mutex::new(Vec::new()),
        })
    }

    /// The gates passed so far.
    pub fn passed(&self) -> Vec<String> {
        self.passed.lock().unwrap().clone()
    }
}

#[async_trait]
impl StorageGate for PerGate {
    async fn wait_ready(
        &self,
        _description: &str,
        ctx: &StepContext,
    ) -> Result<String, StepFailure> {
        let gate = ctx.step().as_str().to_owned();
        (self.action)(&self.world, &gate);
        self.passed.lock().unwrap().push(gate.clone());
        Ok(format!("the test's storage administrator passed {gate}"))
    }
}
