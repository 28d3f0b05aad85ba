//! `dr.conf`, the INI file of `ovirt-dr`: sections `[log]`, `[generate_vars]`,
//! `[validate_vars]` and `[failover_failback]`.
//!
//! Paths are `~`-expanded and, when relative, resolved against the directory of the conf file
//! (not the current directory, so the file works wherever the command runs).

use std::fmt;
use std::path::{Path, PathBuf};

use super::env;
use super::ini::Ini;
use crate::mapping::Pos;
use crate::validate::codes;
use crate::validate::findings::Findings;
use crate::validate::suggest::closest;
use crate::{Diagnostic, Secret, Site};

/// The options each section knows.
const KNOWN: &[(&str, &[&str])] = &[
    ("log", &["log_file", "log_level"]),
    (
        "generate_vars",
        &[
            "site",
            "username",
            "password",
            "ca_file",
            "output_file",
            "ansible_play",
        ],
    ),
    ("validate_vars", &["var_file"]),
    (
        "failover_failback",
        &[
            "dr_target_host",
            "dr_source_map",
            "vault",
            "var_file",
            "ansible_play",
            "recovery_plan",
            "answer_command",
            "answer_file",
        ],
    ),
    (
        "state",
        &[
            "url",
            "ca_file",
            "cert_file",
            "key_file",
            "user",
            "password_file",
        ],
    ),
];

/// A value of `dr.conf` with the line it is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfValue<T> {
    /// The value.
    pub value: T,
    /// 1-based line.
    pub line: u32,
}

/// The `ovirt-dr` log levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    /// DEBUG.
    Debug,
    /// INFO.
    Info,
    /// WARNING.
    Warning,
    /// ERROR.
    Error,
}

impl std::str::FromStr for LogLevel {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        match s.trim().to_ascii_uppercase().as_str() {
            "DEBUG" => Ok(LogLevel::Debug),
            "INFO" => Ok(LogLevel::Info),
            "WARNING" => Ok(LogLevel::Warning),
            "ERROR" => Ok(LogLevel::Error),
            _ => Err(()),
        }
    }
}

/// `[log]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogSection {
    /// `log_file`, as written (`{}` still in it); empty means "no log file".
    pub log_file: Option<ConfValue<String>>,
    /// `log_level`.
    pub log_level: Option<ConfValue<LogLevel>>,
}

/// `[generate_vars]`.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct GenerateVars {
    /// `site`: the primary Engine's API URL.
    pub site: Option<ConfValue<String>>,
    /// `username`.
    pub username: Option<ConfValue<String>>,
    /// `password` (discouraged here: a warning says so).
    pub password: Option<ConfValue<Secret>>,
    /// `ca_file`.
    pub ca_file: Option<ConfValue<PathBuf>>,
    /// `output_file`: where `generate` writes the mapping.
    pub output_file: Option<ConfValue<PathBuf>>,
}

impl fmt::Debug for GenerateVars {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GenerateVars")
            .field("site", &self.site)
            .field("username", &self.username)
            .field(
                "password",
                &self.password.as_ref().map(|_| Secret::REDACTED),
            )
            .field("ca_file", &self.ca_file)
            .field("output_file", &self.output_file)
            .finish()
    }
}

/// `[validate_vars]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ValidateVars {
    /// `var_file`: the mapping file to validate.
    pub var_file: Option<ConfValue<PathBuf>>,
}

/// `[failover_failback]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FailoverFailback {
    /// `dr_target_host`: the site failover acts on.
    pub dr_target_host: Option<ConfValue<Site>>,
    /// `dr_source_map`: the other site.
    pub dr_source_map: Option<ConfValue<Site>>,
    /// `vault`: the passwords file.
    pub vault: Option<ConfValue<PathBuf>>,
    /// `var_file`: the mapping file.
    pub var_file: Option<ConfValue<PathBuf>>,
    /// `recovery_plan`: the recovery plan file (groups, waits, re-IP), when one is used.
    pub recovery_plan: Option<ConfValue<PathBuf>>,
    /// `answer_command`: the command that answers the recovery plan's manual steps and `ask`s
    /// (exit 0 confirms; the step id in `OLVM_DR_GATE`) instead of the terminal.
    pub answer_command: Option<ConfValue<String>>,
    /// `answer_file`: the file whose existence answers them (`{gate}` becomes the step id).
    pub answer_file: Option<ConfValue<PathBuf>>,
}

