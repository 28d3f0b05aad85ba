//! [`Lab`]: both sites of one simulated world on two loopback ports, with the files a DR run
//! needs to use them: the mapping file (the role's format, every value filled in from the
//! world's facts), the passwords file and a `dr.conf` whose `[failover_failback]` points at
//! both. A state file (`lab.json`) tells `olvm-dr lab status|disaster|recover|replication`
//! where the running lab is.
//!
//! The Engines speak HTTPS, as real ones do: the lab creates its own CA ([`LabCa`]), writes
//! its certificate to `ca.pem` in the lab directory (the Engine's
//! `/etc/pki/ovirt-engine/ca.pem`; each site's `pki-resource` service serves it too) and
//! names it in the mapping (`dr_sites_{site}_ca_file`), so every client verifies the Engines
//! against it: `https://127.0.0.1:PORT/ovirt-engine/api`, never `insecure`. With
//! [`LabOptions::plain_http`] the Engines speak plain HTTP instead and the mapping has no CA
//! file (offline validation then warns once per site, DR0501). The control endpoints are the
//! lab's own, on ports of their own: plain HTTP on loopback either way.

mod files;

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};

use olvm_dr_core::engine::Engine;
pub use olvm_dr_core::fake::{Latency, WorldSize};
use olvm_dr_core::fake::{LiveDetails, SiteUrls, World};
use olvm_dr_core::mapping::{Field, PerSite};
use olvm_dr_core::{Secret, Site, SiteConnection};
use serde::{Deserialize, Serialize};

pub use files::LabFiles;

use crate::DEFAULT_USERNAME;
use crate::auth::{Credentials, DEFAULT_TOKEN_TTL};
use crate::server::{ServerOptions, SimServer};
use crate::tls::{LabCa, TlsError};

/// How to start a lab.
#[derive(Debug, Clone)]
pub struct LabOptions {
    /// World preset.
    pub size: WorldSize,
    /// Number of VMs instead of the preset's.
    pub vms: Option<usize>,
    /// Seed of the world (same seed, same names and ids).
    pub seed: u64,
    /// Latency profile of both sites.
    pub latency: Latency,
    /// Where the files go (created if missing).
    pub dir: PathBuf,
    /// Ports for the primary and the secondary; 0 picks a free one.
    pub ports: [u16; 2],
    /// The admin password of both Engines; `None` makes a random one.
    pub password: Option<Secret>,
    /// Serve plain HTTP instead of HTTPS with the lab's own CA (default `false`).
    pub plain_http: bool,
}

impl LabOptions {
    /// A small instant world with seed 1 on free ports, files in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self {
            size: WorldSize::Small,
            vms: None,
            seed: 1,
            latency: Latency::Instant,
            dir: dir.into(),
            ports: [0, 0],
            password: None,
            plain_http: false,
        }
    }

    /// The world these options describe.
    pub fn build_world(&self) -> World {
        let world = self.size.build(self.seed, self.vms);
        world.set_latency_everywhere(self.latency);
        world
    }
}

/// A lab could not be started.
#[derive(Debug, thiserror::Error)]
pub enum LabError {
    /// A port could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The state file of a running lab could not be read.
    #[error("no running lab found in {}: {reason}", dir.display())]
    NoLab {
        /// The lab directory.
        dir: PathBuf,
        /// Why.
        reason: String,
    },
    /// The world could not be read to write the mapping.
    #[error("cannot read the simulated world: {0}")]
    World(#[from] olvm_dr_core::EngineError),
    /// The lab's certificates could not be made.
    #[error(transparent)]
    Tls(#[from] TlsError),
}

/// What `lab.json` records about a running lab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabState {
    /// The process serving it.
    pub pid: u32,
    /// API URL per site.
    pub api_urls: PerSiteUrls,
    /// Control endpoint per site.
    pub control_urls: PerSiteUrls,
    /// The mapping file.
    pub mapping: PathBuf,
    /// The passwords file.
    pub passwords: PathBuf,
    /// The `dr.conf`.
    pub dr_conf: PathBuf,
    /// World preset, VM count, seed and latency.
    pub size: WorldSize,
    /// VMs on the primary.
    pub vms: usize,
    /// The seed.
    pub seed: u64,
    /// The latency profile at start.
    pub latency: Latency,
    /// The lab's CA certificate (`ca.pem`); `None` when the Engines speak plain HTTP.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
}

/// A URL per site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerSiteUrls {
    /// The primary's.
    pub primary: String,
    /// The secondary's.
    pub secondary: String,
}

