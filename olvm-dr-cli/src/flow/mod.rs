//! What every flow command shares: loading its inputs, showing and confirming the plan,
//! running it with progress, and printing the result.

mod gate;
pub(crate) mod progress;
pub(crate) mod setup;

use std::io::{BufRead, IsTerminal, Write};
use std::sync::Arc;

use olvm_dr_core::Site;
use olvm_dr_core::execute::{GATE_PLACEHOLDER, OnError, SchedulerOptions};
use olvm_dr_core::flow::{FlowContext, FlowError, PreparedRun, Resume, RunOptions, RunStore};
use olvm_dr_core::plan::{Action, PlanningError, RenderOptions};
use olvm_dr_core::report::Verdict;

use self::progress::{CliReporter, ProgressMode};
use self::setup::Sites;
use crate::cli::{GlobalArgs, OutputFormat};
use crate::connect::Connect;
use crate::exit::Exit;
use crate::flow_args::{FlowInputs, GateArgs, OnErrorArg, RunArgs};
use crate::output;

/// The async runtime of a flow command: the flows wait on many Engine calls at once; two worker
/// threads are plenty for that (the work is waiting, not computing).
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, Exit> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| {
            output::error_line(&format!("cannot start the async runtime: {e}"));
            Exit::Failure
        })
}

/// Which run to continue, from the options.
pub(crate) fn resume_choice(run: &RunArgs) -> Resume {
    match (&run.resume, run.new_run) {
        (Some(id), _) => Resume::Run(id.clone()),
        (None, true) => Resume::Never,
        (None, false) => Resume::Auto,
    }
}

/// Prints why a flow could not start and returns its exit code.
pub(crate) fn report_flow_error(global: &GlobalArgs, e: &FlowError) -> Exit {
    match e {
        FlowError::Planning(p) => match p.as_ref() {
            PlanningError::Problems(list) => {
                output::out(&output::print_text(list, output::use_color(global.color)));
                output::error_line("the plan cannot be made (see above); nothing was changed");
            }
            PlanningError::Engine { .. } => {
                output::error_line(&format!("{p}; nothing was changed"))
            }
        },
        other => output::error_line(&other.to_string()),
    }
    Exit::Failure
}

/// Which flow a command runs, with its choices.
pub(crate) use olvm_dr_core::flow::FlowRequest as Request;

/// The sites a request needs.
pub(crate) fn sites(request: &Request) -> Sites {
    match request {
        Request::Failover(_) | Request::Cleanup(_) | Request::DrillStart(_) => Sites::Target,
        Request::DrillEnd(_) => Sites::Only,
        Request::Failback(_) | Request::DrillFailback(_) => Sites::ReturnTo,
        Request::Switchover(_) => Sites::Both,
    }
}

/// Plans the request (or finds the run to resume); the end of a drill first says which drill
/// it ends, read once from the state directory.
pub(crate) async fn prepare(
    request: &Request,
    ctx: &FlowContext,
    target: Site,
    store: &RunStore,
    resume: &Resume,
) -> Result<PreparedRun, FlowError> {
    if !matches!(request, Request::DrillEnd(None)) {
        return request.prepare(ctx, target, store, resume).await;
    }
    let (options, last) = ctx.drill_end_options(target, store)?;
    match &last {
        Some(d) => output::note_line(&format!(
            "ending drill {} on the {target} site: {}, {} VMs it registered",
            d.run_id,
            d.domains.as_ref().map_or_else(
                || "every mapped domain".to_owned(),
                |n| format!("domains {}", n.join(", "))
            ),
            d.vms.len()
        )),
        None => output::note_line(&format!(
            "no drill on the {target} site in the state directory: every mapped domain the {target} site has is released"
        )),
    }
    Request::DrillEnd(Some(options))
        .prepare(ctx, target, store, resume)
        .await
}

/// Logs out of every Engine (SSO tokens are revoked, as the role's `always:` section does).
pub(crate) fn close(rt: &tokio::runtime::Runtime, ctx: &FlowContext) {
    let engines: Vec<_> = ctx.engines.values().cloned().collect();
    rt.block_on(crate::connect::close_all(&engines));
}

/// `olvm-dr plan ...`: loads the inputs, makes the plan, prints it.
pub(crate) fn plan_only(
    global: &GlobalArgs,
    inputs: &FlowInputs,
    target: Option<Site>,
    request: &Request,
    all_steps: bool,
    connect: &Connect<'_>,
) -> Exit {
    let setup = match setup::load(global, inputs, target, sites(request), connect) {
        Ok(s) => s,
        Err(exit) => return exit,
    };
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(exit) => return exit,
    };
    // Planning only reads: no state directory, no lock.
    let store = RunStore::in_memory();
    let exit = match rt.block_on(prepare(
        request,
        &setup.ctx,
        setup.target,
        &store,
        &Resume::Never,
    )) {
        Ok(p) => {
            match inputs.output {
                OutputFormat::Json => output::out(
                    &(serde_json::to_string_pretty(&*p.plan).unwrap_or_default() + "\n"),
                ),
                OutputFormat::Text => {
                    let options = RenderOptions {
                        max_steps_per_phase: if all_steps { None } else { Some(25) },
                    };
                    output::out(&p.plan.render(options));
                }
            }
            Exit::Success
        }
        Err(e) => report_flow_error(global, &e),
    };
    close(&rt, &setup.ctx);
    exit
}

