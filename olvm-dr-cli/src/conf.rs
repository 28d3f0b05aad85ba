//! Finding and reading `dr.conf`.

use std::path::{Path, PathBuf};

use olvm_dr_core::Diagnostic;
use olvm_dr_core::config::DrConf;

use crate::cli::ColorChoice;
use crate::exit::Exit;
use crate::output;

/// The conf file `ovirt-dr` reads when none is given: `dr.conf` in the current directory.
const DEFAULT_CONF: &str = "dr.conf";

/// Reads the conf file: the one given (which must exist), else `./dr.conf` when it exists.
/// `Ok(None)` when there is none.
pub(crate) fn load(given: Option<&Path>) -> Result<Option<(DrConf, Vec<Diagnostic>)>, String> {
    let path: PathBuf = match given {
        Some(p) => p.to_path_buf(),
        None => {
            let p = PathBuf::from(DEFAULT_CONF);
            if !p.is_file() {
                return Ok(None);
            }
            p
        }
    };
    tracing::debug!(path = %path.display(), "reading configuration file");
    DrConf::load(&path).map(Some).map_err(|e| e.to_string())
}

/// Reads the conf file as every command does: an unreadable file, or one with errors, is a
/// configuration error (exit 2) after its findings are printed (with their positions, e.g.
/// `14:1 error DR0600`); otherwise the configuration and its warnings.
pub(crate) fn load_checked(
    given: Option<&Path>,
    color: ColorChoice,
) -> Result<Option<(DrConf, Vec<Diagnostic>)>, Exit> {
    match load(given) {
        Ok(Some((conf, diags))) => {
            if diags.iter().any(Diagnostic::is_error) {
                output::out(&output::print_text(&diags, output::use_color(color)));
                output::error_line("dr.conf has errors");
                return Err(Exit::Usage);
            }
            Ok(Some((conf, diags)))
        }
        Ok(None) => Ok(None),
        Err(message) => {
            output::error_line(&message);
            Err(Exit::Usage)
        }
    }
}
