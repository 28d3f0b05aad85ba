//! Checks of iSCSI discovery and login and of importing domains.

use crate::Site;
use crate::engine::{ErrorKind, IscsiLogin, IscsiPortal, StorageDomainStatus, StorageType};
use crate::fake::Location;

use super::Context;
use super::storage::domain;
use super::support::{Failure, ensure, err, err_text, host, login_if_iscsi, ok};

/// A host sees FC LUNs of its site at once and iSCSI LUNs only after logging in to their
/// target, with the target's CHAP credentials.
pub async fn iscsi_luns_are_visible_after_login(ctx: &Context) -> Result<(), Failure> {
    let e = ctx.engine(Site::Secondary);
    if let Some(d) = domain(ctx, StorageType::Fcp) {
        let h = host(ctx, Site::Secondary, d.secondary_dc.id)?;
        let Location::Lun { lun_id, .. } = &d.secondary else {
            return Err(Failure::new("an FC domain on an export"));
        };
        let luns = ok("host_luns", e.host_luns(h).await)?;
        ensure!(
            luns.iter().any(|l| &l.id == lun_id),
            "FC LUN {lun_id} not visible"
        );
    }
    let Some(d) = domain(ctx, StorageType::Iscsi) else {
        return Ok(());
    };
    let h = host(ctx, Site::Secondary, d.secondary_dc.id)?;
    let Location::Lun {
        lun_id,
        target: Some(t),
    } = &d.secondary
    else {
        return Err(Failure::new("an iSCSI domain without target"));
    };
    let luns = ok("host_luns", e.host_luns(h).await)?;
    ensure!(
        !luns.iter().any(|l| &l.id == lun_id),
        "iSCSI LUN visible before login"
    );
    let portal = IscsiPortal {
        address: t.address.clone(),
        port: t.port,
        username: None,
        password: None,
    };
    let found = ok("iscsi_discover", e.iscsi_discover(h, &portal).await)?;
    ensure!(
        found.iter().any(|x| x.target == t.iqn),
        "{} not discovered",
        t.iqn
    );
    let mut login = IscsiLogin {
        address: t.address.clone(),
        port: t.port,
        target: t.iqn.clone(),
        portal: None,
        username: None,
        password: None,
    };
    if t.username.is_some() {
        err_text(
            "iscsi_login without CHAP",
            e.iscsi_login(h, &login).await,
            ErrorKind::BadRequest,
            "[Failed to login to iSCSI node due to authorization failure]",
        )?;
    }
    login.username = t.username.clone();
    login.password = t.password.clone();
    ok("iscsi_login", e.iscsi_login(h, &login).await)?;
    ok("iscsi_login again", e.iscsi_login(h, &login).await)?;
    let luns = ok("host_luns", e.host_luns(h).await)?;
    let lun = luns
        .iter()
        .find(|l| &l.id == lun_id)
        .ok_or_else(|| Failure::new("iSCSI LUN not visible after login"))?;
    ensure!(
        lun.logical_unit.volume_group.is_some(),
        "LUN without volume group"
    );
    // The volume group is named after the domain, so the host links the LUN to it before
    // this Engine knows the domain.
    ensure!(
        lun.logical_unit.storage_domain == Some(d.id),
        "LUN of {} linked to {:?}",
        d.name,
        lun.logical_unit.storage_domain
    );
    ensure!(
        lun.storage_type == StorageType::Iscsi && lun.logical_unit.target.as_ref() == Some(&t.iqn),
        "iSCSI LUN {lun_id} listed as {:?} behind {:?}",
        lun.storage_type,
        lun.logical_unit.target
    );
    Ok(())
}

/// File domains import by address and path (even from a read-only replica), unattached, with
/// their stored name and id; a second import conflicts on the storage connection the first one
/// added (`BackendStorageDomainsResource.addDomain` adds the connection before the domain, and
/// `AddStorageServerConnectionCommand.validate` finds the export's connection:
/// `ACTION_TYPE_FAILED_STORAGE_CONNECTION_ALREADY_EXISTS`, naming the domain using it).
pub async fn file_domains_import_by_address_and_path(ctx: &Context) -> Result<(), Failure> {
    let e = ctx.engine(Site::Secondary);
    for d in ctx
        .facts()
        .domains
        .iter()
        .filter(|d| d.storage_type.is_file())
    {
        let h = host(ctx, Site::Secondary, d.secondary_dc.id)?;
        let req = d.import_request(Site::Secondary, h);
        let sd = ok("import_storage_domain", e.import_storage_domain(&req).await)?;
        ensure!(
            sd.id == d.id && sd.name == d.name,
            "imported {} as {}/{}",
            d.name,
            sd.id,
            sd.name
        );
        ensure!(
            sd.status == Some(StorageDomainStatus::Unattached),
            "{}: {:?}",
            d.name,
            sd.status
        );
        ensure!(
            sd.data_centers.is_empty(),
            "{} attached after import",
            d.name
        );
        let again = err(
            "second import",
            e.import_storage_domain(&req).await,
            ErrorKind::Conflict,
        )?;
        let detail = again.detail();
        ensure!(
            detail.starts_with("[Cannot add Storage Connection. Storage connection ")
                && detail.ends_with(&format!(" already exists for {}.]", d.name)),
            "second import of {}: {detail:?}",
            d.name
        );
    }
    Ok(())
}

