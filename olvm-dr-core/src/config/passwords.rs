//! The passwords file (`dr_sites_primary_password`, `dr_sites_secondary_password`): plain YAML,
//! a whole file encrypted with ansible-vault, or plain YAML with inline `!vault` values.
//!
//! Errors never quote the file's content: a syntax error says only where it is.

use std::fmt;
use std::path::{Path, PathBuf};

use super::vault::{self, SecretValue, VaultError};
use crate::mapping::read::obj::PASSWORD_PLACEHOLDER;
use crate::mapping::yaml::{self, Budget, NodeKind, Pos, Resolved, resolve};
use crate::{Secret, Site};

/// The two sites' Engine passwords.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Passwords {
    /// `dr_sites_primary_password`.
    pub primary: Option<Secret>,
    /// `dr_sites_secondary_password`.
    pub secondary: Option<Secret>,
}

impl Passwords {
    /// The password of `site`, if the file has one.
    pub fn get(&self, site: Site) -> Option<&Secret> {
        match site {
            Site::Primary => self.primary.as_ref(),
            Site::Secondary => self.secondary.as_ref(),
        }
    }
}

impl fmt::Debug for Passwords {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Passwords")
            .field("primary", &self.primary)
            .field("secondary", &self.secondary)
            .finish()
    }
}

/// Why the passwords file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum PasswordsError {
    /// The file cannot be read.
    #[error("cannot read passwords file {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Decryption failed (no vault password, wrong password, bad envelope).
    #[error("passwords file {}: {source}", path.display())]
    Vault {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: VaultError,
    },
    /// The content is not a YAML mapping of passwords. The message never quotes the content.
    #[error("passwords file {}{}: {message}", path.display(), pos.map(|p| format!(":{p}")).unwrap_or_default())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Where, when known (in the decrypted text for a vaulted file).
        pos: Option<Pos>,
        /// What is wrong.
        message: String,
    },
}

impl Passwords {
    /// Reads the passwords file at `path`, decrypting with `vault_password` where needed.
    ///
    /// # Errors
    /// See [`PasswordsError`].
    pub fn load(path: &Path, vault_password: Option<&Secret>) -> Result<Passwords, PasswordsError> {
        let text =
            crate::input::read_text(path, crate::input::MAX_INPUT_BYTES).map_err(|source| {
                PasswordsError::Read {
                    path: path.to_path_buf(),
                    source,
                }
            })?;
        Self::parse(&text, path, vault_password)
    }

    /// Reads passwords-file text that came from `path`.
    ///
    /// # Errors
    /// See [`PasswordsError`].
    pub fn parse(
        text: &str,
        path: &Path,
        vault_password: Option<&Secret>,
    ) -> Result<Passwords, PasswordsError> {
        let vault_err = |source| PasswordsError::Vault {
            path: path.to_path_buf(),
            source,
        };
        let invalid = |pos: Option<Pos>, message: &str| PasswordsError::Invalid {
            path: path.to_path_buf(),
            pos,
            message: message.to_owned(),
        };
        let decrypted;
        let text = if vault::is_vault(text) {
            let password = vault_password.ok_or_else(|| vault_err(VaultError::NoPassword))?;
            decrypted = vault::decrypt(text, password).map_err(vault_err)?.1;
            decrypted.expose()
        } else {
            text
        };
        let doc = yaml::parse(text, Budget::default())
            .map_err(|e| invalid(Some(e.pos), "not valid YAML"))?;
        let Some(root) = doc.root else {
            return Ok(Passwords::default());
        };
        let NodeKind::Map(entries) = &root.kind else {
            return Err(invalid(
                Some(root.pos),
                "the file must be a mapping of keys",
            ));
        };
        let mut out = Passwords::default();
        for site in Site::BOTH {
            let key = format!("dr_sites_{site}_password");
            let Some((_, node)) = entries.iter().rev().find(|(k, _)| k.text == key) else {
                continue;
            };
            let Some(scalar) = node.as_scalar() else {
                return Err(invalid(
                    Some(node.pos),
                    &format!("'{key}' must be a single value"),
                ));
            };
            let value = if scalar.tag.as_deref() == Some("!vault") {
                SecretValue::Vault(scalar.text.clone())
            } else {
                match resolve(scalar) {
                    Resolved::Null => continue,
                    Resolved::Str(s) if s == PASSWORD_PLACEHOLDER => continue,
                    // A password such as `yes` or `0123` is what PyYAML makes of it, as Ansible
                    // would send it.
                    other => {
                        SecretValue::Plain(Secret::new(other.python_str().unwrap_or_default()))
                    }
                }
            };
            let secret = value.reveal(vault_password).map_err(vault_err)?;
            match site {
                Site::Primary => out.primary = Some(secret),
                Site::Secondary => out.secondary = Some(secret),
            }
        }
        Ok(out)
    }
}
