//! `olvm-dr plan | failover | cleanup | failback | switchover`: the DR flows.

use olvm_dr_core::flow::FlowRequest;
use olvm_dr_core::flow::options::{self, FlowOptions, OptionError, OptionValue, OptionValue::Bool};

use crate::cli::GlobalArgs;
use crate::connect::Connect;
use crate::exit::Exit;
use crate::flow::{Request, plan_only, run_flow};
use crate::flow_args::{
    CleanupArgs, CleanupChoices, FailoverArgs, FailoverChoices, PlanCommand, ReturnArgs,
    ReturnChoices,
};
use crate::{output, recovery_plan_arg};

/// The options the command line chose, by their names in the core's options type.
pub(crate) type Values = Vec<(String, OptionValue)>;

fn pair(name: &str, value: OptionValue) -> (String, OptionValue) {
    (name.to_owned(), value)
}

/// `--domains`: the names, none when not given.
pub(crate) fn domains(names: &[String]) -> OptionValue {
    OptionValue::Texts(names.to_vec())
}

/// The core's request from the options' values; a value the core refuses is a usage error.
pub(crate) fn request<T: FlowOptions>(
    values: Values,
    request: fn(&T) -> Result<FlowRequest, OptionError>,
) -> Result<Request, Exit> {
    T::from_values(values)
        .and_then(|o| request(&o))
        .map_err(|e| {
            output::error_line(&e.to_string());
            Exit::Usage
        })
}

/// The failover choices (also those of failback and switchover), the recovery plan checked.
fn failover_values(global: &GlobalArgs, c: &FailoverChoices) -> Result<Values, Exit> {
    let reason = c.reason.clone().filter(|_| c.force);
    let plan = recovery_plan_arg::value(global, c.recovery_plan.as_deref())?;
    Ok(vec![
        pair("start_vms", Bool(!c.no_start)),
        pair("wait_for_vms", Bool(!c.no_wait_vms)),
        pair("all_active_domains", Bool(c.all_active_domains)),
        pair("partial_import", Bool(!c.no_partial_import)),
        pair("keep_bad_macs", Bool(c.keep_bad_macs)),
        pair(
            "force_reason",
            reason.map_or(OptionValue::Unset, OptionValue::Text),
        ),
        pair("domains", domains(&c.domains)),
        pair("recovery_plan", plan),
    ])
}

fn failover_request(global: &GlobalArgs, c: &FailoverChoices) -> Result<Request, Exit> {
    request(failover_values(global, c)?, options::Failover::request)
}

fn cleanup_request(c: &CleanupChoices) -> Result<Request, Exit> {
    let values = vec![
        pair("power_off", Bool(c.power_off)),
        pair("remove_orphans", Bool(c.remove_orphans)),
        pair("force_remove", Bool(c.force_remove)),
        pair("domains", domains(&c.domains)),
    ];
    request(values, options::Cleanup::request)
}

fn failback_request(
    global: &GlobalArgs,
    c: &FailoverChoices,
    r: &ReturnChoices,
) -> Result<Request, Exit> {
    let mut values = failover_values(global, c)?;
    values.push(pair(
        "clean_returning_site",
        Bool(!r.no_clean_returning_site),
    ));
    values.push(pair("force_remove", Bool(r.force_remove)));
    request(values, options::Failback::request)
}

fn switchover_request(
    global: &GlobalArgs,
    c: &FailoverChoices,
    r: &ReturnChoices,
) -> Result<Request, Exit> {
    let mut values = failover_values(global, c)?;
    values.push(pair(
        "power_off_after_timeout",
        Bool(r.power_off_after_timeout),
    ));
    values.push(pair("force_remove", Bool(r.force_remove)));
    request(values, options::Switchover::request)
}

pub(crate) fn failover(global: &GlobalArgs, args: &FailoverArgs, connect: &Connect<'_>) -> Exit {
    let request = match failover_request(global, &args.choices) {
        Ok(r) => r,
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
    let request = match cleanup_request(&args.choices) {
        Ok(r) => r,
        Err(exit) => return exit,
    };
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
    let request = match failback_request(global, &args.choices, &args.returning) {
        Ok(r) => r,
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
    let request = match switchover_request(global, &args.choices, &args.returning) {
        Ok(r) => r,
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
    let (inputs, target, request, all_steps) = match command {
        PlanCommand::Failover {
            inputs,
            choices,
            all_steps,
        } => (
            inputs,
            choices.target,
            failover_request(global, choices),
            all_steps,
        ),
        PlanCommand::Cleanup {
            inputs,
            choices,
            all_steps,
        } => (inputs, choices.site, cleanup_request(choices), all_steps),
        PlanCommand::Failback {
            inputs,
            choices,
            returning,
            all_steps,
        } => (
            inputs,
            choices.target,
            failback_request(global, choices, returning),
            all_steps,
        ),
        PlanCommand::Switchover {
            inputs,
            choices,
            returning,
            all_steps,
        } => (
            inputs,
            choices.target,
            switchover_request(global, choices, returning),
            all_steps,
        ),
    };
    match request {
        Ok(request) => plan_only(global, inputs, target, &request, *all_steps, connect),
        Err(exit) => exit,
    }
}
