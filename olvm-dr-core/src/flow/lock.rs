//! The run lock the target Engine holds: a tag named [`RUN_LOCK_TAG`], created at the start of
//! every run that changes a site and removed at its end. The Engine refuses a second tag of the
//! same name (`AddTagCommand`: 409 "The specified Tag name already exists."), so two
//! controllers with different state directories, on different machines, still see each other.
//! The state directory's own file lock only keeps runs of one directory apart.
//!
//! The tag's description says who holds it (run id, host, user, since when). A lock left by a
//! run that died is stale: it is taken over without asking only when that run belongs to this
//! state directory (whose file lock proves that the run is not running: it is being resumed,
//! or it died before its first step); any other holder is broken only with `break_lock`, and the
//! break is journaled.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::FlowError;
use crate::Site;
use crate::engine::{Engine, ErrorKind, Id};

/// The name of the lock tag (tag names are at most 50 characters: `TAG_NAME_SIZE`).
pub const RUN_LOCK_TAG: &str = "olvm-dr-lock";

/// Who holds the lock: the tag's description, as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockHolder {
    /// The run.
    pub run: String,
    /// The machine it runs on.
    pub host: String,
    /// The user running it.
    pub user: String,
    /// Since when (RFC 3339, UTC).
    pub since: String,
}

impl LockHolder {
    /// This process, for `run`.
    pub fn this_process(run: &str) -> Self {
        Self {
            run: run.to_owned(),
            host: std::fs::read_to_string("/proc/sys/kernel/hostname")
                .map(|h| h.trim().to_owned())
                .unwrap_or_default(),
            user: std::env::var("USER")
                .or_else(|_| std::env::var("LOGNAME"))
                .unwrap_or_default(),
            since: crate::execute::wall_clock(),
        }
    }

    fn describe(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The holder a tag's description names; `None` for a description olvm-dr did not write.
    fn parse(description: &str) -> Option<Self> {
        serde_json::from_str(description).ok()
    }
}

impl std::fmt::Display for LockHolder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "run {} on {} by {} since {}",
            self.run,
            if self.host.is_empty() {
                "an unknown host"
            } else {
                &self.host
            },
            if self.user.is_empty() {
                "an unknown user"
            } else {
                &self.user
            },
            self.since
        )
    }
}

/// A lock this run holds; [`release`](Self::release) it at the end.
pub(crate) struct EngineLock {
    engine: Arc<dyn Engine>,
    tag: Id,
    /// The lock found in place and removed to take this one, and why it could be.
    pub(crate) replaced: Option<String>,
}

/// Takes the lock on `site`'s Engine for `run`. `own_run` tells whether a run id belongs to
/// this state directory (then its lock is stale by construction and taken over).
pub(crate) async fn acquire(
    engine: Arc<dyn Engine>,
    site: Site,
    run: &str,
    own_run: &(dyn Fn(&str) -> bool + Sync),
    break_lock: bool,
) -> Result<EngineLock, FlowError> {
    let lock_error = |error| FlowError::Lock {
        site,
        error: Box::new(error),
    };
    let me = LockHolder::this_process(run).describe();
    let mut replaced = None;
    // Two rounds: a lock that was just released, or one taken over, leaves the name free.
    for _ in 0..2 {
        match engine.add_tag(RUN_LOCK_TAG, &me).await {
            Ok(tag) => {
                return Ok(EngineLock {
                    engine,
                    tag: tag.id,
                    replaced,
                });
            }
            Err(e) if e.kind == ErrorKind::Conflict => {}
            Err(e) => return Err(lock_error(e)),
        }
        let tags = engine.tags().await.map_err(lock_error)?;
        let Some(held) = tags.into_iter().find(|t| t.name == RUN_LOCK_TAG) else {
            continue;
        };
        let holder = LockHolder::parse(&held.description);
        let who = holder
            .as_ref()
            .map_or_else(|| format!("'{}'", held.description), ToString::to_string);
        let why = match &holder {
            Some(h) if h.run == run => Some("held by this same run, resumed"),
            Some(h) if own_run(&h.run) => {
                Some("held by a run of this state directory that is not running")
            }
            _ if break_lock => Some("broken with --break-lock"),
            _ => None,
        };
        let Some(why) = why else {
            return Err(FlowError::Locked { site, holder: who });
        };
        match engine.remove_tag(held.id).await {
            Ok(()) => {}
            Err(e) if e.kind == ErrorKind::NotFound => {}
            Err(e) => return Err(lock_error(e)),
        }
        tracing::warn!(%site, holder = %who, why, "took over the run lock");
        replaced = Some(format!("{who} ({why})"));
    }
    Err(FlowError::Locked {
        site,
        holder: "another run that took it at the same moment".into(),
    })
}

impl EngineLock {
    /// Removes the lock tag. `Err` with what to tell the operator when it could not be removed
    /// (the next run will find it and need `--break-lock`).
    pub(crate) async fn release(self) -> Result<(), String> {
        match self.engine.remove_tag(self.tag).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind == ErrorKind::NotFound => Ok(()),
            Err(e) => Err(format!(
                "the run lock (tag '{RUN_LOCK_TAG}') could not be removed: {e}; the next run will need --break-lock"
            )),
        }
    }
}
