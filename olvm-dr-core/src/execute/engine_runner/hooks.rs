//! Running a recovery plan's hooks and manual steps. A hook's command runs like a check
//! command (`sh -c`, stdin closed, none of olvm-dr's secret variables, output scrubbed of their
//! values and cut to its end); what it printed, its exit status and its time go to the step's
//! output in the journal, where the report reads them.

use std::net::IpAddr;
use std::time::Duration;

use super::gate::{StorageGate, scrub, shell, tail};
use super::group_starts::ready_step;
use crate::execute::{Completion, StepContext, StepFailure};
use crate::plan::{HookVm, Plan};
use crate::recovery_plan::{Hook, HookPoint, OnFailure};

/// The hook's point in the plan (`before_run`, `before`, `after_ready`, ...).
pub const HOOK_ENV: &str = "OLVM_DR_HOOK";
/// The site the run brings the VMs to (`primary` or `secondary`).
pub const SITE_ENV: &str = "OLVM_DR_SITE";
/// The run's id.
pub const RUN_ENV: &str = "OLVM_DR_RUN";
/// What the run is: `failover`, `failback`, `switchover` or `drill`.
pub const DIRECTION_ENV: &str = "OLVM_DR_DIRECTION";
/// The group (a group's hooks and a VM's).
pub const GROUP_ENV: &str = "OLVM_DR_GROUP";
/// The VM's name (a VM's hooks).
pub const VM_NAME_ENV: &str = "OLVM_DR_VM_NAME";
/// The VM's id on the target site (a VM's hooks).
pub const VM_ID_ENV: &str = "OLVM_DR_VM_ID";
/// The addresses the VM's guest reported on the source, separated by spaces.
pub const VM_ADDRESSES_ENV: &str = "OLVM_DR_VM_ADDRESSES";
/// The addresses the VM has on the target (after a re-IP), separated by spaces.
pub const VM_NEW_ADDRESSES_ENV: &str = "OLVM_DR_VM_NEW_ADDRESSES";
/// `after_ready` only: `true` when the VM passed its group's wait, else `false`.
pub const VM_READY_ENV: &str = "OLVM_DR_VM_READY";
/// `after_ready` only: the addresses the guest reports on the target, separated by spaces.
pub const VM_REPORTED_ENV: &str = "OLVM_DR_VM_REPORTED_ADDRESSES";

/// What a hook's step is run with.
pub(crate) struct HookRun<'a> {
    /// The plan (its kind and direction).
    pub(crate) plan: &'a Plan,
    /// Where in the plan.
    pub(crate) point: HookPoint,
    /// The hook.
    pub(crate) hook: &'a Hook,
    /// Its group.
    pub(crate) group: Option<&'a str>,
    /// Its VM.
    pub(crate) vm: Option<&'a HookVm>,
}

impl HookRun<'_> {
    /// The run's kind for [`DIRECTION_ENV`].
    fn direction(&self) -> String {
        if self.plan.drill {
            "drill".to_owned()
        } else {
            self.plan.kind.to_string()
        }
    }

    /// The variables the command sees.
    fn environment(&self, ctx: &StepContext) -> Vec<(&'static str, String)> {
        let mut env = vec![
            (HOOK_ENV, self.point.as_str().to_owned()),
            (SITE_ENV, ctx.site().as_str().to_owned()),
            (RUN_ENV, ctx.run_id().to_owned()),
            (DIRECTION_ENV, self.direction()),
        ];
        if let Some(g) = self.group {
            env.push((GROUP_ENV, g.to_owned()));
        }
        if let Some(vm) = self.vm {
            env.push((VM_NAME_ENV, vm.name.clone()));
            env.push((VM_ID_ENV, vm.id.to_string()));
            env.push((VM_ADDRESSES_ENV, spaced(&vm.addresses)));
            env.push((VM_NEW_ADDRESSES_ENV, spaced(&vm.new_addresses)));
            if self.point == HookPoint::AfterReady {
                let ready = ctx.output_of(&ready_step(vm.id));
                let passed = ready
                    .as_ref()
                    .and_then(|o| o.get("passed").and_then(serde_json::Value::as_bool))
                    .unwrap_or(false);
                let reported: Vec<IpAddr> = ready
                    .and_then(|o| o.get("addresses").cloned())
                    .and_then(|a| serde_json::from_value(a).ok())
                    .unwrap_or_default();
                env.push((VM_READY_ENV, passed.to_string()));
                env.push((VM_REPORTED_ENV, spaced(&reported)));
            }
        }
        env
    }

    /// Who the hook is for, in messages: `hook before_start of VM 'db01'`.
    fn title(&self) -> String {
        match (self.vm, self.group) {
            (Some(vm), _) => format!("hook {} of VM '{}'", self.point.as_str(), vm.name),
            (None, Some(g)) => format!("hook {} of group '{g}'", self.point.as_str()),
            (None, None) => format!("hook {}", self.point.as_str()),
        }
    }
}

