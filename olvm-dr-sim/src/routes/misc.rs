//! The small read-only collections: networks (search `name`, `datacenter`) and their vNIC
//! profiles, vNIC profiles, affinity labels (with `follow=vms,hosts`), authz domains, roles.

use axum::http::Method;
use olvm_dr_core::engine::{Engine, Id};

use super::lookup::{Names, Need};
use super::{find, id, limit, query, scope, search};
use crate::respond::{ApiError, Reply, list, one};
use crate::search::Value;
use crate::server::{ApiRequest, SiteServer};

pub(super) async fn route(
    st: &SiteServer,
    req: &ApiRequest,
    collection: &str,
    rest: &[&str],
) -> Reply {
    const KNOWN: &[&str] = &[
        "networks",
        "vnicprofiles",
        "affinitylabels",
        "domains",
        "roles",
    ];
    if !KNOWN.contains(&collection) {
        return Err(ApiError::NotFound);
    }
    if req.method != Method::GET {
        return super::not_allowed();
    }
    let p = &req.params;
    match (collection, rest) {
        ("networks", []) => {
            let nets = st.engine.networks().await?;
            let q = query(p)?;
            let need = Need {
                data_centers: q.as_ref().is_some_and(|q| q.uses("datacenter")),
                ..Need::default()
            };
            let names = Names::load(st, need).await?;
            let nets = search(nets, p, |n, field| match field {
                "name" => Some(Value::Text(n.name.clone())),
                "datacenter" => Some(names.dc(Some(n.data_center))),
                _ => None,
            })?;
            Ok(list(&nets, &scope("networks", p)))
        }
        ("networks", [n]) => Ok(one(
            &find(st.engine.networks().await?, id(n)?, |x| x.id)?,
            &scope("networks", p),
        )),
        ("networks", [n, "vnicprofiles"]) => {
            let n = find(st.engine.networks().await?, id(n)?, |x| x.id)?;
            let mut profiles = st.engine.vnic_profiles().await?;
            profiles.retain(|v| v.network == n.id);
            Ok(list(&limit(profiles, p), &scope("vnicprofiles", p)))
        }
        ("vnicprofiles", []) => Ok(list(
            &limit(st.engine.vnic_profiles().await?, p),
            &scope("vnicprofiles", p),
        )),
        ("vnicprofiles", [v]) => Ok(one(
            &find(st.engine.vnic_profiles().await?, id(v)?, |x| x.id)?,
            &scope("vnicprofiles", p),
        )),
        ("affinitylabels", []) => Ok(list(
            &limit(st.engine.affinity_labels().await?, p),
            &scope("affinitylabels", p),
        )),
        ("affinitylabels", [l]) => Ok(one(
            &find(st.engine.affinity_labels().await?, id(l)?, |x| x.id)?,
            &scope("affinitylabels", p),
        )),
        ("affinitylabels", [l, members @ ("vms" | "hosts")]) => {
            let l = find(st.engine.affinity_labels().await?, id(l)?, |x| x.id)?;
            let ids: Vec<Id> = if *members == "vms" { l.vms } else { l.hosts };
            if *members == "vms" {
                let mut vms = st.engine.vms(&Default::default()).await?;
                vms.retain(|v| ids.contains(&v.id));
                Ok(list(&vms, &scope("vms", p)))
            } else {
                let mut hosts = st.engine.hosts().await?;
                hosts.retain(|h| ids.contains(&h.id));
                Ok(list(&hosts, &scope("hosts", p)))
            }
        }
        ("domains", []) => Ok(list(
            &limit(st.engine.authz_domains().await?, p),
            &scope("domains", p),
        )),
        ("domains", [d]) => st
            .engine
            .authz_domains()
            .await?
            .into_iter()
            .find(|x| x.id == *d)
            .map(|x| one(&x, &scope("domains", p)))
            .ok_or(ApiError::NotFound),
        ("domains", [_, "users" | "groups"]) => Err(ApiError::Unsupported(
            "the users and groups of an authz domain",
        )),
        ("roles", []) => Ok(list(
            &limit(st.engine.roles().await?, p),
            &scope("roles", p),
        )),
        ("roles", [r]) => Ok(one(
            &find(st.engine.roles().await?, id(r)?, |x| x.id)?,
            &scope("roles", p),
        )),
        _ => Err(ApiError::NotFound),
    }
}
