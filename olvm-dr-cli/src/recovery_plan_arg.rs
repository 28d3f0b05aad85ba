//! `--recovery-plan FILE` of the flow commands: the recovery plan a failover, failback,
//! switchover or drill follows (default: `[failover_failback] recovery_plan` of dr.conf).

use std::path::Path;

use olvm_dr_core::diag::Diagnostic;
use olvm_dr_core::recovery_plan::RecoveryPlan;

use crate::cli::GlobalArgs;
use crate::exit::Exit;
use crate::{conf, output};

/// Reads the recovery plan of `option`, else the one dr.conf names; `None` when neither names
/// one. Its warnings are printed; a plan with errors (printed with their file:line:column) or
/// that cannot be read is a usage error.
pub(crate) fn load(
    global: &GlobalArgs,
    option: Option<&Path>,
) -> Result<Option<RecoveryPlan>, Exit> {
    let path = match option {
        Some(p) => p.to_path_buf(),
        None => {
            let conf = conf::load_checked(global.conf_file.as_deref(), global.color)?;
            match conf.and_then(|(c, _)| c.failover.recovery_plan.map(|v| v.value)) {
                Some(p) => p,
                None => return Ok(None),
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
        Some(plan) if !loaded.diagnostics.iter().any(Diagnostic::is_error) => Ok(Some(plan)),
        _ => {
            output::error_line(&format!(
                "the recovery plan {} has errors (see above); nothing was changed",
                path.display()
            ));
            Err(Exit::Usage)
        }
    }
}
