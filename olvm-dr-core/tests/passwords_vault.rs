//! The passwords file in clear text, encrypted whole with ansible-vault 1.1 and 1.2 (vault
//! id), and with an inline `!vault` value: every fixture was made by the real ansible-vault.

use std::path::{Path, PathBuf};

use olvm_dr_core::config::vault::{self, VaultError};
use olvm_dr_core::config::{Passwords, PasswordsError};
use olvm_dr_core::{Secret, Site};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/passwords")
        .join(name)
}

fn vault_password() -> Secret {
    Secret::new(
        std::fs::read_to_string(fixture("vault-password.txt"))
            .unwrap()
            .trim_end(),
    )
}

fn assert_both(p: &Passwords) {
    assert_eq!(
        p.get(Site::Primary).map(Secret::expose),
        Some("primary-S3cret!")
    );
    assert_eq!(
        p.get(Site::Secondary).map(Secret::expose),
        Some("secondary-S3cret!")
    );
}

#[test]
fn plain_file() {
    assert_both(&Passwords::load(&fixture("plain.yml"), None).unwrap());
}

#[test]
fn vault_1_1_whole_file() {
    assert_both(&Passwords::load(&fixture("vault-1.1.yml"), Some(&vault_password())).unwrap());
}

#[test]
fn vault_1_2_with_vault_id() {
    let text = std::fs::read_to_string(fixture("vault-1.2-id.yml")).unwrap();
    let (header, _) = vault::decrypt(&text, &vault_password()).unwrap();
    assert_eq!(header.version, "1.2");
    assert_eq!(header.vault_id.as_deref(), Some("drtest"));
    assert_both(&Passwords::load(&fixture("vault-1.2-id.yml"), Some(&vault_password())).unwrap());
}

#[test]
fn inline_vault_value() {
    assert_both(&Passwords::load(&fixture("inline.yml"), Some(&vault_password())).unwrap());
}

#[test]
fn wrong_vault_password_is_a_clear_error() {
    for name in ["vault-1.1.yml", "vault-1.2-id.yml", "inline.yml"] {
        let err =
            Passwords::load(&fixture(name), Some(&Secret::new("not-the-password"))).unwrap_err();
        assert!(
            matches!(
                err,
                PasswordsError::Vault {
                    source: VaultError::WrongPassword,
                    ..
                }
            ),
            "{name}: {err:?}"
        );
        assert!(err.to_string().contains("vault password is wrong"), "{err}");
    }
}

#[test]
fn encrypted_file_without_a_vault_password() {
    let err = Passwords::load(&fixture("vault-1.1.yml"), None).unwrap_err();
    assert!(matches!(
        err,
        PasswordsError::Vault {
            source: VaultError::NoPassword,
            ..
        }
    ));
    assert!(err.to_string().contains("OLVM_DR_VAULT_PASSWORD"));
}

#[test]
fn altered_ciphertext_is_refused_before_decrypting() {
    let text = std::fs::read_to_string(fixture("vault-1.1.yml")).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let last = lines.last_mut().unwrap();
    let flipped = if last.ends_with('0') { '1' } else { '0' };
    last.pop();
    last.push(flipped);
    let tampered = lines.join("\n");
    assert!(vault::decrypt(&tampered, &vault_password()).is_err());
}

#[test]
fn unsupported_envelopes() {
    for text in [
        "$ANSIBLE_VAULT;1.0;AES\n00",
        "$ANSIBLE_VAULT;1.1;AES256\nzz",
        "$ANSIBLE_VAULT;1.1;AES256\n6162",
    ] {
        assert!(
            matches!(
                vault::decrypt(text, &vault_password()),
                Err(VaultError::Format(_))
            ),
            "{text}"
        );
    }
}

#[test]
fn syntax_errors_never_quote_the_content() {
    let err = Passwords::parse(
        "dr_sites_primary_password: [hunter2-leak\n",
        Path::new("pw.yml"),
        None,
    )
    .unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(!text.contains("hunter2"), "{text}");
    assert!(text.contains("pw.yml:"), "{text}");
}
