//! `olvm-dr verify`: does a site hold what the mapping and its last run say it should?

use olvm_dr_core::flow::{CheckAgainst, SiteCheckError};
use olvm_dr_core::verify::{Expectations, verify_site};

use crate::cli::{GlobalArgs, OutputFormat};
use crate::connect::Connect;
use crate::drill_args::VerifyArgs;
use crate::exit::Exit;
use crate::flow::{self, setup};
use crate::output;

pub(crate) fn run(global: &GlobalArgs, args: &VerifyArgs, connect: &Connect<'_>) -> Exit {
    let setup = match setup::load(global, &args.inputs, args.site, setup::Sites::Only, connect) {
        Ok(s) => s,
        Err(exit) => return exit,
    };
    let site = setup.target;
    let (expect, run_id) = match expectations(global, args, site) {
        Ok(e) => e,
        Err(exit) => return exit,
    };
    let rt = match flow::runtime() {
        Ok(rt) => rt,
        Err(exit) => return exit,
    };
    let Some(engine) = setup.ctx.engines.get(&site).cloned() else {
        output::error_line(&format!("the {site} site cannot be contacted"));
        return Exit::Failure;
    };
    let result = rt.block_on(verify_site(
        &setup.ctx.mapping,
        site,
        engine.as_ref(),
        &expect,
    ));
    flow::close(&rt, &setup.ctx);
    let verification = match result {
        Ok(v) => v,
        Err(e) => {
            output::error_line(&format!("the {site} site cannot be read: {e}"));
            return Exit::Failure;
        }
    };
    match args.inputs.output {
        OutputFormat::Text => output::out(&verification.render()),
        OutputFormat::Json => {
            output::out(&(verification.document(run_id.as_deref()).to_json() + "\n"));
        }
    }
    if verification.is_clean() {
        Exit::Success
    } else {
        Exit::Failure
    }
}

/// What the run to check expects (`--run`, else the newest run that brought a workload to the
/// site), or the mapping alone.
fn expectations(
    global: &GlobalArgs,
    args: &VerifyArgs,
    site: olvm_dr_core::Site,
) -> Result<(Expectations, Option<String>), Exit> {
    if args.no_run {
        return Ok((Expectations::default(), None));
    }
    let store = setup::open_store(global, args.inputs.state_option().as_deref())?;
    let against = args
        .run
        .clone()
        .map_or(CheckAgainst::NewestRun, CheckAgainst::Run);
    let run = store.expectations_for(site, &against).map_err(|e| {
        match e {
            SiteCheckError::WrongSite { target, .. } => {
                output::error_line(&format!("{e}: give --site {target}"));
            }
            e => output::error_line(&e.to_string()),
        }
        Exit::Usage
    })?;
    let Some(run) = run else {
        output::note_line(&format!(
            "no run brought a workload to the {site} site in the state directory: checking it against the mapping only"
        ));
        return Ok((Expectations::default(), None));
    };
    let id = run.run_id.clone();
    output::note_line(&format!(
        "checking what {}{} run {id} left on the {site} site ({} VMs it started must be up)",
        if run.drill { "drill " } else { "" },
        run.kind,
        run.expect.running.len()
    ));
    Ok((run.expect, Some(id)))
}
