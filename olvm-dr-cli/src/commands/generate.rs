//! `olvm-dr generate`: write the mapping file from the primary site's Engine (and pre-fill it
//! from the secondary's), with the options of `ovirt-dr generate` and `[generate_vars]`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use olvm_dr_core::config::{DrConf, GenerateVars};
use olvm_dr_core::generate::{ConnectionKeys, GenerateOptions, Generated, generate};
use olvm_dr_core::{Diagnostic, Engine, Secret, Site, SiteConnection};
use serde::Serialize;

use crate::cli::{GenerateArgs, GlobalArgs, OutputFormat};
use crate::connect::{self, Connect};
use crate::exit::Exit;
use crate::{conf, output, secrets};

/// Where the Engine keeps its CA certificate: the role's default CA file, used when none is
/// given and the file exists (when generating on the Engine's own machine).
const ENGINE_CA: &str = "/etc/pki/ovirt-engine/ca.pem";

/// The user when none is given: the Engine's built-in administrator, as `ovirt-dr` proposes.
const DEFAULT_USER: &str = "admin@internal";

/// A usage or configuration problem: the message, exit 2.
type Usage = String;

/// One site as the command reaches it and as the file records it.
struct SiteSetup {
    keys: ConnectionKeys,
    connection: SiteConnection,
}

pub(crate) fn run(global: &GlobalArgs, args: &GenerateArgs, connect: &Connect<'_>) -> Exit {
    match prepare(global, args) {
        Ok(Some(p)) => execute(args, &p, connect),
        Ok(None) => Exit::Usage,
        Err(message) => {
            output::error_line(&message);
            Exit::Usage
        }
    }
}

/// Everything resolved before any Engine is contacted.
struct Prepared {
    output: PathBuf,
    primary: SiteSetup,
    secondary: Option<SiteSetup>,
}

fn prepare(global: &GlobalArgs, args: &GenerateArgs) -> Result<Option<Prepared>, Usage> {
    // A broken dr.conf is reported (and exits 2) as in every command; `Ok(None)` is that exit.
    let Ok(conf) = conf::load_checked(global.conf_file.as_deref(), global.color) else {
        return Ok(None);
    };
    let vars: GenerateVars = conf
        .map(|(c, _): (DrConf, _)| c.generate)
        .unwrap_or_default();
    let site = match args
        .site
        .clone()
        .or_else(|| vars.site.as_ref().map(|v| v.value.clone()))
    {
        Some(s) => s,
        None if secrets::interactive() => secrets::ask("The primary Engine's API URL", None)?,
        None => {
            return Err(
                "no primary Engine: give --site URL, or site in [generate_vars] of dr.conf".into(),
            );
        }
    };
    if site.trim().is_empty() {
        return Err("no primary Engine URL given".into());
    }
    let username = args
        .username
        .clone()
        .or_else(|| vars.username.as_ref().map(|v| v.value.clone()))
        .unwrap_or_else(|| DEFAULT_USER.to_owned());
    let ca_file = ca_for(
        Site::Primary,
        args.ca_file
            .clone()
            .or_else(|| vars.ca_file.as_ref().map(|v| v.value.clone()))
            .or_else(|| {
                Path::new(ENGINE_CA)
                    .is_file()
                    .then(|| PathBuf::from(ENGINE_CA))
            }),
        args.insecure,
    )?;
    let secondary_ca = match &args.secondary {
        Some(_) => ca_for(
            Site::Secondary,
            args.secondary_ca_file.clone(),
            args.secondary_insecure,
        )?,
        None => None,
    };
    let output = match args
        .output_file
        .clone()
        .or_else(|| vars.output_file.as_ref().map(|v| v.value.clone()))
    {
        Some(o) => o,
        None if secrets::interactive() => PathBuf::from(secrets::ask(
            "Where to write the mapping file",
            Some("disaster_recovery_vars.yml"),
        )?),
        None => return Err(
            "no output file: give --output-file FILE, or output_file in [generate_vars] of dr.conf"
                .into(),
        ),
    };
    if output.exists() && !args.force {
        let overwrite = secrets::interactive()
            && secrets::confirm(&format!("{} exists. Overwrite it?", output.display()))?;
        if !overwrite {
            return Err(format!(
                "{} exists: give --force to overwrite it",
                output.display()
            ));
        }
    }
    let primary_password = match &args.password_file {
        Some(f) => Some(secrets::read_password_file(f)?),
        None => match &vars.password {
            Some(p) => {
                output::note_line(
                    "using the password in [generate_vars] of dr.conf; a password file is safer (--password-file)",
                );
                Some(p.value.clone())
            }
            None => secrets::from_env_or_prompt(Site::Primary, &format!("{username} on {site}"))?,
        },
    };
    let Some(primary_password) = primary_password else {
        return Err("no password for the primary Engine: give --password-file, or set OLVM_DR_PRIMARY_PASSWORD".into());
    };
    let primary = site_setup(&site, &username, ca_file, args.insecure, primary_password);
    let secondary = match &args.secondary {
        None => None,
        Some(url) => {
            let user = args
                .secondary_username
                .clone()
                .unwrap_or_else(|| username.clone());
            let password = match &args.secondary_password_file {
                Some(f) => Some(secrets::read_password_file(f)?),
                None => secrets::from_env_or_prompt(Site::Secondary, &format!("{user} on {url}"))?,
            };
            let Some(password) = password else {
                return Err("no password for the secondary Engine: give --secondary-password-file, or set OLVM_DR_SECONDARY_PASSWORD".into());
            };
            Some(site_setup(
                url,
                &user,
                secondary_ca,
                args.secondary_insecure,
                password,
            ))
        }
    };
    Ok(Some(Prepared {
        output,
        primary,
        secondary,
    }))
}

