//! The Engine's jobs as `/jobs` serves them: one job for each monitored command a request runs
//! (`ActionType.isActionMonitored`), created by `ExecutionHandler.createJob` with the
//! command's `ExecutionMessages.properties` description, the request's correlation id, the
//! user as owner and status `started`, and ended when the command's work ends.
//!
//! A job ends in one of three ways ([`JobEnd`]): with the request (most commands), when a job
//! of the fake ends (the OVF store update), or when a background run of the command ends (a
//! request that asked for `async`). Each job has the two steps every command adds
//! (`StepEnum.VALIDATING`, then `EXECUTING`: `CommandBase.executeAction`). Listings are oldest
//! first (`GetAllJobs` orders by start time).

use std::sync::Mutex;
use std::time::SystemTime;

use olvm_dr_core::engine::{Id, JobStatus};
use olvm_dr_core::xml::datetime::{format_date_time, utc};
use olvm_dr_core::xml::writer::XmlWriter;

/// How a job's status is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JobEnd {
    /// Still running; whoever runs the work calls [`JobLog::finish`].
    Running,
    /// Ended at this time, with this status.
    Ended(SystemTime, JobStatus),
    /// Follows the fake's job with this id (its status is asked when the job is read).
    Fake(Id),
}

/// One job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Job {
    pub(crate) id: Id,
    pub(crate) description: String,
    pub(crate) correlation_id: String,
    /// The owner's user id.
    pub(crate) owner: Id,
    pub(crate) start: SystemTime,
    pub(crate) end: JobEnd,
}

impl Job {
    /// Status and end time as of now, given the fake's status for a [`JobEnd::Fake`] job.
    pub(crate) fn state(&self, fake: Option<JobStatus>) -> (JobStatus, Option<SystemTime>) {
        match self.end {
            JobEnd::Running => (JobStatus::Started, None),
            JobEnd::Ended(at, status) => (status, Some(at)),
            JobEnd::Fake(_) => match fake {
                Some(JobStatus::Started) | None => (JobStatus::Started, None),
                // The fake keeps no end time; the job ended when it was last seen running.
                Some(status) => (status, Some(SystemTime::now())),
            },
        }
    }
}

/// A site's jobs, oldest first.
#[derive(Debug, Default)]
pub(crate) struct JobLog {
    jobs: Mutex<Vec<Job>>,
}

impl JobLog {
    /// Records `job`.
    pub(crate) fn add(&self, job: Job) {
        self.lock().push(job);
    }

    /// Ends a running job now (a job that already ended keeps its end).
    pub(crate) fn finish(&self, id: Id, status: JobStatus) {
        if let Some(j) = self.lock().iter_mut().find(|j| j.id == id)
            && j.end == JobEnd::Running
        {
            j.end = JobEnd::Ended(SystemTime::now(), status);
        }
    }

    /// Every job, oldest first.
    pub(crate) fn all(&self) -> Vec<Job> {
        self.lock().clone()
    }

