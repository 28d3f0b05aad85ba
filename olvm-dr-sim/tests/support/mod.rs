//! Starting simulated sites in-process for the integration tests.

#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;

use olvm_dr_core::engine::Engine;
use olvm_dr_core::engine::rest::{RestConfig, RestEngine, RetryConfig};
use olvm_dr_core::fake::World;
use olvm_dr_core::{Secret, Site, SiteConnection};
use olvm_dr_sim::{Credentials, ServerOptions, SimServer};

pub const USER: &str = "admin@internal";
pub const PASSWORD: &str = "sim p@ss&w=rd";

pub fn credentials() -> Credentials {
    Credentials {
        username: USER.into(),
        password: Secret::new(PASSWORD),
    }
}

/// One server for `site` of `world` on a free loopback port.
pub async fn serve(world: &World, site: Site) -> SimServer {
    SimServer::start(world.clone(), ServerOptions::new(site, credentials()))
        .await
        .expect("a loopback port")
}

/// A REST client of `server` without retries (the tests want every answer as it is).
pub fn client(server: &SimServer) -> RestEngine {
    let site = SiteConnection {
        url: server.api_url(),
        username: USER.into(),
        password: Secret::new(PASSWORD),
        ca_file: None,
        insecure: false,
    };
    let config = RestConfig::new(&site)
        .expect("a valid URL")
        .with_retry(RetryConfig::none());
    RestEngine::with_config(config).expect("a client")
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
