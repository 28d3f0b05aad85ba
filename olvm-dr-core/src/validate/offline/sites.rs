//! Site connection rules: URL shape, username, CA file or an explicit `insecure`.

use std::path::Path;

use super::require;
use crate::Site;
use crate::mapping::{Field, Mapping, Pos};
use crate::validate::codes;
use crate::validate::findings::Findings;

/// The API path every Engine URL ends with.
const API_PATH: &str = "/ovirt-engine/api";

pub(super) fn check(m: &Mapping, f: &mut Findings, check_ca_files: bool, base: &Path) {
    let top = Pos::new(1, 1);
    for site in Site::BOTH {
        let s = m.site(site);
        let key = |n: &str| format!("dr_sites_{site}_{n}");
        let mut plain_http = false;
        if require(
            f,
            &s.url,
            &key("url"),
            key("url"),
            top,
            &format!("the {site} Engine's API URL"),
        ) && let Field::Set { value, pos } = &s.url
        {
            plain_http = check_url(f, value, *pos, &key("url"), site);
        }
        require(
            f,
            &s.username,
            &key("username"),
            key("username"),
            top,
            &format!("the {site} Engine's user"),
        );
        let insecure = s.insecure.get().copied().unwrap_or(false);
        if insecure {
            f.warning(
                codes::INSECURE,
                s.insecure.pos(),
                key("insecure"),
                format!("TLS certificate verification is off for the {site} site"),
            )
            .hint = Some(format!(
                "set {} and remove {}",
                key("ca_file"),
                key("insecure")
            ));
            continue;
        }
        if plain_http {
            continue;
        }
        match &s.ca_file {
            Field::Set { value, pos } if !value.trim().is_empty() => {
                let path = crate::config::resolve_path(value.trim(), base);
                if check_ca_files && !path.is_file() {
                    f.error(
                        codes::CA_FILE_NOT_FOUND,
                        Some(*pos),
                        key("ca_file"),
                        format!(
                            "the {site} site's CA file {} does not exist",
                            path.display()
                        ),
                    )
                    .hint = Some(String::from(
                        "copy the Engine's CA (https://ENGINE/ovirt-engine/services/pki-resource?resource=ca-certificate&format=X509-PEM-CA) there; a relative path is relative to the mapping file",
                    ));
                }
            }
            Field::Invalid { .. } => {}
            Field::NotFilled { .. } => {
                require(
                    f,
                    &s.ca_file,
                    &key("ca_file"),
                    key("ca_file"),
                    top,
                    &format!("the {site} Engine's CA certificate"),
                );
                if let Some(d) = f.last_mut() {
                    d.hint = Some(format!(
                        "{}; or add {}: true to skip TLS verification",
                        d.hint.take().unwrap_or_default(),
                        key("insecure")
                    ));
                }
            }
            other => {
                f.error(
                    codes::CA_FILE_MISSING,
                    other.pos().or(Some(top)),
                    key("ca_file"),
                    format!(
                        "the {site} site has no CA file, and TLS verification is not turned off explicitly"
                    ),
                )
                .hint = Some(format!(
                    "set {} to the Engine's CA certificate (PEM), or add {}: true to skip verification",
                    key("ca_file"),
                    key("insecure")
                ));
            }
        }
    }
}

/// Checks an Engine URL; `true` when it uses plain http.
fn check_url(f: &mut Findings, url: &str, pos: Pos, key: &str, site: Site) -> bool {
    let url = url.trim();
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "https" && scheme != "http" {
        f.error(
            codes::SITE_URL,
            Some(pos),
            key.to_owned(),
            format!("the {site} URL '{url}' must start with https://"),
        )
        .hint = Some(format!("e.g. https://engine.example.com{API_PATH}"));
        return false;
    }
    let host = rest.split('/').next().unwrap_or_default();
    let path = &rest[host.len()..];
    if host.is_empty() || path.trim_end_matches('/') != API_PATH {
        f.error(
            codes::SITE_URL,
            Some(pos),
            key.to_owned(),
            format!("the {site} URL '{url}' is not an Engine API URL"),
        )
        .hint = Some(format!("it must be https://HOST{API_PATH}"));
    }
    if scheme == "http" {
        f.warning(
            codes::SITE_HTTP,
            Some(pos),
            key.to_owned(),
            format!("the {site} URL uses plain http: the password would travel unencrypted"),
        )
        .hint = Some("use https".into());
        return true;
    }
    false
}
