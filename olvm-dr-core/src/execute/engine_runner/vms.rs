//! VM steps: start and wait for up.

use super::op::{Op, Seen};
use crate::engine::{Engine, ErrorKind, Id, Initialization, VmStatus};
use crate::execute::{Completion, StepFailure};

/// Makes sure the VM is running or on its way up; a VM started here gets `initialization`
/// through cloud-init when there is one.
pub(crate) async fn ensure_started(
    op: &Op<'_>,
    engine: &dyn Engine,
    vm: Id,
    name: &str,
    initialization: Option<&Initialization>,
) -> Result<Completion, StepFailure> {
    let current = op.call("vm", || engine.vm(vm)).await?;
    if current.status.is_running_or_starting() {
        return Ok(Completion::AlreadyDone { output: None });
    }
    let started = match initialization {
        Some(init) => {
            op.call("start_vm_with_initialization", || {
                engine.start_vm_with_initialization(vm, init)
            })
            .await
        }
        None => op.call("start_vm", || engine.start_vm(vm)).await,
    };
    match started {
        Ok(()) => Ok(Completion::Done { output: None }),
        Err(e) if matches!(e.kind, ErrorKind::InvalidState | ErrorKind::Conflict) => {
            // Started meanwhile (a retried request that went through)?
            match engine.vm(vm).await {
                Ok(v) if v.status.is_running_or_starting() => {
                    Ok(Completion::AlreadyDone { output: None })
                }
                _ => Err(StepFailure::from(e.on(format!("VM '{name}'")))),
            }
        }
        Err(e) => Err(e.on(format!("VM '{name}'")).into()),
    }
}

/// Waits until the VM is up. A VM that falls back to `down` failed to start.
pub(crate) async fn wait_up(
    op: &Op<'_>,
    engine: &dyn Engine,
    vm: Id,
    name: &str,
) -> Result<Completion, StepFailure> {
    op.poll(&format!("VM '{name}' to be up"), op.t.vm_up, || async {
        let v = engine.vm(vm).await?;
        match (v.status, v.settings.lease) {
            (VmStatus::Up, _) => Ok(Seen::Ready(())),
            (VmStatus::Down, lease) => {
                Err(crate::EngineError::new(ErrorKind::InvalidState, "start_vm")
                    .on(format!("VM '{name}'"))
                    .with_message(format!(
                        "the VM went down again: it failed to start (see the Engine's events){}",
                        lease.map_or_else(String::new, lease_down)
                    )))
            }
            (VmStatus::WaitForLaunch, Some(sd)) => Ok(Seen::Pending(lease_wait(sd))),
            (s, _) => Ok(Seen::Pending(format!("status {s}"))),
        }
    })
    .await?;
    Ok(Completion::Done { output: None })
}

/// What a VM waiting for launch with a VM lease on domain `sd` is likely waiting for.
fn lease_wait(sd: Id) -> String {
    format!(
        "status wait_for_launch: its host acquires its VM lease on storage domain {sd}; sanlock takes a record the other site's host wrote only after watching it for the lease time (about 80 s), and never while that host still renews it on this copy"
    )
}

/// Why a VM with a VM lease on domain `sd` may have gone down at its start.
fn lease_down(sd: Id) -> String {
    format!(
        "; its VM lease is on storage domain {sd}: a VM cannot run without it, so check that this domain is active in the VM's data center and writable here"
    )
}
