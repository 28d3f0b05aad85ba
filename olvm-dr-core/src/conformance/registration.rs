//! Checks of registration rules: templates first, clusters, conflicts, MACs, partial imports,
//! LUN mappings.

use crate::Site;
use crate::engine::{EntityRef, ErrorKind, Id, Registration, UnregisteredVm};
use crate::fake::{DomainFacts, NicSpec, VmSpec};

use super::Context;
use super::support::{
    Failure, bring_in, bring_in_all, bring_in_all_but, ensure, err, err_text, lose_primary, ok,
};

/// Brings in `d` and registers the templates it carries.
pub(super) async fn with_templates(
    ctx: &Context,
    d: &DomainFacts,
    reg: &Registration,
) -> Result<(), Failure> {
    let e = ctx.engine(Site::Secondary);
    let mut templates = ok(
        "unregistered_templates",
        e.unregistered_templates(d.id).await,
    )?;
    templates.sort_by_key(|t| t.base_template.is_some());
    for t in templates {
        ok(
            "register_template",
            e.register_template(d.id, t.id, reg).await,
        )?;
    }
    Ok(())
}

/// The first replicated domain with VMs, brought in on the secondary, and its unregistered VMs.
pub(super) async fn first_domain(
    ctx: &Context,
) -> Result<(&DomainFacts, Vec<UnregisteredVm>), Failure> {
    lose_primary(ctx);
    let f = ctx.facts();
    let d = f
        .domains
        .iter()
        .find(|d| f.vms.iter().any(|v| v.domains.first() == Some(&d.id)))
        .ok_or_else(|| Failure::new("no domain with VMs"))?;
    // Its data center needs a master: bring in the DC's first domain if that is another one.
    let first = f
        .domains
        .iter()
        .find(|x| x.secondary_dc.id == d.secondary_dc.id)
        .expect("d itself");
    bring_in(ctx, first).await?;
    if first.id != d.id {
        bring_in(ctx, d).await?;
    }
    let vms = ok(
        "unregistered_vms",
        ctx.engine(Site::Secondary).unregistered_vms(d.id).await,
    )?;
    Ok((d, vms))
}

/// A VM based on a template that is not registered yet cannot be registered.
pub async fn template_must_be_registered_before_its_vms(ctx: &Context) -> Result<(), Failure> {
    let (d, vms) = first_domain(ctx).await?;
    let Some(vm) = vms.iter().find(|v| v.template.is_some_and(|t| !t.is_nil())) else {
        return Ok(());
    };
    let reg = ctx.facts().registration(Site::Secondary);
    err_text(
        "register before the template",
        ctx.engine(Site::Secondary)
            .register_vm(d.id, vm.id, &reg)
            .await,
        ErrorKind::BadRequest,
        "[Cannot import VM. The relevant Template doesn't exist.]",
    )?;
    Ok(())
}

/// A cluster named in the call that does not exist is a 404 before anything runs.
pub async fn register_into_unknown_cluster_name_is_not_found(ctx: &Context) -> Result<(), Failure> {
    let (d, vms) = first_domain(ctx).await?;
    let vm = vms.first().ok_or_else(|| Failure::new("no VM"))?;
    let reg = Registration {
        cluster: Some(EntityRef::Name("no-such-cluster".into())),
        ..ctx.facts().registration(Site::Secondary)
    };
    err_text(
        "register",
        ctx.engine(Site::Secondary)
            .register_vm(d.id, vm.id, &reg)
            .await,
        ErrorKind::NotFound,
        "Entity not found: Cluster: name=no-such-cluster",
    )?;
    Ok(())
}

