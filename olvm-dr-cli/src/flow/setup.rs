//! Everything a flow needs before it plans: dr.conf, the mapping (checked offline), the
//! passwords, the Engines of both sites, the state directory.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use olvm_dr_core::config::{DrConf, Passwords, PasswordsError, VaultError, env};
use olvm_dr_core::engine::Engine;
use olvm_dr_core::flow::{FlowContext, RunStore, file_sha256};
use olvm_dr_core::mapping::{Mapping, MappingSecrets};
use olvm_dr_core::state::StateLocation;
use olvm_dr_core::validate::{OfflineOptions, validate_offline};
use olvm_dr_core::{Diagnostic, Secret, Site};

use crate::cli::GlobalArgs;
use crate::connect::{self, Connect};
use crate::exit::Exit;
use crate::flow_args::FlowInputs;
use crate::{conf, output, vault_password};

/// A flow's inputs, loaded.
pub(crate) struct Setup {
    /// The mapping, Engines and secrets.
    pub(crate) ctx: FlowContext,
    /// The site the flow acts on.
    pub(crate) target: Site,
}

/// The site a flow acts on: the option, else `[failover_failback] dr_target_host`, else
/// secondary.
pub(crate) fn target(option: Option<Site>, conf: Option<&DrConf>) -> Site {
    option
        .or_else(|| {
            conf.and_then(|c| c.failover.dr_target_host.as_ref())
                .map(|v| v.value)
        })
        .unwrap_or(Site::Secondary)
}

/// Which sites a flow needs, and how its target is chosen by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sites {
    /// Only the target (failover, cleanup); the other site is used when it can be reached.
    Target,
    /// Only the target; the other site is never contacted (drill end, verify).
    Only,
    /// Both sites; the target defaults as for failover (switchover).
    Both,
    /// Both sites; the target is the site failed back to: the option, else
    /// `[failover_failback] dr_source_map` (as `ovirt-dr failback` swaps them), else primary.
    ReturnTo,
}

/// The site a failback returns to.
pub(crate) fn return_target(option: Option<Site>, conf: Option<&DrConf>) -> Site {
    option
        .or_else(|| {
            conf.and_then(|c| c.failover.dr_source_map.as_ref())
                .map(|v| v.value)
        })
        .unwrap_or(Site::Primary)
}

/// Where runs are kept: the option (`--state`, `--state-dir`), else `OLVM_DR_STATE`, else
/// `OLVM_DR_STATE_DIR`, else `[state] url` of dr.conf, else the user's data directory.
pub(crate) fn state_location(
    global: &GlobalArgs,
    option: Option<&str>,
) -> Result<StateLocation, Exit> {
    let conf = conf::load_checked(global.conf_file.as_deref(), global.color)?.map(|(c, _)| c);
    StateLocation::resolve(option, conf.as_ref()).map_err(|e| {
        output::error_line(&e.to_string());
        Exit::Usage
    })
}

/// The store for a run: locked (refusing when another run holds it), or, for a dry run, only
/// read (nothing is created or written).
pub(crate) fn open_store_for(
    global: &GlobalArgs,
    option: Option<&str>,
    dry_run: bool,
) -> Result<RunStore, Exit> {
    let location = state_location(global, option)?;
    let opened = if dry_run {
        RunStore::open_location_to_read(&location)
    } else {
        RunStore::open_location(&location)
    };
    opened.map_err(|e| {
        output::error_line(&e.to_string());
        Exit::Failure
    })
}

/// Opens the store, refusing when another run holds it.
pub(crate) fn open_store(global: &GlobalArgs, option: Option<&str>) -> Result<RunStore, Exit> {
    open_store_for(global, option, false)
}

/// The store to read reports from: a state directory is locked as for a run; etcd is only
/// read, so reports can be read while a run works (from any controller).
pub(crate) fn open_store_for_reports(
    global: &GlobalArgs,
    option: Option<&str>,
) -> Result<RunStore, Exit> {
    let location = state_location(global, option)?;
    let opened = match &location {
        StateLocation::Dir(_) => RunStore::open_location(&location),
        StateLocation::Etcd(_) => RunStore::open_location_to_read(&location),
    };
    opened.map_err(|e| {
        output::error_line(&e.to_string());
        Exit::Failure
    })
}