/// The CA file to verify `site`'s Engine with, absolute (the file records it, and a relative
/// path there is relative to the file); `None` with `insecure`.
fn ca_for(site: Site, ca_file: Option<PathBuf>, insecure: bool) -> Result<Option<PathBuf>, Usage> {
    let (flag, off) = match site {
        Site::Primary => ("--ca-file", "--insecure"),
        Site::Secondary => ("--secondary-ca-file", "--secondary-insecure"),
    };
    match ca_file {
        Some(ca) => {
            if !ca.is_file() {
                return Err(format!(
                    "the {site} Engine's CA file {} does not exist",
                    ca.display()
                ));
            }
            std::path::absolute(&ca)
                .map(Some)
                .map_err(|e| format!("{}: {e}", ca.display()))
        }
        None if insecure => Ok(None),
        None => Err(format!(
            "no CA certificate for the {site} Engine: give {flag} FILE (its CA, from https://ENGINE/ovirt-engine/services/pki-resource?resource=ca-certificate&format=X509-PEM-CA), or {off} to skip TLS verification"
        )),
    }
}

fn site_setup(
    url: &str,
    username: &str,
    ca_file: Option<PathBuf>,
    insecure: bool,
    password: Secret,
) -> SiteSetup {
    let keys = ConnectionKeys {
        url: url.trim().to_owned(),
        username: username.trim().to_owned(),
        ca_file: ca_file.as_ref().map(|c| c.display().to_string()),
        insecure,
    };
    let connection = SiteConnection {
        url: keys.url.clone(),
        username: keys.username.clone(),
        password,
        ca_file,
        insecure,
    };
    SiteSetup { keys, connection }
}

#[derive(Serialize)]
struct Report<'a> {
    schema: &'static str,
    written: bool,
    file: String,
    summary: Option<&'a olvm_dr_core::generate::Summary>,
    diagnostics: &'a [Diagnostic],
}

