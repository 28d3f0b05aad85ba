//! [`FlowContext::verify`]: does a site hold what the mapping and a run say it should? The
//! same check as `olvm-dr verify`, and as a run's own check at its end.

use olvm_dr_core::flow::{CheckAgainst, check_site};
use serde::Deserialize;

use crate::convert::convert;
use crate::error::DrError;
use crate::flows::FlowContext;
use crate::report::FlowKind;
use crate::runtime::block_on;
use crate::types::Site;

/// One difference between what should be and what is.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, uniffi::Record)]
pub struct Difference {
    /// What it is about, e.g. `VM 'web01'`, `storage domain 'data1'`.
    pub entity: String,
    /// What is wrong, e.g. `is down, expected up`.
    pub problem: String,
}

/// What `verify` found on a site, and which run's expectations were checked.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, uniffi::Record)]
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
        let against = match (mapping_only, run_id) {
            (true, _) => CheckAgainst::MappingOnly,
            (false, Some(id)) => CheckAgainst::Run(id),
            (false, None) => CheckAgainst::NewestRun,
        };
        let check = block_on(check_site(&self.ctx, &self.store, site, &against))??;
        Ok(convert(&check))
    }
}