/// Without a cluster in the call, the OVF's cluster name must exist (after the mapping).
pub async fn register_without_cluster_fails(ctx: &Context) -> Result<(), Failure> {
    let f = ctx.facts();
    lose_primary(ctx);
    bring_in_all(ctx).await?;
    let renamed: Vec<&str> = f
        .mappings
        .clusters
        .iter()
        .filter(|m| m.from != m.to)
        .map(|m| m.from.as_str())
        .collect();
    let Some(vm) = f
        .vms
        .iter()
        .find(|v| renamed.contains(&v.cluster.as_str()) && v.template.is_nil())
    else {
        return Ok(());
    };
    let reg = Registration {
        allow_partial_import: true,
        ..Registration::default()
    };
    err_text(
        "register without cluster mapping",
        ctx.engine(Site::Secondary)
            .register_vm(vm.domains[0], vm.id, &reg)
            .await,
        ErrorKind::BadRequest,
        "[Cannot import VM. The relevant Cluster doesn't exist.]",
    )?;
    Ok(())
}

/// A template copied to two domains shows up unregistered on both; once registered from one,
/// it is listed on neither.
pub async fn registered_template_leaves_every_listing(ctx: &Context) -> Result<(), Failure> {
    let f = ctx.facts();
    let ds = &f.domains;
    let Some((a, b)) = ds.iter().find_map(|a| {
        ds.iter()
            .find(|b| b.id != a.id && b.secondary_dc.id == a.secondary_dc.id)
            .map(|b| (a, b))
    }) else {
        return Ok(());
    };
    lose_primary(ctx);
    bring_in(ctx, a).await?;
    bring_in(ctx, b).await?;
    let e = ctx.engine(Site::Secondary);
    let reg = f.registration(Site::Secondary);
    let in_a = ok(
        "unregistered_templates",
        e.unregistered_templates(a.id).await,
    )?;
    let in_b = ok(
        "unregistered_templates",
        e.unregistered_templates(b.id).await,
    )?;
    let Some(t) = in_a
        .iter()
        .find(|t| t.base_template.is_none() && in_b.iter().any(|x| x.id == t.id))
    else {
        return Ok(());
    };
    ok(
        "register_template",
        e.register_template(a.id, t.id, &reg).await,
    )?;
    // The Engine drops an entity's OVF rows of every domain when it registers it
    // (`unregisteredOVFDataDao.removeEntity(id, null)`): the other domain no longer lists it,
    // and registering it from there finds nothing.
    let still = ok(
        "unregistered_templates",
        e.unregistered_templates(b.id).await,
    )?;
    if still.iter().any(|x| x.id == t.id) {
        return Err(Failure::new(format!(
            "template {} is still listed as unregistered on the second domain after its registration",
            t.name
        )));
    }
    err(
        "register the same template again from the second domain",
        e.register_template(b.id, t.id, &reg).await,
        ErrorKind::NotFound,
    )?;
    Ok(())
}

/// A VM whose name is taken in the target data center conflicts.
pub async fn register_vm_name_conflict(ctx: &Context) -> Result<(), Failure> {
    let (d, vms) = first_domain(ctx).await?;
    let reg = ctx.facts().registration(Site::Secondary);
    with_templates(ctx, d, &reg).await?;
    let vm = vms.first().ok_or_else(|| Failure::new("no VM"))?;
    let cluster = target_cluster(ctx, vm)?;
    ctx.world()
        .setup(|s| s.add_vm(Site::Secondary, VmSpec::new(&vm.name, cluster)));
    err_text(
        "register over a taken name",
        ctx.engine(Site::Secondary)
            .register_vm(d.id, vm.id, &reg)
            .await,
        ErrorKind::Conflict,
        "[Import VM failed - VM Name already exists in the Data Center. Please rename the VM in the Data Center first]",
    )?;
    Ok(())
}

/// The secondary cluster `vm` lands in: its primary cluster (the world's facts: the Engine does
/// not name an unregistered VM's cluster) through the cluster mappings.
pub(super) fn target_cluster(ctx: &Context, vm: &UnregisteredVm) -> Result<Id, Failure> {
    let f = ctx.facts();
    let name = f
        .vms
        .iter()
        .find(|v| v.id == vm.id)
        .map_or("", |v| v.cluster.as_str());
    let to = f
        .mappings
        .clusters
        .iter()
        .find(|m| m.from == name)
        .map_or(name, |m| m.to.as_str());
    f.secondary
        .clusters
        .iter()
        .find(|c| c.name == to)
        .map(|c| c.id)
        .ok_or_else(|| Failure::new(format!("no secondary cluster {to}")))
}

