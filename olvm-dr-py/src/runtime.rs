//! The one tokio runtime of the process, and [`wait`]: how every blocking call of the package
//! runs a future with the GIL released while still answering Ctrl-C.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use pyo3::prelude::*;
use tokio::runtime::Runtime;

/// How often a waiting call takes the GIL back to let Python run its signal handlers (Ctrl-C
/// becomes `KeyboardInterrupt` within this time). 100 ms: quick enough for a person at a
/// terminal, rare enough to cost nothing.
const SIGNAL_TICK: Duration = Duration::from_millis(100);

/// Worker threads of the runtime. The flows wait on Engine calls rather than compute, and the
/// simulated Engines a test starts serve from the same runtime; two workers keep both moving
/// while the calling thread polls the flow itself.
const WORKER_THREADS: usize = 2;

/// The runtime and the process that built it.
struct Owned {
    pid: u32,
    runtime: Arc<Runtime>,
}

static RUNTIME: Mutex<Option<Owned>> = Mutex::new(None);

/// The process-wide runtime, built on first use. A child made by `fork()` gets a runtime of
/// its own: the parent's worker threads do not exist in the child. The parent's runtime is
/// then leaked on purpose (dropping it would wait for threads that are not there); simulators
/// and worlds served by the parent do not run in the child.
pub(crate) fn runtime() -> std::io::Result<Arc<Runtime>> {
    let mut slot = RUNTIME.lock().unwrap_or_else(PoisonError::into_inner);
    let pid = std::process::id();
    if let Some(owned) = slot.as_ref()
        && owned.pid == pid
    {
        return Ok(owned.runtime.clone());
    }
    if let Some(stale) = slot.take() {
        std::mem::forget(stale.runtime);
    }
    let runtime = Arc::new(
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(WORKER_THREADS)
            .thread_name("olvm-dr")
            .enable_all()
            .build()?,
    );
    *slot = Some(Owned {
        pid,
        runtime: runtime.clone(),
    });
    Ok(runtime)
}

/// The runtime, or a Python `RuntimeError` saying why it cannot start.
pub(crate) fn runtime_or_err() -> PyResult<Arc<Runtime>> {
    runtime().map_err(|e| {
        pyo3::exceptions::PyRuntimeError::new_err(format!("cannot start the async runtime: {e}"))
    })
}

/// Runs `fut` to completion on the shared runtime with the GIL released, taking the GIL back
/// every [`SIGNAL_TICK`] to run Python's signal handlers. When one raises (Ctrl-C:
/// `KeyboardInterrupt`) the future is dropped where it stands and the exception returned: an
/// interrupted flow keeps its journal and resumes from it.
pub(crate) fn wait<F>(py: Python<'_>, fut: F) -> PyResult<F::Output>
where
    F: Future + Send,
    F::Output: Send,
{
    let rt = runtime_or_err()?;
    let mut fut = std::pin::pin!(fut);
    loop {
        let step = py.detach(|| {
            drive(&rt, async {
                tokio::select! {
                    out = fut.as_mut() => Some(out),
                    () = tokio::time::sleep(SIGNAL_TICK) => None,
                }
            })
        });
        match step {
            Some(out) => return Ok(out),
            None => py.check_signals()?,
        }
    }
}

/// As [`wait`], for a future the compiler cannot prove `Send` (some of the core's futures
/// borrow across stream combinators): `make` builds it on a blocking thread of the runtime,
/// which drives it there. Ctrl-C drops it there as [`wait`] drops its future.
pub(crate) fn wait_on_thread<M, F>(py: Python<'_>, make: M) -> PyResult<F::Output>
where
    M: FnOnce() -> F + Send + 'static,
    F: Future,
    F::Output: Send + 'static,
{
    let rt = runtime_or_err()?;
    let handle = rt.handle().clone();
    let (cancel, cancelled) = tokio::sync::oneshot::channel::<()>();
    let task = rt.spawn_blocking(move || {
        handle.block_on(async move {
            tokio::select! {
                out = make() => Some(out),
                _ = cancelled => None,
            }
        })
    });
    let out = wait(py, async move {
        // Dropped with this future (Ctrl-C): the thread's select then drops `make`'s future.
        let _cancel = cancel;
        task.await
    })?;
    match out {
        Ok(Some(out)) => Ok(out),
        Ok(None) => Err(pyo3::exceptions::PyRuntimeError::new_err(
            "the call was cancelled",
        )),
        Err(e) => Err(pyo3::exceptions::PyRuntimeError::new_err(format!(
            "the call's thread failed: {e}"
        ))),
    }
}

/// Blocks on `fut`. A thread that is already inside the runtime (a progress callback or a
/// storage gate calling back into the package) cannot block on it again, so the future is
/// then driven from a short-lived thread of its own.
fn drive<F>(rt: &Runtime, fut: F) -> F::Output
where
    F: Future + Send,
    F::Output: Send,
{
    if tokio::runtime::Handle::try_current().is_err() {
        return rt.block_on(fut);
    }
    std::thread::scope(|s| {
        s.spawn(|| rt.block_on(fut))
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_runtime_per_process() {
        let a = runtime().unwrap();
        let b = runtime().unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(drive(&a, async { 1 + 1 }), 2);
        // From inside the runtime too.
        let nested = a.block_on(async {
            let rt = runtime().unwrap();
            drive(&rt, async { 2 + 2 })
        });
        assert_eq!(nested, 4);
    }
}
