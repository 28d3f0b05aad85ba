//! Waiting for an action the Engine accepted but still runs: it answers 202 with status
//! `pending` or `in_progress` (`AbstractBackendActionableResource.actionAsync`) and a `<job>`
//! link, and the command's outcome is the job's (`GET /jobs/{id}` until it leaves `started`).

use std::time::Duration;

use tokio::time::{Instant, sleep};

use super::super::RestEngine;
use super::super::errors::Call;
use crate::engine::{EngineResult, ErrorKind, Id, JobStatus};
use crate::xml::actions::{ActionResult, ActionStatus};

/// How often a running job is read: the Engine's own wait for a blocking action polls every
/// 2 s (`AbstractBackendResource.MONITOR_DELAY`), and jobs move no faster than that.
pub(crate) const JOB_POLL_INTERVAL: Duration = Duration::from_secs(2);

/// The longest a job is waited for. The Engine bounds none of its jobs; this bound turns a job
/// stuck in `started` (an Engine that lost its task) into a step failure instead of a hang. Long
/// enough for the slowest command the flows send (an OVF-updating deactivation of a domain with
/// thousands of VMs takes minutes).
pub(crate) const JOB_WAIT_LIMIT: Duration = Duration::from_secs(30 * 60);

/// `true` when an action answer says its command still runs.
pub(crate) fn still_running(status: u16, result: &ActionResult) -> bool {
    status == 202
        || matches!(
            result.status,
            Some(ActionStatus::Pending | ActionStatus::InProgress)
        )
}

/// Waits for job `job` of the action `call` stands for. A job that ends `finished` is success;
/// `failed`, `aborted` or `unknown` is the action's failure, with the job's description; a job
/// still `started` after [`JOB_WAIT_LIMIT`] is a [`Timeout`](ErrorKind::Timeout).
pub(crate) async fn wait(engine: &RestEngine, call: &Call, job: Id) -> EngineResult<()> {
    let deadline = Instant::now() + JOB_WAIT_LIMIT;
    loop {
        let j = engine.get_job(job).await?;
        match j.status {
            JobStatus::Finished => return Ok(()),
            JobStatus::Started if Instant::now() + JOB_POLL_INTERVAL <= deadline => {
                sleep(JOB_POLL_INTERVAL).await;
            }
            JobStatus::Started => {
                return Err(call.error(ErrorKind::Timeout).with_message(format!(
                    "job {job} ('{}') still running after {} s",
                    j.description,
                    JOB_WAIT_LIMIT.as_secs()
                )));
            }
            // A command that fails while it executes is a 400 when the Engine waits for it.
            status => {
                return Err(call.error(ErrorKind::BadRequest).with_message(format!(
                    "job {job} ('{}') ended {}",
                    j.description,
                    status.as_str()
                )));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_answers_are_running_complete_ones_are_not() {
        let complete = ActionResult::complete();
        assert!(!still_running(200, &complete));
        assert!(still_running(202, &ActionResult::default()));
        let pending = ActionResult {
            status: Some(ActionStatus::Pending),
            ..ActionResult::default()
        };
        assert!(still_running(200, &pending));
        let in_progress = ActionResult {
            status: Some(ActionStatus::InProgress),
            ..ActionResult::default()
        };
        assert!(still_running(202, &in_progress));
    }
}
