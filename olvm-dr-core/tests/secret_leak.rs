//! No password reaches Debug or Display output of any public configuration or error type.

use std::path::{Path, PathBuf};

use olvm_dr_core::config::vault::VaultError;
use olvm_dr_core::config::{DrConf, Passwords, PasswordsError, SecretValue};
use olvm_dr_core::mapping::Mapping;
use olvm_dr_core::validate::{OfflineOptions, validate_offline};
use olvm_dr_core::{Secret, SiteConnection};

const PASSWORDS: &[&str] = &[
    "primary-S3cret!",
    "secondary-S3cret!",
    "conf-password-leak-check",
    "chap-secret-primary",
    "olvm-dr-test-vault-password",
    "hunter2-not-real",
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn assert_clean(what: &str, text: &str) {
    for p in PASSWORDS {
        assert!(!text.contains(p), "{what} leaks a password: {text}");
    }
}

fn check<T: std::fmt::Debug>(what: &str, value: &T) {
    assert_clean(what, &format!("{value:?}"));
    assert_clean(what, &format!("{value:#?}"));
}

fn check_display<T: std::fmt::Debug + std::fmt::Display>(what: &str, value: &T) {
    check(what, value);
    assert_clean(what, &value.to_string());
}

#[test]
fn no_public_type_formats_a_password() {
    let vault_password = Secret::new("olvm-dr-test-vault-password");
    check_display("Secret", &vault_password);

    let passwords = Passwords::load(
        &fixtures().join("passwords/vault-1.1.yml"),
        Some(&vault_password),
    )
    .unwrap();
    assert_eq!(
        passwords.primary.as_ref().unwrap().expose(),
        "primary-S3cret!"
    );
    check("Passwords", &passwords);

    let inline = Passwords::load(
        &fixtures().join("passwords/inline.yml"),
        Some(&vault_password),
    )
    .unwrap();
    check("Passwords (inline)", &inline);
    check_display(
        "SecretValue",
        &SecretValue::Plain(Secret::new("primary-S3cret!")),
    );

    for err in [
        Passwords::load(
            &fixtures().join("passwords/vault-1.1.yml"),
            Some(&Secret::new("wrong")),
        )
        .unwrap_err(),
        Passwords::load(&fixtures().join("passwords/vault-1.1.yml"), None).unwrap_err(),
        Passwords::parse(
            "dr_sites_primary_password: [primary-S3cret!\n",
            Path::new("p.yml"),
            None,
        )
        .unwrap_err(),
        Passwords::parse("- primary-S3cret!\n", Path::new("p.yml"), None).unwrap_err(),
    ] {
        check_display("PasswordsError", &err);
        if let PasswordsError::Vault { source, .. } = &err {
            check_display("VaultError", source);
        }
    }
    check_display("VaultError", &VaultError::WrongPassword);

    let (conf, findings) = DrConf::load(&fixtures().join("conf/dr.conf")).unwrap();
    assert_eq!(
        conf.generate.password.as_ref().unwrap().value.expose(),
        "conf-password-leak-check"
    );
    check("DrConf", &conf);
    for d in &findings {
        check_display("Diagnostic (dr.conf)", d);
    }

    let mapping_text = std::fs::read_to_string(fixtures().join("mapping/filled/iscsi.yml"))
        .unwrap()
        + "dr_sites_primary_password: hunter2-not-real\n";
    let loaded = Mapping::from_str(&mapping_text, None);
    check("Loaded", &loaded);
    let mapping = loaded.mapping.unwrap();
    for d in loaded
        .diagnostics
        .iter()
        .chain(validate_offline(&mapping, None, &OfflineOptions::default()).iter())
    {
        check_display("Diagnostic (mapping)", d);
    }
    // The mapping keeps the passwords (saving writes them back) but never shows them.
    assert!(mapping.to_yaml().contains("hunter2-not-real"));

    check(
        "SiteConnection",
        &SiteConnection {
            url: "https://e/ovirt-engine/api".into(),
            username: "admin@internal".into(),
            password: Secret::new("primary-S3cret!"),
            ca_file: None,
            insecure: false,
        },
    );
}
