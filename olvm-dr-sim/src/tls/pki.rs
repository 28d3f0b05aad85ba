//! `GET /ovirt-engine/services/pki-resource?resource=R&format=F`: the Engine's certificates,
//! without authentication, as `PKIResourceServlet` serves them (the way clients fetch the
//! Engine's CA before they trust it).
//!
//! From the Engine (`PKIResourceServlet`, `PKIResources`): `resource` is `ca-certificate`,
//! `engine-certificate` or `qemu-ca-certificate`; `format` is `X509-PEM-CA`
//! (`application/x-x509-ca-cert`), `X509-PEM` (`application/x-x509-cert`) or `OPENSSH-PUBKEY`,
//! and defaults to the resource's own (`X509-PEM-CA` for the CAs, `X509-PEM` for the Engine's
//! certificate). A missing or unknown name is a 400 whose reason names it. The PEM body is
//! the DER in base64 lines of 76 characters, each ending in `\n`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::LabCa;

/// The answer for the query `query` (the raw query string), from `ca`'s certificates; `None`
/// when the server has no certificates (plain HTTP), which answers 404.
pub(crate) fn resource(ca: Option<&LabCa>, query: Option<&str>) -> Response {
    let Some(ca) = ca else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let params: Vec<(String, String)> = form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let Some(name) = param("resource") else {
        return bad_request("Missing resource name".to_owned());
    };
    let (pem, default_format) = match name {
        "ca-certificate" => (ca.ca_pem(), Format::PemCa),
        "engine-certificate" => (ca.engine_pem(), Format::Pem),
        // The lab has no separate QEMU CA (see docs/simulator.md).
        _ => return bad_request(format!("Resource '{name}' is invalid")),
    };
    let format = match param("format") {
        None => default_format,
        Some("X509-PEM-CA") => Format::PemCa,
        Some("X509-PEM") => Format::Pem,
        // An SSH public key of the certificate's key is not modelled (see docs/simulator.md).
        Some(other) => return bad_request(format!("Format '{other}' is invalid")),
    };
    let mut response = engine_pem_lines(pem).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    response
}

/// The two PEM formats of `PKIResources.Format`.
#[derive(Debug, Clone, Copy)]
enum Format {
    PemCa,
    Pem,
}

impl Format {
    fn content_type(self) -> &'static str {
        match self {
            Format::PemCa => "application/x-x509-ca-cert",
            Format::Pem => "application/x-x509-cert",
        }
    }
}

/// The servlet's `sendError(400, message)`: the reason in a small HTML page.
fn bad_request(message: String) -> Response {
    let body = format!(
        "<html><head><title>Error</title></head><body>{}</body></html>",
        message
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    );
    let mut response = (StatusCode::BAD_REQUEST, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html;charset=UTF-8"),
    );
    response
}

/// Re-wraps a PEM certificate as the Engine writes it: base64 lines of 76 characters.
fn engine_pem_lines(pem: &str) -> String {
    let base64: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .flat_map(|l| l.trim().chars())
        .collect();
    let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
    for chunk in base64.as_bytes().chunks(76) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body(r: Response) -> String {
        let bytes = axum::body::to_bytes(r.into_body(), 1 << 20).await.unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    fn content_type(r: &Response) -> &str {
        r.headers()[header::CONTENT_TYPE].to_str().unwrap()
    }

    #[tokio::test]
    async fn the_ca_certificate_is_the_labs_ca_in_76_character_lines() {
        let ca = LabCa::generate().unwrap();
        let r = resource(
            Some(&ca),
            Some("resource=ca-certificate&format=X509-PEM-CA"),
        );
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(content_type(&r), "application/x-x509-ca-cert");
        let text = body(r).await;
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.first(), Some(&"-----BEGIN CERTIFICATE-----"));
        assert_eq!(lines.last(), Some(&"-----END CERTIFICATE-----"));
        assert!(lines[1..lines.len() - 2].iter().all(|l| l.len() == 76));
        let squash = |pem: &str| -> String {
            pem.lines()
                .filter(|l| !l.starts_with("-----"))
                .collect::<String>()
        };
        assert_eq!(squash(&text), squash(ca.ca_pem()));
    }

    #[tokio::test]
    async fn the_engine_certificate_defaults_to_its_own_format() {
        let ca = LabCa::generate().unwrap();
        let r = resource(Some(&ca), Some("resource=engine-certificate"));
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(content_type(&r), "application/x-x509-cert");
    }

    #[tokio::test]
    async fn unknown_or_missing_names_are_a_400_naming_them() {
        let ca = LabCa::generate().unwrap();
        let r = resource(Some(&ca), None);
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(body(r).await.contains("Missing resource name"));
        let r = resource(Some(&ca), Some("resource=nope"));
        assert!(body(r).await.contains("Resource 'nope' is invalid"));
        let r = resource(Some(&ca), Some("resource=ca-certificate&format=DER"));
        assert!(body(r).await.contains("Format 'DER' is invalid"));
    }

    #[tokio::test]
    async fn a_plain_http_server_has_no_certificates() {
        let r = resource(None, Some("resource=ca-certificate"));
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
    }
}
