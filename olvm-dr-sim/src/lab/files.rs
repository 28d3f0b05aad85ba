//! The files of a lab directory: mapping, passwords, `dr.conf`, the CA certificate and the
//! state file.

use std::path::{Path, PathBuf};

use olvm_dr_core::mapping::Mapping;

use super::{LabError, LabState};
use crate::auth::Credentials;
use crate::tls::LabCa;

/// Where a lab's files are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabFiles {
    /// The lab directory.
    pub dir: PathBuf,
    /// `disaster_recovery_vars.yml`: the mapping (the role's var file).
    pub mapping: PathBuf,
    /// `passwords.yml`: both sites' Engine passwords (mode 0600).
    pub passwords: PathBuf,
    /// `dr.conf`: the `ovirt-dr` configuration pointing at the two files above.
    pub dr_conf: PathBuf,
    /// `lab.json`: where the running lab listens (removed when it stops).
    pub state: PathBuf,
    /// `ca.pem`: the CA certificate the Engines' certificate chains to (HTTPS labs only).
    pub ca: PathBuf,
}

impl LabFiles {
    /// The file names in `dir`.
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
            mapping: dir.join("disaster_recovery_vars.yml"),
            passwords: dir.join("passwords.yml"),
            dr_conf: dir.join("dr.conf"),
            state: dir.join("lab.json"),
            ca: dir.join("ca.pem"),
        }
    }

    pub(super) fn write(
        &self,
        mapping: &Mapping,
        credentials: &Credentials,
        state: &LabState,
        tls: Option<&LabCa>,
    ) -> Result<(), LabError> {
        let write = |path: &Path, text: &str| {
            std::fs::write(path, text).map_err(|source| LabError::Write {
                path: path.to_path_buf(),
                source,
            })
        };
        std::fs::create_dir_all(&self.dir).map_err(|source| LabError::Write {
            path: self.dir.clone(),
            source,
        })?;
        write(&self.mapping, &mapping.to_yaml())?;
        write_private(&self.passwords, &passwords_yaml(credentials))?;
        write(&self.dr_conf, &dr_conf())?;
        match tls {
            Some(ca) => write(&self.ca, ca.ca_pem())?,
            // A plain-HTTP lab: no CA of an earlier lab in this directory may look current.
            None => match std::fs::remove_file(&self.ca) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(LabError::Write {
                        path: self.ca.clone(),
                        source: e,
                    });
                }
                _ => {}
            },
        }
        let json = serde_json::to_string_pretty(state).unwrap_or_default();
        write(&self.state, &json)
    }
}

/// The passwords file: both sites share the lab's password. Single-quoted YAML scalars (the
/// generated passwords are hex, but a given one may hold anything; quotes are doubled).
fn passwords_yaml(credentials: &Credentials) -> String {
    let quoted = format!("'{}'", credentials.password.expose().replace('\'', "''"));
    format!(
        "---\n# The lab's Engine passwords (both sites use the same one).\ndr_sites_primary_password: {quoted}\ndr_sites_secondary_password: {quoted}\n"
    )
}

/// `dr.conf` with paths relative to its own directory (how the core resolves them).
fn dr_conf() -> String {
    "\
# olvm-dr configuration for the simulated lab.
[log]
log_level = INFO

[validate_vars]
var_file = disaster_recovery_vars.yml

[failover_failback]
dr_target_host = secondary
dr_source_map = primary
vault = passwords.yml
var_file = disaster_recovery_vars.yml
"
    .to_owned()
}

/// Writes a file readable by its owner only (it holds passwords).
fn write_private(path: &Path, text: &str) -> Result<(), LabError> {
    let err = |source| LabError::Write {
        path: path.to_path_buf(),
        source,
    };
    #[cfg(unix)]
    {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(path)
            .map_err(err)?;
        // A file left by an earlier lab keeps its mode on open: narrow it before writing.
        f.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))
            .map_err(err)?;
        f.write_all(text.as_bytes()).map_err(err)
    }
    #[cfg(not(unix))]
    {
        std::fs::write(path, text).map_err(err)
    }
}
