//! `olvm-dr plan ...`: make and print a plan, changing nothing.

use olvm_dr_core::flow::{Resume, RunStore};
use olvm_dr_core::plan::RenderOptions;

use crate::cli::{GlobalArgs, OutputFormat};
use crate::exit::Exit;
use crate::flow::{self, setup};
use crate::flow_args::PlanCommand;
use crate::output;

pub(crate) fn run(global: &GlobalArgs, command: &PlanCommand) -> Exit {
    let PlanCommand::Failover {
        inputs,
        choices,
        all_steps,
    } = command;
    let setup = match setup::load(global, inputs, choices.target) {
        Ok(s) => s,
        Err(exit) => return exit,
    };
    let rt = match flow::runtime() {
        Ok(rt) => rt,
        Err(exit) => return exit,
    };
    // Planning only reads: no state directory, no lock.
    let store = RunStore::in_memory();
    let prepared = rt.block_on(setup.ctx.prepare_failover(
        setup.target,
        &super::failover::options(choices),
        &store,
        &Resume::Never,
    ));
    let exit = match prepared {
        Ok(p) => {
            match inputs.output {
                OutputFormat::Json => output::out(
                    &(serde_json::to_string_pretty(&*p.plan).unwrap_or_default() + "\n"),
                ),
                OutputFormat::Text => {
                    let options = RenderOptions {
                        max_steps_per_phase: if *all_steps { None } else { Some(25) },
                    };
                    output::out(&p.plan.render(options));
                }
            }
            Exit::Success
        }
        Err(e) => flow::report_flow_error(global, &e),
    };
    super::failover::close(&rt, &setup.ctx);
    exit
}
