//! `/jobs`: the site's jobs (`search` on `correlation_id`, the one field of the Engine's
//! `JobConditionFieldAutoCompleter`; `max`), one job, and its steps.

use axum::http::Method;
use olvm_dr_core::engine::{Engine, Id, JobStatus};

use super::{id, search};
use crate::jobs::{
    Job, JobEnd, JobView, steps, write_jobs, write_one_job, write_one_step, write_steps,
};
use crate::respond::{ApiError, Reply, ok};
use crate::search::Value;
use crate::server::{ApiRequest, SiteServer};

pub(super) async fn route(st: &SiteServer, req: &ApiRequest, rest: &[&str]) -> Reply {
    match (&req.method, rest) {
        (&Method::GET, []) => {
            let jobs = search(st.jobs.all(), &req.params, |j, field| match field {
                "correlation_id" => Some(Value::Text(j.correlation_id.clone())),
                _ => None,
            })?;
            let states = states(st, &jobs).await;
            let views: Vec<JobView<'_>> = jobs.iter().zip(states).map(view).collect();
            Ok(ok(write_jobs(&views)))
        }
        (&Method::GET, [j]) => {
            let job = job(st, id(j)?).await?;
            let state = states(st, std::slice::from_ref(&job)).await;
            Ok(ok(write_one_job(&view((&job, state[0])))))
        }
        (&Method::GET, [j, "steps"]) => {
            let job = job(st, id(j)?).await?;
            let state = states(st, std::slice::from_ref(&job)).await;
            let steps = steps(&view((&job, state[0])));
            Ok(ok(write_steps(job.id, &steps)))
        }
        (&Method::GET, [j, "steps", s]) => {
            let job = job(st, id(j)?).await?;
            let state = states(st, std::slice::from_ref(&job)).await;
            let steps = steps(&view((&job, state[0])));
            let step = steps
                .iter()
                .find(|x| x.id == *s)
                .ok_or(ApiError::NotFound)?;
            Ok(ok(write_one_step(job.id, step)))
        }
        (_, [_, "clear" | "end"]) => Err(ApiError::Unsupported("ending or clearing jobs")),
        (&Method::POST, []) => Err(ApiError::Unsupported("adding external jobs")),
        (_, [] | [_] | [_, "steps"]) => super::not_allowed(),
        _ => Err(ApiError::NotFound),
    }
}

/// One job: the simulator's own, else a job the fake started (an OVF store update the
/// simulator did not ask for, such as the one a deactivation runs).
async fn job(st: &SiteServer, id: Id) -> Result<Job, ApiError> {
    if let Some(j) = st.jobs.get(id) {
        return Ok(j);
    }
    let fake = st.engine.job(id).await?;
    let start = std::time::SystemTime::now();
    Ok(Job {
        id,
        description: fake.description,
        correlation_id: String::new(),
        owner: Id::NIL,
        start,
        end: match fake.status {
            JobStatus::Started => JobEnd::Running,
            status => JobEnd::Ended(start, status),
        },
    })
}

/// The fake's status of each job that follows one of its jobs.
async fn states(st: &SiteServer, jobs: &[Job]) -> Vec<Option<JobStatus>> {
    let mut out = Vec::with_capacity(jobs.len());
    for j in jobs {
        out.push(match j.end {
            JobEnd::Fake(f) => st.engine.job(f).await.ok().map(|f| f.status),
            _ => None,
        });
    }
    out
}

fn view((job, fake): (&Job, Option<JobStatus>)) -> JobView<'_> {
    let (status, end) = job.state(fake);
    JobView { job, status, end }
}
