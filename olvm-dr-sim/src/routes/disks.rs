//! `/disks`: listing with search (`alias`, `name`, `disk_type`, `number_of_vms`, `status`,
//! `storage`), one disk, removal.

use std::sync::Arc;

use axum::http::Method;
use olvm_dr_core::engine::{DiskFilter, Engine};

use super::lookup::{Names, Need};
use super::{find, id, perform, query, scope, search};
use crate::respond::{ApiError, Reply, list, one};
use crate::search::Value;
use crate::server::{ApiRequest, SiteServer};

pub(super) async fn route(st: &SiteServer, req: &ApiRequest, rest: &[&str]) -> Reply {
    let sc = scope("disks", &req.params);
    match (&req.method, rest) {
        (&Method::GET, []) => {
            let disks = st.engine.disks(DiskFilter::default()).await?;
            let q = query(&req.params)?;
            let need = Need {
                domains: q.as_ref().is_some_and(|q| q.uses("storage")),
                ..Need::default()
            };
            let names = Names::load(st, need).await?;
            let disks = search(disks, &req.params, |d, field| match field {
                "alias" | "name" => Some(Value::Text(d.alias.clone())),
                "disk_type" => Some(Value::Enum(d.storage_type.as_str().to_owned())),
                "number_of_vms" => Some(Value::Num(i64::try_from(d.vms.len()).unwrap_or(i64::MAX))),
                "status" => Some(Value::Enum(d.status.as_str().to_owned())),
                "storage" => Some(names.domain_names(&d.storage_domains)),
                "shareable" => Some(Value::Enum(d.shareable.to_string())),
                _ => None,
            })?;
            Ok(list(&disks, &sc))
        }
        (&Method::GET, [d]) => {
            let d = find(st.engine.disks(DiskFilter::default()).await?, id(d)?, |x| {
                x.id
            })?;
            Ok(one(&d, &sc))
        }
        (&Method::DELETE, [d]) => {
            let d = id(d)?;
            let engine = Arc::clone(&st.engine);
            perform(req, async move { engine.remove_disk(d).await }).await
        }
        (_, [] | [_]) => super::not_allowed(),
        _ => Err(ApiError::NotFound),
    }
}
