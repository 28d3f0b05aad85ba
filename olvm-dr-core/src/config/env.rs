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

/// The variables that hold secrets: removed from the environment of every command olvm-dr runs
/// (the storage gate's), and their values redacted from that command's output.
pub const SECRET_VARIABLES: &[&str] = &[VAULT_PASSWORD, PRIMARY_PASSWORD, SECONDARY_PASSWORD];

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
];

/// The value of an environment variable, `None` when unset or not Unicode.
pub fn get(name: &str) -> Option<String> {
    std::env::var(name).ok()
}
