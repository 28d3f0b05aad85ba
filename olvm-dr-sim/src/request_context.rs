//! What the Engine keeps for the length of one request (its `Current`, set by `CurrentFilter`):
//! the correlation id, and the job of the monitored command the request runs.
//!
//! The context is a task-local around the request's routing, so that answers (`respond`), the
//! audit log (`events`) and background runs (`routes::perform`) read it without every route
//! passing it along.

use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::http::HeaderMap;
use olvm_dr_core::engine::{Id, JobStatus};

use crate::events::NewEvent;
use crate::jobs::{Job, JobEnd};
use crate::server::SiteServer;

tokio::task_local! {
    static CURRENT: Arc<RequestContext>;
}

/// The monitored command a request runs, before it has run.
#[derive(Debug, Clone)]
pub(crate) struct Command {
    /// The job's description (`ExecutionMessages.properties`).
    pub(crate) description: String,
    /// The event the Engine logs when the command fails after it was accepted.
    pub(crate) failure: Option<NewEvent>,
}

/// Who ends a request's job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ender {
    /// It ends with the request.
    Request,
    /// It follows the fake's job (and has its id).
    Fake,
    /// A background run ends it (it is already in the log).
    Background,
}

#[derive(Debug)]
struct PendingJob {
    id: Id,
    command: Command,
    ender: Ender,
}

/// One request's context.
#[derive(Debug)]
pub(crate) struct RequestContext {
    site: Arc<SiteServer>,
    correlation_id: String,
    owner: Id,
    job: Mutex<Option<PendingJob>>,
}

impl RequestContext {
    /// The correlation id of a request with `headers` and `query` (see [`correlation_id`]).
    pub(crate) fn correlation_id_of(headers: &HeaderMap, query: Option<&str>) -> String {
        correlation_id(headers, query)
    }

    /// The context of a request with `correlation_id` run by `user` on `site`; `command` is the
    /// monitored command it runs, if any.
    pub(crate) fn new(
        site: Arc<SiteServer>,
        correlation_id: String,
        user: &str,
        command: Option<Command>,
    ) -> Self {
        let job = command.map(|command| PendingJob {
            id: Id::random(),
            command,
            ender: Ender::Request,
        });
        Self {
            site,
            correlation_id,
            owner: user_id(user),
            job: Mutex::new(job),
        }
    }

    /// The request's correlation id.
    pub(crate) fn correlation_id(&self) -> &str {
        &self.correlation_id
    }

    /// Runs `fut` with this context as the current one.
    pub(crate) async fn scope<F: Future>(self: &Arc<Self>, fut: F) -> F::Output {
        CURRENT.scope(Arc::clone(self), fut).await
    }

