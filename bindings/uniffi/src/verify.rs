//! [`FlowContext::verify`]: does a site hold what the mapping and a run say it should? The
//! same check as `olvm-dr verify`, and as a run's own check at its end.

use olvm_dr_core::flow::RunExpectations;
use olvm_dr_core::verify::{self as core, Expectations, verify_site};

use crate::error::DrError;
use crate::flows::FlowContext;
use crate::report::FlowKind;
use crate::runtime::block_on;
use crate::types::Site;

/// One difference between what should be and what is.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Difference {
    /// What it is about, e.g. `VM 'web01'`, `storage domain 'data1'`.
    pub entity: String,
    /// What is wrong, e.g. `is down, expected up`.
    pub problem: String,
}

/// What `verify` found on a site, and which run's expectations were checked.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SiteVerification {
    /// The site verified.
    pub site: Site,
    /// `true` when nothing differs.
    pub clean: bool,
    /// The run whose expectations were checked; `None`: the mapping only.
    pub run_id: Option<String>,
    /// That run's flow.
    pub run_kind: Option<FlowKind>,
    /// `true` when that run was a drill (its NICs must be as its isolation says).
    pub drill: bool,
    /// Ids of the VMs that must be up (those the run started).
    pub expected_up: Vec<String>,
    /// Mapped domains checked.
    pub domains: u64,
    /// Registered VMs checked.
    pub vms: u64,
    /// Every difference, in the order found (domains, OVF stores, VMs).
    pub differences: Vec<Difference>,
    /// For people: what `olvm-dr verify` prints.
    pub text: String,
    /// As `olvm-dr verify --output json` prints it: `{"schema", "site", "run", "verification"}`
    /// (docs/json-output.md).
    pub json: String,
}

impl SiteVerification {
    fn new(v: &core::Verification, run: Option<&RunExpectations>) -> Self {
        let run_id = run.map(|r| r.run_id.clone());
        let json = v.document(run_id.as_deref()).to_json();
        Self {
            site: v.site,
            clean: v.is_clean(),
            run_id,
            run_kind: run.map(|r| r.kind),
            drill: run.is_some_and(|r| r.drill),
            expected_up: run
                .map(|r| r.expect.running.iter().map(ToString::to_string).collect())
                .unwrap_or_default(),
            domains: v.domains as u64,
            vms: v.vms as u64,
            differences: v
                .differences
                .iter()
                .map(|d| Difference {
                    entity: d.entity.clone(),
                    problem: d.problem.clone(),
                })
                .collect(),
            text: v.render(),
            json,
        }
    }
}

impl FlowContext {
    /// The run to check, as `olvm-dr verify` chooses it: `run_id`, else the newest run in the
    /// state directory that brought a workload to `site`; none: the mapping only.
    fn expectations(
        &self,
        site: olvm_dr_core::Site,
        run_id: Option<String>,
    ) -> Result<Option<RunExpectations>, DrError> {
        let Some(id) = run_id.or_else(|| self.store.last_run_to(site)) else {
            return Ok(None);
        };
        let run = self.store.expectations(&id)?;
        if run.target != site {
            return Err(DrError::Config {
                reason: format!(
                    "run {id} brought its workload to the {} site, not the {site} site: verify the {} site",
                    run.target, run.target
                ),
            });
        }
        Ok(Some(run))
    }
}

#[uniffi::export]
impl FlowContext {
    /// Verifies `site` against the mapping and a run's expectations: every mapped domain
    /// known, attached to its mapped data center and active; nothing left unregistered in the
    /// domains' OVF stores; every registered VM in a mapped cluster with its NICs on mapped
    /// profiles (after a drill: exactly as its isolation says); and up when the run started
    /// it. The run is `run_id` (of the state directory), else the newest run there that
    /// brought a workload to `site`; with `mapping_only`, or without a state directory or such
    /// a run, the mapping alone. Only `site`'s Engine is used; nothing is changed.
    ///
    /// # Errors
    /// `State` for a run the state directory does not have (or no state directory);
    /// `Config` for a run to the other site or no Engine for `site`; the Engine error kind's
    /// variant when the site cannot be read.
    #[uniffi::method(default(run_id = None, mapping_only = false))]
    pub fn verify(
        &self,
        site: Site,
        run_id: Option<String>,
        mapping_only: bool,
    ) -> Result<SiteVerification, DrError> {
        let engine = self
            .ctx
            .engines
            .get(&site)
            .cloned()
            .ok_or_else(|| DrError::Config {
                reason: format!("no Engine for the {site} site: give it to the FlowContext"),
            })?;
        let run = if mapping_only {
            None
        } else {
            self.expectations(site, run_id)?
        };
        let expect = run
            .as_ref()
            .map_or_else(Expectations::default, |r| r.expect.clone());
        let verification = block_on(verify_site(
            &self.ctx.mapping,
            site,
            engine.as_ref(),
            &expect,
        ))?
        .map_err(|e| DrError::of_kind(e.kind, format!("the {site} site cannot be read: {e}")))?;
        Ok(SiteVerification::new(&verification, run.as_ref()))
    }
}
