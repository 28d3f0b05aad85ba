//! [`FlowRequest`]: which flow to prepare, with its options — what every front end (the
//! command, the Python package, the bindings) hands to the core to plan a run or find the
//! interrupted one to resume.

use crate::Site;
use crate::plan::{CleanupOptions, DrillEndOptions, FailoverOptions, PlanKind, ReturnOptions};

use super::{FlowContext, FlowError, PreparedRun, Resume, RunStore};

/// A flow and its options.
#[derive(Debug, Clone)]
pub enum FlowRequest {
    /// A failover to the target.
    Failover(FailoverOptions),
    /// The cleanup of the target.
    Cleanup(CleanupOptions),
    /// A failback to the target (the returning site).
    Failback(ReturnOptions),
    /// A planned switchover to the target.
    Switchover(ReturnOptions),
    /// A drill's start on the target: the split gate, then a drill-mode failover.
    DrillStart(FailoverOptions),
    /// The end of the drill on the target: these options, or (`None`) those of the last drill
    /// on the target in the run store ([`FlowContext::drill_end_options`]).
    DrillEnd(Option<DrillEndOptions>),
    /// The return of a drill's dedicated domains to the target, their home.
    DrillFailback(ReturnOptions),
}

impl FlowRequest {
    /// The kind of plan the request makes.
    pub fn kind(&self) -> PlanKind {
        match self {
            FlowRequest::Failover(_) | FlowRequest::DrillStart(_) => PlanKind::Failover,
            FlowRequest::Cleanup(_) | FlowRequest::DrillEnd(_) => PlanKind::Cleanup,
            FlowRequest::Failback(_) | FlowRequest::DrillFailback(_) => PlanKind::Failback,
            FlowRequest::Switchover(_) => PlanKind::Switchover,
        }
    }

    /// `true` when the run is a drill's (the drill requests, and a full drill's legs, whose
    /// options say so).
    pub fn drill(&self) -> bool {
        match self {
            FlowRequest::Failover(o) => o.drill,
            FlowRequest::Cleanup(_) => false,
            FlowRequest::Failback(o) | FlowRequest::Switchover(o) => o.drill || o.failover.drill,
            FlowRequest::DrillStart(_)
            | FlowRequest::DrillEnd(_)
            | FlowRequest::DrillFailback(_) => true,
        }
    }

    /// Plans the flow to `target`, or finds the interrupted run to resume (per `resume`).
    ///
    /// # Errors
    /// As [`FlowContext::prepare_failover`] and the other `prepare_*` methods.
    pub async fn prepare(
        &self,
        ctx: &FlowContext,
        target: Site,
        store: &RunStore,
        resume: &Resume,
    ) -> Result<PreparedRun, FlowError> {
        match self {
            FlowRequest::Failover(o) => ctx.prepare_failover(target, o, store, resume).await,
            FlowRequest::Cleanup(o) => ctx.prepare_cleanup(target, o, store, resume).await,
            FlowRequest::Failback(o) => ctx.prepare_failback(target, o, store, resume).await,
            FlowRequest::Switchover(o) => ctx.prepare_switchover(target, o, store, resume).await,
            FlowRequest::DrillStart(o) => ctx.prepare_drill(target, o, store, resume).await,
            FlowRequest::DrillEnd(Some(o)) => ctx.prepare_drill_end(target, o, store, resume).await,
            FlowRequest::DrillEnd(None) => {
                let (options, _) = ctx.drill_end_options(target, store)?;
                ctx.prepare_drill_end(target, &options, store, resume).await
            }
            FlowRequest::DrillFailback(o) => {
                ctx.prepare_drill_return(target, o, store, resume).await
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_drill_marks() {
        let drill_leg = ReturnOptions {
            drill: true,
            ..ReturnOptions::switchover()
        };
        let cases = [
            (
                FlowRequest::Failover(FailoverOptions::default()),
                PlanKind::Failover,
                false,
            ),
            (
                FlowRequest::Cleanup(CleanupOptions::default()),
                PlanKind::Cleanup,
                false,
            ),
            (
                FlowRequest::Failback(ReturnOptions::failback()),
                PlanKind::Failback,
                false,
            ),
            (
                FlowRequest::Switchover(ReturnOptions::switchover()),
                PlanKind::Switchover,
                false,
            ),
            (
                FlowRequest::Switchover(drill_leg),
                PlanKind::Switchover,
                true,
            ),
            (
                FlowRequest::DrillStart(FailoverOptions::default()),
                PlanKind::Failover,
                true,
            ),
            (FlowRequest::DrillEnd(None), PlanKind::Cleanup, true),
            (
                FlowRequest::DrillFailback(ReturnOptions::failback()),
                PlanKind::Failback,
                true,
            ),
        ];
        for (request, kind, drill) in cases {
            assert_eq!(
                (request.kind(), request.drill()),
                (kind, drill),
                "{request:?}"
            );
        }
    }
}
