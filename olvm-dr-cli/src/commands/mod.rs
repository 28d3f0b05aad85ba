//! One module per subcommand.

mod failover;
mod mapping;
mod plan;
mod report;
mod validate;

use crate::cli::{Cli, Command, MappingCommand};
use crate::exit::Exit;

/// Runs the parsed command.
pub(crate) fn dispatch(cli: &Cli) -> Exit {
    match &cli.command {
        Command::Validate(args) => validate::run(&cli.global, args),
        Command::Mapping(MappingCommand::Normalize(args)) => mapping::normalize(&cli.global, args),
        Command::Plan(command) => plan::run(&cli.global, command),
        Command::Failover(args) => failover::run(&cli.global, args),
        Command::Report(command) => report::run(&cli.global, command),
    }
}
