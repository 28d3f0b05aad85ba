//! The one tokio runtime of the library, and how a blocking call from a foreign language runs a
//! flow on it while the foreign callbacks (progress listener, storage gate) are called on the
//! caller's own thread.
//!
//! Every exported function is synchronous: foreign code calls it like any other function and
//! gets the result when the work is done. Behind it, the work runs on a process-wide runtime.
//! Callbacks never run on the runtime's threads: the core's reporter and gate only put messages
//! on a channel, and the calling thread, which waits for the flow anyway, takes them off and
//! calls the foreign object. Python's GIL, Ruby's GVL and the JVM all see the callbacks on the
//! thread that made the call, and a slow callback never stalls the flow's Engine calls.

use std::future::Future;
use std::sync::OnceLock;
use std::sync::mpsc;

use tokio::runtime::Runtime;
use tokio::sync::oneshot;

use crate::callbacks::{ProgressEvent, ProgressListener, StorageGate};
use crate::error::DrError;
use crate::types::Site;

/// Worker threads of the runtime. Two: the flows wait on Engine calls far more than they
/// compute, so two threads keep hundreds of calls in flight (the CLI uses the same number).
const WORKER_THREADS: usize = 2;

static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();

/// The process-wide runtime, started on first use.
fn runtime() -> Result<&'static Runtime, DrError> {
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(WORKER_THREADS)
                .thread_name("olvm-dr-ffi")
                .enable_all()
                .build()
                .map_err(|e| format!("cannot start the async runtime: {e}"))
        })
        .as_ref()
        .map_err(|message| DrError::Internal {
            reason: message.clone(),
        })
}

/// Runs `future` on the runtime and waits for it on this thread.
pub(crate) fn block_on<F: Future>(future: F) -> Result<F::Output, DrError> {
    Ok(runtime()?.block_on(future))
}

/// A message from a running flow to the thread that waits for it.
pub(crate) enum Callback {
    /// A progress event for the listener.
    Event(ProgressEvent),
    /// The flow reached a storage gate: ask the foreign gate, answer on `reply`.
    Gate {
        /// What storage must be like before the flow goes on.
        description: String,
        /// The gate's id (the step id, e.g. `split-replication`).
        gate: String,
        /// The site whose step waits.
        site: Site,
        /// The gate's answer: what confirmed it, or why not.
        reply: oneshot::Sender<Result<String, String>>,
    },
    /// The flow ended; nothing more will come.
    Done,
}

/// What [`drive`] returns besides the flow's own result.
pub(crate) struct Driven<T> {
    /// The flow's result.
    pub(crate) output: T,
    /// Why the progress listener was dropped halfway (it raised), if it was.
    pub(crate) listener_error: Option<String>,
}

/// Runs `flow` (built with the sender for its callbacks) on the runtime, and serves its
/// callbacks on this thread until it ends.
///
/// A listener that raises is not called again (the run goes on: stopping a failover halfway
/// because a progress display failed would be worse); the caller records why. A gate that
/// raises refuses the gate, which fails that step.
pub(crate) fn drive<T, F>(
    flow: impl FnOnce(mpsc::Sender<Callback>) -> F,
    mut listener: Option<&dyn ProgressListener>,
    gate: Option<&dyn StorageGate>,
) -> Result<Driven<T>, DrError>
where
    T: Send + 'static,
    F: Future<Output = T> + Send + 'static,
{
    let rt = runtime()?;
    let (tx, rx) = mpsc::channel();
    let done = tx.clone();
    let future = flow(tx);
    let handle = rt.spawn(async move {
        let output = future.await;
        let _ = done.send(Callback::Done);
        output
    });
    let mut listener_error = None;
    // Ends on `Done`, or when every sender is gone (the task panicked and was dropped).
    while let Ok(message) = rx.recv() {
        match message {
            Callback::Event(event) => {
                if let Some(l) = listener
                    && let Err(e) = l.on_event(event)
                {
                    listener_error = Some(e.to_string());
                    listener = None;
                }
            }
            Callback::Gate {
                description,
                gate: id,
                site,
                reply,
            } => {
                let answer = match gate {
                    Some(g) => g
                        .wait_ready(description, id, site)
                        .map_err(|e| e.to_string()),
                    None => Err("no storage gate was given for this flow".to_owned()),
                };
                let _ = reply.send(answer);
            }
            Callback::Done => break,
        }
    }
    let output = rt.block_on(handle).map_err(|e| DrError::Internal {
        reason: format!("the run stopped unexpectedly: {e}"),
    })?;
    Ok(Driven {
        output,
        listener_error,
    })
}
