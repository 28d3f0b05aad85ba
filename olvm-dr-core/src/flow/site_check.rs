//! `verify` as every front end runs it (`olvm-dr verify`, `olvm_dr.verify`, uniffi's
//! `FlowContext::verify`): which run's expectations a site is checked against
//! ([`CheckAgainst`], [`RunStore::expectations_for`]), the check itself ([`check_site`]) and its
//! result with the run's facts ([`SiteCheck`]).

use serde::Serialize;

use super::{FlowContext, FlowError, RunExpectations, RunStore};
use crate::Site;
use crate::engine::EngineError;
use crate::plan::PlanKind;
use crate::verify::{Difference, Expectations, Verification, verify_site};

/// Which run's expectations a site is checked against.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CheckAgainst {
    /// The newest run that brought a workload to the site, if the state directory has one;
    /// else the mapping alone.
    #[default]
    NewestRun,
    /// This run (its id), which must have brought its workload to the site.
    Run(String),
    /// The mapping alone.
    MappingOnly,
}

/// Why a site could not be checked.
#[derive(Debug, thiserror::Error)]
pub enum SiteCheckError {
    /// The run named brought its workload to the other site.
    /// (Each front end adds how to name that site: `--site`, `site=`, ...)
    #[error("run {run_id} brought its workload to the {target} site, not the {site} site")]
    WrongSite {
        /// The run.
        run_id: String,
        /// Where it brought its workload.
        target: Site,
        /// The site asked about.
        site: Site,
    },
    /// The run's records cannot be read, there is no such run, or no Engine for the site.
    #[error(transparent)]
    Run(#[from] FlowError),
    /// The site's Engine cannot be read.
    #[error("the {site} site cannot be read: {error}")]
    Read {
        /// The site.
        site: Site,
        /// What the Engine answered.
        error: EngineError,
    },
}

impl RunStore {
    /// The expectations of the run `against` names for `site`; `None` for the mapping alone
    /// (asked for, or no run brought a workload to `site`).
    ///
    /// # Errors
    /// [`SiteCheckError::WrongSite`] when that run went to the other site;
    /// [`SiteCheckError::Run`] when it is not in the store or cannot be read.
    pub fn expectations_for(
        &self,
        site: Site,
        against: &CheckAgainst,
    ) -> Result<Option<RunExpectations>, SiteCheckError> {
        let id = match against {
            CheckAgainst::MappingOnly => return Ok(None),
            CheckAgainst::Run(id) => id.clone(),
            CheckAgainst::NewestRun => match self.last_run_to(site) {
                Some(id) => id,
                None => return Ok(None),
            },
        };
        let run = self.expectations(&id)?;
        if run.target != site {
            return Err(SiteCheckError::WrongSite {
                run_id: id,
                target: run.target,
                site,
            });
        }
        Ok(Some(run))
    }
}

/// What a site check found, with the facts of the run it checked against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SiteCheck {
    /// The site checked.
    pub site: Site,
    /// `true` when nothing differs.
    pub clean: bool,
    /// The run whose expectations were checked; `None`: the mapping alone.
    pub run_id: Option<String>,
    /// That run's flow.
    pub run_kind: Option<PlanKind>,
    /// `true` when that run was a drill.
    pub drill: bool,
    /// The ids of the VMs that must be up (those the run started).
    pub expected_up: Vec<String>,
    /// How many mapped domains were checked.
    pub domains: usize,
    /// How many registered VMs were checked.
    pub vms: usize,
    /// Every difference found.
    pub differences: Vec<Difference>,
    /// For people: what `olvm-dr verify` prints.
    pub text: String,
    /// As `olvm-dr verify --output json` prints it.
    pub json: String,
}

impl SiteCheck {
    /// The check's result `verification` against `run`.
    pub fn new(verification: &Verification, run: Option<&RunExpectations>) -> Self {
        let run_id = run.map(|r| r.run_id.clone());
        Self {
            site: verification.site,
            clean: verification.is_clean(),
            json: verification.document(run_id.as_deref()).to_json(),
            run_id,
            run_kind: run.map(|r| r.kind),
            drill: run.is_some_and(|r| r.drill),
            expected_up: (run.iter())
                .flat_map(|r| r.expect.running.iter().map(ToString::to_string))
                .collect(),
            domains: verification.domains,
            vms: verification.vms,
            differences: verification.differences.clone(),
            text: verification.render(),
        }
    }
}

/// Checks that `site` holds what the mapping and the run `against` names say it should: the
/// same check as a run's own at its end. Nothing is changed.
///
/// # Errors
/// As [`RunStore::expectations_for`]; [`SiteCheckError::Run`] with [`FlowError::NoEngine`]
/// when `ctx` has no Engine for `site`; [`SiteCheckError::Read`] when it cannot be read.
pub async fn check_site(
    ctx: &FlowContext,
    store: &RunStore,
    site: Site,
    against: &CheckAgainst,
) -> Result<SiteCheck, SiteCheckError> {
    let engine = ctx.engine(site)?;
    let run = store.expectations_for(site, against)?;
    let expect = run
        .as_ref()
        .map_or_else(Expectations::default, |r| r.expect.clone());
    let verification = verify_site(&ctx.mapping, site, engine, &expect)
        .await
        .map_err(|error| SiteCheckError::Read { site, error })?;
    Ok(SiteCheck::new(&verification, run.as_ref()))
}
