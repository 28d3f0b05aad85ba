//! Check of importing a block domain one of whose LUNs the Engine already knows as a direct LUN
//! disk. In ovirt-engine
//! `backend/manager/modules/bll/src/main/java/org/ovirt/engine/core/bll/storage/domain/AddExistingBlockStorageDomainCommand.java`
//! (`canAddDomain`: the LUNs `GetVGInfo` reports for the domain's volume group against every
//! LUN the Engine knows, `lunDao.getAll()`), the error key
//! `ACTION_TYPE_FAILED_IMPORT_STORAGE_DOMAIN_EXTERNAL_LUN_DISK_EXIST` (`ErrorType.CONFLICT` in
//! `EngineMessage`), its text in
//! `frontend/webadmin/modules/frontend/src/main/resources/org/ovirt/engine/ui/frontend/AppErrors.properties`.

use crate::Site;
use crate::engine::{DiskFilter, ErrorKind, LunTarget, Registration};
use crate::fake::Location;

use super::Context;
use super::registration::every_domain_but_and_its_templates_on_the_secondary;
use super::support::{Failure, ensure, err_text, host, login_if_iscsi, ok};

/// A VM whose direct LUN was mapped, at its registration, onto the LUN carrying a block domain
/// not imported yet makes that LUN a direct LUN disk of the Engine: importing the domain is
/// refused (`AddExistingBlockStorageDomainCommand.canAddDomain`,
/// `ACTION_TYPE_FAILED_IMPORT_STORAGE_DOMAIN_EXTERNAL_LUN_DISK_EXIST`, 409) and leaves no
/// domain behind. Once the VM and its LUN disk are removed, the same import succeeds.
pub async fn block_import_refuses_a_lun_a_direct_lun_disk_uses(
    ctx: &Context,
) -> Result<(), Failure> {
    let f = ctx.facts();
    // A block domain, and a VM with a direct LUN whose images are all on other domains.
    let pick = f
        .domains
        .iter()
        .filter(|d| d.storage_type.is_block())
        .find_map(|b| {
            let vm = f
                .vms
                .iter()
                .find(|v| v.has_luns && !v.domains.is_empty() && !v.domains.contains(&b.id))?;
            let source = f.luns.iter().find_map(|l| match &l.primary {
                Location::Lun { lun_id, .. } if l.vms.contains(&vm.id) => Some(lun_id.clone()),
                _ => None,
            })?;
            Some((b, vm, source))
        });
    let Some((b, vm, source)) = pick else {
        return Ok(());
    };
    let Location::Lun { lun_id, target } = &b.secondary else {
        return Err(Failure::new(format!(
            "block domain {} on an export",
            b.name
        )));
    };
    let reg = every_domain_but_and_its_templates_on_the_secondary(ctx, Some(b.id)).await?;
    let e = ctx.engine(Site::Secondary);
    let onto_domain = LunTarget {
        lun_id: lun_id.clone(),
        storage_type: Some(b.storage_type),
        alias: None,
        address: target.as_ref().map(|t| t.address.clone()),
        port: target.as_ref().map(|t| t.port),
        portal: target.as_ref().map(|_| "1".to_owned()),
        target: target.as_ref().map(|t| t.iqn.clone()),
        username: target.as_ref().and_then(|t| t.username.clone()),
        password: target.as_ref().and_then(|t| t.password.clone()),
    };
    let mut strict = Registration {
        allow_partial_import: false,
        ..reg
    };
    for m in &mut strict.lun_mappings {
        if m.source_lun_id == source {
            m.target = onto_domain.clone();
        }
    }
    ok(
        "register a VM whose direct LUN is mapped onto the domain's LUN",
        e.register_vm(vm.domains[0], vm.id, &strict).await,
    )?;
    let registered = ok("vm", e.vm(vm.id).await)?;
    ensure!(
        registered.luns.contains(lun_id),
        "the registered VM does not use LUN {lun_id}: {:?}",
        registered.luns
    );
    let h = host(ctx, Site::Secondary, b.secondary_dc.id)?;
    login_if_iscsi(e, Site::Secondary, h, b).await?;
    let req = b.import_request(Site::Secondary, h);
    err_text(
        "import a domain whose LUN is a direct LUN disk",
        e.import_storage_domain(&req).await,
        ErrorKind::Conflict,
        "[Cannot add Storage. Part of the Storage Domain LUNs are being used as an External LUN disk. Please remove them first and try again.]",
    )?;
    ensure!(
        e.storage_domain(b.id).await.is_err(),
        "the refused import left domain {} behind",
        b.name
    );
    ok("remove the VM", e.remove_vm(vm.id).await)?;
    let orphans = DiskFilter {
        lun_only: true,
        unattached_only: true,
    };
    for disk in ok("disks", e.disks(orphans).await)? {
        ok("remove a LUN disk no VM uses", e.remove_disk(disk.id).await)?;
    }
    let sd = ok(
        "import once the LUN disk is gone",
        e.import_storage_domain(&req).await,
    )?;
    ensure!(sd.id == b.id, "imported {} as {}", b.name, sd.id);
    Ok(())
}
