//! `GET /storagedomains/{sd}/disks;unregistered` (also `?unregistered=true`, and below
//! `/datacenters/{dc}/storagedomains/{sd}`): the images on a data domain the Engine's database
//! does not know (`Engine::unregistered_disks`), without actions.

use olvm_dr_core::engine::{Engine, Id};

use crate::respond::{Reply, list};
use crate::server::{ApiRequest, SiteServer};

/// The unregistered disks of `sd`, listed under `collection` (the path's disks).
pub(super) async fn listing(
    st: &SiteServer,
    req: &ApiRequest,
    sd: Id,
    collection: String,
) -> Reply {
    let disks = st.engine.unregistered_disks(sd).await?;
    let sc = super::scope(collection, &req.params);
    Ok(list(&super::limit(disks, &req.params), &sc))
}
