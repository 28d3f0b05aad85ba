//! [`MappingSecrets`]: the CHAP passwords of a mapping file, handed to a run's steps when they
//! need them (plans never contain them).

use super::{ImportStorage, Mapping};
use crate::execute::SecretSource;
use crate::{Secret, Site};

/// Gives a run the iSCSI CHAP passwords written in the mapping (in clear or as inline
/// `!vault` values, decrypted with the vault password).
#[derive(Clone)]
pub struct MappingSecrets {
    mapping: Mapping,
    vault_password: Option<Secret>,
}

impl std::fmt::Debug for MappingSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MappingSecrets")
            .field("vault_password", &self.vault_password)
            .finish_non_exhaustive()
    }
}

impl MappingSecrets {
    /// The secrets of `mapping`; `vault_password` decrypts inline vault values.
    pub fn new(mapping: Mapping, vault_password: Option<Secret>) -> Self {
        Self {
            mapping,
            vault_password,
        }
    }

    fn reveal(&self, value: Option<&crate::config::SecretValue>, what: &str) -> Option<Secret> {
        match value?.reveal(self.vault_password.as_ref()) {
            Ok(s) => Some(s),
            Err(e) => {
                tracing::warn!("cannot decrypt the CHAP password of {what}: {e}");
                None
            }
        }
    }
}

impl SecretSource for MappingSecrets {
    fn iscsi_password(&self, site: Site, address: &str, target: &str) -> Option<Secret> {
        self.mapping.storages().iter().find_map(|s| match s {
            ImportStorage::Iscsi(i) => {
                let keys = i.site(site);
                let matches = keys.address.get().is_some_and(|a| a == address)
                    && keys
                        .targets
                        .get()
                        .is_some_and(|t| t.iter().any(|t| t == target));
                matches
                    .then(|| self.reveal(keys.password.get(), &format!("iSCSI target {target}")))
                    .flatten()
            }
            _ => None,
        })
    }

    fn lun_password(&self, site: Site, lun_id: &str) -> Option<Secret> {
        self.mapping.luns().iter().find_map(|l| {
            let keys = l.site(site);
            keys.logical_unit_id
                .get()
                .is_some_and(|id| id == lun_id)
                .then(|| self.reveal(keys.password.get(), &format!("LUN {lun_id}")))
                .flatten()
        })
    }
}
