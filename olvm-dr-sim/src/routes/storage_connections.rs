//! `/storageconnections[/{id}]` and `/storagedomains/{sd}/storageconnections`: the storage
//! server connections the Engine holds for its domains (`storage_server_connections`,
//! `BackendStorageServerConnectionsResource`, `BackendStorageDomainServerConnectionsResource`).
//!
//! The Engine keeps one connection per file export (address, path, mount settings) and one
//! per iSCSI target portal (address, port, target, CHAP user; the password is never read
//! back); Fibre Channel LUNs have none. File connections are the fake's own records (a file
//! import adds one; one an unfinished import left is listed with no domain). iSCSI ones are
//! derived from the domains the fake knows: one per distinct portal, shared by the domains
//! that use it, with an id computed from what identifies it (stable for the server's life).
//! Adding, changing and removing connections are not modelled (501).

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use axum::http::Method;
use olvm_dr_core::engine::{Engine, Id, StorageDomain, StorageType};
use olvm_dr_core::fake::FileConnection;
use olvm_dr_core::xml::Scope;
use olvm_dr_core::xml::writer::XmlWriter;

use super::{id, limit};
use crate::respond::{ApiError, Reply, ok};
use crate::server::{ApiRequest, SiteServer};

/// One connection and the domains that use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Connection {
    id: Id,
    kind: StorageType,
    address: Option<String>,
    port: Option<u16>,
    path: Option<String>,
    target: Option<String>,
    portal: Option<String>,
    username: Option<String>,
    vfs_type: Option<String>,
    mount_options: Option<String>,
    nfs_version: Option<String>,
    domains: Vec<Id>,
}

/// `/storageconnections[/{id}]`.
pub(super) async fn route(st: &SiteServer, req: &ApiRequest, rest: &[&str]) -> Reply {
    let all = connections(
        &st.world.file_connections(st.site),
        &st.engine.storage_domains().await?,
    );
    let sc = Scope::new("storageconnections");
    match (&req.method, rest) {
        (&Method::GET, []) => Ok(ok(write_list(&limit(all, &req.params), &sc))),
        (&Method::GET, [c]) => {
            let c = id(c)?;
            let found = all
                .into_iter()
                .find(|x| x.id == c)
                .ok_or(ApiError::NotFound)?;
            Ok(ok(write_one(&found, &sc)))
        }
        (&Method::POST, []) | (&Method::PUT | &Method::DELETE, [_]) => Err(ApiError::Unsupported(
            "adding, changing or removing storage connections",
        )),
        (_, [] | [_]) => super::not_allowed(),
        _ => Err(ApiError::NotFound),
    }
}

/// `GET /storagedomains/{sd}/storageconnections`.
pub(super) async fn of_domain(st: &SiteServer, req: &ApiRequest, sd: Id) -> Reply {
    let domain = st.engine.storage_domain(sd).await?;
    let mine = connections(&st.world.file_connections(st.site), &[domain])
        .into_iter()
        .filter(|c| c.domains.contains(&sd))
        .collect();
    let sc = Scope::new("storageconnections");
    Ok(ok(write_list(&limit(mine, &req.params), &sc)))
}

/// The file connections `files`, each with the domains of `domains` that use it, then the
/// iSCSI connections of `domains`, each once, in the order first met.
fn connections(files: &[FileConnection], domains: &[StorageDomain]) -> Vec<Connection> {
    let mut out: Vec<Connection> = files
        .iter()
        .filter_map(|f| {
            let s = &f.storage;
            Some(Connection {
                id: f.id,
                kind: s.storage_type?,
                address: s.address.clone(),
                port: None,
                path: s.path.clone(),
                target: None,
                portal: None,
                username: None,
                vfs_type: s.vfs_type.clone(),
                mount_options: s.mount_options.clone(),
                nfs_version: s.nfs_version.map(|v| v.as_str().to_owned()),
                domains: domains
                    .iter()
                    .filter(|d| d.storage.address == s.address && d.storage.path == s.path)
                    .map(|d| d.id)
                    .collect(),
            })
        })
        .collect();
    let mut add = |c: Connection| match out.iter_mut().find(|x| x.id == c.id) {
        Some(x) => {
            for d in c.domains {
                if !x.domains.contains(&d) {
                    x.domains.push(d);
                }
            }
        }
        None => out.push(c),
    };
    for d in domains {
        let s = &d.storage;
        let Some(kind) = s.storage_type else { continue };
        if kind == StorageType::Iscsi {
            for lun in &s.logical_units {
                let key = (
                    "iscsi",
                    lun.address.clone(),
                    lun.port,
                    lun.target.clone(),
                    lun.username.clone(),
                );
                add(Connection {
                    id: id_of(&key),
                    kind,
                    address: lun.address.clone(),
                    port: lun.port,
                    path: None,
                    target: lun.target.clone(),
                    portal: lun.portal.clone(),
                    username: lun.username.clone(),
                    vfs_type: None,
                    mount_options: None,
                    nfs_version: None,
                    domains: vec![d.id],
                });
            }
        }
    }
    out
}

