//! `/hosts/{h}/storageconnectionextensions[/{id}]`: per-host iSCSI credentials for a target
//! (`BackendStorageServerConnectionExtensionsResource`): list, add, read, update, remove.
//!
//! The Engine keeps them in `storage_server_connection_extension` and uses them, instead of
//! the connection's own CHAP user, when that host logs in to the target. The simulator keeps
//! and serves them; the fake's iSCSI logins do not read them (docs/simulator.md). The
//! password is write-only, as in the Engine's answers.

use std::sync::Mutex;

use axum::http::{Method, StatusCode};
use olvm_dr_core::engine::{Engine, Fault, Id};
use olvm_dr_core::xml::writer::XmlWriter;
use olvm_dr_core::xml::{Node, Scope, parse};

use super::{find, id};
use crate::respond::{ApiError, Reply, complete, ok, xml};
use crate::server::{ApiRequest, SiteServer};

/// One extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Extension {
    id: Id,
    host: Id,
    target: String,
    username: String,
    password: String,
}

/// Every host's extensions.
#[derive(Debug, Default)]
pub(crate) struct Extensions(Mutex<Vec<Extension>>);

impl Extensions {
    fn with<R>(&self, f: impl FnOnce(&mut Vec<Extension>) -> R) -> R {
        f(&mut self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

pub(super) async fn route(st: &SiteServer, req: &ApiRequest, host: &str, rest: &[&str]) -> Reply {
    let host = find(st.engine.hosts().await?, id(host)?, |h| h.id)?;
    let sc = Scope::new(format!("hosts/{}/storageconnectionextensions", host.id));
    let all = &st.extensions;
    match (&req.method, rest) {
        (&Method::GET, []) => {
            let mine: Vec<Extension> =
                all.with(|v| v.iter().filter(|e| e.host == host.id).cloned().collect());
            Ok(ok(write_list(&mine, &sc)))
        }
        (&Method::POST, []) => {
            let (target, username, password) = read(req.text())?;
            let target = target.unwrap_or_default();
            let new = Extension {
                id: Id::random(),
                host: host.id,
                target: target.clone(),
                username: username.unwrap_or_default(),
                password: password.unwrap_or_default(),
            };
            let added = all.with(|v| {
                if v.iter().any(|e| e.host == host.id && e.target == target) {
                    return false;
                }
                v.push(new.clone());
                true
            });
            if !added {
                return Err(already_exists(&host.name, &target));
            }
            let mut r = xml(StatusCode::CREATED, write_one(&new, &sc));
            if let Ok(v) = axum::http::HeaderValue::from_str(&sc.href(new.id)) {
                r.headers_mut().insert(axum::http::header::LOCATION, v);
            }
            Ok(r)
        }
        (&Method::GET, [e]) => {
            let e = id(e)?;
            let found = all.with(|v| v.iter().find(|x| x.id == e && x.host == host.id).cloned());
            Ok(ok(write_one(&found.ok_or(ApiError::NotFound)?, &sc)))
        }
        (&Method::PUT, [e]) => {
            let e = id(e)?;
            let (target, username, password) = read(req.text())?;
            let updated = all.with(|v| {
                if let Some(t) = &target
                    && v.iter()
                        .any(|x| x.host == host.id && &x.target == t && x.id != e)
                {
                    return Err(already_exists(&host.name, t));
                }
                let x = v
                    .iter_mut()
                    .find(|x| x.id == e && x.host == host.id)
                    .ok_or(ApiError::NotFound)?;
                if let Some(t) = target {
                    x.target = t;
                }
                if let Some(u) = username {
                    x.username = u;
                }
                if let Some(p) = password {
                    x.password = p;
                }
                Ok(x.clone())
            })?;
            Ok(ok(write_one(&updated, &sc)))
        }
        (&Method::DELETE, [e]) => {
            let e = id(e)?;
            let removed = all.with(|v| {
                let before = v.len();
                v.retain(|x| !(x.id == e && x.host == host.id));
                before != v.len()
            });
            if !removed {
                return Err(ApiError::NotFound);
            }
            Ok(complete())
        }
        (_, [] | [_]) => super::not_allowed(),
        _ => Err(ApiError::NotFound),
    }
}

/// `ACTION_TYPE_FAILED_STORAGE_CONNECTION_EXTENSION_ALREADY_EXISTS`, a 409 like every
/// command the Engine's validation refuses.
fn already_exists(host: &str, target: &str) -> ApiError {
    ApiError::Fault(
        StatusCode::CONFLICT,
        Fault::new(
            "Operation Failed",
            format!(
                "[Cannot add Storage Connection Extension. Connection extension already exists \
                 for the host {host} and the target {target}.]"
            ),
        ),
    )
}

/// The body's target, username and password.
#[allow(clippy::type_complexity)]
fn read(text: &str) -> Result<(Option<String>, Option<String>, Option<String>), ApiError> {
    let root = parse(text).map_err(|e| ApiError::bad_body(&e))?;
    let n = Node::root(&root);
    if n.name() != "storage_connection_extension" {
        return Err(ApiError::bad_body(
            &n.error("expected a <storage_connection_extension> element"),
        ));
    }
    Ok((
        n.string_of("target"),
        n.string_of("username"),
        n.string_of("password"),
    ))
}

fn write(w: &mut XmlWriter, e: &Extension, sc: &Scope) {
    let id = e.id.to_string();
    let href = sc.href(&id);
    w.open(
        "storage_connection_extension",
        &[("href", href.as_str()), ("id", id.as_str())],
    );
    w.reference("host", "hosts", e.host);
    w.text("target", &e.target);
    w.text("username", &e.username);
    w.close("storage_connection_extension");
}

fn write_one(e: &Extension, sc: &Scope) -> String {
    let mut w = XmlWriter::document();
    write(&mut w, e, sc);
    w.finish()
}

fn write_list(items: &[Extension], sc: &Scope) -> String {
    let mut w = XmlWriter::document();
    if items.is_empty() {
        w.empty("storage_connection_extensions", &[]);
    } else {
        w.open("storage_connection_extensions", &[]);
        for e in items {
            write(&mut w, e, sc);
        }
        w.close("storage_connection_extensions");
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_and_answers() {
        let (t, u, p) = read(
            "<storage_connection_extension><target>iqn.x</target><username>u</username>\
             <password>p</password></storage_connection_extension>",
        )
        .unwrap();
        assert_eq!(
            (t.as_deref(), u.as_deref(), p.as_deref()),
            (Some("iqn.x"), Some("u"), Some("p"))
        );
        assert!(read("<host/>").is_err());
        let sc = Scope::new("hosts/h/storageconnectionextensions");
        assert!(write_list(&[], &sc).ends_with("<storage_connection_extensions/>"));
        let e = Extension {
            id: Id::from_u128(7),
            host: Id::from_u128(1),
            target: "iqn.x".into(),
            username: "u".into(),
            password: "secret".into(),
        };
        let text = write_one(&e, &sc);
        assert!(
            text.contains("<target>iqn.x</target>") && !text.contains("secret"),
            "{text}"
        );
    }
}
