//! A recovery plan's waits: one VM's (up, an address reported, a check command passing) and a
//! group's end (its `on_timeout`, then its delay).

use std::net::IpAddr;
use std::time::Duration;

use super::gate::{StorageGate, scrub, shell, tail};
use super::group_starts::ready_step;
use super::op::{Op, Seen};
use crate::engine::{Engine, ErrorKind, Id, VmStatus};
use crate::execute::{Completion, StepContext, StepFailure};
use crate::recovery_plan::{OnTimeout, Wait, WaitFor};

/// How long one run of a check command may take before it counts as failed; the wait then
/// tries again until its own timeout. A check is meant to be quick (a port probe).
pub(super) const CHECK_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);

/// Waits until VM `vm` passes `wait`. Past the timeout (or when the VM went down), it fails,
/// unless the group goes on regardless: it then ends with `"passed": false` in its output.
pub(crate) async fn wait_ready(
    op: &Op<'_>,
    engine: &dyn Engine,
    vm: Id,
    name: &str,
    wait: &Wait,
) -> Result<Completion, StepFailure> {
    let result = match &wait.until {
        // Whatever the guest reports already, for the report (empty before its agent did).
        WaitFor::Up => match poll_addresses(op, engine, vm, name, wait.timeout, false).await {
            Ok(()) => Ok(addresses(engine, vm).await.unwrap_or_default()),
            Err(e) => Err(e),
        },
        WaitFor::Ip => {
            poll_addresses(op, engine, vm, name, wait.timeout, true).await?;
            addresses(engine, vm).await.map_err(StepFailure::from)
        }
        WaitFor::Check { command } => check(op, engine, vm, name, command, wait.timeout).await,
    };
    match result {
        Ok(addresses) => Ok(Completion::Done {
            output: Some(serde_json::json!({"passed": true, "addresses": addresses})),
        }),
        Err(e) if wait.on_timeout == OnTimeout::Continue => Ok(Completion::Done {
            output: Some(serde_json::json!({"passed": false, "why": e.message})),
        }),
        Err(e) => Err(e),
    }
}

/// The addresses VM `vm`'s guest agent reports.
async fn addresses(engine: &dyn Engine, vm: Id) -> crate::engine::EngineResult<Vec<IpAddr>> {
    Ok(engine
        .vm_reported_devices(vm)
        .await?
        .into_iter()
        .flat_map(|d| d.ips)
        .collect())
}

/// Polls until the VM is up (and, with `address`, its guest reported an address).
async fn poll_addresses(
    op: &Op<'_>,
    engine: &dyn Engine,
    vm: Id,
    name: &str,
    timeout: Duration,
    address: bool,
) -> Result<(), StepFailure> {
    let what = if address {
        format!("VM '{name}' to report an address")
    } else {
        format!("VM '{name}' to be up")
    };
    op.poll(&what, timeout, || async {
        let v = engine.vm(vm).await?;
        match v.status {
            VmStatus::Up if !address => Ok(Seen::Ready(())),
            VmStatus::Up => {
                if addresses(engine, vm).await?.is_empty() {
                    Ok(Seen::Pending("up, no address reported yet".into()))
                } else {
                    Ok(Seen::Ready(()))
                }
            }
            VmStatus::Down => Err(crate::EngineError::new(ErrorKind::InvalidState, "start_vm")
                .on(format!("VM '{name}'"))
                .with_message(
                    "the VM went down again: it failed to start (see the Engine's events)",
                )),
            s => Ok(Seen::Pending(format!("status {s}"))),
        }
    })
    .await
}

