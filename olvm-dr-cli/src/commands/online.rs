//! The online part of `olvm-dr validate`: connect to both sites as the mapping says, with the
//! passwords from the passwords file (or the environment, or a prompt), and run the online
//! rules. A site that cannot be connected to is a finding that says what was tried.

use std::path::Path;
use std::sync::Arc;

use olvm_dr_core::config::Passwords;
use olvm_dr_core::mapping::{Mapping, PerSite};
use olvm_dr_core::validate::{OnlineOptions, codes, validate_online};
use olvm_dr_core::{Diagnostic, Engine, Location, Secret, Site};

use crate::connect::{self, Connect};

/// What the online validation needs besides the mapping.
pub(crate) struct Input<'a> {
    /// The mapping file (relative CA files are relative to its directory).
    pub(crate) file: &'a Path,
    /// The passwords file's content, when one was read.
    pub(crate) passwords: Option<&'a Passwords>,
    /// The vault password, when one was given (for `!vault` passwords in the mapping).
    pub(crate) vault_password: Option<&'a Secret>,
    /// Direction and tolerance.
    pub(crate) options: OnlineOptions,
    /// Where the sites' hosts are recorded (`--state-dir`; else as for the flows).
    pub(crate) state_dir: Option<&'a Path>,
}

fn finding(
    file: &Path,
    site: Site,
    code: &'static str,
    key: String,
    message: String,
) -> Diagnostic {
    Diagnostic::error(code, message).at(Location {
        file: Some(file.to_path_buf()),
        key: Some(key),
        site: Some(site),
        ..Location::default()
    })
}

/// Connects to the sites and runs the online rules; the findings of connecting come first.
pub(crate) fn run(
    m: &Mapping,
    input: &Input<'_>,
    connect: &Connect<'_>,
) -> Result<Vec<Diagnostic>, String> {
    let dir = input.file.parent().unwrap_or(Path::new(""));
    let mut out = Vec::new();
    let mut engines: PerSite<Option<Arc<dyn Engine>>> = PerSite::default();
    for site in Site::BOTH {
        let keys = m.site(site);
        if !(keys.url.is_set() && keys.username.is_set()) {
            continue;
        }
        let Some(password) =
            connect::site_password(m, site, input.passwords, input.vault_password)?
        else {
            let mut d = finding(
                input.file,
                site,
                codes::PASSWORD_MISSING,
                format!("dr_sites_{site}_password"),
                format!(
                    "no password for the {site} site: the passwords file has none, {} is not set, and there is no terminal to ask on",
                    olvm_dr_core::config::env::site_password(site)
                ),
            );
            d.hint = Some("give the passwords file with --passwords (or [failover_failback] vault in dr.conf)".into());
            out.push(d);
            continue;
        };
        let Ok(conn) = m.connection(site, password, dir) else {
            continue;
        };
        match connect(site, &conn) {
            Ok(engine) => *engines.get_mut(site) = Some(engine),
            Err(e) => {
                let mut d = finding(
                    input.file,
                    site,
                    codes::SITE_UNREACHABLE,
                    format!("dr_sites_{site}_url"),
                    format!(
                        "cannot connect to the {site} Engine at {} as {}: {e}",
                        conn.url, conn.username
                    ),
                );
                d.hint = Some(format!(
                    "check dr_sites_{site}_url and dr_sites_{site}_ca_file"
                ));
                out.push(d);
            }
        }
    }
    let rt = connect::runtime()?;
    let found = rt.block_on(async {
        let refs = PerSite {
            primary: engines.primary.as_deref(),
            secondary: engines.secondary.as_deref(),
        };
        let d = validate_online(m, Some(input.file), refs, &input.options).await;
        let answering: Vec<(Site, Arc<dyn Engine>)> = Site::BOTH
            .into_iter()
            .filter_map(|s| engines.get(s).clone().map(|e| (s, e)))
            .collect();
        crate::known_hosts::record(input.state_dir, &answering).await;
        let open: Vec<Arc<dyn Engine>> = [&engines.primary, &engines.secondary]
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        connect::close_all(&open).await;
        d
    });
    out.extend(found);
    Ok(out)
}