/// A MAC already used in a pool without duplicates fails the registration unless bad MACs are
/// reassigned; reassigned MACs come from the target pool. Real: ovirt-engine
/// `backend/manager/modules/bll/src/main/java/org/ovirt/engine/core/bll/exportimport/ImportVmCommandBase.java`
/// (`ACTION_TYPE_FAILED_CANNOT_ADD_IFACE_DUE_TO_MAC_DUPLICATES`, naming the NICs; with
/// `reassignBadMacs` the NICs get new MACs from the target cluster's pool).
pub async fn mac_conflict_without_reassignment(ctx: &Context) -> Result<(), Failure> {
    // The MACs as the source had them, read before it is lost (the Engine lists no NICs of an
    // unregistered VM).
    let source = ok(
        "vms",
        ctx.engine(Site::Primary)
            .vms(&crate::engine::VmSearch::default())
            .await,
    )?;
    let (d, vms) = first_domain(ctx).await?;
    let reg = ctx.facts().registration(Site::Secondary);
    with_templates(ctx, d, &reg).await?;
    let Some((vm, nic, mac)) = vms.iter().find_map(|v| {
        let nic = source.iter().find(|s| s.id == v.id)?.nics.first()?;
        Some((v, nic.name.clone(), nic.mac.clone()?))
    }) else {
        return Ok(());
    };
    let cluster = target_cluster(ctx, vm)?;
    ctx.world().setup(|s| {
        let mut spec = VmSpec::new("mac-holder", cluster);
        spec.nics = vec![NicSpec {
            name: "nic1".into(),
            profile: None,
            mac: Some(mac.clone()),
        }];
        s.add_vm(Site::Secondary, spec)
    });
    let e = ctx.engine(Site::Secondary);
    let keep = Registration {
        reassign_bad_macs: false,
        ..reg.clone()
    };
    err_text(
        "register with a duplicate MAC",
        e.register_vm(d.id, vm.id, &keep).await,
        ErrorKind::Conflict,
        &format!(
            "[Cannot import Virtual Machine, because that action would create duplicates in target MAC pool, which are not allowed. Either allow duplicate MACs in MAC Pool, or allow reassignment of bad MACs during import. Problematic NICs are \t{nic}]"
        ),
    )?;
    ok(
        "register reassigning",
        e.register_vm(d.id, vm.id, &reg).await,
    )?;
    let registered = ok("vm", e.vm(vm.id).await)?;
    ensure!(
        registered.nics[0].mac.as_deref() != Some(mac.as_str()),
        "the conflicting MAC was kept"
    );
    Ok(())
}

/// Disks on a domain that is not attached fail the registration, or are dropped with
/// `allow_partial_import`.
pub async fn partial_import_drops_missing_disks(ctx: &Context) -> Result<(), Failure> {
    let f = ctx.facts();
    let Some(vm) = f
        .vms
        .iter()
        .find(|v| v.domains.len() == 2 && v.domains[0] != v.domains[1] && !v.has_luns)
    else {
        return Ok(());
    };
    let d = f
        .domains
        .iter()
        .find(|d| d.id == vm.domains[0])
        .ok_or_else(|| Failure::new("unknown domain"))?;
    lose_primary(ctx);
    bring_in(ctx, d).await?;
    let reg = f.registration(Site::Secondary);
    with_templates(ctx, d, &reg).await?;
    let e = ctx.engine(Site::Secondary);
    let strict = Registration {
        allow_partial_import: false,
        ..reg.clone()
    };
    err_text(
        "register with a missing domain",
        e.register_vm(d.id, vm.id, &strict).await,
        ErrorKind::BadRequest,
        "[Cannot import VM. Storage Domain doesn't exist.]",
    )?;
    ok("register partially", e.register_vm(d.id, vm.id, &reg).await)?;
    let registered = ok("vm", e.vm(vm.id).await)?;
    ensure!(
        registered.storage_domains == [d.id],
        "disks on {:?}",
        registered.storage_domains
    );
    Ok(())
}