/// `[state]`: where runs are kept (olvm-dr's own section; `ovirt-dr` has none).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StateSection {
    /// `url`: a directory, or `etcd://host1:2379,host2:2379,host3:2379/PREFIX`.
    pub url: Option<ConfValue<String>>,
    /// `ca_file`: the CA of the etcd members' certificates (`etcds://`).
    pub ca_file: Option<ConfValue<PathBuf>>,
    /// `cert_file`: a client certificate for etcd (with `key_file`).
    pub cert_file: Option<ConfValue<PathBuf>>,
    /// `key_file`: the client certificate's key.
    pub key_file: Option<ConfValue<PathBuf>>,
    /// `user`: the etcd user.
    pub user: Option<ConfValue<String>>,
    /// `password_file`: a file holding the etcd user's password (else `OLVM_DR_STATE_PASSWORD`).
    pub password_file: Option<ConfValue<PathBuf>>,
}

/// A read `dr.conf`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DrConf {
    /// The file it came from (paths in it are relative to its directory).
    pub path: PathBuf,
    /// `[log]`.
    pub log: LogSection,
    /// `[generate_vars]`.
    pub generate: GenerateVars,
    /// `[validate_vars]`.
    pub validate: ValidateVars,
    /// `[failover_failback]`.
    pub failover: FailoverFailback,
    /// `[state]`.
    pub state: StateSection,
}

/// `dr.conf` could not be read from disk.
#[derive(Debug, thiserror::Error)]
#[error("cannot read configuration file {}: {source}", path.display())]
pub struct ConfReadError {
    /// The file.
    pub path: PathBuf,
    /// Why.
    #[source]
    pub source: std::io::Error,
}

impl DrConf {
    /// Reads `dr.conf` at `path`: the configuration (what could be read) and the findings.
    ///
    /// # Errors
    /// [`ConfReadError`] when the file cannot be read at all.
    pub fn load(path: &Path) -> Result<(DrConf, Vec<Diagnostic>), ConfReadError> {
        let text =
            crate::input::read_text(path, crate::input::MAX_INPUT_BYTES).map_err(|source| {
                ConfReadError {
                    path: path.to_path_buf(),
                    source,
                }
            })?;
        Ok(Self::parse(&text, path))
    }

    /// Reads `dr.conf` text that lives at `path`.
    pub fn parse(text: &str, path: &Path) -> (DrConf, Vec<Diagnostic>) {
        let mut f = Findings::new(Some(path));
        let mut conf = DrConf {
            path: path.to_path_buf(),
            ..DrConf::default()
        };
        let ini = match Ini::parse(text) {
            Ok(ini) => ini,
            Err(e) => {
                f.error(
                    codes::CONF_SYNTAX,
                    Some(Pos::new(e.line, 1)),
                    None,
                    e.message,
                );
                return (conf, f.into_sorted());
            }
        };
        check_known(&ini, &mut f);
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut r = Reader {
            ini: &ini,
            f: &mut f,
            base,
        };
        conf.log.log_file = r.text("log", "log_file");
        conf.log.log_level = r.parsed("log", "log_level", "DEBUG, INFO, WARNING, ERROR");
        conf.generate.site = r.text("generate_vars", "site");
        conf.generate.username = r.text("generate_vars", "username");
        conf.generate.password = r.text("generate_vars", "password").map(|v| ConfValue {
            value: Secret::new(v.value),
            line: v.line,
        });
        if let Some(p) = &conf.generate.password {
            r.f.warning(
                codes::CONF_PASSWORD,
                Some(Pos::new(p.line, 1)),
                "generate_vars.password".to_owned(),
                "a password is written in dr.conf",
            )
            .hint = Some("remove it and let olvm-dr prompt for it, or use a password file".into());
        }
        conf.generate.ca_file = r.path("generate_vars", "ca_file");
        conf.generate.output_file = r.path("generate_vars", "output_file");
        conf.validate.var_file = r.path("validate_vars", "var_file");
        conf.failover.dr_target_host =
            r.parsed("failover_failback", "dr_target_host", "primary, secondary");
        conf.failover.dr_source_map =
            r.parsed("failover_failback", "dr_source_map", "primary, secondary");
        conf.failover.vault = r.path("failover_failback", "vault");
        conf.failover.var_file = r.path("failover_failback", "var_file");
        conf.failover.recovery_plan = r.path("failover_failback", "recovery_plan");
        conf.failover.answer_command = r.text("failover_failback", "answer_command");
        conf.failover.answer_file = r.path("failover_failback", "answer_file");
        conf.state.url = r.text("state", "url");
        conf.state.ca_file = r.path("state", "ca_file");
        conf.state.cert_file = r.path("state", "cert_file");
        conf.state.key_file = r.path("state", "key_file");
        conf.state.user = r.text("state", "user");
        conf.state.password_file = r.path("state", "password_file");
        for section in ["generate_vars", "failover_failback"] {
            if let Some(v) = ini.raw(section, "ansible_play") {
                f.info(
                    codes::CONF_IGNORED,
                    Some(Pos::new(v.line, 1)),
                    format!("{section}.ansible_play"),
                    "ansible_play is ignored: olvm-dr does not run Ansible",
                );
            }
        }
        (conf, f.into_sorted())
    }

