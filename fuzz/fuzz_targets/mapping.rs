//! Arbitrary bytes into the mapping loader, the offline validator and the writer: none may
//! panic, and what the writer produces must load again without errors.
#![no_main]

use libfuzzer_sys::fuzz_target;
use olvm_dr_core::mapping::Mapping;
use olvm_dr_core::validate::{OfflineOptions, validate_offline};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let loaded = Mapping::from_str(text, None);
    let Some(mapping) = &loaded.mapping else {
        return;
    };
    let options = OfflineOptions { check_ca_files: false, base_dir: None };
    let _ = validate_offline(mapping, None, &options);
    if !loaded.has_errors() {
        let saved = mapping.to_yaml();
        let again = Mapping::from_str(&saved, None);
        assert!(!again.has_errors(), "saved text does not load:\n{saved}\n{:?}", again.diagnostics);
        assert_eq!(again.mapping.expect("a mapping").to_yaml(), saved, "saving is not stable");
    }
});