/// Direct LUNs follow the LUN mappings; an unmapped LUN the site cannot see fails the
/// registration.
pub async fn lun_mappings_apply(ctx: &Context) -> Result<(), Failure> {
    let f = ctx.facts();
    let Some(vm) = f.vms.iter().find(|v| v.has_luns) else {
        return Ok(());
    };
    let reg = every_domain_and_template_on_the_secondary(ctx).await?;
    let e = ctx.engine(Site::Secondary);
    let unmapped = Registration {
        lun_mappings: Vec::new(),
        allow_partial_import: false,
        ..reg.clone()
    };
    err_text(
        "register without LUN mapping",
        e.register_vm(vm.domains[0], vm.id, &unmapped).await,
        ErrorKind::BadRequest,
        "[Cannot import VM. The provided LUN is not visible by the specified host, please check storage server connectivity.]",
    )?;
    ok(
        "register with LUN mapping",
        e.register_vm(vm.domains[0], vm.id, &reg).await,
    )?;
    let registered = ok("vm", e.vm(vm.id).await)?;
    let expected: Vec<&str> = reg
        .lun_mappings
        .iter()
        .map(|m| m.target.lun_id.as_str())
        .collect();
    ensure!(
        !registered.luns.is_empty()
            && registered
                .luns
                .iter()
                .all(|l| expected.contains(&l.as_str())),
        "LUNs {:?} not among the mapped {expected:?}",
        registered.luns
    );
    Ok(())
}

/// The primary is lost, every replicated domain is attached on the secondary and every
/// template registered there (base templates first); returns the registration with every
/// mapping.
async fn every_domain_and_template_on_the_secondary(
    ctx: &Context,
) -> Result<Registration, Failure> {
    every_domain_but_and_its_templates_on_the_secondary(ctx, None).await
}

/// As [`every_domain_and_template_on_the_secondary`], leaving domain `skip` out.
pub(super) async fn every_domain_but_and_its_templates_on_the_secondary(
    ctx: &Context,
    skip: Option<Id>,
) -> Result<Registration, Failure> {
    let f = ctx.facts();
    lose_primary(ctx);
    bring_in_all_but(ctx, skip).await?;
    let reg = f.registration(Site::Secondary);
    let e = ctx.engine(Site::Secondary);
    for bases in [true, false] {
        for d in f.domains.iter().filter(|d| Some(d.id) != skip) {
            for t in ok(
                "unregistered_templates",
                e.unregistered_templates(d.id).await,
            )? {
                if (!bases || t.base_template.is_none()) && e.template(t.id).await.is_err() {
                    ok(
                        "register_template",
                        e.register_template(d.id, t.id, &reg).await,
                    )?;
                }
            }
        }
    }
    Ok(reg)
}

