//! The Engine's storage server connections of file domains (`storage_server_connections`) as
//! records of their own, as the Engine keeps them.
//!
//! Importing a file domain first adds its connection (`BackendStorageDomainsResource.addDomain`
//! runs `AddStorageServerConnection` unless the request names an existing connection by id),
//! then adds the domain; when that fails the resource removes the connection it added, but an
//! Engine that dies in between leaves it behind. `AddStorageServerConnectionCommand.validate`
//! refuses a second connection to the same export (`isConnWithSameDetailsExists` looks the
//! connection string up): the import then answers 409 until the request reuses the connection
//! by id or the connection is removed. Removing the domain removes its connection
//! (`FileStorageHelper.storageDomainRemoved`, from `RemoveStorageDomainCommand` and
//! `ForceRemoveStorageDomainCommand`). iSCSI connections are not kept here.

use std::collections::BTreeMap;

use crate::Site;
use crate::engine::{EngineResult, Id, StorageConnection};

use super::super::messages as msg;
use super::super::ops::Operation;
use super::super::rng::SplitMix64;
use super::WorldState;

/// One connection to a file export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileConnection {
    /// Its id.
    pub id: Id,
    /// What the Engine mounts: type, address, path and mount settings.
    pub storage: StorageConnection,
}

impl FileConnection {
    /// The Engine's connection string, `address:path` (or the path alone when there is no
    /// address), by which it finds a connection to the same export.
    fn connection_string(&self) -> String {
        connection_string(&self.storage)
    }
}

fn connection_string(s: &StorageConnection) -> String {
    let path = s.path.as_deref().unwrap_or_default();
    match s.address.as_deref().filter(|a| !a.is_empty()) {
        Some(a) => format!("{a}:{path}"),
        None => path.to_owned(),
    }
}

/// A site's file connections, with the generator of their ids (separate from the site's other
/// ids, so that connections do not shift them).
#[derive(Debug, Clone)]
pub(crate) struct Connections {
    by_id: BTreeMap<Id, FileConnection>,
    ids: SplitMix64,
}

impl Connections {
    pub(crate) fn new(seed: u64, site: Site) -> Self {
        Self {
            by_id: BTreeMap::new(),
            ids: SplitMix64::derive(seed, &format!("{}-storage-connections", site.as_str())),
        }
    }

    /// The connection to the export `storage` names, if there is one.
    pub(crate) fn to_export(&self, storage: &StorageConnection) -> Option<&FileConnection> {
        let key = connection_string(storage);
        self.by_id.values().find(|c| c.connection_string() == key)
    }

    /// The connection with id `id`.
    pub(crate) fn get(&self, id: Id) -> Option<&FileConnection> {
        self.by_id.get(&id)
    }

    /// Every connection, by id.
    pub(crate) fn all(&self) -> impl Iterator<Item = &FileConnection> {
        self.by_id.values()
    }

    /// Adds a connection to the export of `storage` (a file type) and returns its id; one that
    /// exists already is kept (the builder's domains, whose connection the import added).
    pub(crate) fn ensure(&mut self, storage: &StorageConnection) -> Id {
        if let Some(c) = self.to_export(storage) {
            return c.id;
        }
        let id = self.ids.id();
        let storage = StorageConnection {
            volume_group: None,
            logical_units: Vec::new(),
            ..storage.clone()
        };
        self.by_id.insert(id, FileConnection { id, storage });
        id
    }

    /// Removes the connection to the export of `storage`, if there is one.
    pub(crate) fn remove_export(&mut self, storage: &StorageConnection) {
        if let Some(id) = self.to_export(storage).map(|c| c.id) {
            self.by_id.remove(&id);
        }
    }
}

impl WorldState {
    /// What `AddStorageServerConnectionCommand.validate` says before a file import adds its
    /// connection: the Engine's 409 naming the connection to the same export and the domain
    /// using it (empty when none does).
    pub(crate) fn check_no_file_connection(
        &self,
        site: Site,
        storage: &StorageConnection,
        op: Operation,
    ) -> EngineResult<()> {
        let s = self.site(site);
        let Some(c) = s.connections.to_export(storage) else {
            return Ok(());
        };
        let user = s
            .domains
            .values()
            .find(|d| connection_string(&d.connection) == c.connection_string())
            .map(|d| d.name.clone())
            .unwrap_or_default();
        Err(msg::storage_connection_exists(op, c.id, &user))
    }

    /// The export of connection `id`, for an import that names it
    /// (`BackendStorageDomainsResource.add` reads it with `GetStorageServerConnectionById`).
    pub(crate) fn file_connection(
        &self,
        site: Site,
        id: Id,
        op: Operation,
    ) -> EngineResult<StorageConnection> {
        self.site(site)
            .connections
            .get(id)
            .map(|c| c.storage.clone())
            .ok_or_else(|| msg::not_found(op, format!("storage connection {id}")))
    }
}
