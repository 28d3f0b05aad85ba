//! The etcd client's own runtime. Every etcd call runs here: the store's synchronous methods
//! (blobs, the run index) wait for theirs, whatever runtime (if any) the caller is on, and the
//! journal's writer task and the lease's keep-alive live here, so a caller that waits never
//! starves them. A caller on a multi-thread tokio runtime waits in `block_in_place`, so its
//! worker thread's other tasks move to another worker while it waits.

use std::future::Future;

use crate::journal::StateDirError;

/// A small runtime for etcd calls, the journal writer and the lease keep-alive.
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

    /// Spawns `work` on the etcd runtime (the lease keep-alive, a journal's writer).
    pub(super) fn spawn(&self, work: impl Future<Output = ()> + Send + 'static) {
        self.rt().spawn(work);
    }

    /// Runs `work` on the etcd runtime and waits for it. `work` bounds its own time (every
    /// call in it has a deadline).
    pub(super) fn run<T: Send + 'static>(
        &self,
        work: impl Future<Output = Result<T, StateDirError>> + Send + 'static,
    ) -> Result<T, StateDirError> {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        self.rt().spawn(async move {
            let _ = tx.send(work.await);
        });
        match wait(|| rx.recv()) {
            Ok(out) => out,
            Err(_) => Err(StateDirError::Unavailable {
                location: self.location.clone(),
                message: "the etcd client stopped".into(),
            }),
        }
    }
}

/// Waits for `f` on this thread: in `block_in_place` on a multi-thread tokio runtime's worker
/// (its other tasks go on elsewhere), plainly anywhere else.
pub(super) fn wait<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(f)
        }
        _ => f(),
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
