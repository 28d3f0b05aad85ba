//! The lower bound of a failover's duration on the fake Engine: what no scheduler could beat,
//! given the Engine's latencies, the sanlock lease and the bound on concurrent calls.
//!
//! The run cannot be faster than either of:
//! - its **critical path**: each target data center's master is imported and attached — the
//!   attach blocks while sanlock watches the primary's lease records for the lease time, then
//!   the new pool elects its SPM — then its other domains are attached (each blocking for the
//!   lease time too, then activating); then (everything being active) one discovery read, the
//!   template chain (a base, then a version), one VM, its start and its way up;
//! - its **work under the concurrency bound**: once the last domain is active, every template
//!   and VM registration and every start holds one of `C` Engine slots for its request latency;
//!   the last VM started still has to come up after that.
//!
//! Reads (listings, polls) are left out of the work: they are the scheduler's own overhead, and
//! leaving them out keeps the bound a true lower bound.

use std::time::Duration;

use olvm_dr_core::fake::{LatencyProfile, Operation};

/// The shape of the failover being bounded.
#[derive(Debug, Clone, Copy)]
pub struct FailoverShape {
    /// Templates registered (all levels of their version chains).
    pub templates: usize,
    /// Longest template version chain (1 = only base templates).
    pub template_chain: usize,
    /// VMs registered.
    pub vms: usize,
    /// VMs started (those that were up).
    pub started: usize,
    /// `true` when some data center has domains besides its master (two attach rounds).
    pub second_attach_round: bool,
    /// `true` when an iSCSI login precedes an import on the critical path.
    pub iscsi_login: bool,
}

/// A lower bound and its parts, in simulated milliseconds.
#[derive(Debug, Clone, Copy)]
pub struct LowerBound {
    /// When the last domain can be active at the earliest.
    pub storage_ms: u64,
    /// Critical path of the whole run.
    pub critical_path_ms: u64,
    /// Storage, then every registration and start spread over `C` slots, then the last VM up.
    pub work_bound_ms: u64,
    /// The larger of the two: the bound.
    pub total_ms: u64,
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The lower bound of a failover of `shape` on an Engine with `profile`, attaches that block for
/// `lease` while sanlock watches the other site's records (zero when they are known free), and
/// at most `concurrency` calls in flight.
pub fn failover_lower_bound(
    profile: &LatencyProfile,
    lease: Duration,
    concurrency: usize,
    shape: FailoverShape,
) -> LowerBound {
    let req = |op: Operation| ms(profile.request(op, 0));
    let t = profile.transitions();
    let attach_call = ms(lease) + req(Operation::AttachStorageDomain);
    let login = if shape.iscsi_login {
        req(Operation::IscsiLogin)
    } else {
        0
    };
    let import = req(Operation::ImportStorageDomain);
    // The master's attach follows its import; the new pool then elects its SPM.
    let master_active = login + import + attach_call + ms(t.spm_election);
    let storage = master_active
        + if shape.second_attach_round {
            attach_call + ms(t.attach_activation)
        } else {
            0
        };
    let discover = req(Operation::UnregisteredTemplates) + req(Operation::UnregisteredVms);
    let register_tpl = req(Operation::RegisterTemplate);
    let register_vm = req(Operation::RegisterVm);
    let start = req(Operation::StartVm);
    let up = ms(t.vm_wait_for_launch) + ms(t.vm_powering_up);
    let critical =
        storage + discover + register_tpl * shape.template_chain as u64 + register_vm + start + up;
    let work = register_tpl * shape.templates as u64
        + register_vm * shape.vms as u64
        + start * shape.started as u64;
    let work_bound = storage + discover + work.div_ceil(concurrency.max(1) as u64) + up;
    LowerBound {
        storage_ms: storage,
        critical_path_ms: critical,
        work_bound_ms: work_bound,
        total_ms: critical.max(work_bound),
    }
}