/// A direct LUN that a disk of this Engine already uses is refused to a second VM's
/// registration: `ImportVmCommand.validate` runs `DiskValidator.validateLunAlreadyInUse`
/// (ovirt-engine `backend/manager/modules/bll/src/main/java/org/ovirt/engine/core/bll/validator/storage/DiskValidator.java`,
/// `DiskLunMapDao.getDiskIdByLunId`), `ACTION_TYPE_FAILED_DISK_LUN_IS_ALREADY_IN_USE` (409,
/// its text in `AppErrors.properties`).
pub async fn registration_refuses_a_lun_another_disk_uses(ctx: &Context) -> Result<(), Failure> {
    let f = ctx.facts();
    let lun_id = |l: &crate::fake::Location| match l {
        crate::fake::Location::Lun { lun_id, .. } => Some(lun_id.clone()),
        crate::fake::Location::Export { .. } => None,
    };
    // Two LUNs and a VM on each that does not use the other's.
    let pair = f.luns.iter().find_map(|first| {
        let second = f.luns.iter().find(|l| {
            l.alias != first.alias
                && l.vms.iter().any(|v| !first.vms.contains(v))
                && first.vms.iter().any(|v| !l.vms.contains(v))
        })?;
        Some((first, second))
    });
    let Some((first, second)) = pair else {
        return Ok(());
    };
    let vm_of = |mine: &crate::fake::LunFacts, other: &crate::fake::LunFacts| {
        mine.vms
            .iter()
            .find(|v| !other.vms.contains(v))
            .and_then(|id| f.vms.iter().find(|v| v.id == *id))
    };
    let (Some(holder), Some(taker)) = (vm_of(first, second), vm_of(second, first)) else {
        return Ok(());
    };
    let (Some(first_source), Some(second_source)) =
        (lun_id(&first.primary), lun_id(&second.primary))
    else {
        return Ok(());
    };
    let reg = every_domain_and_template_on_the_secondary(ctx).await?;
    let e = ctx.engine(Site::Secondary);
    ok(
        "register the VM holding the first LUN",
        e.register_vm(holder.domains[0], holder.id, &reg).await,
    )?;
    let Some(taken) = reg
        .lun_mappings
        .iter()
        .find(|m| m.source_lun_id == first_source)
        .map(|m| m.target.clone())
    else {
        return Err(Failure::new("no LUN mapping for the first LUN"));
    };
    let mut onto_taken = reg.clone();
    onto_taken.allow_partial_import = false;
    for m in &mut onto_taken.lun_mappings {
        if m.source_lun_id == second_source {
            m.target = taken.clone();
        }
    }
    err_text(
        "register a VM onto a LUN another disk uses",
        e.register_vm(taker.domains[0], taker.id, &onto_taken).await,
        ErrorKind::Conflict,
        "[Cannot import VM. The provided lun is used by another disk.]",
    )?;
    ok(
        "register it with its own LUN",
        e.register_vm(taker.domains[0], taker.id, &reg).await,
    )?;
    Ok(())
}

/// The images of an attached domain that no registered entity holds are listed as unregistered
/// disks, on that domain and attached to nothing (`GetUnregisteredDisksQuery`: VDSM's image list
/// minus the Engine's database, each described from its volume metadata); registering a VM
/// takes its images off the list.
pub async fn unregistered_disks_are_the_images_no_entity_holds(
    ctx: &Context,
) -> Result<(), Failure> {
    let (d, vms) = first_domain(ctx).await?;
    let e = ctx.engine(Site::Secondary);
    let before = ok("unregistered_disks", e.unregistered_disks(d.id).await)?;
    ensure!(
        !before.is_empty(),
        "a domain holding VMs lists no unregistered disks"
    );
    if let Some(bad) = before
        .iter()
        .find(|x| x.storage_domains != [d.id] || !x.vms.is_empty())
    {
        return Err(Failure::new(format!(
            "unregistered disk {} is listed on {:?} attached to {:?}; expected on {} only, attached to nothing",
            bad.id, bad.storage_domains, bad.vms, d.id
        )));
    }
    let reg = ctx.facts().registration(Site::Secondary);
    with_templates(ctx, d, &reg).await?;
    let Some(vm) = vms.iter().find(|v| v.template.is_none_or(|t| t.is_nil())) else {
        return Ok(());
    };
    ok("register_vm", e.register_vm(d.id, vm.id, &reg).await)?;
    let taken = ok("vm_disk_attachments", e.vm_disk_attachments(vm.id).await)?;
    let after = ok("unregistered_disks", e.unregistered_disks(d.id).await)?;
    if let Some(a) = taken.iter().find(|a| after.iter().any(|x| x.id == a.disk)) {
        return Err(Failure::new(format!(
            "disk {} of the registered VM '{}' is still listed as unregistered",
            a.disk, vm.name
        )));
    }
    Ok(())
}
