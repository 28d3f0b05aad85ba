//! `olvm-dr drill start | end | failback | full`: the OLVM DR guide's three tests as commands.

use olvm_dr_core::flow::options::{self, OptionValue};
use olvm_dr_core::flow::{FullDrillLeg, Resume};

use super::flows::{Values, domains, request};
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

fn start_values(global: &GlobalArgs, args: &DrillStartArgs) -> Result<Values, Exit> {
    let plan = crate::recovery_plan_arg::value(global, args.recovery_plan.as_deref())?;
    Ok(vec![
        (
            "isolation".into(),
            OptionValue::Text(args.isolate.to_string()),
        ),
        ("domains".into(), domains(&args.domains)),
        ("start_vms".into(), OptionValue::Bool(!args.no_start)),
        ("wait_for_vms".into(), OptionValue::Bool(!args.no_wait_vms)),
        ("recovery_plan".into(), plan),
    ])
}

fn failback_values(args: &DrillFailbackArgs) -> Values {
    vec![("domains".into(), domains(&args.domains))]
}

fn start(global: &GlobalArgs, args: &DrillStartArgs, connect: &Connect<'_>) -> Exit {
    let values = match start_values(global, args) {
        Ok(v) => v,
        Err(exit) => return exit,
    };
    let request = match request(values, options::Drill::request) {
        Ok(r) => r,
        Err(exit) => return exit,
    };
    flow::run_flow(
        global,
        &args.inputs,
        args.target,
        &request,
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
        &Request::DrillEnd(None),
        &args.run,
        Some(&args.gate),
        connect,
    )
}

fn failback(global: &GlobalArgs, args: &DrillFailbackArgs, connect: &Connect<'_>) -> Exit {
    let request = match request(failback_values(args), options::DrillFailback::request) {
        Ok(r) => r,
        Err(exit) => return exit,
    };
    flow::run_flow(
        global,
        &args.inputs,
        args.target,
        &request,
        &args.run,
        Some(&args.gate),
        connect,
    )
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
    let store = match setup::open_store_for(
        global,
        args.inputs.state_option().as_deref(),
        args.run.dry_run,
    ) {
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
        FullDrillLeg::Out
    } else {
        store.next_full_drill_leg(to)
    };
    let full = options::DrillFull {
        stay: args.stay,
        power_off_after_timeout: args.power_off_after_timeout,
    };
    let exit = loop {
        let (request, target) = full.leg(leg, to);
        output::note_line(&match leg {
            FullDrillLeg::Out => format!(
                "full drill, leg 1 of 2: everything moves to the {to} site (planned switchover)"
            ),
            FullDrillLeg::Home => format!(
                "full drill, leg 2 of 2: everything returns to the {target} site (failback)"
            ),
        });
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
            (FullDrillLeg::Out, Exit::Success) if args.run.dry_run => {
                output::note_line("(dry run: the return leg is planned once the move is done)");
                break Exit::Success;
            }
            (FullDrillLeg::Out, Exit::Success) if full.stay => {
                output::note_line(&format!(
                    "the workload runs on the {to} site; run `olvm-dr drill full` again to return home"
                ));
                break Exit::Success;
            }
            (FullDrillLeg::Out, Exit::Success) => leg = FullDrillLeg::Home,
            (_, exit) => break exit,
        }
    };
    flow::close(&rt, &setup.ctx);
    exit
}

#[cfg(test)]
mod tests {
    use olvm_dr_core::flow::options::{Drill, DrillFailback};

    use super::*;
    use crate::cli::Command;
    use crate::commands::flows::tests::{names, options_of, parsed};

    /// As for the other flows: a new drill option must get its flag here.
    #[test]
    fn the_command_line_sets_every_drill_option() {
        let (cli, _conf) = parsed(&["drill", "start"]);
        let Command::Drill(DrillCommand::Start(a)) = &cli.command else {
            panic!("not a drill start")
        };
        let values = start_values(&cli.global, a).unwrap();
        assert_eq!(names(&values), options_of::<Drill>());
        let (cli, _conf) = parsed(&["drill", "failback"]);
        let Command::Drill(DrillCommand::Failback(a)) = &cli.command else {
            panic!("not a drill failback")
        };
        assert_eq!(names(&failback_values(a)), options_of::<DrillFailback>());
    }
}
