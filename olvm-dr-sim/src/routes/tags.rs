//! `/tags`: listing, one tag, add (a name in use is the Engine's 409) and remove; and the
//! assignment of a tag to a VM (`POST /vms/{vm}/tags`).

use axum::http::Method;
use olvm_dr_core::engine::{Engine, Id};
use olvm_dr_core::xml::{TagRef, read_tag_add, read_tag_assign};

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

/// `POST /vms/{vm}/tags`: assigns the tag the body names by id or name (API model
/// `AssignedTagsService.add`) and answers it. A name no tag has is a 404, as the Engine's
/// lookup of the tag by name finds none.
pub(super) async fn assign(st: &SiteServer, req: &ApiRequest, vm: Id) -> Reply {
    let named = read_tag_assign(req.text()).map_err(|e| ApiError::bad_body(&e))?;
    let tags = st.engine.tags().await?;
    let tag = match named {
        TagRef::Id(t) => find(tags, t, |t| t.id)?,
        TagRef::Name(name) => tags
            .into_iter()
            .find(|t| t.name == name)
            .ok_or(ApiError::NotFound)?,
    };
    st.engine.assign_tag(vm, tag.id).await?;
    let sc = scope("tags", &req.params);
    Ok(created(&tag, &sc, &tag.id.to_string()))
}
