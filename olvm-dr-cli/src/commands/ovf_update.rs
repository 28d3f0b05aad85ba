//! `olvm-dr ovf-update --site S`: the site's Engine writes the OVF stores of every mapped
//! storage domain it holds active, and the command waits for each job, then shows each
//! store's age before and after. Exit 0 only when every domain was written.

use std::path::Path;
use std::time::Duration;

use olvm_dr_core::config::{DrConf, Passwords, PasswordsError, VaultError, env};
use olvm_dr_core::mapping::Mapping;
use olvm_dr_core::ovf::{
    DomainOvfUpdate, Freshness, OvfUpdateReport, UpdateOptions, UpdateOutcome, format_age,
    update_ovf_stores,
};
use olvm_dr_core::validate::{OfflineOptions, validate_offline};
use olvm_dr_core::{Diagnostic, Secret, Site};

use crate::cli::{GlobalArgs, OutputFormat, OvfUpdateArgs};
use crate::connect::{self, Connect};
use crate::exit::Exit;
use crate::{conf, output, vault_password};

pub(crate) fn run(global: &GlobalArgs, args: &OvfUpdateArgs, connect: &Connect<'_>) -> Exit {
    match run_inner(global, args, connect) {
        Ok(exit) | Err(exit) => exit,
    }
}

fn usage(message: &str) -> Exit {
    output::error_line(message);
    Exit::Usage
}

fn run_inner(
    global: &GlobalArgs,
    args: &OvfUpdateArgs,
    connect: &Connect<'_>,
) -> Result<Exit, Exit> {
    let site = Site::from(args.site);
    let conf: Option<DrConf> = match conf::load(global.conf_file.as_deref()) {
        Ok(Some((c, diags))) => {
            if diags.iter().any(Diagnostic::is_error) {
                output::out(&output::print_text(&diags, output::use_color(global.color)));
                return Err(usage("dr.conf has errors"));
            }
            Some(c)
        }
        Ok(None) => None,
        Err(m) => return Err(usage(&m)),
    };
    let path = args
        .mapping
        .clone()
        .or_else(|| conf.as_ref().and_then(|c| c.failover.var_file.as_ref()).map(|v| v.value.clone()))
        .ok_or_else(|| usage("no mapping file: give --mapping, or set var_file in [failover_failback] of dr.conf"))?;
    let mapping = load_mapping(global, &path)?;
    let passwords_path = args.passwords.clone().or_else(|| {
        conf.as_ref()
            .and_then(|c| c.failover.vault.as_ref())
            .map(|v| v.value.clone())
    });
    let (passwords, vault) = match &passwords_path {
        Some(p) => {
            let (p, v) = load_passwords(p, args.vault_password_file.as_deref())?;
            (Some(p), v)
        }
        None => (None, None),
    };
    let password = connect::site_password(&mapping, site, passwords.as_ref(), vault.as_ref())
        .map_err(|e| usage(&e))?
        .ok_or_else(|| {
            usage(&format!(
                "no password for the {site} site: give the passwords file (--passwords, or vault in [failover_failback] of dr.conf) or set {}",
                env::site_password(site)
            ))
        })?;
    let base = path.parent().unwrap_or(Path::new(""));
    let connection = mapping
        .connection(site, password, base)
        .map_err(|e| usage(&e.to_string()))?;
    let engine = connect(site, &connection).map_err(|e| usage(&format!("{site} site: {e}")))?;
    let rt = connect::runtime().map_err(|e| {
        output::error_line(&e);
        Exit::Failure
    })?;
    let options = UpdateOptions {
        job_timeout: Duration::from_secs(args.job_timeout),
        ..UpdateOptions::default()
    };
    tracing::info!(site = %site, "updating the OVF stores of the mapped storage domains");
    let result = rt.block_on(async {
        let r = update_ovf_stores(engine.as_ref(), &mapping, site, &options).await;
        connect::close_all(std::slice::from_ref(&engine)).await;
        r
    });
    let report = result.map_err(|e| {
        output::error_line(&format!("{e}; nothing was changed"));
        Exit::Failure
    })?;
    output::out(&match args.output {
        OutputFormat::Text => text(&report),
        OutputFormat::Json => report.to_json() + "\n",
    });
    Ok(if report.all_updated() {
        Exit::Success
    } else {
        Exit::Failure
    })
}

/// Reads the mapping and refuses one with errors (as the flows do: nothing is changed).
fn load_mapping(global: &GlobalArgs, path: &Path) -> Result<Mapping, Exit> {
    let loaded = Mapping::load(path).map_err(|e| usage(&e.to_string()))?;
    let mut findings = loaded.diagnostics.clone();
    if let Some(m) = &loaded.mapping {
        findings.extend(validate_offline(m, Some(path), &OfflineOptions::default()));
    }
    match loaded.mapping {
        Some(m) if !findings.iter().any(Diagnostic::is_error) => Ok(m),
        _ => {
            output::out(&output::print_text(
                &findings,
                output::use_color(global.color),
            ));
            output::error_line(
                "the mapping file has errors (see above; `olvm-dr validate` shows the same); nothing was changed",
            );
            Err(Exit::Failure)
        }
    }
}

/// Reads the passwords file, asking for the vault password only when it is encrypted; a vault
/// password given anyway is kept for `!vault` values of the mapping.
fn load_passwords(
    path: &Path,
    vault_file: Option<&Path>,
) -> Result<(Passwords, Option<Secret>), Exit> {
    let fail = |m: String| usage(&m);
    match Passwords::load(path, None) {
        Ok(p) => {
            let given = if vault_file.is_some() || env::get(env::VAULT_PASSWORD).is_some() {
                vault_password::get(vault_file).map_err(fail)?
            } else {
                None
            };
            Ok((p, given))
        }
        Err(PasswordsError::Vault {
            source: VaultError::NoPassword,
            ..
        }) => {
            let vault = vault_password::get(vault_file)
                .map_err(fail)?
                .ok_or_else(|| {
                    fail(format!(
                        "{} is encrypted: give --vault-password-file or set {}",
                        path.display(),
                        env::VAULT_PASSWORD
                    ))
                })?;
            let p = Passwords::load(path, Some(&vault)).map_err(|e| fail(e.to_string()))?;
            Ok((p, Some(vault)))
        }
        Err(e) => Err(fail(e.to_string())),
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
        "{} storage domain(s): {} updated, {} skipped, {} failed.\n",
        r.domains.len(),
        count(|d| d.updated()),
        count(|d| matches!(d.outcome, UpdateOutcome::Skipped(_))),
        count(|d| matches!(d.outcome, UpdateOutcome::Failed(_))),
    ));
    s
}
