//! One module per subcommand.

mod demo;
mod drill;
mod flows;
mod generate;
mod lab;
mod mapping;
mod online;
mod ovf_update;
mod report;
mod validate;
mod verify;

use crate::cli::{Cli, Command, LabCommand, MappingCommand};
use crate::connect::Connect;
use crate::exit::Exit;

/// Runs the parsed command.
pub(crate) fn dispatch(cli: &Cli, connect: &Connect<'_>) -> Exit {
    match &cli.command {
        Command::Generate(args) => generate::run(&cli.global, args, connect),
        Command::Validate(args) => validate::run(&cli.global, args, connect),
        Command::Mapping(MappingCommand::Normalize(args)) => mapping::normalize(&cli.global, args),
        Command::Plan(command) => flows::plan(&cli.global, command, connect),
        Command::Failover(args) => flows::failover(&cli.global, args, connect),
        Command::Cleanup(args) => flows::cleanup(&cli.global, args, connect),
        Command::Failback(args) => flows::failback(&cli.global, args, connect),
        Command::Switchover(args) => flows::switchover(&cli.global, args, connect),
        Command::Drill(command) => drill::run(&cli.global, command, connect),
        Command::Verify(args) => verify::run(&cli.global, args, connect),
        Command::Report(command) => report::run(&cli.global, command),
        Command::OvfUpdate(args) => ovf_update::run(&cli.global, args, connect),
        Command::Lab(LabCommand::Up(args)) => lab::up(args),
        Command::Lab(LabCommand::Status(args)) => lab::status(args),
        Command::Lab(LabCommand::Disaster(args)) => lab::site(
            &args.site,
            if args.engine_only {
                "engine-outage"
            } else {
                "disaster"
            },
        ),
        Command::Lab(LabCommand::Recover(args)) => lab::site(args, "recover"),
        Command::Lab(LabCommand::Replication(args)) => lab::replication(args),
        Command::Lab(LabCommand::OvfAge(args)) => lab::ovf_age(args),
        Command::Lab(LabCommand::ExpireLeases(args)) => lab::site(args, "expire-leases"),
        Command::Demo(args) => demo::run(args),
    }
}
