//! `olvm-dr ovf-update --site S`: the site's Engine writes the OVF stores of every mapped
//! storage domain it holds active, and the command waits for each job, then shows each
//! store's age before and after. Exit 0 only when every domain was written.

use std::time::Duration;

use olvm_dr_core::Site;
use olvm_dr_core::ovf::{
    DomainOvfUpdate, Freshness, OvfUpdateReport, UpdateOptions, UpdateOutcome, format_age,
    update_ovf_stores,
};

use crate::cli::{GlobalArgs, OutputFormat, OvfUpdateArgs};
use crate::connect::Connect;
use crate::exit::Exit;
use crate::flow::{self, setup};
use crate::flow_args::FlowInputs;
use crate::output;

pub(crate) fn run(global: &GlobalArgs, args: &OvfUpdateArgs, connect: &Connect<'_>) -> Exit {
    // The flows' inputs, with the one site only: the other is never contacted.
    let inputs = FlowInputs {
        mapping: args.mapping.clone(),
        passwords: args.passwords.clone(),
        vault_password_file: args.vault_password_file.clone(),
        state_dir: None,
        output: args.output,
        state: None,
    };
    let site = Site::from(args.site);
    let setup = match setup::load(global, &inputs, Some(site), setup::Sites::Only, connect) {
        Ok(s) => s,
        Err(exit) => return exit,
    };
    let Some(engine) = setup.ctx.engines.get(&site).cloned() else {
        output::error_line(&format!("the {site} site cannot be contacted"));
        return Exit::Failure;
    };
    let rt = match flow::runtime() {
        Ok(rt) => rt,
        Err(exit) => return exit,
    };
    let options = UpdateOptions {
        job_timeout: Duration::from_secs(args.job_timeout),
        ..UpdateOptions::default()
    };
    tracing::info!(site = %site, "updating the OVF stores of the mapped storage domains");
    let result = rt.block_on(update_ovf_stores(
        engine.as_ref(),
        &setup.ctx.mapping,
        site,
        &options,
    ));
    flow::close(&rt, &setup.ctx);
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            output::error_line(&format!("{e}; nothing was changed"));
            return Exit::Failure;
        }
    };
    output::out(&match args.output {
        OutputFormat::Text => text(&report),
        OutputFormat::Json => report.to_json() + "\n",
    });
    if report.all_updated() {
        Exit::Success
    } else {
        Exit::Failure
    }
}

fn age_text(f: Option<&Freshness>) -> String {
    match f {
        Some(Freshness::Known { age, .. }) => format_age(*age),
        Some(Freshness::Unknown(_)) => "unknown".into(),
        None => "-".into(),
    }
}

/// The text report: one line per storage entry, then a summary; why an age is unknown once.
fn text(r: &OvfUpdateReport) -> String {
    let mut s = format!("OVF update on the {} site (ages by {}):\n", r.site, r.clock);
    let width = r.domains.iter().map(|d| d.name.len()).max().unwrap_or(0);
    for d in &r.domains {
        let (status, detail) = match &d.outcome {
            UpdateOutcome::Updated { job, took } => (
                "updated",
                format!(
                    "age {} -> {} ({}{:.1} s)",
                    age_text(d.before.as_ref()),
                    age_text(d.after.as_ref()),
                    job.map_or_else(String::new, |j| format!("job {j}, ")),
                    took.as_secs_f64()
                ),
            ),
            UpdateOutcome::Skipped(why) => ("skipped", why.clone()),
            UpdateOutcome::Unchanged { .. } => (
                "unchanged",
                format!(
                    "age {}: {}",
                    age_text(d.after.as_ref()),
                    d.outcome.reason().unwrap_or_default()
                ),
            ),
            UpdateOutcome::Failed(why) => (
                "FAILED",
                format!(
                    "{why} (age {} -> {})",
                    age_text(d.before.as_ref()),
                    age_text(d.after.as_ref())
                ),
            ),
        };
        s.push_str(&format!("  {:<width$}  {status:<7}  {detail}\n", d.name));
    }
    let unknown = r.domains.iter().find_map(|d| match d.after.as_ref() {
        Some(Freshness::Unknown(why)) => Some(why),
        _ => None,
    });
    if let Some(why) = unknown {
        s.push_str(&format!(
            "An unknown age: {why}. A finished job is then the evidence of the update.\n"
        ));
    }
    let count = |f: fn(&DomainOvfUpdate) -> bool| r.domains.iter().filter(|d| f(d)).count();
    s.push_str(&format!(
        "{} storage domain(s): {} updated, {} unchanged, {} skipped, {} failed.\n",
        r.domains.len(),
        count(|d| d.updated()),
        count(|d| matches!(d.outcome, UpdateOutcome::Unchanged { .. })),
        count(|d| matches!(d.outcome, UpdateOutcome::Skipped(_))),
        count(|d| matches!(d.outcome, UpdateOutcome::Failed(_))),
    ));
    s
}
