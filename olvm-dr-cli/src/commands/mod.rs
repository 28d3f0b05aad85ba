//! One module per subcommand.

mod generate;
mod mapping;
mod online;
mod validate;

use crate::cli::{Cli, Command, MappingCommand};
use crate::connect::Connect;
use crate::exit::Exit;

/// Runs the parsed command.
pub(crate) fn dispatch(cli: &Cli, connect: &Connect<'_>) -> Exit {
    match &cli.command {
        Command::Generate(args) => generate::run(&cli.global, args, connect),
        Command::Validate(args) => validate::run(&cli.global, args, connect),
        Command::Mapping(MappingCommand::Normalize(args)) => mapping::normalize(&cli.global, args),
    }
}
