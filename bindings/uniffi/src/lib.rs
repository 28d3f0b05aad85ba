//! olvm-dr for other languages: uniffi bindings over `olvm-dr-core` for Kotlin/Java, Swift,
//! Python and Ruby.
//!
//! The core stays free of uniffi: this crate wraps its types in FFI-shaped records, enums and
//! objects, and every flow goes through the core's `FlowContext` / `PreparedRun::execute`.
//!
//! - [`load_mapping`], [`validate_mapping`], [`Mapping`] (summary, findings, online validation);
//! - [`Engine`]: a site's Engine over REST ([`Engine::rest`], [`Engine::from_mapping`]) or from
//!   a [`FakeWorld`];
//! - [`FlowContext`]: plan and run failover, cleanup, failback and switchover, with a
//!   [`ProgressListener`] and a [`StorageGate`] implemented in the foreign language, returning
//!   a [`Report`] (record and JSON); drills (start, end, failback, full); `verify` of a site
//!   after a run ([`SiteVerification`]);
//! - OVF stores: their ages ([`Mapping::ovf_freshness`]) and a forced update
//!   ([`Mapping::ovf_update`]);
//! - [`FakeWorld`]: the in-memory two-site world, for tests;
//! - [`DrError`]: every failure, one variant per Engine error kind plus validation, planning,
//!   files, settings, the state directory and callbacks.
//!
//! Every function blocks until its work is done; the work runs on one process-wide tokio
//! runtime, and foreign callbacks are called on the calling thread (see `runtime.rs`).

mod callbacks;
mod convert;
mod counters;
mod drills;
mod engine;
mod error;
mod flows;
mod mapping;
mod options;
mod ovf;
mod ovf_update;
mod report;
mod report_entries;
mod runtime;
mod stored_runs;
mod types;
mod verify;
mod world;
mod world_controls;

pub use callbacks::{ProgressEvent, ProgressListener, StorageGate};
pub use engine::{ApiInfo, Engine, NicInfo, VmInfo};
pub use error::DrError;
pub use flows::{FlowContext, PlanSummary};
pub use mapping::{Mapping, MappingSummary, load_mapping, validate_mapping};
pub use options::{
    CleanupOptions, DrillFailbackOptions, DrillFullOptions, DrillOptions, FailbackOptions,
    FailoverOptions, RunSettings, SwitchoverOptions,
};
pub use ovf::{OvfAge, OvfClock, OvfDomainAge, OvfFreshness};
pub use ovf_update::{OvfDomainUpdate, OvfUpdate, OvfUpdateOutcome};
pub use report::{FlowKind, Report, StepOutcome, Verdict, Verification, report_html};
pub use report_entries::{
    AddressOutcome, EntityOutcome, GroupOutcome, HookOutcome, MacChange, Rto, StepCounts,
    StepResult, VmOutcome,
};
pub use stored_runs::{load_report, run_ids};
pub use types::{Diagnostic, Severity, Site};
pub use verify::{Difference, SiteVerification};
pub use world::{FakeWorld, WorldSize};

uniffi::setup_scaffolding!();
