//! Check of registering a VM into a cluster whose MAC pool has no free address. In ovirt-engine
//! `backend/manager/modules/bll/src/main/java/org/ovirt/engine/core/bll/exportimport/ImportVmCommand.java`
//! (`validate`: `VmNicMacsUtils.validateThereIsEnoughOfFreeMacs` with the NICs that need a new
//! MAC, `getVnicRequiresNewMacPredicate`), against
//! `backend/manager/modules/bll/src/main/java/org/ovirt/engine/core/bll/network/macpool/MacPoolUsingRanges.java`
//! (`getAvailableMacsCount`); the error key `MAC_POOL_NOT_ENOUGH_MAC_ADDRESSES`
//! (`ErrorType.CONFLICT` in `EngineMessage`), its text in
//! `frontend/webadmin/modules/frontend/src/main/resources/org/ovirt/engine/ui/frontend/AppErrors.properties`.

use crate::Site;
use crate::engine::{EntityRef, ErrorKind, Registration, Version, VmSearch};
use crate::fake::{NicSpec, VmSpec};

use super::Context;
use super::registration::{first_domain, target_cluster, with_templates};
use super::support::{Failure, ensure, err_text, ok};

/// The only address of the full pool.
const ONLY_MAC: &str = "56:6f:99:00:00:00";

/// A VM whose NICs need new MACs (their own lie outside the target pool's ranges, and bad MACs
/// are reassigned) cannot be registered into a cluster whose pool has none left
/// (`ImportVmCommand.validate`, `MAC_POOL_NOT_ENOUGH_MAC_ADDRESSES`, 409). The refusal happens
/// before anything is imported: the VM stays unregistered, the pool keeps no address for it,
/// and the VM registers into its own cluster afterwards.
pub async fn registration_needs_free_macs_in_the_pool(ctx: &Context) -> Result<(), Failure> {
    // The NICs as the source has them (the Engine lists no NICs of an unregistered VM).
    let source = ok(
        "vms",
        ctx.engine(Site::Primary).vms(&VmSearch::default()).await,
    )?;
    let (d, vms) = first_domain(ctx).await?;
    let reg = ctx.facts().registration(Site::Secondary);
    with_templates(ctx, d, &reg).await?;
    let Some(vm) = vms.iter().find(|v| {
        source
            .iter()
            .any(|s| s.id == v.id && !s.nics.is_empty() && s.nics.iter().all(|n| n.mac.is_some()))
    }) else {
        return Ok(());
    };
    let own = target_cluster(ctx, vm)?;
    let dc = ctx
        .facts()
        .secondary
        .clusters
        .iter()
        .find(|c| c.id == own)
        .map(|c| c.data_center)
        .ok_or_else(|| Failure::new("the target cluster has no data center"))?;
    // A one-address pool whose address a VM already holds.
    let full = ctx.world().setup(|s| {
        let pool = s.add_mac_pool(Site::Secondary, &[(ONLY_MAC, ONLY_MAC)], false);
        let cluster = s.add_cluster(
            Site::Secondary,
            "full-mac-pool",
            dc,
            pool,
            Version::new(4, 7),
        );
        let mut holder = VmSpec::new("mac-pool-holder", cluster);
        holder.nics = vec![NicSpec {
            name: "nic1".into(),
            profile: None,
            mac: Some(ONLY_MAC.into()),
        }];
        s.add_vm(Site::Secondary, holder);
        cluster
    });
    let e = ctx.engine(Site::Secondary);
    let into_full = Registration {
        cluster: Some(EntityRef::Id(full)),
        ..reg.clone()
    };
    err_text(
        "register into a cluster whose MAC pool is full",
        e.register_vm(d.id, vm.id, &into_full).await,
        ErrorKind::Conflict,
        "[Cannot import VM. Not enough MAC addresses left in MAC Address Pool.]",
    )?;
    ensure!(
        e.vm(vm.id).await.is_err(),
        "the refused registration left VM {} behind",
        vm.name
    );
    let still = ok("unregistered_vms", e.unregistered_vms(d.id).await)?;
    ensure!(
        still.iter().any(|v| v.id == vm.id),
        "VM {} is no longer unregistered after the refusal",
        vm.name
    );
    ok(
        "register into its own cluster",
        e.register_vm(d.id, vm.id, &reg).await,
    )?;
    let registered = ok("vm", e.vm(vm.id).await)?;
    ensure!(
        registered.cluster == Some(own),
        "registered into {:?} instead of its own cluster {own}",
        registered.cluster
    );
    Ok(())
}
