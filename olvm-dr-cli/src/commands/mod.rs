//! One module per subcommand.

mod mapping;
mod validate;

use crate::cli::{Cli, Command, MappingCommand};
use crate::exit::Exit;

/// Runs the parsed command.
pub(crate) fn dispatch(cli: &Cli) -> Exit {
    match &cli.command {
        Command::Validate(args) => validate::run(&cli.global, args),
        Command::Mapping(MappingCommand::Normalize(args)) => mapping::normalize(&cli.global, args),
    }
}
