//! A store named by a library caller (the Python and uniffi APIs' `state_dir`): a directory,
//! or an etcd URL whose settings come through the channels `olvm-dr` reads them from.

use std::path::{Path, PathBuf};

use super::{StateLocation, StateLocationError};
use crate::config::DrConf;

/// The configuration file whose `[state]` section an etcd location named by a library caller
/// takes its TLS files, user and password file from, when it exists: `dr.conf` in the current
/// directory, the file `olvm-dr` reads when it is given none.
pub const DEFAULT_CONF: &str = "dr.conf";

impl StateLocation {
    /// The location a library caller names by `given`: an etcd URL
    /// (`etcd://host:port[,...]/PREFIX[?lease_ttl=SECONDS]`, `etcds://` for TLS) or a
    /// directory. As for `olvm-dr` given `--state URL` and no `-f`: the etcd CA, client
    /// certificate, user and password file come from the `[state]` section of `./dr.conf`
    /// ([`DEFAULT_CONF`]) when that file exists, the user also from `OLVM_DR_STATE_USER` and
    /// the password from `OLVM_DR_STATE_PASSWORD` ([`resolve`](Self::resolve)); never from the
    /// URL. A directory is used as given (no configuration is read).
    ///
    /// # Errors
    /// [`StateLocationError`] for a bad etcd URL, a `dr.conf` that cannot be read or has errors
    /// (with their `file:line:column`), or an unreadable password file.
    pub fn named(given: &Path) -> Result<Self, StateLocationError> {
        let Some(text) = given.to_str().filter(|t| t.starts_with("etcd")) else {
            return Ok(Self::Dir(given.to_path_buf()));
        };
        if let Self::Dir(dir) = Self::parse(text)? {
            return Ok(Self::Dir(dir));
        }
        let conf = default_conf().map_err(|message| StateLocationError {
            given: text.to_owned(),
            message,
        })?;
        Self::resolve(Some(text), conf.as_ref())
    }
}

/// `./dr.conf` when it exists; an error when it cannot be read or has errors.
fn default_conf() -> Result<Option<DrConf>, String> {
    let path = PathBuf::from(DEFAULT_CONF);
    if !path.is_file() {
        return Ok(None);
    }
    let (conf, findings) = DrConf::load(&path).map_err(|e| e.to_string())?;
    let errors: Vec<String> = findings
        .iter()
        .filter(|d| d.is_error())
        .map(ToString::to_string)
        .collect();
    if errors.is_empty() {
        Ok(Some(conf))
    } else {
        Err(format!(
            "{} (its [state] section configures etcd) has errors; fix them: {}",
            path.display(),
            errors.join("; ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_is_used_as_given_and_an_etcd_url_is_parsed() {
        assert_eq!(
            StateLocation::named(Path::new("/var/lib/olvm-dr")).unwrap(),
            StateLocation::Dir("/var/lib/olvm-dr".into())
        );
        assert_eq!(
            StateLocation::named(Path::new("etcd-runs")).unwrap(),
            StateLocation::Dir("etcd-runs".into())
        );
        let StateLocation::Etcd(e) =
            StateLocation::named(Path::new("etcd://127.0.0.1:2379/olvm-dr")).unwrap()
        else {
            panic!("not an etcd location")
        };
        assert_eq!(e.endpoints, ["127.0.0.1:2379"]);
        assert_eq!(e.prefix, "olvm-dr");
    }

    #[test]
    fn a_password_in_the_url_is_refused_without_echoing_it() {
        let e = StateLocation::named(Path::new("etcd://root:hunter2@a:2379/p")).unwrap_err();
        assert!(!e.to_string().contains("hunter2"), "{e}");
        assert!(e.to_string().contains("OLVM_DR_STATE_PASSWORD"), "{e}");
    }
}
