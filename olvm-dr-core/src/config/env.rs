//! Every environment variable olvm-dr reads, in one place.

/// The ansible-vault password for encrypted passwords files and inline `!vault` values, when
/// no `--vault-password-file` is given. Prefer the file: an environment variable can be seen by
/// other processes of the same user.
pub const VAULT_PASSWORD: &str = "OLVM_DR_VAULT_PASSWORD";

/// The primary site's Engine password, when no passwords file (validate) or password file
/// (generate) gives it. Prefer a file: other processes of the same user can read the
/// environment.
pub const PRIMARY_PASSWORD: &str = "OLVM_DR_PRIMARY_PASSWORD";

/// The secondary site's Engine password, as [`PRIMARY_PASSWORD`] for the primary.
pub const SECONDARY_PASSWORD: &str = "OLVM_DR_SECONDARY_PASSWORD";

/// The variable holding `site`'s Engine password.
pub fn site_password(site: crate::Site) -> &'static str {
    match site {
        crate::Site::Primary => PRIMARY_PASSWORD,
        crate::Site::Secondary => SECONDARY_PASSWORD,
    }
}

/// The user's home directory, for `~` in `dr.conf` paths.
pub const HOME: &str = "HOME";

/// Log filter directives (`tracing` syntax, e.g. `olvm_dr=debug`); overrides `--log-level`.
pub const LOG: &str = "OLVM_DR_LOG";

/// The state directory (plans, journals and reports of runs) when no `--state-dir` is given.
/// Default: `olvm-dr` under the user's data directory (`~/.local/share/olvm-dr`).
pub const STATE_DIR: &str = "OLVM_DR_STATE_DIR";

/// Where runs are kept when no `--state` or `--state-dir` is given: a directory, or
/// `etcd://host1:2379,host2:2379,host3:2379/PREFIX`. Before `OLVM_DR_STATE_DIR` and dr.conf's
/// `[state] url`.
pub const STATE: &str = "OLVM_DR_STATE";

/// The etcd user, when dr.conf's `[state] user` does not give it.
pub const STATE_USER: &str = "OLVM_DR_STATE_USER";

/// The etcd user's password, when dr.conf's `[state] password_file` does not give it.
pub const STATE_PASSWORD: &str = "OLVM_DR_STATE_PASSWORD";

/// The variables that hold secrets: removed from the environment of every command olvm-dr runs
/// (the storage gate's), and their values redacted from that command's output.
pub const SECRET_VARIABLES: &[&str] = &[
    VAULT_PASSWORD,
    PRIMARY_PASSWORD,
    SECONDARY_PASSWORD,
    STATE_PASSWORD,
];

/// Every variable, for the documentation.
pub const ALL: &[(&str, &str)] = &[
    (
        VAULT_PASSWORD,
        "ansible-vault password (prefer --vault-password-file)",
    ),
    (
        PRIMARY_PASSWORD,
        "the primary Engine's password (prefer a passwords or password file)",
    ),
    (
        SECONDARY_PASSWORD,
        "the secondary Engine's password (prefer a passwords or password file)",
    ),
    (LOG, "log filter directives, overriding --log-level"),
    (
        STATE_DIR,
        "state directory of runs (default ~/.local/share/olvm-dr)",
    ),
    (HOME, "home directory, for ~ in dr.conf paths"),
    (
        STATE,
        "where runs are kept: a directory or etcd://host:2379,.../PREFIX",
    ),
    (STATE_USER, "the etcd user (else [state] user in dr.conf)"),
    (
        STATE_PASSWORD,
        "the etcd user's password (prefer [state] password_file)",
    ),
];

/// The value of an environment variable, `None` when unset or not Unicode.
pub fn get(name: &str) -> Option<String> {
    std::env::var(name).ok()
}