impl PerSiteUrls {
    /// The URL of `site`.
    pub fn get(&self, site: Site) -> &str {
        match site {
            Site::Primary => &self.primary,
            Site::Secondary => &self.secondary,
        }
    }
}

impl LabState {
    /// Reads `DIR/lab.json`.
    ///
    /// # Errors
    /// [`LabError::NoLab`] when it is missing or unreadable.
    pub fn load(dir: &Path) -> Result<Self, LabError> {
        let path = LabFiles::in_dir(dir).state;
        let no_lab = |reason: String| LabError::NoLab {
            dir: dir.to_path_buf(),
            reason,
        };
        let text = std::fs::read_to_string(&path)
            .map_err(|e| no_lab(format!("{}: {e}", path.display())))?;
        serde_json::from_str(&text).map_err(|e| no_lab(format!("{}: {e}", path.display())))
    }
}

/// Two simulated sites of one world, running in this process.
#[derive(Debug)]
pub struct Lab {
    world: World,
    servers: [SimServer; 2],
    credentials: Credentials,
    files: LabFiles,
    state: LabState,
}

impl Lab {
    /// Builds the world, starts both sites on loopback and writes the lab's files.
    ///
    /// # Errors
    /// A port that cannot be bound or a file that cannot be written.
    pub async fn start(options: LabOptions) -> Result<Self, LabError> {
        let world = options.build_world();
        Self::start_with(world, options).await
    }

    /// Like [`start`](Self::start) with a world made by the caller (its latency is kept).
    ///
    /// # Errors
    /// A port that cannot be bound or a file that cannot be written.
    pub async fn start_with(world: World, options: LabOptions) -> Result<Self, LabError> {
        let password = options
            .password
            .clone()
            .unwrap_or_else(|| Secret::new(uuid::Uuid::new_v4().simple().to_string()));
        let credentials = Credentials {
            username: DEFAULT_USERNAME.to_owned(),
            password,
        };
        put_hosts_on_loopback(&world).await?;
        let files = LabFiles::in_dir(&options.dir);
        let tls = if options.plain_http {
            None
        } else {
            Some(LabCa::generate()?)
        };
        // Absolute, so the mapping's CA file is found from any working directory (the role
        // opens `dr_sites_*_ca_file` as given).
        let ca_file = tls
            .as_ref()
            .map(|_| std::path::absolute(&files.ca).unwrap_or_else(|_| files.ca.clone()));
        let mut servers = Vec::with_capacity(2);
        for (site, port) in Site::BOTH.into_iter().zip(options.ports) {
            let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
            let server_options = ServerOptions {
                site,
                bind: addr,
                credentials: credentials.clone(),
                token_ttl: DEFAULT_TOKEN_TTL,
                tls: tls.clone(),
            };
            let server = SimServer::start(world.clone(), server_options)
                .await
                .map_err(|source| LabError::Bind { addr, source })?;
            servers.push(server);
        }
        let [primary, secondary]: [SimServer; 2] =
            servers.try_into().expect("one server per site was started");
        let network_dcs = network_dcs(&world).await?;
        let domains = world
            .engine(Site::Primary)
            .storage_domains()
            .await?
            .into_iter()
            .map(|d| (d.id, d))
            .collect();
        let urls = SiteUrls {
            primary: primary.api_url(),
            secondary: secondary.api_url(),
            username: credentials.username.clone(),
            insecure: false,
        };
        let state = LabState {
            pid: std::process::id(),
            api_urls: PerSiteUrls {
                primary: primary.api_url(),
                secondary: secondary.api_url(),
            },
            control_urls: PerSiteUrls {
                primary: primary.control_url(),
                secondary: secondary.control_url(),
            },
            mapping: files.mapping.clone(),
            passwords: files.passwords.clone(),
            dr_conf: files.dr_conf.clone(),
            size: options.size,
            vms: world.facts().vms.len(),
            seed: options.seed,
            latency: options.latency,
            ca_file: ca_file.clone(),
        };
        let mut m = world.facts().mapping_with(
            &urls,
            &LiveDetails {
                network_dcs,
                domains,
            },
        );
        if let Some(path) = &ca_file {
            for site in Site::BOTH {
                m.sites.get_mut(site).ca_file =
                    Field::set(path.display().to_string(), Default::default());
            }
        }
        files.write(&m, &credentials, &state, tls.as_ref())?;
        Ok(Self {
            world,
            servers: [primary, secondary],
            credentials,
            files,
            state,
        })
    }