/// A hook's command as the journal and the report show it: scrubbed of the secret variables'
/// values.
pub(crate) fn shown(command: &str) -> String {
    scrub(command, &[])
}

fn spaced(addresses: &[IpAddr]) -> String {
    addresses
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// What one run of a hook's command gave.
struct Ran {
    /// The exit status (`None`: killed by a signal, timed out, or not started).
    exit: Option<i32>,
    /// Why it failed, when it did.
    failure: Option<String>,
    stdout: String,
    stderr: String,
    duration: Duration,
}

/// Runs the command once, within its timeout.
async fn run_command(run: &HookRun<'_>, ctx: &StepContext) -> Ran {
    let mut command = shell(&run.hook.command);
    for (name, value) in run.environment(ctx) {
        command.env(name, value);
    }
    let start = tokio::time::Instant::now();
    let result = tokio::time::timeout(run.hook.timeout, command.output()).await;
    let duration = start.elapsed();
    match result {
        Ok(Ok(out)) => Ran {
            exit: out.status.code(),
            failure: (!out.status.success()).then(|| format!("it exited with {}", out.status)),
            stdout: scrub(&tail(&out.stdout), &[]),
            stderr: scrub(&tail(&out.stderr), &[]),
            duration,
        },
        Ok(Err(e)) => Ran {
            exit: None,
            failure: Some(format!("it cannot be started: {e}")),
            stdout: String::new(),
            stderr: String::new(),
            duration,
        },
        Err(_) => Ran {
            exit: None,
            failure: Some(format!(
                "it did not end within {} s and was killed",
                run.hook.timeout.as_secs()
            )),
            stdout: String::new(),
            stderr: String::new(),
            duration,
        },
    }
}

/// Runs a hook's step: the command, then its failure policy when it failed.
pub(crate) async fn run_hook(
    run: &HookRun<'_>,
    ctx: &StepContext,
    gate: Option<&dyn StorageGate>,
) -> Result<Completion, StepFailure> {
    let shown = shown(&run.hook.command);
    let title = run.title();
    ctx.progress(format!("running {title}: {shown}"));
    let ran = run_command(run, ctx).await;
    let _ = ctx.fact(
        format!("{}.stdout", ctx.step()),
        ran.stdout.trim_end().to_owned(),
    );
    let _ = ctx.fact(
        format!("{}.stderr", ctx.step()),
        ran.stderr.trim_end().to_owned(),
    );
    let output = |passed: bool, confirmed: Option<&str>| {
        serde_json::json!({
            "point": run.point,
            "command": shown,
            "passed": passed,
            "exit": ran.exit,
            "why": ran.failure,
            "duration_ms": crate::execute::millis(ran.duration),
            "stdout": ran.stdout,
            "stderr": ran.stderr,
            "on_failure": run.hook.on_failure,
            "confirmed": confirmed,
        })
    };
    let Some(why) = &ran.failure else {
        return Ok(Completion::Done {
            output: Some(output(true, None)),
        });
    };
    let said = last_line(&ran.stderr).map_or_else(String::new, |l| format!("; stderr: {l}"));
    match run.hook.on_failure {
        OnFailure::Continue => {
            ctx.progress(format!(
                "{title} failed: {why}{said}; going on (on_failure: continue)"
            ));
            Ok(Completion::Done {
                output: Some(output(false, None)),
            })
        }
        OnFailure::Stop => Err(StepFailure::new(format!(
            "{title} failed: {why}{said}; the run stops here (on_failure: stop) and the next steps do not start. \
             Correct the cause, then run the command again"
        ))),
        OnFailure::Ask => {
            let Some(gate) = gate else {
                return Err(StepFailure::new(format!(
                    "{title} failed: {why}{said}; the plan says to ask, but no way to answer was given \
                     (a terminal, a file or a command); run the command again with one"
                )));
            };
            let question = format!("{title} failed ({why}{said}); confirm to go on");
            let confirmed = gate.wait_ready(&question, ctx).await?;
            Ok(Completion::Done {
                output: Some(output(false, Some(&confirmed))),
            })
        }
    }
}

/// The last line of a command's output that says something.
fn last_line(text: &str) -> Option<&str> {
    text.lines().rev().map(str::trim).find(|l| !l.is_empty())
}

/// Waits at a manual step until the operator confirms it through `gate`.
pub(crate) async fn manual_step(
    ctx: &StepContext,
    gate: Option<&dyn StorageGate>,
    question: &str,
) -> Result<Completion, StepFailure> {
    let Some(gate) = gate else {
        return Err(StepFailure::new(format!(
            "the recovery plan has a manual step ('{question}') but no way to confirm it was given \
             (a terminal, a file or a command); run the command again with one"
        )));
    };
    let confirmed = gate.wait_ready(question, ctx).await?;
    Ok(Completion::Done {
        output: Some(serde_json::json!({ "question": question, "confirmed": confirmed })),
    })
}
