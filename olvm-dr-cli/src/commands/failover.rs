//! `olvm-dr failover`: bring the replicated domains, templates and VMs up on the target site.

use olvm_dr_core::plan::FailoverOptions;

use crate::cli::GlobalArgs;
use crate::exit::Exit;
use crate::flow::{self, setup};
use crate::flow_args::{FailoverArgs, FailoverChoices};

/// The failover options the command line chose.
pub(crate) fn options(choices: &FailoverChoices) -> FailoverOptions {
    FailoverOptions {
        start_vms: !choices.no_start,
        wait_for_up: !choices.no_wait_vms,
        all_active_domains: choices.all_active_domains,
        partial_import: !choices.no_partial_import,
        reassign_bad_macs: !choices.keep_bad_macs,
        force_reason: if choices.force {
            choices.reason.clone()
        } else {
            None
        },
        drill: false,
    }
}

pub(crate) fn run(global: &GlobalArgs, args: &FailoverArgs) -> Exit {
    let setup = match setup::load(global, &args.inputs, args.choices.target) {
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
    let resume = flow::resume_choice(&args.run);
    let prepared = rt.block_on(setup.ctx.prepare_failover(
        setup.target,
        &options(&args.choices),
        &store,
        &resume,
    ));
    let exit = match prepared {
        Ok(p) => flow::run_prepared(
            global,
            &rt,
            &setup.ctx,
            &store,
            p,
            &args.run,
            args.inputs.output,
        ),
        Err(e) => flow::report_flow_error(global, &e),
    };
    close(&rt, &setup.ctx);
    exit
}

/// Logs out of every Engine (SSO tokens are revoked, as the role's `always:` section does).
pub(crate) fn close(rt: &tokio::runtime::Runtime, ctx: &olvm_dr_core::flow::FlowContext) {
    for engine in ctx.engines.values() {
        if let Err(e) = rt.block_on(engine.close()) {
            tracing::warn!("logout failed: {e}");
        }
    }
}