    /// The world both sites serve.
    pub fn world(&self) -> &World {
        &self.world
    }

    fn server(&self, site: Site) -> &SimServer {
        match site {
            Site::Primary => &self.servers[0],
            Site::Secondary => &self.servers[1],
        }
    }

    /// `site`'s API URL.
    pub fn api_url(&self, site: Site) -> String {
        self.server(site).api_url()
    }

    /// `site`'s control endpoint.
    pub fn control_url(&self, site: Site) -> String {
        self.server(site).control_url()
    }

    /// How to connect to `site` (for a `RestEngine`).
    pub fn site_connection(&self, site: Site) -> SiteConnection {
        SiteConnection {
            url: self.api_url(site),
            username: self.credentials.username.clone(),
            password: self.credentials.password.clone(),
            ca_file: self.state.ca_file.clone(),
            insecure: false,
        }
    }

    /// The files written for the lab.
    pub fn files(&self) -> &LabFiles {
        &self.files
    }

    /// What `lab.json` says.
    pub fn state(&self) -> &LabState {
        &self.state
    }

    /// Stops both sites and removes the state file (the other files stay for inspection).
    pub async fn shutdown(self) {
        let [primary, secondary] = self.servers;
        primary.shutdown().await;
        secondary.shutdown().await;
        let _ = std::fs::remove_file(&self.files.state);
    }
}

/// How many random loopback prefixes are tried before giving up (each is checked free).
const LOOPBACK_TRIES: usize = 32;

/// Gives every host of both sites a loopback address of its own, `127.X.Y.N`, where its VDSM
/// port listens while its site is up (the split-brain guard probes it when its Engine is dark).
/// `X.Y` is random per lab so that labs running side by side do not collide; a prefix whose
/// port 54321 is taken on any of the addresses is skipped.
async fn put_hosts_on_loopback(world: &World) -> Result<(), LabError> {
    let mut hosts = Vec::new();
    for site in Site::BOTH {
        for h in world.dyn_engine(site).hosts().await? {
            hosts.push((site, h.id));
        }
    }
    let count = u8::try_from(hosts.len()).unwrap_or(u8::MAX).min(254);
    let mut last_error = None;
    for _ in 0..LOOPBACK_TRIES {
        let [x, y, ..] = uuid::Uuid::new_v4().into_bytes();
        let x = x.clamp(1, 254);
        let address = |n: u8| Ipv4Addr::new(127, x, y, n + 1);
        let taken = (0..count).find_map(|n| {
            std::net::TcpListener::bind((address(n), olvm_dr_core::probe::VDSM_PORT))
                .err()
                .map(|e| (address(n), e))
        });
        match taken {
            Some(t) => last_error = Some(t),
            None => {
                for (n, (site, id)) in (0..count).zip(&hosts) {
                    world.set_host_address(*site, *id, address(n).to_string());
                }
                return Ok(());
            }
        }
    }
    let (ip, source) = last_error.expect("a try failed");
    Err(LabError::Bind {
        addr: SocketAddr::from((ip, olvm_dr_core::probe::VDSM_PORT)),
        source,
    })
}

/// Network id → data center name on each site.
async fn network_dcs(
    world: &World,
) -> Result<PerSite<HashMap<olvm_dr_core::engine::Id, String>>, LabError> {
    let mut out: [HashMap<_, _>; 2] = [HashMap::new(), HashMap::new()];
    for (i, site) in Site::BOTH.into_iter().enumerate() {
        let engine = world.engine(site);
        let dcs: HashMap<_, _> = engine
            .data_centers()
            .await?
            .into_iter()
            .map(|d| (d.id, d.name))
            .collect();
        for n in engine.networks().await? {
            if let Some(name) = dcs.get(&n.data_center) {
                out[i].insert(n.id, name.clone());
            }
        }
    }
    let [primary, secondary] = out;
    Ok(PerSite { primary, secondary })
}
