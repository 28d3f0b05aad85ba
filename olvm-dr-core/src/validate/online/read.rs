//! Reading both sites concurrently, and reporting a site that could not be read.

use std::collections::HashSet;

use super::out::Out;
use crate::engine::{Engine, ErrorKind};
use crate::inventory::{Collections, HostLuns, Inventory, ReadError, up_host_luns};
use crate::mapping::{Mapping, PerSite};
use crate::validate::codes;
use crate::{Severity, Site};

/// What reading one site gave.
#[derive(Debug)]
pub(super) enum Read {
    /// The caller had no Engine for the site.
    NoEngine,
    /// A listing failed.
    Failed(ReadError),
    /// The inventory, and the LUNs its UP hosts see (target only).
    Done(Box<(Inventory, HostLuns)>),
}

impl Read {
    pub(super) fn done(self) -> Option<(Inventory, HostLuns)> {
        match self {
            Read::Done(both) => Some(*both),
            _ => None,
        }
    }
}

/// Everything the rules use; the domains attached per data center are not needed (the
/// top-level view names each domain's data centers).
fn collections() -> Collections {
    Collections {
        attached_domains: false,
        ..Collections::all()
    }
}

/// Reads both sites at once. On the target, the UP hosts are also asked for the LUNs they see
/// when the mapping has direct LUNs for it.
pub(super) async fn both(
    m: &Mapping,
    engines: &PerSite<Option<&dyn Engine>>,
    target: Site,
) -> PerSite<Read> {
    let wanted: HashSet<String> = m
        .luns()
        .iter()
        .filter_map(|l| l.site(target).logical_unit_id.get().cloned())
        .collect();
    let wanted = &wanted;
    let one = |site: Site| async move {
        let Some(engine) = *engines.get(site) else {
            return Read::NoEngine;
        };
        match Inventory::read(engine, &collections()).await {
            Err(e) => Read::Failed(e),
            Ok(inv) => {
                let luns = if site == target {
                    up_host_luns(engine, &inv.hosts, wanted).await
                } else {
                    HostLuns::default()
                };
                Read::Done(Box::new((inv, luns)))
            }
        }
    };
    let (primary, secondary) = tokio::join!(one(Site::Primary), one(Site::Secondary));
    PerSite { primary, secondary }
}

/// The finding for a site that could not be read: unreachable, credentials refused, or a
/// listing that failed. Says what was tried (URL, user, CA file), never the password.
pub(super) fn report(out: &mut Out, m: &Mapping, site: Site, e: &ReadError, required: bool) {
    let keys = m.site(site);
    let url = keys.url.get().map_or("(no URL)", String::as_str);
    let user = keys.username.get().map_or("(no user)", String::as_str);
    let tls = if keys.insecure.get() == Some(&true) {
        "TLS not verified".to_owned()
    } else {
        keys.ca_file
            .get()
            .map_or_else(|| "system CA store".to_owned(), |c| format!("CA file {c}"))
    };
    let tried = format!("{url} as {user} ({tls})");
    let (code, message, hint) = match e.error.kind {
        ErrorKind::Unauthenticated | ErrorKind::Forbidden => (
            codes::SITE_CREDENTIALS,
            format!("the {site} Engine at {tried} refused the credentials: {}", e.error),
            format!(
                "check dr_sites_{site}_username and the {site} password in the passwords file"
            ),
        ),
        ErrorKind::Unavailable | ErrorKind::Unreachable | ErrorKind::Timeout => (
            codes::SITE_UNREACHABLE,
            format!("cannot reach the {site} Engine at {tried}: {}", e.error),
            format!("check dr_sites_{site}_url, the network, and that the Engine runs"),
        ),
        _ => (
            codes::SITE_READ_FAILED,
            format!("the {site} Engine at {tried} answered, but {e}"),
            "check the user's permissions (it needs to read the whole inventory) and the Engine's log".to_owned(),
        ),
    };
    let severity = if required {
        Severity::Error
    } else {
        Severity::Warning
    };
    let key = format!("dr_sites_{site}_url");
    out.push(
        severity,
        code,
        Some(site),
        None,
        keys.url.pos(),
        Some(key),
        message,
    )
    .hint = Some(hint);
}
