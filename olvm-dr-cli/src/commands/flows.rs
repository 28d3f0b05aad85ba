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

fn cleanup_values(c: &CleanupChoices) -> Values {
    vec![
        pair("power_off", Bool(c.power_off)),
        pair("remove_orphans", Bool(c.remove_orphans)),
        pair("force_remove", Bool(c.force_remove)),
        pair("domains", domains(&c.domains)),
    ]
}

fn cleanup_request(c: &CleanupChoices) -> Result<Request, Exit> {
    request(cleanup_values(c), options::Cleanup::request)
}

fn failback_values(
    global: &GlobalArgs,
    c: &FailoverChoices,
    r: &ReturnChoices,
) -> Result<Values, Exit> {
    let mut values = failover_values(global, c)?;
    values.push(pair(
        "clean_returning_site",
        Bool(!r.no_clean_returning_site),
    ));
    values.push(pair("force_remove", Bool(r.force_remove)));
    Ok(values)
}

fn failback_request(
    global: &GlobalArgs,
    c: &FailoverChoices,
    r: &ReturnChoices,
) -> Result<Request, Exit> {
    request(failback_values(global, c, r)?, options::Failback::request)
}

fn switchover_values(
    global: &GlobalArgs,
    c: &FailoverChoices,
    r: &ReturnChoices,
) -> Result<Values, Exit> {
    let mut values = failover_values(global, c)?;
    values.push(pair(
        "power_off_after_timeout",
        Bool(r.power_off_after_timeout),
    ));
    values.push(pair("force_remove", Bool(r.force_remove)));
    Ok(values)
}

fn switchover_request(
    global: &GlobalArgs,
    c: &FailoverChoices,
    r: &ReturnChoices,
) -> Result<Request, Exit> {
    request(
        switchover_values(global, c, r)?,
        options::Switchover::request,
    )
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

#[cfg(test)]
pub(crate) mod tests {
    use std::collections::BTreeSet;

    use clap::Parser;
    use olvm_dr_core::flow::options::{Cleanup, Failback, Failover, FlowOptions, Switchover};

    use super::*;
    use crate::cli::{Cli, Command};

    /// The command line parsed from `args`, with an empty dr.conf (no recovery plan) in the
    /// directory returned with it (read when the values are made).
    pub(crate) fn parsed(args: &[&str]) -> (Cli, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let conf = dir.path().join("dr.conf");
        std::fs::write(&conf, "").unwrap();
        let mut all = vec!["olvm-dr", "-f", conf.to_str().unwrap()];
        all.extend(args);
        (Cli::try_parse_from(all).unwrap(), dir)
    }

    /// Every option of `T`, by name.
    pub(crate) fn options_of<T: FlowOptions>() -> BTreeSet<&'static str> {
        T::OPTIONS.iter().map(|o| o.name).collect()
    }

    /// The names the command line sets.
    pub(crate) fn names(values: &Values) -> BTreeSet<&str> {
        values.iter().map(|(n, _)| n.as_str()).collect()
    }

    /// A new option of a flow in the core must get its flag here: the command line sets every
    /// option of each flow, so none silently keeps its default.
    #[test]
    fn the_command_line_sets_every_option_of_each_flow() {
        let (cli, _conf) = parsed(&["failover"]);
        let Command::Failover(a) = &cli.command else {
            panic!("not a failover")
        };
        let values = failover_values(&cli.global, &a.choices).unwrap();
        assert_eq!(names(&values), options_of::<Failover>());
        let (cli, _conf) = parsed(&["cleanup"]);
        let Command::Cleanup(a) = &cli.command else {
            panic!("not a cleanup")
        };
        assert_eq!(names(&cleanup_values(&a.choices)), options_of::<Cleanup>());
        let (cli, _conf) = parsed(&["failback"]);
        let Command::Failback(a) = &cli.command else {
            panic!("not a failback")
        };
        let values = failback_values(&cli.global, &a.choices, &a.returning).unwrap();
        assert_eq!(names(&values), options_of::<Failback>());
        let (cli, _conf) = parsed(&["switchover"]);
        let Command::Switchover(a) = &cli.command else {
            panic!("not a switchover")
        };
        let values = switchover_values(&cli.global, &a.choices, &a.returning).unwrap();
        assert_eq!(names(&values), options_of::<Switchover>());
    }
}
