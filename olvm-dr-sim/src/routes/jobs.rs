//! `/jobs/{id}`: one job (the fake keeps jobs by id only; the listing is not modelled).

use axum::http::Method;
use olvm_dr_core::engine::Engine;

use super::{id, scope};
use crate::respond::{ApiError, Reply, one};
use crate::server::{ApiRequest, SiteServer};

pub(super) async fn route(st: &SiteServer, req: &ApiRequest, rest: &[&str]) -> Reply {
    match (&req.method, rest) {
        (&Method::GET, []) => Err(ApiError::Unsupported("listing or searching jobs")),
        (&Method::GET, [j]) => Ok(one(
            &st.engine.job(id(j)?).await?,
            &scope("jobs", &req.params),
        )),
        (_, [_, "steps" | "clear" | "end"]) => {
            Err(ApiError::Unsupported("job steps and job control"))
        }
        (_, [] | [_]) => super::not_allowed(),
        _ => Err(ApiError::NotFound),
    }
}
