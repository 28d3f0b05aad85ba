//! [`LabCa`]: the certificate authority a lab creates for itself, and the Engine certificate
//! it issues, as `engine-setup` creates `/etc/pki/ovirt-engine/ca.pem` and the Engine's
//! Apache certificate on a real Engine.

use std::fmt;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use tokio_rustls::rustls;

/// The names the Engine certificate is valid for: the lab listens on loopback only.
const ENGINE_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// The certificates could not be made (a failure of the crypto library, not of the input).
#[derive(Debug, thiserror::Error)]
#[error("cannot create the lab's TLS certificates: {0}")]
pub struct TlsError(String);

impl TlsError {
    fn from(e: impl fmt::Display) -> Self {
        Self(e.to_string())
    }
}

/// A fresh CA (ECDSA P-256) and an Engine certificate it signed for `localhost`, `127.0.0.1`
/// and `::1`. Clients trust the lab by its CA certificate ([`ca_pem`](Self::ca_pem)), as they
/// trust a real Engine by its `ca.pem`. The private keys never leave this value.
#[derive(Clone)]
pub struct LabCa {
    ca_pem: String,
    engine_pem: String,
    config: Arc<rustls::ServerConfig>,
}

impl fmt::Debug for LabCa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LabCa").finish_non_exhaustive()
    }
}

impl LabCa {
    /// Creates a CA and the Engine certificate.
    ///
    /// # Errors
    /// When the crypto library cannot make a key or sign.
    pub fn generate() -> Result<Self, TlsError> {
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(TlsError::from)?;
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "olvm-dr lab CA");
        ca_params
            .distinguished_name
            .push(DnType::OrganizationName, "olvm-dr lab");
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_key = KeyPair::generate().map_err(TlsError::from)?;
        let ca = CertifiedIssuer::self_signed(ca_params, ca_key).map_err(TlsError::from)?;

        let names: Vec<String> = ENGINE_NAMES.iter().map(|n| (*n).to_owned()).collect();
        let mut engine_params = CertificateParams::new(names).map_err(TlsError::from)?;
        engine_params
            .distinguished_name
            .push(DnType::CommonName, "localhost");
        // An ECDSA key signs the handshake; it enciphers nothing.
        engine_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        engine_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let engine_key = KeyPair::generate().map_err(TlsError::from)?;
        let engine = engine_params
            .signed_by(&engine_key, &ca)
            .map_err(TlsError::from)?;

        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(engine_key.serialize_der().into());
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(TlsError::from)?
            .with_no_client_auth()
            // The chain a real Engine's Apache sends: its certificate, then the CA's.
            .with_single_cert(vec![engine.der().clone(), ca.der().clone()], key)
            .map_err(TlsError::from)?;
        // The server speaks HTTP/1.1 only (as the Engine's Apache serves the API).
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Self {
            ca_pem: ca.pem(),
            engine_pem: engine.pem(),
            config: Arc::new(config),
        })
    }

    /// The CA certificate, PEM: what a client's `ca_file` holds.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// The Engine's own certificate, PEM.
    pub fn engine_pem(&self) -> &str {
        &self.engine_pem
    }

    /// The TLS server side: the Engine certificate and its key.
    pub(crate) fn server_config(&self) -> Arc<rustls::ServerConfig> {
        Arc::clone(&self.config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_lab_gets_its_own_ca() {
        let a = LabCa::generate().unwrap();
        let b = LabCa::generate().unwrap();
        assert!(a.ca_pem().starts_with("-----BEGIN CERTIFICATE-----"));
        assert!(a.engine_pem().starts_with("-----BEGIN CERTIFICATE-----"));
        assert_ne!(a.ca_pem(), b.ca_pem());
        assert_ne!(a.ca_pem(), a.engine_pem());
    }

    #[test]
    fn the_debug_form_shows_no_key_material() {
        let ca = LabCa::generate().unwrap();
        assert_eq!(format!("{ca:?}"), "LabCa { .. }");
    }
}