    /// Records the job of a request that succeeded, its description passed through `describe`
    /// (names only known once the command ran): it ends now unless its end was handed over (to
    /// the fake's job or a background run). Nothing for a request that failed: its command was
    /// refused.
    pub(crate) fn settle(&self, succeeded: bool, describe: impl FnOnce(&str) -> String) {
        let Some(p) = self.lock().take() else {
            return;
        };
        let now = SystemTime::now();
        let end = match p.ender {
            _ if !succeeded => return,
            Ender::Request => JobEnd::Ended(now, JobStatus::Finished),
            Ender::Fake => JobEnd::Fake(p.id),
            Ender::Background => return,
        };
        self.site.jobs.add(Job {
            id: p.id,
            description: describe(&p.command.description),
            correlation_id: self.correlation_id.clone(),
            owner: self.owner,
            start: now,
            end,
        });
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<PendingJob>> {
        self.job.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The current request's correlation id, if a request is being served.
pub(crate) fn current_correlation_id() -> Option<String> {
    CURRENT.try_with(|c| c.correlation_id.clone()).ok()
}

/// The id of the current request's job, if it runs a monitored command.
pub(crate) fn current_job() -> Option<Id> {
    CURRENT
        .try_with(|c| c.lock().as_ref().map(|p| p.id))
        .ok()
        .flatten()
}

/// The current command's job is the fake's job `id` (the OVF store update): it takes that id
/// and follows that job's status.
pub(crate) fn follow_fake_job(id: Id) {
    let _ = CURRENT.try_with(|c| {
        if let Some(p) = c.lock().as_mut() {
            p.id = id;
            p.ender = Ender::Fake;
        }
    });
}

/// Hands the current command's job to a run in the background: it is recorded as `started`
/// now, and the returned handle ends it. `None` outside a monitored request.
pub(crate) fn hand_to_background() -> Option<BackgroundJob> {
    CURRENT
        .try_with(|c| {
            let mut slot = c.lock();
            let p = slot.as_mut()?;
            p.ender = Ender::Background;
            c.site.jobs.add(Job {
                id: p.id,
                description: p.command.description.clone(),
                correlation_id: c.correlation_id.clone(),
                owner: c.owner,
                start: SystemTime::now(),
                end: JobEnd::Running,
            });
            Some(BackgroundJob {
                site: Arc::clone(&c.site),
                id: p.id,
                correlation_id: c.correlation_id.clone(),
                failure: p.command.failure.clone(),
                user: crate::events::user_name(c.site.sessions.username()),
            })
        })
        .ok()
        .flatten()
}

/// A job whose command runs in the background.
#[derive(Debug)]
pub(crate) struct BackgroundJob {
    site: Arc<SiteServer>,
    id: Id,
    correlation_id: String,
    failure: Option<NewEvent>,
    user: String,
}

impl BackgroundJob {
    /// Ends the job: `finished`, or `failed` with the command's failure event in the audit log
    /// (with the request's correlation id).
    pub(crate) fn end(self, ok: bool) {
        if ok {
            self.site.jobs.finish(self.id, JobStatus::Finished);
            return;
        }
        self.site.jobs.finish(self.id, JobStatus::Failed);
        if let Some(event) = self.failure {
            self.site
                .events
                .record_correlated(event, Some(self.user), Some(self.correlation_id));
        }
    }
}

/// The request's correlation id as `CurrentFilter` makes it: the `Correlation-Id` header, else
/// the `correlation_id` query parameter, each reduced to `[0-9A-Za-z_-]` and cut to 36
/// characters; a random UUID when neither gives one.
fn correlation_id(headers: &HeaderMap, query: Option<&str>) -> String {
    let clean = |raw: &str| -> Option<String> {
        let id: String = raw
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .take(36)
            .collect();
        (!id.is_empty()).then_some(id)
    };
    headers
        .get("correlation-id")
        .and_then(|v| v.to_str().ok())
        .and_then(clean)
        .or_else(|| {
            form_urlencoded::parse(query.unwrap_or_default().as_bytes())
                .find(|(k, _)| k == "correlation_id")
                .and_then(|(_, v)| clean(&v))
        })
        .unwrap_or_else(|| Id::random().to_string())
}

/// A stable id for the user `login` (the simulator keeps no user table; the Engine's ids are
/// its database's).
fn user_id(login: &str) -> Id {
    // FNV-1a, twice with different offsets, for 128 bits.
    let fnv = |offset: u64| {
        login.bytes().fold(offset, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    let high = fnv(0xcbf2_9ce4_8422_2325);
    let low = fnv(0x8422_2325_cbf2_9ce4);
    Id::from_u128((u128::from(high) << 64) | u128::from(low))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn correlation_ids_are_cleaned_cut_and_otherwise_generated() {
        let mut h = HeaderMap::new();
        h.insert("correlation-id", HeaderValue::from_static("run 7/step:a"));
        assert_eq!(correlation_id(&h, Some("correlation_id=x")), "run7stepa");
        let long = "a".repeat(50);
        assert_eq!(
            correlation_id(&HeaderMap::new(), Some(&format!("correlation_id={long}"))),
            "a".repeat(36)
        );
        assert_eq!(
            correlation_id(&HeaderMap::new(), Some("x=1&correlation_id=my-id_1")),
            "my-id_1"
        );
        let generated = correlation_id(&HeaderMap::new(), None);
        assert!(generated.parse::<Id>().is_ok(), "{generated}");
        assert_eq!(user_id("admin@internal"), user_id("admin@internal"));
        assert_ne!(user_id("admin@internal"), user_id("jo@internal"));
    }
}
