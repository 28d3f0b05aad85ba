//! A real etcd cluster on loopback ports, started from the `etcd` binary (Debian
//! `etcd-server`, or `OLVM_DR_ETCD_BIN`) for one test and stopped when dropped.

#![allow(dead_code, unreachable_pub)]

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use olvm_dr_core::state::etcd::EtcdStore;
use olvm_dr_core::state::{EtcdLocation, StateLocation};

/// One member.
struct Member {
    name: String,
    client: u16,
    peer: u16,
    child: Option<Child>,
}

/// A cluster of members on 127.0.0.1.
pub struct Cluster {
    members: Vec<Member>,
    dir: tempfile::TempDir,
    token: String,
    /// The CA that signed the members' client-port certificates, when they speak TLS.
    ca_file: Option<PathBuf>,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn etcd_bin() -> String {
    std::env::var("OLVM_DR_ETCD_BIN").unwrap_or_else(|_| "etcd".into())
}

impl Cluster {
    /// Starts `n` members and waits until they have a leader.
    pub fn start(n: usize) -> Self {
        Self::start_with(n, false)
    }

    /// Starts `n` members whose client ports speak TLS only, with a certificate for 127.0.0.1
    /// signed by a CA made for the test ([`ca_file`](Self::ca_file)).
    pub fn start_tls(n: usize) -> Self {
        Self::start_with(n, true)
    }

    fn start_with(n: usize, tls: bool) -> Self {
        let members = (0..n)
            .map(|i| Member {
                name: format!("m{i}"),
                client: free_port(),
                peer: free_port(),
                child: None,
            })
            .collect();
        let mut cluster = Self {
            members,
            dir: tempfile::tempdir().unwrap(),
            token: format!("t{}", uuid::Uuid::new_v4().simple()),
            ca_file: None,
        };
        if tls {
            cluster.ca_file = Some(cluster.write_certificates());
        }
        for i in 0..n {
            cluster.start_member(i);
        }
        cluster.wait_for_quorum(Duration::from_secs(30));
        cluster
    }

    /// Writes a CA (`ca.pem`) and a member certificate for 127.0.0.1 signed by it
    /// (`member.pem`, `member-key.pem`); returns the CA's path.
    fn write_certificates(&self) -> PathBuf {
        use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
        let key = KeyPair::generate().unwrap();
        let member = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .unwrap()
            .signed_by(&key, &ca)
            .unwrap();
        let dir = self.dir.path();
        std::fs::write(dir.join("member.pem"), member.pem()).unwrap();
        std::fs::write(dir.join("member-key.pem"), key.serialize_pem()).unwrap();
        std::fs::write(dir.join("ca.pem"), ca.pem()).unwrap();
        dir.join("ca.pem")
    }

    /// The CA of the members' certificates (a cluster started with [`start_tls`](Self::start_tls)).
    pub fn ca_file(&self) -> Option<PathBuf> {
        self.ca_file.clone()
    }

    fn client_scheme(&self) -> &'static str {
        if self.ca_file.is_some() {
            "https"
        } else {
            "http"
        }
    }

    fn start_member(&mut self, i: usize) {
        let initial: Vec<String> = self
            .members
            .iter()
            .map(|m| format!("{}=http://127.0.0.1:{}", m.name, m.peer))
            .collect();
        let m = &self.members[i];
        let data = self.dir.path().join(&m.name);
        let log = std::fs::File::create(self.dir.path().join(format!("{}.log", m.name))).unwrap();
        let client_url = format!("{}://127.0.0.1:{}", self.client_scheme(), m.client);
        let mut command = Command::new(etcd_bin());
        if self.ca_file.is_some() {
            command
                .arg("--cert-file")
                .arg(self.dir.path().join("member.pem"))
                .arg("--key-file")
                .arg(self.dir.path().join("member-key.pem"));
        }
        let child = command
            .args(["--name", &m.name])
            .arg("--data-dir")
            .arg(&data)
            .args([
                "--listen-client-urls",
                &client_url,
                "--advertise-client-urls",
                &client_url,
                "--listen-peer-urls",
                &format!("http://127.0.0.1:{}", m.peer),
                "--initial-advertise-peer-urls",
                &format!("http://127.0.0.1:{}", m.peer),
                "--initial-cluster",
                &initial.join(","),
                "--initial-cluster-token",
                &self.token,
                "--initial-cluster-state",
                "new",
                // Quick elections on loopback: a killed leader is replaced in about a second.
                "--heartbeat-interval",
                "100",
                "--election-timeout",
                "1000",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start {} (install Debian's etcd-server, or set OLVM_DR_ETCD_BIN): {e}",
                    etcd_bin()
                )
            });
        self.members[i].child = Some(child);
    }

    /// `host:port` of every member.
    pub fn endpoints(&self) -> String {
        self.members
            .iter()
            .map(|m| format!("127.0.0.1:{}", m.client))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The store URL for `prefix` with a lease of `ttl` seconds.
    pub fn url(&self, prefix: &str, ttl: u64) -> String {
        let scheme = if self.ca_file.is_some() {
            "etcds"
        } else {
            "etcd"
        };
        format!("{scheme}://{}/{prefix}?lease_ttl={ttl}", self.endpoints())
    }

    /// The parsed location of [`url`](Self::url) (with the CA of a TLS cluster).
    pub fn location(&self, prefix: &str, ttl: u64) -> EtcdLocation {
        match StateLocation::parse(&self.url(prefix, ttl)).unwrap() {
            StateLocation::Etcd(e) => EtcdLocation {
                ca_file: self.ca_file.clone(),
                ..e
            },
            other => panic!("{other:?}"),
        }
    }

    /// Kills member `i` (SIGKILL).
    pub fn kill(&mut self, i: usize) {
        if let Some(mut c) = self.members[i].child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts member `i` again on its data.
    pub fn restart(&mut self, i: usize) {
        assert!(self.members[i].child.is_none(), "member {i} is running");
        self.start_member(i);
    }

    /// Waits until a read answers (a quorum with a leader).
    pub fn wait_for_quorum(&self, within: Duration) {
        let start = Instant::now();
        let location = self.location("health", 5);
        loop {
            match EtcdStore::connect(&location, false) {
                Ok(_) => return,
                Err(e) if start.elapsed() > within => {
                    panic!(
                        "the etcd cluster has no quorum after {within:?}: {e}\n{}",
                        self.logs()
                    )
                }
                Err(_) => std::thread::sleep(Duration::from_millis(200)),
            }
        }
    }

    /// The members' logs, for failure messages.
    pub fn logs(&self) -> String {
        self.members
            .iter()
            .map(|m| {
                let text = std::fs::read_to_string(self.dir.path().join(format!("{}.log", m.name)))
                    .unwrap_or_default();
                let tail: Vec<&str> = text.lines().rev().take(15).collect();
                format!(
                    "--- {} ---\n{}",
                    m.name,
                    tail.into_iter().rev().collect::<Vec<_>>().join("\n")
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Where the members keep their data.
    pub fn dir(&self) -> PathBuf {
        self.dir.path().to_owned()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for i in 0..self.members.len() {
            self.kill(i);
        }
    }
}
