//! `olvm-dr-sim`: runs simulated Engines of a fake two-site world until Ctrl-C (or SIGTERM).
//!
//! ```text
//! olvm-dr-sim [--world small|medium|large] [--vms N] [--seed S] [--latency instant|realistic]
//!             [--site primary|secondary|both] [--port P] [--secondary-port P] [--dir DIR]
//!             [--plain-http]
//! ```
//!
//! The Engines speak HTTPS with a CA made at start (`--plain-http`: plain HTTP, no CA). It
//! prints one JSON line on stdout once it listens: the API and control URLs of each site
//! served, the user, and `ca_file` (the CA certificate, PEM: `DIR/ca.pem` with `--dir`, else
//! a file in a temporary directory removed at exit) or `null`; then human-readable lines on
//! stderr. The control endpoints are plain HTTP on loopback. The password is
//! `OLVM_DR_SIM_PASSWORD` when set; otherwise a random one, which the JSON line carries (it
//! protects nothing but this process's simulated Engines). With `--dir` (and both sites) the
//! lab's mapping, passwords file and `dr.conf` are written there as by `olvm-dr lab up`.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use olvm_dr_core::{Secret, Site};
use olvm_dr_sim::{
    Credentials, DEFAULT_TOKEN_TTL, DEFAULT_USERNAME, Lab, LabCa, LabOptions, Latency,
    ServerOptions, SimServer, WorldSize,
};
use serde_json::json;

/// Simulated oVirt / OLVM Engines (REST API v4) over a fake two-site world.
#[derive(Debug, Parser)]
#[command(name = "olvm-dr-sim", version, about)]
struct Args {
    /// World preset.
    #[arg(long, value_enum, default_value_t = Size::Small)]
    world: Size,
    /// Number of VMs instead of the preset's.
    #[arg(long)]
    vms: Option<usize>,
    /// Seed of the world (same seed, same names and ids).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Latency profile of both sites.
    #[arg(long, value_enum, default_value_t = Speed::Instant)]
    latency: Speed,
    /// Which site(s) to serve.
    #[arg(long, value_enum, default_value_t = Sites::Both)]
    site: Sites,
    /// Port of the (first) site served; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Port of the secondary when both sites are served; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    secondary_port: u16,
    /// Write the lab's mapping, passwords file, dr.conf and CA certificate here (both sites
    /// only).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Serve the Engines on plain HTTP instead of HTTPS with the lab's own CA.
    #[arg(long)]
    plain_http: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Size {
    Small,
    Medium,
    Large,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Speed {
    Instant,
    Realistic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Sites {
    Primary,
    Secondary,
    Both,
}

fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("OLVM_DR_SIM_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("olvm-dr-sim: error: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("olvm-dr-sim: error: {message}");
            ExitCode::from(1)
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    let (password, generated) = match std::env::var("OLVM_DR_SIM_PASSWORD") {
        Ok(p) if !p.is_empty() => (Secret::new(p), false),
        _ => (Secret::new(uuid::Uuid::new_v4().simple().to_string()), true),
    };
    let options = LabOptions {
        size: match args.world {
            Size::Small => WorldSize::Small,
            Size::Medium => WorldSize::Medium,
            Size::Large => WorldSize::Large,
        },
        vms: args.vms,
        seed: args.seed,
        latency: match args.latency {
            Speed::Instant => Latency::Instant,
            Speed::Realistic => Latency::Realistic,
        },
        dir: args.dir.clone().unwrap_or_default(),
        ports: [args.port, args.secondary_port],
        password: Some(password.clone()),
        plain_http: args.plain_http,
    };
    let mut line = json!({"username": DEFAULT_USERNAME});
    if generated {
        line["password"] = json!(password.expose());
    }
    if args.site == Sites::Both && args.dir.is_some() {
        let lab = Lab::start(options).await.map_err(|e| e.to_string())?;
        for site in Site::BOTH {
            line[site.as_str()] =
                json!({"api_url": lab.api_url(site), "control_url": lab.control_url(site)});
        }
        line["dir"] = json!(lab.files().dir);
        line["ca_file"] = json!(lab.state().ca_file);
        announce(&line);
        wait_for_stop().await;
        lab.shutdown().await;
        return Ok(());
    }
    let world = options.build_world();
    let (tls, ca_dir, ca_file) = if args.plain_http {
        (None, None, None)
    } else {
        let ca = LabCa::generate().map_err(|e| e.to_string())?;
        let (dir, path) = write_ca(&ca, args.dir.as_deref())?;
        (Some(ca), dir, Some(path))
    };
    line["ca_file"] = json!(ca_file);
    let sites: &[(Site, u16)] = match args.site {
        Sites::Primary => &[(Site::Primary, args.port)],
        Sites::Secondary => &[(Site::Secondary, args.port)],
        Sites::Both => &[
            (Site::Primary, args.port),
            (Site::Secondary, args.secondary_port),
        ],
    };
    let mut servers = Vec::new();
    for (site, port) in sites {
        let server = SimServer::start(
            world.clone(),
            ServerOptions {
                site: *site,
                bind: SocketAddr::from((Ipv4Addr::LOCALHOST, *port)),
                credentials: Credentials {
                    username: DEFAULT_USERNAME.to_owned(),
                    password: password.clone(),
                },
                token_ttl: DEFAULT_TOKEN_TTL,
                tls: tls.clone(),
            },
        )
        .await
        .map_err(|e| format!("cannot listen on port {port}: {e}"))?;
        line[site.as_str()] =
            json!({"api_url": server.api_url(), "control_url": server.control_url()});
        servers.push(server);
    }
    announce(&line);
    wait_for_stop().await;
    for s in servers {
        s.shutdown().await;
    }
    drop(ca_dir);
    Ok(())
}

/// Writes the CA certificate to `DIR/ca.pem`, or into a new temporary directory (returned, to
/// be removed at exit) without `--dir`.
fn write_ca(
    ca: &LabCa,
    dir: Option<&Path>,
) -> Result<(Option<tempfile::TempDir>, PathBuf), String> {
    let (tmp, dir) = match dir {
        Some(d) => (None, d.to_path_buf()),
        None => {
            let t = tempfile::Builder::new()
                .prefix("olvm-dr-sim-ca-")
                .tempdir()
                .map_err(|e| format!("cannot create a directory for the CA certificate: {e}"))?;
            let d = t.path().to_path_buf();
            (Some(t), d)
        }
    };
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let path = std::path::absolute(dir.join("ca.pem")).unwrap_or_else(|_| dir.join("ca.pem"));
    std::fs::write(&path, ca.ca_pem())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok((tmp, path))
}

fn announce(line: &serde_json::Value) {
    println!("{line}");
    for site in Site::BOTH {
        if let Some(url) = line[site.as_str()]["api_url"].as_str() {
            eprintln!("olvm-dr-sim: {site} Engine API at {url}");
        }
    }
    eprintln!("olvm-dr-sim: press Ctrl-C to stop");
}

/// Ctrl-C, or SIGTERM on Unix.
async fn wait_for_stop() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
