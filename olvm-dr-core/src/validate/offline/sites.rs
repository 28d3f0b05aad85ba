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
                if check_ca_files && path.exists() {
                    if let Err(why) = ca_certificates(&path) {
                        f.error(
                            codes::CA_FILE_UNUSABLE,
                            Some(*pos),
                            key("ca_file"),
                            format!(
                                "the {site} site's CA file {} cannot be used: {why}",
                                path.display()
                            ),
                        )
                        .hint = Some(String::from(
                            "put the Engine's CA certificate there (PEM: https://ENGINE/ovirt-engine/services/pki-resource?resource=ca-certificate&format=X509-PEM-CA)",
                        ));
                    }
                } else if check_ca_files {
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
    if let Err(e) = url::Url::parse(url) {
        f.error(
            codes::SITE_URL,
            Some(pos),
            key.to_owned(),
            format!("the {site} URL '{url}' is not a valid URL: {e}"),
        )
        .hint = Some(format!("it must be https://HOST{API_PATH}"));
        return false;
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

/// How many certificates the CA file at `path` holds, or why it cannot be used: it must be a
/// regular file (read within the input budget) holding at least one PEM `CERTIFICATE` block
/// whose content is DER (a SEQUENCE), and nothing the PEM reader cannot parse.
fn ca_certificates(path: &Path) -> Result<usize, String> {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    let bytes =
        crate::input::read_bytes(path, crate::input::MAX_INPUT_BYTES).map_err(|e| e.to_string())?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err("it is empty".into());
    }
    let mut count = 0;
    for cert in CertificateDer::pem_slice_iter(&bytes) {
        let cert = cert.map_err(|e| format!("it is not valid PEM: {e}"))?;
        if cert.first() != Some(&0x30) || cert.len() < 64 {
            return Err("a CERTIFICATE block does not hold a DER certificate".into());
        }
        count += 1;
    }
    if count == 0 {
        return Err("it holds no PEM certificate (-----BEGIN CERTIFICATE-----)".into());
    }
    Ok(count)
}
