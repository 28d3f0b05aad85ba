//! One module per subcommand.

mod flows;
mod mapping;
mod report;
mod validate;

use crate::cli::{Cli, Command, MappingCommand};
use crate::exit::Exit;

/// Runs the parsed command.
pub(crate) fn dispatch(cli: &Cli) -> Exit {
    match &cli.command {
        Command::Validate(args) => validate::run(&cli.global, args),
        Command::Mapping(MappingCommand::Normalize(args)) => mapping::normalize(&cli.global, args),
        Command::Plan(command) => flows::plan(&cli.global, command),
        Command::Failover(args) => flows::failover(&cli.global, args),
        Command::Cleanup(args) => flows::cleanup(&cli.global, args),
        Command::Failback(args) => flows::failback(&cli.global, args),
        Command::Switchover(args) => flows::switchover(&cli.global, args),
        Command::Report(command) => report::run(&cli.global, command),
    }
}
