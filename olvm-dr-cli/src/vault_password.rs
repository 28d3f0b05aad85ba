//! Where the ansible-vault password comes from: `--vault-password-file`, then the
//! `OLVM_DR_VAULT_PASSWORD` environment variable, then a no-echo prompt on a terminal.

use std::io::IsTerminal;
use std::path::Path;

use olvm_dr_core::Secret;
use olvm_dr_core::config::env;

/// The vault password, or `Ok(None)` when no source gives one (not a terminal).
pub(crate) fn get(file: Option<&Path>) -> Result<Option<Secret>, String> {
    if let Some(path) = file {
        let text = olvm_dr_core::input::read_text(path, olvm_dr_core::input::MAX_INPUT_BYTES)
            .map_err(|e| format!("cannot read vault password file {}: {e}", path.display()))?;
        // ansible-vault strips the trailing line break of a password file.
        return Ok(Some(Secret::new(text.trim_end_matches(['\n', '\r']))));
    }
    if let Some(value) = env::get(env::VAULT_PASSWORD) {
        return Ok(Some(Secret::new(value)));
    }
    if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        let value = rpassword::prompt_password("Vault password: ")
            .map_err(|e| format!("cannot read the vault password: {e}"))?;
        return Ok(Some(Secret::new(value)));
    }
    Ok(None)
}
