//! `olvm-dr plan | failover | cleanup | failback | switchover`: the DR flows.

use olvm_dr_core::plan::{CleanupOptions, FailoverOptions, NicIsolation, ReturnOptions, StopMode};

use crate::cli::GlobalArgs;
use crate::connect::Connect;
use crate::exit::Exit;
use crate::flow::{Request, plan_only, run_flow};
use crate::flow_args::{
    CleanupArgs, CleanupChoices, FailoverArgs, FailoverChoices, PlanCommand, ReturnArgs,
    ReturnChoices,
};

/// `--domains`: `None` when not given.
fn selection(names: &[String]) -> Option<Vec<String>> {
    (!names.is_empty()).then(|| names.to_vec())
}

/// The failover options the command line chose, with the recovery plan read and checked.
fn failover_options(
    global: &GlobalArgs,
    choices: &FailoverChoices,
) -> Result<FailoverOptions, Exit> {
    Ok(FailoverOptions {
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
        isolation: NicIsolation::None,
        domains: selection(&choices.domains),
        recovery_plan: crate::recovery_plan_arg::load(global, choices.recovery_plan.as_deref())?,
    })
}

fn cleanup_options(choices: &CleanupChoices) -> CleanupOptions {
    CleanupOptions {
        stop: if choices.power_off {
            StopMode::PowerOff
        } else {
            StopMode::GracefulThenPowerOff
        },
        remove_orphans: choices.remove_orphans,
        force_remove: choices.force_remove,
        domains: selection(&choices.domains),
        stale: false,
    }
}

fn failback_options(
    global: &GlobalArgs,
    choices: &FailoverChoices,
    returning: &ReturnChoices,
) -> Result<ReturnOptions, Exit> {
    let mut o = ReturnOptions::failback();
    o.failover = failover_options(global, choices)?;
    o.clean_returning_site = !returning.no_clean_returning_site;
    o.cleanup.force_remove = returning.force_remove;
    o.cleanup.domains = o.failover.domains.clone();
    Ok(o)
}

fn switchover_options(
    global: &GlobalArgs,
    choices: &FailoverChoices,
    returning: &ReturnChoices,
) -> Result<ReturnOptions, Exit> {
    let mut o = ReturnOptions::switchover();
    o.failover = failover_options(global, choices)?;
    o.cleanup.force_remove = returning.force_remove;
    o.cleanup.domains = o.failover.domains.clone();
    if returning.power_off_after_timeout {
        o.cleanup.stop = StopMode::GracefulThenPowerOff;
    }
    Ok(o)
}

pub(crate) fn failover(global: &GlobalArgs, args: &FailoverArgs, connect: &Connect<'_>) -> Exit {
    let request = match failover_options(global, &args.choices) {
        Ok(o) => Request::Failover(o),
        Err(exit) => return exit,
    };
    run_flow(
        global,
        &args.inputs,
        args.choices.target,
        &request,
        &args.run,
        None,
        connect,
    )
}

pub(crate) fn cleanup(global: &GlobalArgs, args: &CleanupArgs, connect: &Connect<'_>) -> Exit {
    let request = Request::Cleanup(cleanup_options(&args.choices));
    run_flow(
        global,
        &args.inputs,
        args.choices.site,
        &request,
        &args.run,
        None,
        connect,
    )
}

pub(crate) fn failback(global: &GlobalArgs, args: &ReturnArgs, connect: &Connect<'_>) -> Exit {
    let request = match failback_options(global, &args.choices, &args.returning) {
        Ok(o) => Request::Failback(o),
        Err(exit) => return exit,
    };
    run_flow(
        global,
        &args.inputs,
        args.choices.target,
        &request,
        &args.run,
        Some(&args.gate),
        connect,
    )
}

pub(crate) fn switchover(global: &GlobalArgs, args: &ReturnArgs, connect: &Connect<'_>) -> Exit {
    let request = match switchover_options(global, &args.choices, &args.returning) {
        Ok(o) => Request::Switchover(o),
        Err(exit) => return exit,
    };
    run_flow(
        global,
        &args.inputs,
        args.choices.target,
        &request,
        &args.run,
        Some(&args.gate),
        connect,
    )
}

pub(crate) fn plan(global: &GlobalArgs, command: &PlanCommand, connect: &Connect<'_>) -> Exit {
    match command {
        PlanCommand::Failover {
            inputs,
            choices,
            all_steps,
        } => plan_only(
            global,
            inputs,
            choices.target,
            &match failover_options(global, choices) {
                Ok(o) => Request::Failover(o),
                Err(exit) => return exit,
            },
            *all_steps,
            connect,
        ),
        PlanCommand::Cleanup {
            inputs,
            choices,
            all_steps,
        } => plan_only(
            global,
            inputs,
            choices.site,
            &Request::Cleanup(cleanup_options(choices)),
            *all_steps,
            connect,
        ),
        PlanCommand::Failback {
            inputs,
            choices,
            returning,
            all_steps,
        } => plan_only(
            global,
            inputs,
            choices.target,
            &match failback_options(global, choices, returning) {
                Ok(o) => Request::Failback(o),
                Err(exit) => return exit,
            },
            *all_steps,
            connect,
        ),
        PlanCommand::Switchover {
            inputs,
            choices,
            returning,
            all_steps,
        } => plan_only(
            global,
            inputs,
            choices.target,
            &match switchover_options(global, choices, returning) {
                Ok(o) => Request::Switchover(o),
                Err(exit) => return exit,
            },
            *all_steps,
            connect,
        ),
    }
}
