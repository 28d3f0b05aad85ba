//! Checks of the read-only inventory calls.

use std::collections::HashSet;

use crate::Site;
use crate::engine::{AuthzDomain, ErrorKind, RemoveStorageDomain, VmSearch};

use super::Context;
use super::support::{Failure, ensure, err, ok, unknown_id};

/// `api_info` names the product and a 4.x version on both sites, and the Engine's time.
pub async fn api_info_reports_the_product(ctx: &Context) -> Result<(), Failure> {
    for site in Site::BOTH {
        let info = ok("api_info", ctx.engine(site).api_info().await)?;
        ensure!(!info.product_name.is_empty(), "{site}: empty product name");
        ensure!(info.version.major == 4, "{site}: version {}", info.version);
        ensure!(info.time.is_some(), "{site}: the API root has no <time>");
    }
    Ok(())
}

/// `close` succeeds, twice.
pub async fn close_is_idempotent(ctx: &Context) -> Result<(), Failure> {
    let e = ctx.engine(Site::Primary);
    ok("close", e.close().await)?;
    ok("close again", e.close().await)?;
    Ok(())
}

/// Every reference between inventory entities resolves.
pub async fn inventory_is_consistent(ctx: &Context) -> Result<(), Failure> {
    for site in Site::BOTH {
        let e = ctx.engine(site);
        let dcs: HashSet<_> = ok("data_centers", e.data_centers().await)?
            .into_iter()
            .map(|d| d.id)
            .collect();
        ensure!(!dcs.is_empty(), "{site}: no data center");
        let clusters = ok("clusters", e.clusters().await)?;
        ensure!(!clusters.is_empty(), "{site}: no cluster");
        for c in &clusters {
            ensure!(
                c.data_center.is_some_and(|d| dcs.contains(&d)),
                "{site}: cluster {} in unknown data center",
                c.name
            );
        }
        let cluster_ids: HashSet<_> = clusters.iter().map(|c| c.id).collect();
        for h in ok("hosts", e.hosts().await)? {
            ensure!(
                h.cluster.is_some_and(|c| cluster_ids.contains(&c)),
                "{site}: host {} in unknown cluster",
                h.name
            );
        }
        let networks = ok("networks", e.networks().await)?;
        for n in &networks {
            ensure!(
                dcs.contains(&n.data_center),
                "{site}: network {} in unknown DC",
                n.name
            );
        }
        let network_ids: HashSet<_> = networks.iter().map(|n| n.id).collect();
        let mut attached = 0;
        for c in &clusters {
            for n in ok("cluster_networks", e.cluster_networks(c.id).await)? {
                ensure!(
                    network_ids.contains(&n.id) && Some(n.data_center) == c.data_center,
                    "{site}: cluster {} lists network {} of another data center",
                    c.name,
                    n.name
                );
                attached += 1;
            }
        }
        ensure!(attached > 0, "{site}: no cluster has a network attached");
        for p in ok("vnic_profiles", e.vnic_profiles().await)? {
            ensure!(
                network_ids.contains(&p.network),
                "{site}: profile {} on unknown network",
                p.name
            );
        }
        for d in ok("authz_domains", e.authz_domains().await)? {
            ensure!(
                d.id == AuthzDomain::id_for(&d.name),
                "{site}: authz id of {}",
                d.name
            );
        }
        ensure!(!ok("roles", e.roles().await)?.is_empty(), "{site}: no role");
        ok("affinity_labels", e.affinity_labels().await)?;
    }
    Ok(())
}

/// Calls naming an entity that does not exist fail with `NotFound`.
pub async fn unknown_entities_are_not_found(ctx: &Context) -> Result<(), Failure> {
    let e = ctx.engine(Site::Primary);
    let x = unknown_id();
    err(
        "storage_domain",
        e.storage_domain(x).await,
        ErrorKind::NotFound,
    )?;
    err("vm", e.vm(x).await, ErrorKind::NotFound)?;
    err("template", e.template(x).await, ErrorKind::NotFound)?;
    err("job", e.job(x).await, ErrorKind::NotFound)?;
    err("host_luns", e.host_luns(x).await, ErrorKind::NotFound)?;
    err(
        "cluster_networks",
        e.cluster_networks(x).await,
        ErrorKind::NotFound,
    )?;
    err(
        "attached_storage_domains",
        e.attached_storage_domains(x).await,
        ErrorKind::NotFound,
    )?;
    err(
        "unregistered_vms",
        e.unregistered_vms(x).await,
        ErrorKind::NotFound,
    )?;
    err("start_vm", e.start_vm(x).await, ErrorKind::NotFound)?;
    err("remove_vm", e.remove_vm(x).await, ErrorKind::NotFound)?;
    err("remove_disk", e.remove_disk(x).await, ErrorKind::NotFound)?;
    err(
        "remove_storage_domain",
        e.remove_storage_domain(x, RemoveStorageDomain::Destroy)
            .await,
        ErrorKind::NotFound,
    )?;
    let vms = ok(
        "vms by unknown name",
        e.vms(&VmSearch {
            name: Some("no-such-vm".into()),
            ..VmSearch::default()
        })
        .await,
    )?;
    ensure!(vms.is_empty(), "a search by an unknown name found {vms:?}");
    Ok(())
}

/// `affinity_groups` lists the groups of one cluster; an unknown cluster is `NotFound`.
pub async fn affinity_groups_belong_to_their_cluster(ctx: &Context) -> Result<(), Failure> {
    let e = ctx.engine(Site::Primary);
    err(
        "affinity_groups",
        e.affinity_groups(unknown_id()).await,
        ErrorKind::NotFound,
    )?;
    for c in ok("clusters", e.clusters().await)? {
        for g in ok("affinity_groups", e.affinity_groups(c.id).await)? {
            ensure!(
                g.cluster == c.id,
                "group {} listed under cluster {}",
                g.name,
                c.name
            );
        }
    }
    Ok(())
}
