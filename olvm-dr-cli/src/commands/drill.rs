//! `olvm-dr drill start | end | failback | full`: the OLVM DR guide's three tests as commands.

use olvm_dr_core::Site;
use olvm_dr_core::flow::{Resume, RunStore};
use olvm_dr_core::plan::{FailoverOptions, PlanKind, ReturnOptions, StopMode};

use crate::cli::GlobalArgs;
use crate::connect::Connect;
use crate::drill_args::{
    DrillCommand, DrillEndArgs, DrillFailbackArgs, DrillFullArgs, DrillStartArgs,
};
use crate::exit::Exit;
use crate::flow::{self, Request, setup};
use crate::output;

pub(crate) fn run(global: &GlobalArgs, command: &DrillCommand, connect: &Connect<'_>) -> Exit {
    match command {
        DrillCommand::Start(args) => start(global, args, connect),
        DrillCommand::End(args) => end(global, args, connect),
        DrillCommand::Failback(args) => failback(global, args, connect),
        DrillCommand::Full(args) => full(global, args, connect),
    }
}

fn start(global: &GlobalArgs, args: &DrillStartArgs, connect: &Connect<'_>) -> Exit {
    let options = FailoverOptions {
        start_vms: !args.no_start,
        wait_for_up: !args.no_wait_vms,
        drill: true,
        isolation: args.isolate.clone(),
        domains: (!args.domains.is_empty()).then(|| args.domains.clone()),
        ..FailoverOptions::default()
    };
    flow::run_flow(
        global,
        &args.inputs,
        args.target,
        &Request::DrillStart(options),
        &args.run,
        Some(&args.gate),
        connect,
    )
}

fn end(global: &GlobalArgs, args: &DrillEndArgs, connect: &Connect<'_>) -> Exit {
    flow::run_flow(
        global,
        &args.inputs,
        args.site,
        &Request::DrillEnd,
        &args.run,
        Some(&args.gate),
        connect,
    )
}

fn failback(global: &GlobalArgs, args: &DrillFailbackArgs, connect: &Connect<'_>) -> Exit {
    let mut options = ReturnOptions::failback();
    if !args.domains.is_empty() {
        options.failover.domains = Some(args.domains.clone());
        options.cleanup.domains = Some(args.domains.clone());
    }
    flow::run_flow(
        global,
        &args.inputs,
        args.target,
        &Request::DrillFailback(options),
        &args.run,
        Some(&args.gate),
        connect,
    )
}

/// Which leg of a full drill comes next, from the runs in the state directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Leg {
    /// Move the workload to the drill target (a switchover marked as a drill).
    Out,
    /// Return it home (a failback marked as a drill, restoring replication at the end).
    Home,
}

/// The newest run of a full drill decides: an interrupted leg is continued, a finished move
/// out is followed by the return, anything else starts afresh.
fn next_leg(store: &RunStore, to: Site) -> Leg {
    let last = store.runs().into_iter().rev().find_map(|r| {
        let s = r.state()?;
        let out = s.kind == PlanKind::Switchover && s.target == to;
        let home = s.kind == PlanKind::Failback && s.target == to.other();
        (s.drill && (out || home)).then_some((out, s.finished.is_some()))
    });
    match last {
        Some((true, _)) => Leg::Home,
        Some((false, false)) => Leg::Home,
        _ => Leg::Out,
    }
}

fn full(global: &GlobalArgs, args: &DrillFullArgs, connect: &Connect<'_>) -> Exit {
    let setup = match setup::load(
        global,
        &args.inputs,
        args.target,
        flow::setup::Sites::Both,
        connect,
    ) {
        Ok(s) => s,
        Err(exit) => return exit,
    };
    let store = match setup::open_store(args.inputs.state_dir.as_deref()) {
        Ok(s) => s,
        Err(exit) => return exit,
    };
    let rt = match flow::runtime() {
        Ok(rt) => rt,
        Err(exit) => return exit,
    };
    let to = setup.target;
    let resume = flow::resume_choice(&args.run);
    let mut leg = if matches!(resume, Resume::Never) {
        Leg::Out
    } else {
        next_leg(&store, to)
    };
    let exit = loop {
        let (request, target) = match leg {
            Leg::Out => {
                let mut o = ReturnOptions::switchover();
                o.drill = true;
                if args.power_off_after_timeout {
                    o.cleanup.stop = StopMode::GracefulThenPowerOff;
                }
                output::note_line(&format!(
                    "full drill, leg 1 of 2: everything moves to the {to} site (planned switchover)"
                ));
                (Request::Switchover(o), to)
            }
            Leg::Home => {
                let o = ReturnOptions {
                    drill: true,
                    restore_replication: true,
                    ..ReturnOptions::failback()
                };
                output::note_line(&format!(
                    "full drill, leg 2 of 2: everything returns to the {} site (failback)",
                    to.other()
                ));
                (Request::Failback(o), to.other())
            }
        };
        let prepared = match rt.block_on(request.prepare(&setup.ctx, target, &store, &resume)) {
            Ok(p) => p,
            Err(e) => break flow::report_flow_error(global, &e),
        };
        let exit = flow::run_prepared(
            global,
            &rt,
            &setup.ctx,
            &store,
            prepared,
            &args.run,
            Some(&args.gate),
            args.inputs.output,
        );
        match (leg, exit) {
            (Leg::Out, Exit::Success) if args.run.dry_run => {
                output::note_line("(dry run: the return leg is planned once the move is done)");
                break Exit::Success;
            }
            (Leg::Out, Exit::Success) if args.stay => {
                output::note_line(&format!(
                    "the workload runs on the {to} site; run `olvm-dr drill full` again to return home"
                ));
                break Exit::Success;
            }
            (Leg::Out, Exit::Success) => leg = Leg::Home,
            (_, exit) => break exit,
        }
    };
    flow::close(&rt, &setup.ctx);
    exit
}
