//! `--recovery-plan FILE` of the flow commands: the recovery plan a failover, failback,
//! switchover or drill follows (default: `[failover_failback] recovery_plan` of dr.conf).

use std::path::Path;

use olvm_dr_core::diag::Diagnostic;
use olvm_dr_core::flow::options::OptionValue;
use olvm_dr_core::recovery_plan::RecoveryPlan;

use crate::cli::GlobalArgs;
use crate::exit::Exit;
use crate::{conf, output};

/// The `recovery_plan` option's value: the file of `option`, else the one dr.conf names; unset
/// when neither names one. The file is read here so that its warnings and errors are printed
/// with their file:line:column (the core reads it again for the run); a plan with errors, one
/// that cannot be read, or a path that is not UTF-8 is a usage error.
pub(crate) fn value(global: &GlobalArgs, option: Option<&Path>) -> Result<OptionValue, Exit> {
    let path = match option {
        Some(p) => p.to_path_buf(),
        None => {
            let conf = conf::load_checked(global.conf_file.as_deref(), global.color)?;
            match conf.and_then(|(c, _)| c.failover.recovery_plan.map(|v| v.value)) {
                Some(p) => p,
                None => return Ok(OptionValue::Unset),
            }
        }
    };
    let loaded = RecoveryPlan::load(&path).map_err(|e| {
        output::error_line(&format!(
            "cannot read recovery plan {}: {e}",
            path.display()
        ));
        Exit::Usage
    })?;
    if !loaded.diagnostics.is_empty() {
        output::out(&output::print_text(
            &loaded.diagnostics,
            output::use_color(global.color),
        ));
    }
    match loaded.plan {
        Some(_) if !loaded.diagnostics.iter().any(Diagnostic::is_error) => match path.to_str() {
            Some(p) => Ok(OptionValue::Text(p.to_owned())),
            None => {
                output::error_line(&format!(
                    "the recovery plan's path {} is not UTF-8; rename or link it",
                    path.display()
                ));
                Err(Exit::Usage)
            }
        },
        _ => {
            output::error_line(&format!(
                "the recovery plan {} has errors (see above); nothing was changed",
                path.display()
            ));
            Err(Exit::Usage)
        }
    }
}
