//! Which store runs live in: a directory, or `etcd://host1:2379,host2:2379,host3:2379/PREFIX`.

use std::path::PathBuf;
use std::time::Duration;

use crate::Secret;

/// The lease time of the run lock in etcd when none is given: how long a controller that stops
/// answering (dead, paused, cut off from the quorum) keeps other controllers out.
pub const DEFAULT_LEASE_TTL: Duration = Duration::from_secs(15);

/// Where runs live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateLocation {
    /// A state directory on this machine.
    Dir(PathBuf),
    /// A key prefix in an etcd cluster.
    Etcd(EtcdLocation),
}

/// An etcd cluster and the prefix under which olvm-dr keeps its runs.
///
/// The password never comes from the URL (it would be on a command line or in a shell
/// history): it is set from a file or the environment, as the Engines' passwords are.
#[derive(Clone, PartialEq, Eq)]
pub struct EtcdLocation {
    /// `host:port` of each member, as given.
    pub endpoints: Vec<String>,
    /// The key prefix (no leading or trailing `/`), e.g. `olvm-dr/prod`.
    pub prefix: String,
    /// TLS (`etcds://`): the members' certificates are verified (by `ca_file`, else the
    /// system's roots).
    pub tls: bool,
    /// The CA that signed the members' certificates (PEM).
    pub ca_file: Option<PathBuf>,
    /// A client certificate and its key (PEM), for members that require one.
    pub client_cert: Option<(PathBuf, PathBuf)>,
    /// The etcd user (with `password`).
    pub user: Option<String>,
    /// The etcd user's password.
    pub password: Option<Secret>,
    /// The run lock's lease time.
    pub lease_ttl: Duration,
}

impl std::fmt::Debug for EtcdLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EtcdLocation")
            .field("endpoints", &self.endpoints)
            .field("prefix", &self.prefix)
            .field("tls", &self.tls)
            .field("user", &self.user)
            .field("lease_ttl", &self.lease_ttl)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Display for EtcdLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let scheme = if self.tls { "etcds" } else { "etcd" };
        write!(f, "{scheme}://{}/{}", self.endpoints.join(","), self.prefix)
    }
}

impl std::fmt::Display for StateLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Dir(p) => write!(f, "{}", p.display()),
            Self::Etcd(e) => e.fmt(f),
        }
    }
}

/// A state location that cannot be used; the message says what to write instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("state location '{given}': {message}")]
pub struct StateLocationError {
    /// What was given (a password in it is masked).
    pub given: String,
    /// What is wrong, and what to write instead.
    pub message: String,
}

impl StateLocation {
    /// Parses `etcd://host:port[,host:port...]/PREFIX[?lease_ttl=SECONDS]` (`etcds://` for
    /// TLS); anything else is a directory.
    ///
    /// # Errors
    /// [`StateLocationError`] for an etcd URL without endpoints or prefix, with a password in
    /// it, or with an unknown or bad parameter.
    pub fn parse(text: &str) -> Result<Self, StateLocationError> {
        let (tls, rest) = if let Some(r) = text.strip_prefix("etcd://") {
            (false, r)
        } else if let Some(r) = text.strip_prefix("etcds://") {
            (true, r)
        } else {
            return Ok(Self::Dir(PathBuf::from(text)));
        };
        let fail = |message: &str| StateLocationError {
            given: mask_userinfo(text),
            message: message.to_owned(),
        };
        let (rest, query) = match rest.split_once('?') {
            Some((r, q)) => (r, Some(q)),
            None => (rest, None),
        };
        let (hosts, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let hosts = match hosts.rsplit_once('@') {
            Some((userinfo, _)) if userinfo.contains(':') => {
                return Err(fail(
                    "a password does not belong in the URL (it would show in process lists and shell histories); set OLVM_DR_STATE_PASSWORD or [state] password_file= in dr.conf",
                ));
            }
            Some(_) => {
                return Err(fail(
                    "give the etcd user with [state] user= in dr.conf (or OLVM_DR_STATE_USER), not in the URL",
                ));
            }
            None => hosts,
        };
        let endpoints: Vec<String> = hosts
            .split(',')
            .map(str::trim)
            .filter(|h| !h.is_empty())
            .map(str::to_owned)
            .collect();
        if endpoints.is_empty() {
            return Err(fail(
                "no etcd members; write etcd://host1:2379,host2:2379,host3:2379/PREFIX",
            ));
        }
        for e in &endpoints {
            let port_ok = e
                .rsplit_once(':')
                .is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok());
            if !port_ok {
                return Err(fail(&format!(
                    "member '{e}' needs a port (etcd's client port is usually 2379): write {e}:2379"
                )));
            }
        }
        let prefix = prefix.trim_matches('/');
        if prefix.is_empty() {
            return Err(fail(
                "no key prefix; write etcd://host1:2379,host2:2379,host3:2379/olvm-dr (every pair of sites its own prefix)",
            ));
        }
        let mut lease_ttl = DEFAULT_LEASE_TTL;
        for pair in query.into_iter().flat_map(|q| q.split('&')) {
            match pair.split_once('=') {
                Some(("lease_ttl", v)) => {
                    lease_ttl = v
                        .parse::<u64>()
                        .ok()
                        .filter(|s| (2..=3600).contains(s))
                        .map(Duration::from_secs)
                        .ok_or_else(|| fail("lease_ttl is a number of seconds from 2 to 3600"))?;
                }
                _ => {
                    return Err(fail(&format!(
                        "unknown parameter '{pair}'; the URL knows lease_ttl=SECONDS (TLS files, user and password go in dr.conf's [state] section)"
                    )));
                }
            }
        }
        Ok(Self::Etcd(EtcdLocation {
            endpoints,
            prefix: prefix.to_owned(),
            tls,
            ca_file: None,
            client_cert: None,
            user: None,
            password: None,
            lease_ttl,
        }))
    }
}

