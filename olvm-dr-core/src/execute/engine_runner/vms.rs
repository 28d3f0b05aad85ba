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
        match v.status {
            VmStatus::Up => Ok(Seen::Ready(())),
            VmStatus::Down => Err(crate::EngineError::new(ErrorKind::InvalidState, "start_vm")
                .on(format!("VM '{name}'"))
                .with_message(
                    "the VM went down again: it failed to start (see the Engine's events)",
                )),
            s => Ok(Seen::Pending(format!("status {s}"))),
        }
    })
    .await?;
    Ok(Completion::Done { output: None })
}
