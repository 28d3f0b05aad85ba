//! ansible-vault: decrypting `$ANSIBLE_VAULT;1.1;AES256` and `$ANSIBLE_VAULT;1.2;AES256;<id>`
//! envelopes natively, for whole files and for inline `!vault` values.
//!
//! Format facts (ansible-core `parsing/vault`): the envelope body is hex text whose decoded
//! content is three hex lines: salt, HMAC, ciphertext. PBKDF2-HMAC-SHA256 with 10 000
//! iterations derives 80 bytes from the vault password and salt: the AES-256 key (32), the
//! HMAC-SHA256 key (32) and the CTR initial counter block (16). The HMAC covers the ciphertext
//! and is checked before decrypting; the plaintext carries PKCS#7 padding (block size 16).

use std::fmt;

use aes::Aes256;
use ctr::Ctr128BE;
use ctr::cipher::{KeyIvInit, StreamCipher};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::Secret;

/// PBKDF2 iterations ansible-vault uses for AES256 envelopes.
const PBKDF2_ITERATIONS: u32 = 10_000;

/// Why a vault envelope could not be opened. Never contains key material or plaintext.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    /// The header is not `$ANSIBLE_VAULT;1.1;AES256` or `$ANSIBLE_VAULT;1.2;AES256;<id>`.
    #[error("not a supported ansible-vault envelope: {0}")]
    Format(String),
    /// The HMAC does not match: the vault password is wrong (or the file was altered).
    #[error("the vault password is wrong, or the encrypted data was altered (HMAC mismatch)")]
    WrongPassword,
    /// Encrypted content is present but no vault password was given.
    #[error(
        "the content is encrypted with ansible-vault and no vault password was given \
         (use --vault-password-file or OLVM_DR_VAULT_PASSWORD)"
    )]
    NoPassword,
}

/// `true` when `text` starts with an ansible-vault header.
pub fn is_vault(text: &str) -> bool {
    text.trim_start().starts_with("$ANSIBLE_VAULT;")
}

/// The header of an envelope: format version and, for 1.2, the vault id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultHeader {
    /// `1.1` or `1.2`.
    pub version: String,
    /// The vault id of a 1.2 envelope.
    pub vault_id: Option<String>,
}

/// Decrypts an ansible-vault envelope with `password`.
///
/// # Errors
/// [`VaultError::Format`] for anything that is not a well-formed AES256 envelope,
/// [`VaultError::WrongPassword`] when the HMAC does not verify.
pub fn decrypt(envelope: &str, password: &Secret) -> Result<(VaultHeader, Secret), VaultError> {
    let mut lines = envelope.trim().lines().map(str::trim);
    let header_line = lines.next().unwrap_or_default();
    let header = parse_header(header_line)?;
    let body: String = lines.collect();
    let inner = hex::decode(body.as_bytes())
        .map_err(|_| VaultError::Format("the body is not hexadecimal text".into()))?;
    let inner = String::from_utf8(inner)
        .map_err(|_| VaultError::Format("the decoded body is not text".into()))?;
    let mut parts = inner.split('\n');
    let (Some(salt), Some(mac), Some(data)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(VaultError::Format(
            "the body must hold salt, HMAC and ciphertext".into(),
        ));
    };
    let decode = |what: &str, s: &str| {
        hex::decode(s.trim())
            .map_err(|_| VaultError::Format(format!("the {what} is not hexadecimal")))
    };
    let (salt, mac, data) = (
        decode("salt", salt)?,
        decode("HMAC", mac)?,
        decode("ciphertext", data)?,
    );

    let mut derived = [0u8; 80];
    pbkdf2::pbkdf2_hmac::<Sha256>(
        password.expose().as_bytes(),
        &salt,
        PBKDF2_ITERATIONS,
        &mut derived,
    );
    let (cipher_key, rest) = derived.split_at(32);
    let (hmac_key, iv) = rest.split_at(32);

    let mut check = <Hmac<Sha256> as KeyInit>::new_from_slice(hmac_key)
        .map_err(|_| VaultError::Format("bad HMAC key length".into()))?;
    check.update(&data);
    check
        .verify_slice(&mac)
        .map_err(|_| VaultError::WrongPassword)?;

    let mut plain = data;
    let mut cipher = Ctr128BE::<Aes256>::new_from_slices(cipher_key, iv)
        .map_err(|_| VaultError::Format("bad key or IV length".into()))?;
    cipher.apply_keystream(&mut plain);
    let plain = unpad(plain)?;
    let text = String::from_utf8(plain)
        .map_err(|_| VaultError::Format("the decrypted content is not UTF-8 text".into()))?;
    Ok((header, Secret::new(text)))
}

fn parse_header(line: &str) -> Result<VaultHeader, VaultError> {
    let fields: Vec<&str> = line.split(';').map(str::trim).collect();
    match fields.as_slice() {
        ["$ANSIBLE_VAULT", "1.1", "AES256"] => Ok(VaultHeader {
            version: "1.1".into(),
            vault_id: None,
        }),
        ["$ANSIBLE_VAULT", "1.2", "AES256", id] => Ok(VaultHeader {
            version: "1.2".into(),
            vault_id: Some((*id).to_owned()),
        }),
        ["$ANSIBLE_VAULT", version, cipher, ..] => Err(VaultError::Format(format!(
            "format {version} with cipher {cipher} (supported: 1.1 and 1.2 with AES256)"
        ))),
        _ => Err(VaultError::Format("missing $ANSIBLE_VAULT header".into())),
    }
}

fn unpad(mut data: Vec<u8>) -> Result<Vec<u8>, VaultError> {
    let bad = || VaultError::Format("bad PKCS#7 padding".into());
    let n = usize::from(*data.last().ok_or_else(bad)?);
    if n == 0
        || n > 16
        || n > data.len()
        || !data[data.len() - n..].iter().all(|b| usize::from(*b) == n)
    {
        return Err(bad());
    }
    data.truncate(data.len() - n);
    Ok(data)
}

/// A secret as a file gives it: in clear, or as an inline `!vault` envelope still to decrypt.
#[derive(Clone, PartialEq, Eq)]
pub enum SecretValue {
    /// Clear text.
    Plain(Secret),
    /// An ansible-vault envelope (`!vault |` value).
    Vault(String),
}

impl SecretValue {
    /// The secret, decrypting an envelope with `vault_password`.
    ///
    /// # Errors
    /// [`VaultError::NoPassword`] for an envelope without a password, or the decryption error.
    pub fn reveal(&self, vault_password: Option<&Secret>) -> Result<Secret, VaultError> {
        match self {
            SecretValue::Plain(s) => Ok(s.clone()),
            SecretValue::Vault(envelope) => {
                let password = vault_password.ok_or(VaultError::NoPassword)?;
                decrypt(envelope, password).map(|(_, s)| s)
            }
        }
    }

    /// `true` for an inline vault envelope.
    pub fn is_vaulted(&self) -> bool {
        matches!(self, SecretValue::Vault(_))
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretValue::Plain(_) => f.write_str("Plain(<redacted>)"),
            SecretValue::Vault(_) => f.write_str("Vault(<encrypted>)"),
        }
    }
}

impl fmt::Display for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(Secret::REDACTED)
    }
}
