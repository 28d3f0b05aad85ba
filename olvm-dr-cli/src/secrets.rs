//! Where an Engine password comes from, and questions on the terminal.
//!
//! A password is never taken from the command line: it comes from a file, an environment
//! variable (`OLVM_DR_PRIMARY_PASSWORD`, `OLVM_DR_SECONDARY_PASSWORD`) or a prompt without echo
//! on a terminal, in that order.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use olvm_dr_core::config::env;
use olvm_dr_core::{Secret, Site};

/// `true` when both stdin and stderr are a terminal (prompts go to stderr).
pub(crate) fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// The content of a password file, without its trailing line break. An empty file is an error.
pub(crate) fn read_password_file(path: &Path) -> Result<Secret, String> {
    let text = olvm_dr_core::input::read_text(path, olvm_dr_core::input::MAX_INPUT_BYTES)
        .map_err(|e| format!("cannot read password file {}: {e}", path.display()))?;
    let value = text.trim_end_matches(['\n', '\r']);
    if value.is_empty() {
        return Err(format!("password file {} is empty", path.display()));
    }
    Ok(Secret::new(value))
}

/// `site`'s password from its environment variable, else a prompt on a terminal; `Ok(None)`
/// when neither gives one.
pub(crate) fn from_env_or_prompt(site: Site, what: &str) -> Result<Option<Secret>, String> {
    if let Some(value) = env::get(env::site_password(site)).filter(|v| !v.is_empty()) {
        return Ok(Some(Secret::new(value)));
    }
    if interactive() {
        let value = rpassword::prompt_password(format!("Password of {what}: "))
            .map_err(|e| format!("cannot read the password: {e}"))?;
        if value.is_empty() {
            return Err("no password given".into());
        }
        return Ok(Some(Secret::new(value)));
    }
    Ok(None)
}

/// Asks a question on the terminal (stderr), with a default shown in brackets; the answer
/// trimmed, or the default when the answer is empty.
pub(crate) fn ask(question: &str, default: Option<&str>) -> Result<String, String> {
    let mut err = std::io::stderr().lock();
    let _ = match default {
        Some(d) => write!(err, "{question} [{d}]: "),
        None => write!(err, "{question}: "),
    };
    let _ = err.flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the answer: {e}"))?;
    let answer = line.trim();
    Ok(if answer.is_empty() {
        default.unwrap_or_default().to_owned()
    } else {
        answer.to_owned()
    })
}

/// A yes/no question on the terminal; yes only for `y`, `ye` or `yes` (as `ovirt-dr` asks).
pub(crate) fn confirm(question: &str) -> Result<bool, String> {
    let answer = ask(&format!("{question} (yes/no)"), Some("no"))?;
    Ok(matches!(
        answer.to_ascii_lowercase().as_str(),
        "y" | "ye" | "yes"
    ))
}
