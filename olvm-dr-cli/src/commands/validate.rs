//! `olvm-dr validate`: the offline checks of a mapping file (and of dr.conf and the passwords
//! file when they are given), then, unless `--offline`, the online checks against both sites.

use std::path::{Path, PathBuf};

use olvm_dr_core::config::{Passwords, PasswordsError, VaultError};
use olvm_dr_core::mapping::Mapping;
use olvm_dr_core::recovery_plan::RecoveryPlan;
use olvm_dr_core::validate::codes;
use olvm_dr_core::validate::findings::{Findings, sort};
use olvm_dr_core::validate::{
    DEFAULT_MAX_OVF_AGE, OfflineOptions, OnlineOptions, validate_offline,
};
use olvm_dr_core::{Diagnostic, Secret, Site};

use super::online;
use crate::cli::{GlobalArgs, OutputFormat, ValidateArgs};
use crate::connect::Connect;
use crate::exit::Exit;
use crate::{conf, output, vault_password};

pub(crate) fn run(global: &GlobalArgs, args: &ValidateArgs, connect: &Connect<'_>) -> Exit {
    let conf = match conf::load_checked(global.conf_file.as_deref(), global.color) {
        Ok(c) => c,
        Err(exit) => return exit,
    };
    let mut all: Vec<Diagnostic> = Vec::new();
    if let Some((_, d)) = &conf {
        all.extend(d.iter().cloned());
    }
    let conf = conf.map(|(c, _)| c);
    let mapping: Option<PathBuf> = args.mapping.clone().or_else(|| {
        conf.as_ref()
            .and_then(|c| c.validate.var_file.as_ref())
            .map(|v| v.value.clone())
    });
    let Some(mapping) = mapping else {
        output::error_line(
            "no mapping file: give it as an argument, or set var_file in [validate_vars] of dr.conf",
        );
        return Exit::Usage;
    };
    tracing::info!(file = %mapping.display(), "validating mapping file offline");
    let options = OfflineOptions {
        check_ca_files: !args.no_ca_check,
        base_dir: None,
    };
    let loaded = match Mapping::load(&mapping) {
        Ok(l) => l,
        Err(e) => {
            output::error_line(&e.to_string());
            return Exit::Usage;
        }
    };
    all.extend(loaded.diagnostics.iter().cloned());
    if let Some(m) = &loaded.mapping {
        all.extend(validate_offline(m, Some(&mapping), &options));
    }
    let mut files = vec![mapping.display().to_string()];
    let recovery_plan = args.recovery_plan.clone().or_else(|| {
        conf.as_ref()
            .and_then(|c| c.failover.recovery_plan.as_ref())
            .map(|v| v.value.clone())
    });
    if let Some(path) = &recovery_plan {
        match RecoveryPlan::load(path) {
            Ok(l) => all.extend(l.diagnostics),
            Err(e) => {
                output::error_line(&format!(
                    "cannot read recovery plan {}: {e}",
                    path.display()
                ));
                return Exit::Usage;
            }
        }
        files.push(path.display().to_string());
    }
    let passwords_file = args.passwords.clone().or_else(|| {
        conf.as_ref()
            .and_then(|c| c.failover.vault.as_ref())
            .map(|v| v.value.clone())
    });
    let mut passwords = None;
    let mut vault = None;
    if let Some(path) = passwords_file {
        match check_passwords(&path, args.vault_password_file.as_deref()) {
            Ok((d, p, v)) => {
                all.extend(d);
                passwords = p;
                vault = v;
            }
            Err(message) => {
                output::error_line(&message);
                return Exit::Usage;
            }
        }
        files.push(path.display().to_string());
    }
    if !args.offline
        && let Some(m) = &loaded.mapping
    {
        let target = args.target.map(Site::from).unwrap_or_else(|| {
            conf.as_ref()
                .and_then(|c| c.failover.dr_target_host.as_ref())
                .map_or(Site::Secondary, |v| v.value)
        });
        tracing::info!(target = %target, "validating mapping file against both sites");
        let input = online::Input {
            file: &mapping,
            passwords: passwords.as_ref(),
            vault_password: vault.as_ref(),
            options: OnlineOptions {
                target,
                source_required: !args.source_may_be_down,
                max_ovf_age: args.max_ovf_age.map_or(DEFAULT_MAX_OVF_AGE, |minutes| {
                    std::time::Duration::from_secs(minutes.saturating_mul(60))
                }),
            },
            state_dir: args.state_dir.as_deref(),
        };
        match online::run(m, &input, connect) {
            Ok(d) => all.extend(d),
            Err(message) => {
                output::error_line(&message);
                return Exit::Usage;
            }
        }
    }
    sort(&mut all);
    let mode = if args.offline { "offline" } else { "online" };
    let text = match args.output {
        OutputFormat::Text => output::print_text(&all, output::use_color(global.color)),
        OutputFormat::Json => output::print_json(&all, mode, &files),
    };
    output::out(&text);
    if all.iter().any(Diagnostic::is_error) {
        Exit::Failure
    } else {
        Exit::Success
    }
}

/// What reading the passwords file gave: its findings, the passwords, and the vault password
/// when one was needed.
type PasswordsRead = (Vec<Diagnostic>, Option<Passwords>, Option<Secret>);

/// Opens the passwords file (asking for the vault password only when it is encrypted) and
/// checks that both sites have a password. `Err` when the vault password file itself cannot be
/// read or the vault password is wrong (configuration errors, exit 2).
fn check_passwords(path: &Path, vault_file: Option<&Path>) -> Result<PasswordsRead, String> {
    let mut f = Findings::new(Some(path));
    let mut result = Passwords::load(path, None);
    let mut vault = None;
    if matches!(
        result,
        Err(PasswordsError::Vault {
            source: VaultError::NoPassword,
            ..
        })
    ) && let Some(password) = vault_password::get(vault_file)?
    {
        result = Passwords::load(path, Some(&password));
        vault = Some(password);
    }
    let mut passwords = None;
    // A wrong vault password is a configuration error, as in every flow (exit 2), not a
    // finding about the file.
    if let Err(
        e @ PasswordsError::Vault {
            source: VaultError::WrongPassword,
            ..
        },
    ) = &result
    {
        return Err(format!(
            "{e}; give the right one with --vault-password-file or OLVM_DR_VAULT_PASSWORD"
        ));
    }
    // So is a file that cannot be read at all (missing, a device, a FIFO, too large).
    if let Err(e @ PasswordsError::Read { .. }) = &result {
        return Err(e.to_string());
    }
    match result {
        Ok(p) => {
            for site in Site::BOTH {
                if p.get(site).is_none() {
                    f.error(
                        codes::PASSWORD_MISSING,
                        None,
                        format!("dr_sites_{site}_password"),
                        format!("the passwords file has no password for the {site} site"),
                    )
                    .hint = Some(format!("add dr_sites_{site}_password"));
                }
            }
            passwords = Some(p);
        }
        Err(e) => {
            let pos = match &e {
                PasswordsError::Invalid { pos, .. } => *pos,
                _ => None,
            };
            let d = f.error(codes::PASSWORDS_FILE, pos, None, e.to_string());
            d.hint = Some(match &e {
                PasswordsError::Vault {
                    source: VaultError::NoPassword,
                    ..
                } => "give the vault password with --vault-password-file or OLVM_DR_VAULT_PASSWORD"
                    .into(),
                _ => "check the file".into(),
            });
        }
    }
    Ok((f.into_sorted(), passwords, vault))
}
