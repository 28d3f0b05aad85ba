//! The two sites of a disaster-recovery pair and how to reach their Engines.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::Secret;

/// One of the two sites. The mapping file names every per-site key after it
/// (`dr_sites_primary_url`, `dr_secondary_name`, `secondary_profile_id`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Site {
    /// The site that normally runs the workload (`primary` in the role's files).
    Primary,
    /// The recovery site (`secondary` in the role's files).
    Secondary,
}

impl Site {
    /// Both sites, primary first.
    pub const BOTH: [Site; 2] = [Site::Primary, Site::Secondary];

    /// The lower-case name the role's files use: `primary` or `secondary`.
    pub fn as_str(self) -> &'static str {
        match self {
            Site::Primary => "primary",
            Site::Secondary => "secondary",
        }
    }

    /// The other site of the pair.
    pub fn other(self) -> Site {
        match self {
            Site::Primary => Site::Secondary,
            Site::Secondary => Site::Primary,
        }
    }
}

impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was neither `primary` nor `secondary`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown site '{0}': expected 'primary' or 'secondary'")]
pub struct UnknownSite(pub String);

impl FromStr for Site {
    type Err = UnknownSite;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "primary" => Ok(Site::Primary),
            "secondary" => Ok(Site::Secondary),
            _ => Err(UnknownSite(s.to_owned())),
        }
    }
}

/// How to reach one site's Engine API.
///
/// `Debug` never shows the password. TLS certificates are verified against `ca_file` (or the
/// system store when it is `None`) unless `insecure` is set, which must come from an explicit
/// choice of the user, never from a missing CA file.
#[derive(Clone, PartialEq, Eq)]
pub struct SiteConnection {
    /// Full API URL, e.g. `https://engine.example.com/ovirt-engine/api`.
    pub url: String,
    /// User in `name@profile` form, e.g. `admin@internal`.
    pub username: String,
    /// The user's password.
    pub password: Secret,
    /// PEM file with the CA that signed the Engine's certificate.
    pub ca_file: Option<PathBuf>,
    /// Skip certificate and host-name verification. Only when the user asked for it.
    pub insecure: bool,
}

impl fmt::Debug for SiteConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SiteConnection")
            .field("url", &self.url)
            .field("username", &self.username)
            .field("password", &self.password)
            .field("ca_file", &self.ca_file)
            .field("insecure", &self.insecure)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_site_names() {
        assert_eq!("Secondary".parse::<Site>().unwrap(), Site::Secondary);
        assert_eq!(Site::Primary.to_string(), "primary");
        assert_eq!(Site::Primary.other(), Site::Secondary);
        assert!("tertiary".parse::<Site>().is_err());
    }

    #[test]
    fn connection_debug_hides_password() {
        let c = SiteConnection {
            url: "https://e/ovirt-engine/api".into(),
            username: "admin@internal".into(),
            password: Secret::new("topsecret"),
            ca_file: None,
            insecure: false,
        };
        assert!(!format!("{c:?}").contains("topsecret"));
    }
}
