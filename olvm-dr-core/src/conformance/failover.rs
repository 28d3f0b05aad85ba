//! The whole failover through the trait: every domain, template and VM, with every mapping.

use std::collections::HashSet;

use crate::Site;
use crate::engine::{Engine, Id, Registration, VmStatus};

use super::Context;
use super::support::{Failure, bring_in_all, ensure, lose_primary, ok};

/// Registers every unregistered template of every attached replicated domain (base templates
/// first), then every VM, skipping entities already registered from another domain. Returns
/// the VMs registered with the status their OVF recorded.
pub(super) async fn register_everything(
    ctx: &Context,
    e: &dyn Engine,
    reg: &Registration,
) -> Result<Vec<(Id, VmStatus, bool)>, Failure> {
    let mut done: HashSet<Id> = HashSet::new();
    for d in &ctx.facts().domains {
        let mut templates = ok(
            "unregistered_templates",
            e.unregistered_templates(d.id).await,
        )?;
        templates.sort_by_key(|t| t.base_template.is_some());
        for t in templates {
            if done.insert(t.id) {
                ok(
                    &format!("register_template {}", t.name),
                    e.register_template(d.id, t.id, reg).await,
                )?;
            }
        }
    }
    let mut vms = Vec::new();
    for d in &ctx.facts().domains {
        for v in ok("unregistered_vms", e.unregistered_vms(d.id).await)? {
            if done.insert(v.id) {
                ok(
                    &format!("register_vm {}", v.name),
                    e.register_vm(d.id, v.id, reg).await,
                )?;
                vms.push((v.id, v.status, v.high_availability.enabled));
            }
        }
    }
    Ok(vms)
}

/// Failover of the whole primary: import and attach every replicated domain (masters first),
/// register templates then VMs with every mapping, start the VMs that were running. The VMs
/// come back with the OVF's statuses, in the mapped clusters, on the secondary's profiles, with
/// MACs from the secondary's pool and the mapped LUNs.
pub async fn failover_registers_every_vm_with_mappings(ctx: &Context) -> Result<(), Failure> {
    let f = ctx.facts();
    lose_primary(ctx);
    bring_in_all(ctx).await?;
    let e = ctx.engine(Site::Secondary);
    let reg = f.registration(Site::Secondary);
    let registered = register_everything(ctx, e, &reg).await?;
    ensure!(
        registered.len() == f.vms.len(),
        "registered {} VMs, the primary had {}",
        registered.len(),
        f.vms.len()
    );
    let clusters = ok("clusters", e.clusters().await)?;
    let profiles: HashSet<Id> = ok("vnic_profiles", e.vnic_profiles().await)?
        .into_iter()
        .map(|p| p.id)
        .collect();
    let secondary_luns: HashSet<String> = f
        .luns
        .iter()
        .filter_map(|l| match &l.secondary {
            crate::fake::Location::Lun { lun_id, .. } => Some(lun_id.clone()),
            crate::fake::Location::Export { .. } => None,
        })
        .collect();
    for (id, recorded, _) in &registered {
        let facts = f
            .vms
            .iter()
            .find(|v| v.id == *id)
            .ok_or_else(|| Failure::new(format!("{id} is not a primary VM")))?;
        ensure!(
            (*recorded == VmStatus::Up) == facts.running,
            "{}: OVF recorded {recorded}, it was running: {}",
            facts.name,
            facts.running
        );
        let vm = ok("vm", e.vm(*id).await)?;
        ensure!(
            vm.status == VmStatus::Down,
            "{} is {} after registration",
            vm.name,
            vm.status
        );
        let mapped = f
            .mappings
            .clusters
            .iter()
            .find(|m| m.from == facts.cluster)
            .map(|m| m.to.as_str());
        let cluster = clusters.iter().find(|c| Some(c.id) == vm.cluster);
        ensure!(
            cluster.map(|c| c.name.as_str()) == mapped,
            "{} in cluster {:?}, expected {mapped:?}",
            vm.name,
            cluster.map(|c| &c.name)
        );
        for nic in &vm.nics {
            ensure!(
                nic.vnic_profile.is_none_or(|p| profiles.contains(&p)),
                "{}: NIC {} on a profile of another site",
                vm.name,
                nic.name
            );
            ensure!(
                nic.mac
                    .as_deref()
                    .is_some_and(|m| m.starts_with("56:6f:2b:")),
                "{}: MAC {:?} not from the secondary's pool",
                vm.name,
                nic.mac
            );
        }
        for lun in &vm.luns {
            ensure!(
                secondary_luns.contains(lun),
                "{}: LUN {lun} not mapped",
                vm.name
            );
        }
        ensure!(
            facts.has_luns != vm.luns.is_empty(),
            "{}: direct LUNs lost",
            vm.name
        );
    }
    // Start the VMs that ran, highly available ones first, as the DR role does.
    let mut to_start: Vec<_> = registered
        .iter()
        .filter(|(_, s, _)| *s == VmStatus::Up)
        .collect();
    to_start.sort_by_key(|(_, _, ha)| !*ha);
    for (id, _, _) in &to_start {
        ok("start_vm", e.start_vm(*id).await)?;
    }
    for (id, _, _) in to_start {
        let vm = ok("vm", e.vm(*id).await)?;
        ensure!(
            vm.status == VmStatus::Up,
            "{} is {} after start",
            vm.name,
            vm.status
        );
    }
    Ok(())
}