impl StateLocation {
    /// Where runs are kept, the first given winning: `explicit` (`--state`, `--state-dir`),
    /// `OLVM_DR_STATE`, `OLVM_DR_STATE_DIR`, `[state] url` of `conf`, the default directory
    /// (`~/.local/share/olvm-dr`). An etcd location takes its TLS files and user from `[state]`
    /// (the user also from `OLVM_DR_STATE_USER`) and its password from `[state]
    /// password_file`, else `OLVM_DR_STATE_PASSWORD`: never from a command line.
    ///
    /// # Errors
    /// [`StateLocationError`] for a bad URL, an unreadable password file, or no location at
    /// all (no data directory known).
    pub fn resolve(
        explicit: Option<&str>,
        conf: Option<&crate::config::DrConf>,
    ) -> Result<Self, StateLocationError> {
        use crate::config::env;
        let section = conf.map(|c| &c.state);
        let text = explicit
            .map(str::to_owned)
            .or_else(|| env::get(env::STATE).filter(|v| !v.is_empty()))
            .or_else(|| env::get(env::STATE_DIR).filter(|v| !v.is_empty()))
            .or_else(|| {
                section
                    .and_then(|s| s.url.as_ref())
                    .map(|u| u.value.clone())
            });
        let Some(text) = text else {
            return crate::journal::StateDir::default_root()
                .map(Self::Dir)
                .ok_or_else(|| StateLocationError {
                    given: String::new(),
                    message:
                        "no state directory: give --state (the user's data directory is unknown)"
                            .into(),
                });
        };
        let mut location = Self::parse(&text)?;
        if let (Self::Etcd(etcd), Some(section)) = (&mut location, section) {
            etcd.ca_file = section.ca_file.as_ref().map(|v| v.value.clone());
            if let (Some(cert), Some(key)) = (&section.cert_file, &section.key_file) {
                etcd.client_cert = Some((cert.value.clone(), key.value.clone()));
            }
            etcd.user = section.user.as_ref().map(|v| v.value.clone());
        }
        if let Self::Etcd(etcd) = &mut location {
            if etcd.user.is_none() {
                etcd.user = env::get(env::STATE_USER).filter(|v| !v.is_empty());
            }
            let file = section.and_then(|s| s.password_file.as_ref());
            etcd.password = match file {
                Some(f) => Some(
                    read_password(&f.value).map_err(|message| StateLocationError {
                        given: text.clone(),
                        message,
                    })?,
                ),
                None => env::get(env::STATE_PASSWORD)
                    .filter(|v| !v.is_empty())
                    .map(Secret::new),
            };
        }
        Ok(location)
    }
}

/// The content of a password file, without its trailing line break.
fn read_password(path: &std::path::Path) -> Result<Secret, String> {
    let text = crate::input::read_text(path, crate::input::MAX_INPUT_BYTES)
        .map_err(|e| format!("cannot read the etcd password file {}: {e}", path.display()))?;
    let value = text.trim_end_matches(['\n', '\r']);
    if value.is_empty() {
        return Err(format!(
            "the etcd password file {} is empty",
            path.display()
        ));
    }
    Ok(Secret::new(value))
}

/// `text` with the user-info part of a URL (which may hold a password) replaced by `***`.
fn mask_userinfo(text: &str) -> String {
    let Some((scheme, rest)) = text.split_once("://") else {
        return text.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etcd_urls_parse_and_anything_else_is_a_directory() {
        let loc =
            StateLocation::parse("etcd://a:2379,b:2379,c:2379/olvm-dr/prod?lease_ttl=5").unwrap();
        let StateLocation::Etcd(e) = &loc else {
            panic!("{loc:?}")
        };
        assert_eq!(e.endpoints, ["a:2379", "b:2379", "c:2379"]);
        assert_eq!(e.prefix, "olvm-dr/prod");
        assert_eq!(e.lease_ttl, Duration::from_secs(5));
        assert!(!e.tls);
        assert_eq!(loc.to_string(), "etcd://a:2379,b:2379,c:2379/olvm-dr/prod");
        assert!(matches!(
            StateLocation::parse("etcds://a:2379/p").unwrap(),
            StateLocation::Etcd(EtcdLocation { tls: true, .. })
        ));
        assert_eq!(
            StateLocation::parse("/var/lib/olvm-dr").unwrap(),
            StateLocation::Dir("/var/lib/olvm-dr".into())
        );
    }

    #[test]
    fn bad_etcd_urls_say_what_to_write_and_never_echo_a_password() {
        for (url, says) in [
            ("etcd:///p", "no etcd members"),
            ("etcd://a/p", "needs a port"),
            ("etcd://a:2379", "no key prefix"),
            ("etcd://a:2379/p?ttl=3", "unknown parameter"),
            ("etcd://a:2379/p?lease_ttl=0", "from 2 to 3600"),
            ("etcd://root@a:2379/p", "[state] user="),
        ] {
            let e = StateLocation::parse(url).unwrap_err();
            assert!(e.to_string().contains(says), "{url}: {e}");
        }
        let e = StateLocation::parse("etcd://root:hunter2@a:2379/p").unwrap_err();
        assert!(!e.to_string().contains("hunter2"), "{e}");
        assert!(e.to_string().contains("OLVM_DR_STATE_PASSWORD"), "{e}");
    }
}
