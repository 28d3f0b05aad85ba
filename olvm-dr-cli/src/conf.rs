//! Finding and reading `dr.conf`.

use std::path::{Path, PathBuf};

use olvm_dr_core::Diagnostic;
use olvm_dr_core::config::DrConf;

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