/// Runs `command` (with `{address}` and `{name}` filled in) until it exits with 0, within
/// `timeout`; the address is the first one the guest reports.
async fn check(
    op: &Op<'_>,
    engine: &dyn Engine,
    vm: Id,
    name: &str,
    command: &str,
    timeout: Duration,
) -> Result<Vec<IpAddr>, StepFailure> {
    let start = tokio::time::Instant::now();
    poll_addresses(op, engine, vm, name, timeout, true).await?;
    let found = addresses(engine, vm).await.map_err(StepFailure::from)?;
    let address = found.first().map(ToString::to_string).unwrap_or_default();
    let line = command
        .replace("{address}", &address)
        .replace("{name}", name);
    let shown = scrub(&line, &[]);
    let mut attempts = 0u32;
    let mut interval = op.t.poll_min;
    loop {
        attempts += 1;
        let why = match tokio::time::timeout(CHECK_ATTEMPT_TIMEOUT, shell(&line).output()).await {
            Ok(Ok(out)) if out.status.success() => {
                op.ctx
                    .progress(format!("check of VM '{name}' passed: {shown}"));
                let _ = op.ctx.fact(
                    format!("check.{name}"),
                    format!("passed after {attempts} attempts: {shown}"),
                );
                return Ok(found);
            }
            Ok(Ok(out)) => format!("{} ({})", out.status, scrub(tail(&out.stderr).trim(), &[])),
            Ok(Err(e)) => format!("cannot run it: {e}"),
            Err(_) => format!("no end within {} s", CHECK_ATTEMPT_TIMEOUT.as_secs()),
        };
        op.ctx
            .progress(format!("check of VM '{name}' failed: {shown}: {why}"));
        if start.elapsed() >= timeout {
            return Err(StepFailure {
                message: format!(
                    "VM '{name}': the check `{shown}` did not pass within {} s ({attempts} attempts); last: {why}",
                    timeout.as_secs()
                ),
                kind: Some(ErrorKind::Timeout),
            });
        }
        let remaining = timeout.saturating_sub(start.elapsed());
        tokio::time::sleep(interval.min(remaining).max(Duration::from_millis(1))).await;
        interval = (interval * 2).min(op.t.poll_max);
    }
}

/// Ends group `group`: when a VM did not pass its wait, `wait.on_timeout` decides (go on; stop
/// the run here, resumable; or ask at `gate`); then the group's delay.
pub(crate) async fn finish_group(
    ctx: &StepContext,
    gate: Option<&dyn StorageGate>,
    group: &str,
    vms: &[(Id, String)],
    wait: &Wait,
    delay_after: Duration,
) -> Result<Completion, StepFailure> {
    let missed: Vec<&str> = vms
        .iter()
        .filter(|(id, _)| {
            ctx.output_of(&ready_step(*id))
                .and_then(|o| o.get("passed").and_then(serde_json::Value::as_bool))
                != Some(true)
        })
        .map(|(_, name)| name.as_str())
        .collect();
    let mut confirmed = None;
    if !missed.is_empty() {
        let list = missed.join("', '");
        match wait.on_timeout {
            OnTimeout::Continue => ctx.progress(format!(
                "group '{group}': VMs '{list}' did not pass their wait; going on (on_timeout: continue)"
            )),
            OnTimeout::Stop => {
                return Err(StepFailure::new(format!(
                    "group '{group}': VMs '{list}' did not pass their wait, so the next groups do not start (on_timeout: stop); \
                     see why above, then resume the run"
                )));
            }
            OnTimeout::Ask => {
                let Some(gate) = gate else {
                    return Err(StepFailure::new(format!(
                        "group '{group}': VMs '{list}' did not pass their wait and the plan says to ask, \
                         but no way to answer was given (prompt, command or file)"
                    )));
                };
                let description = format!(
                    "group '{group}': VMs '{list}' did not pass their wait; confirm to go on with the next group"
                );
                confirmed = Some(gate.wait_ready(&description, ctx).await?);
            }
        }
    }
    if !delay_after.is_zero() {
        ctx.progress(format!(
            "group '{group}' done; waiting {} s before the next group",
            delay_after.as_secs()
        ));
        tokio::time::sleep(delay_after).await;
    }
    Ok(Completion::Done {
        output: Some(serde_json::json!({
            "group": group,
            "vms": vms.len(),
            "not_passed": missed,
            "confirmed": confirmed,
        })),
    })
}