/// Loads everything. The target (`target_option`, else dr.conf, else secondary) must be
/// reachable; the other site is left out with a note when its password or keys are missing.
pub(crate) fn load(
    global: &GlobalArgs,
    inputs: &FlowInputs,
    target_option: Option<Site>,
    sites: Sites,
    connect: &Connect<'_>,
) -> Result<Setup, Exit> {
    let usage = |m: &str| {
        output::error_line(m);
        Exit::Usage
    };
    let conf = conf::load_checked(global.conf_file.as_deref(), global.color)?.map(|(c, _)| c);
    let required = match sites {
        Sites::ReturnTo => return_target(target_option, conf.as_ref()),
        _ => target(target_option, conf.as_ref()),
    };
    let needed = |site: Site| site == required || matches!(sites, Sites::Both | Sites::ReturnTo);
    let mapping_path = inputs
        .mapping
        .clone()
        .or_else(|| conf.as_ref().and_then(|c| c.failover.var_file.as_ref()).map(|v| v.value.clone()))
        .ok_or_else(|| usage("no mapping file: give --mapping, or set var_file in [failover_failback] of dr.conf"))?;
    let bytes =
        olvm_dr_core::input::read_bytes(&mapping_path, olvm_dr_core::input::MAX_INPUT_BYTES)
            .map_err(|e| {
                usage(&format!(
                    "cannot read mapping file {}: {e}",
                    mapping_path.display()
                ))
            })?;
    let text = String::from_utf8(bytes.clone()).map_err(|_| {
        usage(&format!(
            "mapping file {} is not UTF-8",
            mapping_path.display()
        ))
    })?;
    let loaded = Mapping::from_str(&text, Some(&mapping_path));
    let mut findings = loaded.diagnostics.clone();
    let Some(mapping) = loaded.mapping else {
        output::out(&output::print_text(
            &findings,
            output::use_color(global.color),
        ));
        output::error_line("the mapping file cannot be used; fix the errors above");
        return Err(Exit::Failure);
    };
    findings.extend(validate_offline(
        &mapping,
        Some(&mapping_path),
        &OfflineOptions::default(),
    ));
    if findings.iter().any(Diagnostic::is_error) {
        output::out(&output::print_text(
            &findings,
            output::use_color(global.color),
        ));
        output::error_line(
            "the mapping file has errors (see above; `olvm-dr validate` shows the same); nothing was changed",
        );
        return Err(Exit::Failure);
    }

    let passwords_path = inputs.passwords.clone().or_else(|| {
        conf.as_ref()
            .and_then(|c| c.failover.vault.as_ref())
            .map(|v| v.value.clone())
    });
    let (passwords, vault) = match &passwords_path {
        Some(path) => {
            let (p, v) = load_passwords(path, inputs.vault_password_file.as_deref())?;
            (Some(p), v)
        }
        None => (None, None),
    };

    let base = mapping_path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let mut engines: BTreeMap<Site, Arc<dyn Engine>> = BTreeMap::new();
    for site in Site::BOTH {
        if sites == Sites::Only && site != required {
            continue;
        }
        let password = connect::site_password(&mapping, site, passwords.as_ref(), vault.as_ref())
            .map_err(|e| usage(&e))?;
        let Some(password) = password else {
            if needed(site) {
                return Err(usage(&format!(
                    "no password for the {site} site: give the passwords file (--passwords, or vault in [failover_failback] of dr.conf) or set {}",
                    env::site_password(site)
                )));
            }
            output::note_line(&format!(
                "no password for the {site} site: it will not be contacted"
            ));
            continue;
        };
        let connection = match mapping.connection(site, password, &base) {
            Ok(c) => c,
            Err(e) if needed(site) => return Err(usage(&e.to_string())),
            Err(e) => {
                output::note_line(&format!("{e}: the {site} site will not be contacted"));
                continue;
            }
        };
        match connect(site, &connection) {
            Ok(engine) => {
                engines.insert(site, engine);
            }
            Err(e) if needed(site) => return Err(usage(&format!("{site} site: {e}"))),
            Err(e) => output::note_line(&format!("{site} site: {e}; it will not be contacted")),
        }
    }
    let ctx = FlowContext {
        secrets: Arc::new(MappingSecrets::new(mapping.clone(), vault)),
        mapping,
        mapping_file: Some(mapping_path),
        mapping_sha256: file_sha256(&bytes),
        engines,
    };
    Ok(Setup {
        ctx,
        target: required,
    })
}

/// Reads the passwords file, asking for the vault password only when something is encrypted.
fn load_passwords(
    path: &Path,
    vault_file: Option<&Path>,
) -> Result<(Passwords, Option<Secret>), Exit> {
    let fail = |m: String| {
        output::error_line(&m);
        Exit::Usage
    };
    match Passwords::load(path, None) {
        // Not encrypted: a vault password is still used for inline `!vault` CHAP values of the
        // mapping when one is given, but not asked for.
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
