//! [`Request`]: which flow a call prepares, with the core's options, and how it is prepared
//! through the core's `FlowContext` (plan, or resume the interrupted run).

use olvm_dr_core::flow::{self, FlowError, PreparedRun, Resume, RunStore};
use olvm_dr_core::plan as core_plan;

/// Which flow to prepare, with its core options.
pub(crate) enum Request {
    Failover(core_plan::FailoverOptions),
    Cleanup(core_plan::CleanupOptions),
    Failback(core_plan::ReturnOptions),
    Switchover(core_plan::ReturnOptions),
    /// A drill's start: the split gate, then a drill-mode failover.
    DrillStart(core_plan::FailoverOptions),
    /// The end of the last drill on the target, as the run store records it.
    DrillEnd,
    /// The return of a drill's dedicated domains to the target, their home.
    DrillFailback(core_plan::ReturnOptions),
}

impl Request {
    /// Plans, or finds the interrupted run to resume.
    pub(crate) async fn prepare(
        &self,
        ctx: &flow::FlowContext,
        target: olvm_dr_core::Site,
        store: &RunStore,
        resume: &Resume,
    ) -> Result<PreparedRun, FlowError> {
        match self {
            Self::Failover(o) => ctx.prepare_failover(target, o, store, resume).await,
            Self::Cleanup(o) => ctx.prepare_cleanup(target, o, store, resume).await,
            Self::Failback(o) => ctx.prepare_failback(target, o, store, resume).await,
            Self::Switchover(o) => ctx.prepare_switchover(target, o, store, resume).await,
            Self::DrillStart(o) => ctx.prepare_drill(target, o, store, resume).await,
            Self::DrillEnd => {
                let (options, _) = ctx.drill_end_options(target, store)?;
                ctx.prepare_drill_end(target, &options, store, resume).await
            }
            Self::DrillFailback(o) => ctx.prepare_drill_return(target, o, store, resume).await,
        }
    }
}
