//! Arbitrary bytes into the passwords-file reader and the ansible-vault decoder.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use olvm_dr_core::Secret;
use olvm_dr_core::config::{Passwords, vault};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let password = Secret::new("fuzz");
    let _ = vault::decrypt(text, &password);
    let _ = Passwords::parse(text, Path::new("fuzz.yml"), Some(&password));
});
