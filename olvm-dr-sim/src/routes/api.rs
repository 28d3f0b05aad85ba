//! `GET /ovirt-engine/api`: the API root with `product_info` (what `connection.test()` reads).

use olvm_dr_core::engine::Engine;
use olvm_dr_core::xml::write_api;

use crate::respond::{Reply, ok};
use crate::server::SiteServer;

pub(super) async fn root(st: &SiteServer) -> Reply {
    let info = st.engine.api_info().await?;
    Ok(ok(write_api(&info)))
}
