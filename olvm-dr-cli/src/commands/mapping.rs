//! `olvm-dr mapping normalize`: rewrite a mapping file in the role's layout.

use olvm_dr_core::mapping::Mapping;

use crate::cli::{GlobalArgs, NormalizeArgs};
use crate::exit::Exit;
use crate::output;

pub(crate) fn normalize(global: &GlobalArgs, args: &NormalizeArgs) -> Exit {
    let loaded = match Mapping::load(&args.input) {
        Ok(l) => l,
        Err(e) => {
            output::error_line(&e.to_string());
            return Exit::Usage;
        }
    };
    let color = output::use_color(global.color);
    let Some(mapping) = loaded.mapping.as_ref().filter(|_| !loaded.has_errors()) else {
        output::out(&output::print_text(&loaded.diagnostics, color));
        output::error_line("the file has errors; fix them before normalizing it");
        return Exit::Failure;
    };
    for d in loaded.diagnostics.iter().filter(|d| !d.is_error()) {
        tracing::warn!("{d}");
    }
    let text = mapping.to_yaml();
    match &args.output {
        Some(path) => {
            if let Err(e) = std::fs::write(path, text) {
                output::error_line(&format!("cannot write {}: {e}", path.display()));
                return Exit::Usage;
            }
        }
        None => output::out(&text),
    }
    Exit::Success
}