fn execute(args: &GenerateArgs, p: &Prepared, connect: &Connect<'_>) -> Exit {
    let mut engines: Vec<Arc<dyn Engine>> = Vec::new();
    for s in std::iter::once((Site::Primary, &p.primary))
        .chain(p.secondary.as_ref().map(|s| (Site::Secondary, s)))
    {
        match connect(s.0, &s.1.connection) {
            Ok(e) => engines.push(e),
            Err(e) => {
                output::error_line(&format!(
                    "cannot connect to the {} Engine at {}: {e}",
                    s.0, s.1.keys.url
                ));
                return Exit::Usage;
            }
        }
    }
    let options = GenerateOptions {
        primary: p.primary.keys.clone(),
        secondary: p.secondary.as_ref().map(|s| s.keys.clone()),
        skip_hosted_engine_disks: args.skip_hosted_engine_disks,
    };
    let rt = match connect::runtime() {
        Ok(rt) => rt,
        Err(e) => {
            output::error_line(&e);
            return Exit::Failure;
        }
    };
    tracing::info!(url = %p.primary.keys.url, user = %p.primary.keys.username, "generating the mapping from the primary site");
    let result = rt.block_on(async {
        let r = generate(
            engines[0].as_ref(),
            engines.get(1).map(|e| e.as_ref()),
            &options,
        )
        .await;
        if r.is_ok() {
            let sites: Vec<(Site, Arc<dyn Engine>)> = [Site::Primary, Site::Secondary]
                .into_iter()
                .zip(engines.iter().cloned())
                .collect();
            crate::known_hosts::record(args.state_dir.as_deref(), &sites).await;
        }
        connect::close_all(&engines).await;
        r
    });
    let generated = match result {
        Ok(g) => g,
        Err(e) => {
            let s = if e.site == Site::Primary {
                &p.primary
            } else {
                p.secondary.as_ref().unwrap_or(&p.primary)
            };
            output::error_line(&format!(
                "cannot read the {} site ({} as {}): {}; no file written",
                e.site, s.keys.url, s.keys.username, e.error
            ));
            return Exit::Failure;
        }
    };
    let written = !generated.has_errors();
    if written && let Err(e) = write(&p.output, &generated.to_yaml()) {
        output::error_line(&e);
        return Exit::Failure;
    }
    report(args, p, &generated, written);
    if written {
        Exit::Success
    } else {
        Exit::Failure
    }
}

fn report(args: &GenerateArgs, p: &Prepared, g: &Generated, written: bool) {
    let file = p.output.display().to_string();
    if args.output == OutputFormat::Json {
        let r = Report {
            schema: "olvm-dr/generate/v1",
            written,
            file,
            summary: written.then_some(&g.summary),
            diagnostics: &g.diagnostics,
        };
        let mut text = serde_json::to_string_pretty(&r).unwrap_or_else(|_| "{}".into());
        text.push('\n');
        output::out(&text);
        return;
    }
    let mut text = String::new();
    for d in &g.diagnostics {
        text.push_str(&format!("{d}\n"));
    }
    if !written {
        text.push_str(&format!(
            "no file written: {} VM disk(s) are on the hosted-engine storage domain (move them, or give --skip-hosted-engine-disks)\n",
            g.summary.hosted_engine_disks
        ));
        output::out(&text);
        return;
    }
    let s = &g.summary;
    text.push_str(&format!(
        "wrote {file}: {} storage domain(s) ({} left out), {} cluster(s), {} affinity group(s), {} affinity label(s), {} authz domain(s), {} vNIC profile(s), {} direct LUN(s)\n",
        s.storage_domains, s.left_out, s.clusters, s.affinity_groups, s.affinity_labels, s.authz_domains, s.vnic_profiles, s.luns
    ));
    if let Some(m) = &s.matched {
        text.push_str(&format!(
            "pre-filled from the secondary: {}\n",
            m.describe()
        ));
    }
    text.push_str(&format!(
        "{} value(s) left to fill in (`olvm-dr validate --offline {file}` lists them)\n",
        s.to_fill
    ));
    output::out(&text);
}

/// Writes the generated file (see `mapping::write_file`), creating its directory.
fn write(path: &Path, text: &str) -> Result<(), String> {
    let dir = (path.parent())
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    olvm_dr_core::mapping::write_file(path, text).map_err(|e| e.to_string())
}