    /// The log file for a run started at `epoch_ms`: `{}` replaced by the epoch milliseconds,
    /// `~` expanded, relative to the conf file's directory. `None` when not set or empty.
    pub fn log_file(&self, epoch_ms: u128) -> Option<PathBuf> {
        let raw = &self.log.log_file.as_ref()?.value;
        if raw.trim().is_empty() {
            return None;
        }
        let base = self.path.parent().unwrap_or(Path::new(""));
        Some(resolve_path(&log_file_name(raw, epoch_ms), base))
    }
}

/// `{}` in a log file name becomes the epoch milliseconds (as `ovirt-dr` does with
/// `str.format`).
pub fn log_file_name(raw: &str, epoch_ms: u128) -> String {
    raw.replace("{}", &epoch_ms.to_string())
}

/// Expands a leading `~` (from `$HOME`) and makes a relative path relative to `base`.
pub fn resolve_path(raw: &str, base: &Path) -> PathBuf {
    let expanded = if raw == "~" || raw.starts_with("~/") {
        match env::get(env::HOME) {
            Some(home) => PathBuf::from(format!("{home}{}", &raw[1..])),
            None => PathBuf::from(raw),
        }
    } else {
        PathBuf::from(raw)
    };
    if expanded.is_absolute() {
        expanded
    } else {
        base.join(expanded)
    }
}

fn check_known(ini: &Ini, f: &mut Findings) {
    let sections: Vec<&str> = KNOWN.iter().map(|(s, _)| *s).collect();
    for (name, section) in &ini.sections {
        if name == "DEFAULT" {
            continue;
        }
        let Some((_, keys)) = KNOWN.iter().find(|(s, _)| s == name) else {
            let d = f.warning(
                codes::CONF_UNKNOWN,
                Some(Pos::new(section.line, 1)),
                name.clone(),
                format!("unknown section [{name}]"),
            );
            if let Some(best) = closest(name, &sections) {
                d.message = format!("unknown section [{name}]: did you mean [{best}]?");
            }
            continue;
        };
        for (key, value) in &section.options {
            if keys.contains(&key.as_str()) {
                continue;
            }
            let d = f.warning(
                codes::CONF_UNKNOWN,
                Some(Pos::new(value.line, 1)),
                format!("{name}.{key}"),
                format!("unknown option '{key}' in [{name}]"),
            );
            if let Some(best) = closest(key, keys) {
                d.message = format!("unknown option '{key}' in [{name}]: did you mean '{best}'?");
            }
        }
    }
}

struct Reader<'a> {
    ini: &'a Ini,
    f: &'a mut Findings,
    base: PathBuf,
}

impl Reader<'_> {
    /// A non-empty value; empty counts as not set (as `ovirt-dr` treats it).
    fn text(&mut self, section: &str, key: &str) -> Option<ConfValue<String>> {
        let line = self.ini.raw(section, key)?.line;
        match self.ini.get(section, key)? {
            Ok(v) if v.trim().is_empty() => None,
            Ok(value) => Some(ConfValue { value, line }),
            Err(message) => {
                self.f.error(
                    codes::CONF_SYNTAX,
                    Some(Pos::new(line, 1)),
                    format!("{section}.{key}"),
                    message,
                );
                None
            }
        }
    }

    fn path(&mut self, section: &str, key: &str) -> Option<ConfValue<PathBuf>> {
        let v = self.text(section, key)?;
        Some(ConfValue {
            value: resolve_path(v.value.trim(), &self.base),
            line: v.line,
        })
    }

    fn parsed<T: std::str::FromStr>(
        &mut self,
        section: &str,
        key: &str,
        allowed: &str,
    ) -> Option<ConfValue<T>> {
        let v = self.text(section, key)?;
        match v.value.parse::<T>() {
            Ok(value) => Some(ConfValue {
                value,
                line: v.line,
            }),
            Err(_) => {
                self.f
                    .error(
                        codes::CONF_INVALID,
                        Some(Pos::new(v.line, 1)),
                        format!("{section}.{key}"),
                        format!("'{}' is not a valid {key}", v.value),
                    )
                    .hint = Some(format!("use one of: {allowed}"));
                None
            }
        }
    }
}