    /// One job.
    pub(crate) fn get(&self, id: Id) -> Option<Job> {
        self.lock().iter().find(|j| j.id == id).cloned()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Job>> {
        self.jobs.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A job with its status as of now.
#[derive(Debug, Clone)]
pub(crate) struct JobView<'a> {
    pub(crate) job: &'a Job,
    pub(crate) status: JobStatus,
    pub(crate) end: Option<SystemTime>,
}

fn time(t: SystemTime) -> String {
    format_date_time(&utc(t))
}

fn write_job(w: &mut XmlWriter, v: &JobView<'_>) {
    let id = v.job.id.to_string();
    let href = format!("/ovirt-engine/api/jobs/{id}");
    w.open("job", &[("href", &href), ("id", &id)]);
    w.actions(&href, &["clear", "end"]);
    w.text("description", &v.job.description);
    w.links(&href, &["steps"]);
    w.bool("auto_cleared", true);
    if let Some(end) = v.end {
        w.text("end_time", &time(end));
    }
    w.bool("external", false);
    w.text("last_updated", &time(v.end.unwrap_or(v.job.start)));
    w.text("start_time", &time(v.job.start));
    w.value("status", v.status.as_str());
    w.reference("owner", "users", v.job.owner);
    w.close("job");
}

/// `<jobs>` with `jobs`.
pub(crate) fn write_jobs(jobs: &[JobView<'_>]) -> String {
    let mut w = XmlWriter::document();
    if jobs.is_empty() {
        w.empty("jobs", &[]);
    } else {
        w.open("jobs", &[]);
        for j in jobs {
            write_job(&mut w, j);
        }
        w.close("jobs");
    }
    w.finish()
}

/// One `<job>`.
pub(crate) fn write_one_job(job: &JobView<'_>) -> String {
    let mut w = XmlWriter::document();
    write_job(&mut w, job);
    w.finish()
}

/// The two steps of a job: 1 `validating` (finished when the job exists: a command whose
/// validation fails leaves no job here) and 2 `executing`, which shares the job's status.
/// Step ids are derived from the job's, so that they stay the same across reads.
pub(crate) fn steps(v: &JobView<'_>) -> [Step; 2] {
    let base = v.job.id.to_string();
    let step_id = |n: u8| -> String {
        // The job id with its last byte replaced: stable and unique per job and step.
        format!("{}{n:02x}", &base[..base.len() - 2])
    };
    [
        Step {
            id: step_id(1),
            number: 1,
            kind: "validating",
            description: "Validating",
            status: JobStatus::Finished,
            start: v.job.start,
            end: Some(v.job.start),
        },
        Step {
            id: step_id(2),
            number: 2,
            kind: "executing",
            description: "Executing",
            status: v.status,
            start: v.job.start,
            end: v.end,
        },
    ]
}

/// One step of a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Step {
    pub(crate) id: String,
    pub(crate) number: u32,
    /// `StepEnum` as the API writes it.
    pub(crate) kind: &'static str,
    pub(crate) description: &'static str,
    pub(crate) status: JobStatus,
    pub(crate) start: SystemTime,
    pub(crate) end: Option<SystemTime>,
}

fn write_step(w: &mut XmlWriter, job: Id, s: &Step) {
    let href = format!("/ovirt-engine/api/jobs/{job}/steps/{}", s.id);
    w.open("step", &[("href", &href), ("id", &s.id)]);
    w.actions(&href, &["end"]);
    w.text("description", s.description);
    w.links(&href, &["statistics"]);
    if let Some(end) = s.end {
        w.text("end_time", &time(end));
    }
    w.bool("external", false);
    w.value("number", s.number);
    w.text("start_time", &time(s.start));
    w.value("status", s.status.as_str());
    w.text("type", s.kind);
    w.reference("job", "jobs", job);
    w.close("step");
}

/// `<steps>` of job `job`.
pub(crate) fn write_steps(job: Id, steps: &[Step]) -> String {
    let mut w = XmlWriter::document();
    w.open("steps", &[]);
    for s in steps {
        write_step(&mut w, job, s);
    }
    w.close("steps");
    w.finish()
}

/// One `<step>` of job `job`.
pub(crate) fn write_one_step(job: Id, step: &Step) -> String {
    let mut w = XmlWriter::document();
    write_step(&mut w, job, step);
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(end: JobEnd) -> Job {
        Job {
            id: Id::random(),
            description: "Activating Storage Domain sd on Data Center dc".into(),
            correlation_id: "c1".into(),
            owner: Id::random(),
            start: SystemTime::now(),
            end,
        }
    }

    #[test]
    fn a_running_job_ends_once_and_reads_with_its_steps() {
        let log = JobLog::default();
        let j = job(JobEnd::Running);
        let id = j.id;
        log.add(j);
        assert_eq!(log.get(id).unwrap().state(None).0, JobStatus::Started);
        log.finish(id, JobStatus::Failed);
        log.finish(id, JobStatus::Finished);
        let j = log.get(id).unwrap();
        let (status, end) = j.state(None);
        assert_eq!(status, JobStatus::Failed);
        let view = JobView {
            job: &j,
            status,
            end,
        };
        let xml = write_one_job(&view);
        assert!(xml.contains("<status>failed</status>"), "{xml}");
        assert!(xml.contains("<end_time>"), "{xml}");
        assert!(xml.contains(&format!(r#"href="/ovirt-engine/api/jobs/{id}/steps""#)));
        let steps = steps(&view);
        assert_ne!(steps[0].id, steps[1].id);
        assert!(steps[0].id.parse::<Id>().is_ok());
        let xml = write_steps(id, &steps);
        assert!(xml.contains("<type>executing</type>") && xml.contains("<number>2</number>"));
        assert!(write_jobs(&[]).ends_with("<jobs/>"));
    }

    #[test]
    fn a_job_following_the_fake_is_started_until_the_fake_says_otherwise() {
        let j = job(JobEnd::Fake(Id::random()));
        assert_eq!(j.state(None), (JobStatus::Started, None));
        assert_eq!(j.state(Some(JobStatus::Started)).0, JobStatus::Started);
        let (status, end) = j.state(Some(JobStatus::Finished));
        assert_eq!(status, JobStatus::Finished);
        assert!(end.is_some());
    }
}
