//! The etcd client's own runtime: the store's methods are synchronous (as file writes are), so
//! each call runs on this runtime while the caller waits, whatever runtime (if any) the caller
//! is on. The lease's keep-alive runs here too, so a caller that blocks does not starve it.

use std::future::Future;
use std::time::Duration;

use crate::journal::StateDirError;

/// A small runtime for etcd calls and the lease keep-alive.
#[derive(Debug)]
pub(super) struct Bridge {
    rt: Option<tokio::runtime::Runtime>,
    /// The store, for messages.
    location: String,
}

impl Bridge {
    pub(super) fn new(location: String) -> Result<Self, StateDirError> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("olvm-dr-etcd")
            .enable_all()
            .build()
            .map_err(|e| StateDirError::Unavailable {
                location: location.clone(),
                message: format!("cannot start the etcd client's runtime: {e}"),
            })?;
        Ok(Self {
            rt: Some(rt),
            location,
        })
    }

    fn rt(&self) -> &tokio::runtime::Runtime {
        self.rt.as_ref().expect("the runtime lives until drop")
    }

    /// Spawns `work` on the etcd runtime (the lease keep-alive).
    pub(super) fn spawn(&self, work: impl Future<Output = ()> + Send + 'static) {
        self.rt().spawn(work);
    }

    /// Runs `work` on the etcd runtime and waits for it, at most `deadline`.
    pub(super) fn block<T: Send + 'static>(
        &self,
        deadline: Duration,
        work: impl Future<Output = Result<T, String>> + Send + 'static,
    ) -> Result<T, StateDirError> {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        self.rt().spawn(async move {
            let out = match tokio::time::timeout(deadline, work).await {
                Ok(out) => out,
                Err(_) => Err(format!(
                    "no answer within {} s (is a quorum of the members reachable?)",
                    deadline.as_secs_f32()
                )),
            };
            let _ = tx.send(out);
        });
        let unavailable = |message: String| StateDirError::Unavailable {
            location: self.location.clone(),
            message,
        };
        match rx.recv() {
            Ok(out) => out.map_err(unavailable),
            Err(_) => Err(unavailable("the etcd client stopped".into())),
        }
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        // Dropping a runtime may block, which tokio refuses inside another runtime.
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}