/// An id computed from what identifies a connection (SipHash with fixed keys, twice).
fn id_of(key: &impl Hash) -> Id {
    let mut a = DefaultHasher::new();
    key.hash(&mut a);
    let mut b = DefaultHasher::new();
    (key, "olvm-dr-sim storage connection").hash(&mut b);
    Id::from_u128((u128::from(a.finish()) << 64) | u128::from(b.finish()))
}

fn write(w: &mut XmlWriter, c: &Connection, sc: &Scope) {
    let id = c.id.to_string();
    let href = sc.href(&id);
    w.open(
        "storage_connection",
        &[("href", href.as_str()), ("id", id.as_str())],
    );
    w.opt_text("address", c.address.as_deref());
    w.opt_text("mount_options", c.mount_options.as_deref());
    w.opt_text("nfs_version", c.nfs_version.as_deref());
    w.opt_text("path", c.path.as_deref());
    w.opt_value("port", c.port);
    w.opt_text("portal", c.portal.as_deref());
    w.opt_text("target", c.target.as_deref());
    w.text("type", c.kind.as_str());
    w.opt_text("username", c.username.as_deref());
    w.opt_text("vfs_type", c.vfs_type.as_deref());
    w.close("storage_connection");
}

fn write_one(c: &Connection, sc: &Scope) -> String {
    let mut w = XmlWriter::document();
    write(&mut w, c, sc);
    w.finish()
}

fn write_list(items: &[Connection], sc: &Scope) -> String {
    let mut w = XmlWriter::document();
    if items.is_empty() {
        w.empty("storage_connections", &[]);
    } else {
        w.open("storage_connections", &[]);
        for c in items {
            write(&mut w, c, sc);
        }
        w.close("storage_connections");
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use olvm_dr_core::engine::{LogicalUnit, StorageConnection, StorageDomainType};

    fn domain(n: u128, storage: StorageConnection) -> StorageDomain {
        StorageDomain {
            id: Id::from_u128(n),
            name: format!("sd{n}"),
            kind: StorageDomainType::Data,
            status: None,
            master: false,
            data_centers: Vec::new(),
            storage,
            wipe_after_delete: false,
            discard_after_delete: false,
            backup: false,
            critical_space_action_blocker: 5,
            warning_low_space_indicator: 10,
            available: 0,
            used: 0,
            storage_format: None,
        }
    }

    fn lun(id: &str, target: &str) -> LogicalUnit {
        LogicalUnit {
            id: id.into(),
            address: Some("10.0.0.5".into()),
            port: Some(3260),
            portal: Some("10.0.0.5:3260,1".into()),
            target: Some(target.into()),
            ..LogicalUnit::default()
        }
    }

    #[test]
    fn one_per_export_or_portal_none_for_fc() {
        let nfs = StorageConnection {
            storage_type: Some(StorageType::Nfs),
            address: Some("nfs1".into()),
            path: Some("/exports/a".into()),
            ..StorageConnection::default()
        };
        let iscsi = |luns| StorageConnection {
            storage_type: Some(StorageType::Iscsi),
            logical_units: luns,
            ..StorageConnection::default()
        };
        let fc = StorageConnection {
            storage_type: Some(StorageType::Fcp),
            logical_units: vec![lun("fc1", "")],
            ..StorageConnection::default()
        };
        let files = [FileConnection {
            id: Id::from_u128(100),
            storage: nfs.clone(),
        }];
        let conns = connections(
            &files,
            &[
                domain(1, nfs),
                domain(
                    2,
                    iscsi(vec![
                        lun("a", "iqn.t1"),
                        lun("b", "iqn.t1"),
                        lun("c", "iqn.t2"),
                    ]),
                ),
                domain(3, iscsi(vec![lun("d", "iqn.t2")])),
                domain(4, fc),
            ],
        );
        assert_eq!(conns.len(), 3, "{conns:?}");
        assert_eq!(conns[0].path.as_deref(), Some("/exports/a"));
        assert_eq!(conns[0].domains, [Id::from_u128(1)]);
        assert_eq!(conns[2].domains, [Id::from_u128(2), Id::from_u128(3)]);
        let again = connections(&[], &[domain(3, iscsi(vec![lun("d", "iqn.t2")]))]);
        assert_eq!(again[0].id, conns[2].id, "ids are stable");
        let text = write_list(&conns, &Scope::new("storageconnections"));
        assert_eq!(text.matches("<type>iscsi</type>").count(), 2, "{text}");
    }
}