/// Block domains import by id with `import=true`, and only once the host sees their LUNs. In
/// ovirt-engine
/// `backend/manager/modules/restapi/jaxrs/src/main/java/org/ovirt/engine/api/restapi/resource/BackendStorageDomainsResource.java`:
/// `add` requires the `id` of an imported block domain ("Incomplete parameters" without it),
/// and `addExistingSAN` reads the host's device list (`GetDeviceList`), asks
/// `GetUnregisteredBlockStorageDomains` for the domains on those LUNs (its
/// `connectTargets` fails with "Couldn't connect to the specified targets" when there is no
/// iSCSI target to connect to), picks the one with that id (`getMatchingStorageDomain`, an
/// empty domain when none matches) and runs `AddExistingBlockStorageDomain`, whose
/// `canAddDomain`
/// (`backend/manager/modules/bll/src/main/java/org/ovirt/engine/core/bll/storage/domain/AddExistingBlockStorageDomainCommand.java`)
/// fails with `ACTION_TYPE_FAILED_PROBLEM_WITH_CANDIDATE_INFO` when `GetVGInfo` finds no LUN
/// of the domain's volume group.
pub async fn block_domains_import_by_id(ctx: &Context) -> Result<(), Failure> {
    let e = ctx.engine(Site::Secondary);
    for d in ctx
        .facts()
        .domains
        .iter()
        .filter(|d| d.storage_type.is_block())
    {
        let h = host(ctx, Site::Secondary, d.secondary_dc.id)?;
        let req = d.import_request(Site::Secondary, h);
        if d.storage_type == StorageType::Iscsi {
            // With no iSCSI LUN in sight the Engine has no target to look behind; with some
            // (another domain's) it finds no volume group carrying this domain.
            let seen = ok("host_luns", e.host_luns(h).await)?;
            let before = e.import_storage_domain(&req).await;
            if seen.iter().any(|l| l.storage_type == StorageType::Iscsi) {
                err_text(
                    "import before login",
                    before,
                    ErrorKind::Conflict,
                    "[Cannot add Storage. Failed to get data for Import operation.\n\
                     - Check connectivity to the Storage Domain.]",
                )?;
            } else {
                err_text(
                    "import before login",
                    before,
                    ErrorKind::BadRequest,
                    "Couldn't connect to the specified targets",
                )?;
            }
            login_if_iscsi(e, Site::Secondary, h, d).await?;
        }
        let mut no_id = req.clone();
        no_id.id = None;
        let fault = err(
            "import without id",
            e.import_storage_domain(&no_id).await,
            ErrorKind::BadRequest,
        )?;
        ensure!(
            fault
                .fault
                .as_ref()
                .is_some_and(|f| f.reason == "Incomplete parameters"),
            "import without id: {fault}"
        );
        let sd = ok("import_storage_domain", e.import_storage_domain(&req).await)?;
        ensure!(sd.id == d.id, "imported {} as {}", d.name, sd.id);
        ensure!(
            sd.storage.volume_group.is_some(),
            "{}: no volume group",
            d.name
        );
    }
    Ok(())
}

/// An export the host cannot mount fails the import.
pub async fn import_of_an_unreachable_export_fails(ctx: &Context) -> Result<(), Failure> {
    let Some(d) = ctx
        .facts()
        .domains
        .iter()
        .find(|d| d.storage_type.is_file())
    else {
        return Ok(());
    };
    let h = host(ctx, Site::Secondary, d.secondary_dc.id)?;
    let mut req = d.import_request(Site::Secondary, h);
    req.storage.path = Some("/no/such/export".into());
    err_text(
        "import",
        ctx.engine(Site::Secondary)
            .import_storage_domain(&req)
            .await,
        ErrorKind::BadRequest,
        "[Problem while trying to mount target]",
    )?;
    Ok(())
}
