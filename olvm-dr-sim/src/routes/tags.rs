//! `/tags`: listing, one tag, add (a name in use is the Engine's 409) and remove.

use axum::http::Method;
use olvm_dr_core::engine::Engine;
use olvm_dr_core::xml::read_tag_add;

use super::{find, id, limit, scope};
use crate::respond::{ApiError, Reply, complete, created, list, one};
use crate::server::{ApiRequest, SiteServer};

pub(super) async fn route(st: &SiteServer, req: &ApiRequest, rest: &[&str]) -> Reply {
    let sc = scope("tags", &req.params);
    match (&req.method, rest) {
        (&Method::GET, []) => Ok(list(&limit(st.engine.tags().await?, &req.params), &sc)),
        (&Method::GET, [t]) => Ok(one(&find(st.engine.tags().await?, id(t)?, |t| t.id)?, &sc)),
        (&Method::POST, []) => {
            let (name, description) =
                read_tag_add(req.text()).map_err(|e| ApiError::bad_body(&e))?;
            let tag = st.engine.add_tag(&name, &description).await?;
            Ok(created(&tag, &sc, &tag.id.to_string()))
        }
        (&Method::DELETE, [t]) => {
            st.engine.remove_tag(id(t)?).await?;
            Ok(complete())
        }
        (_, [] | [_]) => super::not_allowed(),
        _ => Err(ApiError::NotFound),
    }
}
