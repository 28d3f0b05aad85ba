//! Starting simulated sites in-process for the integration tests: HTTPS with a CA of each
//! server's own, which every client here trusts (and nothing else).

#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;

use olvm_dr_core::engine::Engine;
use olvm_dr_core::engine::rest::{RestConfig, RestEngine, RetryConfig};
use olvm_dr_core::fake::World;
use olvm_dr_core::{Secret, Site, SiteConnection};
use olvm_dr_sim::{Credentials, LabCa, ServerOptions, SimServer};

pub const USER: &str = "admin@internal";
pub const PASSWORD: &str = "sim p@ss&w=rd";

pub fn credentials() -> Credentials {
    Credentials {
        username: USER.into(),
        password: Secret::new(PASSWORD),
    }
}

/// One HTTPS server for `site` of `world` on a free loopback port.
pub async fn serve(world: &World, site: Site) -> SimServer {
    let options =
        ServerOptions::new(site, credentials()).with_tls(LabCa::generate().expect("a CA"));
    SimServer::start(world.clone(), options)
        .await
        .expect("a loopback port")
}

/// A REST client of `server` without retries (the tests want every answer as it is),
/// verifying it with its CA.
pub fn client(server: &SimServer) -> RestEngine {
    // The client reads its CA file when it is built; the file need not outlive that.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let ca_file = server.tls().map(|ca| {
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, ca.ca_pem()).expect("the CA file written");
        path
    });
    let site = SiteConnection {
        url: server.api_url(),
        username: USER.into(),
        password: Secret::new(PASSWORD),
        ca_file,
        insecure: false,
    };
    let config = RestConfig::new(&site)
        .expect("a valid URL")
        .with_retry(RetryConfig::none());
    RestEngine::with_config(config).expect("a client")
}

/// A plain HTTP client (reqwest) that trusts `server`'s CA only.
pub fn http(server: &SimServer) -> reqwest::Client {
    let mut builder = reqwest::Client::builder();
    if let Some(ca) = server.tls() {
        let cert = reqwest::Certificate::from_pem(ca.ca_pem().as_bytes()).expect("a PEM CA");
        builder = builder.tls_certs_only([cert]);
    }
    builder.build().expect("a client")
}

/// Both sites of `world` served, and a REST client of each.
pub struct Pair {
    pub servers: Vec<SimServer>,
    pub primary: Arc<dyn Engine>,
    pub secondary: Arc<dyn Engine>,
}

pub async fn pair(world: &World) -> Pair {
    let p = serve(world, Site::Primary).await;
    let s = serve(world, Site::Secondary).await;
    Pair {
        primary: Arc::new(client(&p)),
        secondary: Arc::new(client(&s)),
        servers: vec![p, s],
    }
}