/// `olvm-dr failover | cleanup | failback | switchover`: loads the inputs, prepares the run
/// (resuming an interrupted one), shows the plan, asks, runs it and prints the result.
pub(crate) fn run_flow(
    global: &GlobalArgs,
    inputs: &FlowInputs,
    target: Option<Site>,
    request: &Request,
    run: &RunArgs,
    gate: Option<&GateArgs>,
    connect: &Connect<'_>,
) -> Exit {
    let setup = match setup::load(global, inputs, target, sites(request), connect) {
        Ok(s) => s,
        Err(exit) => return exit,
    };
    let store = match setup::open_store_for(global, inputs.state_option().as_deref(), run.dry_run) {
        Ok(s) => s,
        Err(exit) => return exit,
    };
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(exit) => return exit,
    };
    let exit = match rt.block_on(prepare(
        request,
        &setup.ctx,
        setup.target,
        &store,
        &resume_choice(run),
    )) {
        Ok(p) => run_prepared(global, &rt, &setup.ctx, &store, p, run, gate, inputs.output),
        Err(e) => report_flow_error(global, &e),
    };
    close(&rt, &setup.ctx);
    exit
}

/// What a dry run can tell of the sites before a real run, one attempt each: the target must
/// answer; when the plan has a split-brain guard, a source that answers with an error (a wrong
/// password, a certificate this client does not trust, ...) makes the guard refuse, while one
/// that does not answer at all leaves the guard to probe its hosts (said in a note). Each
/// returned line is a reason the real run would fail.
async fn dry_run_sites(ctx: &FlowContext, plan: &olvm_dr_core::plan::Plan) -> Vec<String> {
    let guarded = plan
        .steps
        .iter()
        .any(|s| matches!(s.action, Action::SplitBrainGuard { .. }));
    let mut problems = Vec::new();
    for (site, engine) in &ctx.engines {
        let is_target = *site == plan.target;
        if !is_target && !guarded {
            continue;
        }
        match engine.api_info().await {
            Ok(_) => {}
            Err(e) if !is_target && e.kind.is_no_answer() => output::note_line(&format!(
                "the {site} Engine does not answer ({e}): a real run's split-brain guard probes the {site} site's known hosts"
            )),
            Err(e) if is_target => problems.push(format!(
                "a real run would fail: the {site} (target) Engine cannot be used: {e}"
            )),
            Err(e) => problems.push(format!(
                "a real run would be refused: the {site} Engine answers with an error, so the split-brain guard takes the {site} site for up: {e}"
            )),
        }
    }
    problems
}

