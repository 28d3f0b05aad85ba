//! [`Mapping::connection`]: how to reach a site's Engine, from the mapping's site keys and the
//! site's password.

use std::path::Path;

use super::Mapping;
use crate::config::resolve_path;
use crate::{Secret, Site, SiteConnection};

/// A site key needed to connect is not filled in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the mapping has no {key} for the {site} site")]
pub struct ConnectionError {
    /// The site.
    pub site: Site,
    /// The key, e.g. `dr_sites_secondary_url`.
    pub key: String,
}

impl Mapping {
    /// The connection to `site`'s Engine: URL, user, CA file (a relative path is taken from
    /// `base_dir`, the mapping file's directory) and the explicit `insecure` key of the mapping,
    /// with `password` from the passwords file.
    ///
    /// # Errors
    /// [`ConnectionError`] when the URL or the user is not filled in.
    pub fn connection(
        &self,
        site: Site,
        password: Secret,
        base_dir: &Path,
    ) -> Result<SiteConnection, ConnectionError> {
        let keys = self.site(site);
        let missing = |k: &str| ConnectionError {
            site,
            key: format!("dr_sites_{site}_{k}"),
        };
        let url = keys.url.get().ok_or_else(|| missing("url"))?.clone();
        let username = keys
            .username
            .get()
            .ok_or_else(|| missing("username"))?
            .clone();
        let ca_file = keys
            .ca_file
            .get()
            .filter(|c| !c.trim().is_empty())
            .map(|c| resolve_path(c, base_dir));
        let insecure = keys.insecure.get().copied().unwrap_or(false);
        Ok(SiteConnection {
            url,
            username,
            password,
            ca_file,
            insecure,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_connections_and_names_missing_keys() {
        let text = "dr_sites_primary_url: https://e1/ovirt-engine/api\n\
                    dr_sites_primary_username: admin@internal\n\
                    dr_sites_primary_ca_file: ca/e1.pem\n\
                    dr_sites_secondary_url: https://e2/ovirt-engine/api\n";
        let m = Mapping::from_str(text, None).mapping.unwrap();
        let c = m
            .connection(Site::Primary, Secret::new("pw"), Path::new("/etc/dr"))
            .unwrap();
        assert_eq!(c.ca_file.as_deref(), Some(Path::new("/etc/dr/ca/e1.pem")));
        assert!(!c.insecure);
        let e = m
            .connection(Site::Secondary, Secret::new("pw"), Path::new("/etc/dr"))
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "the mapping has no dr_sites_secondary_username for the secondary site"
        );
    }
}
