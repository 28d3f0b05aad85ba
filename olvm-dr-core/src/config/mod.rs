//! Configuration files next to the mapping: `dr.conf` (the INI file of `ovirt-dr`), the
//! passwords file, and ansible-vault decryption; plus every environment variable we read.

mod drconf;
pub mod env;
pub mod ini;
mod passwords;
pub mod vault;

pub use drconf::{
    ConfReadError, ConfValue, DrConf, FailoverFailback, GenerateVars, LogLevel, LogSection,
    StateSection, ValidateVars, log_file_name, resolve_path,
};
pub use passwords::{Passwords, PasswordsError};
pub use vault::{SecretValue, VaultError};