/// Shows the plan, asks for confirmation, runs it and prints the result.
#[allow(clippy::too_many_arguments)]
pub(crate) fn run_prepared(
    global: &GlobalArgs,
    rt: &tokio::runtime::Runtime,
    ctx: &FlowContext,
    store: &RunStore,
    prepared: PreparedRun,
    run: &RunArgs,
    gate: Option<&GateArgs>,
    format: OutputFormat,
) -> Exit {
    let plan_text = prepared.plan.render(RenderOptions::default());
    let header = match (&prepared.resumed, prepared.run_id()) {
        (Some(state), Some(id)) => format!(
            "Resuming run {id}: {} steps ended before it was interrupted or stopped (use --new-run to plan afresh).\n",
            state.results.len()
        ),
        _ => String::new(),
    };
    if run.dry_run {
        match format {
            OutputFormat::Json => output::out(
                &(serde_json::to_string_pretty(&*prepared.plan).unwrap_or_default() + "\n"),
            ),
            OutputFormat::Text => output::out(&format!(
                "{header}{plan_text}\n(dry run: nothing was changed)\n"
            )),
        }
        let problems = rt.block_on(dry_run_sites(ctx, &prepared.plan));
        if !problems.is_empty() {
            for p in &problems {
                output::error_line(p);
            }
            return Exit::Failure;
        }
        return Exit::Success;
    }
    let mode = if global.quiet > 0 {
        ProgressMode::Silent
    } else if global.verbose > 0 {
        ProgressMode::Steps
    } else if run.no_progress || !std::io::stderr().is_terminal() {
        ProgressMode::Lines
    } else {
        ProgressMode::Bar
    };
    let reporter = Arc::new(CliReporter::new(mode));
    let gates = prepared
        .plan
        .steps
        .iter()
        .filter(|s| matches!(s.action, Action::StorageGate { .. }))
        .count();
    if gates > 1
        && let Some(file) = gate.and_then(|g| g.storage_ready_file.as_ref())
        && !file.to_string_lossy().contains(GATE_PLACEHOLDER)
    {
        output::error_line(&format!(
            "this plan has {gates} storage gates: put {GATE_PLACEHOLDER} in --storage-ready-file (e.g. {}) so each gate waits for its own file",
            file.with_file_name(format!("{GATE_PLACEHOLDER}.ready"))
                .display()
        ));
        return Exit::Usage;
    }
    let gate = match (gates > 0, gate) {
        (false, _) => None,
        (true, Some(args)) => match gate::from_args(args, &reporter) {
            Ok(g) => Some(g),
            Err(message) => {
                output::error_line(&message);
                return Exit::Usage;
            }
        },
        (true, None) => {
            output::error_line("the plan has a storage gate but this command cannot pass one");
            return Exit::Usage;
        }
    };
    // A recovery plan that asks (a manual step, a group whose wait does not pass, a failed hook
    // whose policy is ask): the answer command or file, else the terminal; storage gates still
    // go to their own command, file or prompt.
    let asks = prepared.plan.recovery.as_ref().is_some_and(|r| {
        r.needs_operator()
            || r.groups
                .iter()
                .any(|g| g.wait.on_timeout == olvm_dr_core::recovery_plan::OnTimeout::Ask)
    });
    let gate = if asks {
        let conf = match crate::conf::load_checked(global.conf_file.as_deref(), global.color) {
            Ok(c) => c.map(|(c, _)| c),
            Err(exit) => return exit,
        };
        let questions = prepared
            .plan
            .recovery
            .as_ref()
            .map_or(0, |r| r.operator_questions());
        match (
            gate::answer_from(&run.answer, conf.as_ref()),
            gate::terminal_prompt(&reporter),
        ) {
            (Some(answer), _) => {
                match gate::answer_gate(&answer, run.answer.answer_timeout, questions) {
                    Ok(answers) => Some(gate::by_step(gate, answers)),
                    Err(message) => {
                        output::error_line(&message);
                        return Exit::Usage;
                    }
                }
            }
            (None, Some(prompt)) => Some(gate::by_step(gate, prompt)),
            (None, None) => {
                output::error_line(
                    "the recovery plan asks the operator (a manual step, on_timeout: ask or on_failure: ask), but stdin is not a terminal to ask: \
                     give --answer-command or --answer-file (or answer_command or answer_file in dr.conf's [failover_failback]), run on a terminal, \
                     or remove the manual steps and set on_timeout and on_failure to continue or stop",
                );
                return Exit::Usage;
            }
        }
    } else {
        gate
    };
    // In JSON mode stdout carries only the report; the plan goes to stderr.
    let show = format!("{header}{plan_text}");
    match format {
        OutputFormat::Text => output::out(&show),
        OutputFormat::Json => {
            let _ = write!(std::io::stderr().lock(), "{show}");
        }
    }
    if !run.yes {
        if !std::io::stdin().is_terminal() {
            output::error_line(
                "stdin is not a terminal: pass --yes to run the plan without confirmation",
            );
            return Exit::Usage;
        }
        let _ = write!(
            std::io::stderr().lock(),
            "\nRun this plan? Type 'yes' to go on: "
        );
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        let _ = std::io::stdin().lock().read_line(&mut answer);
        if answer.trim() != "yes" {
            output::note_line("not confirmed; nothing was changed");
            return Exit::Failure;
        }
    }
    let options = RunOptions {
        concurrency: run.concurrency,
        scheduler: SchedulerOptions {
            on_error: match run.on_error {
                OnErrorArg::Continue => OnError::Continue,
                OnErrorArg::Stop => OnError::Stop,
            },
            ..SchedulerOptions::default()
        },
        reporter: reporter.clone(),
        gate,
        break_lock: run.break_lock,
        ..RunOptions::default()
    };
    let result = rt.block_on(prepared.execute(ctx, store, &options));
    reporter.finish();
    let report = match result {
        Ok(r) => r,
        Err(e) => return report_flow_error(global, &e),
    };
    match format {
        OutputFormat::Text => output::out(&format!("\n{}", report.render_summary())),
        OutputFormat::Json => output::out(&(report.to_json() + "\n")),
    }
    if let Some(root) = store.root() {
        output::note_line(&format!(
            "run {} is kept in {} (olvm-dr report show {}; the page for a browser: report.html there)",
            report.run_id,
            root.join("runs").join(&report.run_id).display(),
            report.run_id
        ));
    } else if let Some(location) = store.location() {
        output::note_line(&format!(
            "run {} is kept in {location} (olvm-dr report show --state {location} {})",
            report.run_id, report.run_id
        ));
    }
    match report.verdict {
        Verdict::Success => Exit::Success,
        Verdict::Partial | Verdict::Failed => Exit::Failure,
    }
}
