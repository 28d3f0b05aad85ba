//! `/templates`: listing with search (`name`, `status`, `cluster`, `datacenter`) and one
//! template.

use axum::http::Method;
use olvm_dr_core::engine::Engine;

use super::lookup::{Names, Need};
use super::{id, query, scope, search};
use crate::respond::{ApiError, Reply, list, one};
use crate::search::Value;
use crate::server::{ApiRequest, SiteServer};

pub(super) async fn route(st: &SiteServer, req: &ApiRequest, rest: &[&str]) -> Reply {
    let sc = scope("templates", &req.params);
    match (&req.method, rest) {
        (&Method::GET, []) => {
            let templates = st.engine.templates().await?;
            let q = query(&req.params)?;
            let uses = |f: &str| q.as_ref().is_some_and(|q| q.uses(f));
            let need = Need {
                data_centers: uses("datacenter"),
                clusters: uses("datacenter") || uses("cluster"),
                ..Need::default()
            };
            let names = Names::load(st, need).await?;
            let templates = search(templates, &req.params, |t, field| match field {
                "name" => Some(Value::Text(t.name.clone())),
                "status" => Some(Value::Enum(t.status.as_str().to_owned())),
                "cluster" => Some(names.cluster(t.cluster)),
                "datacenter" => Some(names.dc(names.cluster_dc(t.cluster))),
                "version" => Some(Value::Num(i64::from(t.version_number))),
                _ => None,
            })?;
            Ok(list(&templates, &sc))
        }
        (&Method::GET, [t]) => Ok(one(&st.engine.template(id(t)?).await?, &sc)),
        (_, [] | [_]) => super::not_allowed(),
        _ => Err(ApiError::NotFound),
    }
}
