//! Steps the fake-world scenario tests share.

#![allow(dead_code, unreachable_pub)]

use std::collections::HashSet;

use olvm_dr_core::Site;
use olvm_dr_core::engine::{Engine, EngineResult, Id, Registration, VmStatus};
use olvm_dr_core::fake::{DomainFacts, World};

/// Stops every replication pair (the secondary's replicas become read-write).
pub fn promote_all(world: &World) {
    for d in &world.facts().domains {
        world.stop_replication(d.pair);
    }
    for l in &world.facts().luns {
        world.stop_replication(l.pair);
    }
}

/// An up host of `d`'s data center on `site`.
pub fn host_for(world: &World, d: &DomainFacts, site: Site) -> Id {
    let dc = match site {
        Site::Primary => d.primary_dc.id,
        Site::Secondary => d.secondary_dc.id,
    };
    world
        .facts()
        .site(site)
        .up_host_in(dc)
        .expect("an up host")
        .id
}

/// The data center `d` goes to on `site`.
pub fn dc_for(d: &DomainFacts, site: Site) -> Id {
    match site {
        Site::Primary => d.primary_dc.id,
        Site::Secondary => d.secondary_dc.id,
    }
}

/// Logs in (iSCSI) and imports `d` on `site`.
pub async fn import(world: &World, e: &dyn Engine, d: &DomainFacts, site: Site) {
    let host = host_for(world, d, site);
    if let Some(login) = d.iscsi_login(site) {
        e.iscsi_login(host, &login).await.expect("iSCSI login");
    }
    e.import_storage_domain(&d.import_request(site, host))
        .await
        .expect("import");
}

/// Registers the templates (bases first) and then the VMs found unregistered on `domains`,
/// skipping entities registered from an earlier domain; returns the VMs with their OVF status.
pub async fn register_all(
    e: &dyn Engine,
    domains: &[Id],
    reg: &Registration,
) -> EngineResult<Vec<(Id, VmStatus)>> {
    let mut done = HashSet::new();
    for sd in domains {
        let mut templates = e.unregistered_templates(*sd).await?;
        templates.sort_by_key(|t| t.base_template.is_some());
        for t in templates {
            if done.insert(t.id) && e.template(t.id).await.is_err() {
                e.register_template(*sd, t.id, reg).await?;
            }
        }
    }
    let mut vms = Vec::new();
    for sd in domains {
        for v in e.unregistered_vms(*sd).await? {
            if done.insert(v.id) {
                e.register_vm(*sd, v.id, reg).await?;
                vms.push((v.id, v.status));
            }
        }
    }
    Ok(vms)
}
