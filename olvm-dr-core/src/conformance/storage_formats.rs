//! Checks of storage domain formats against data center compatibility levels.

use crate::Site;
use crate::engine::{DataCenterStatus, ErrorKind, StorageDomainStatus, StorageFormat, Version};

use super::Context;
use super::storage::dc_status;
use super::support::{Failure, ensure, err_text, host, login_if_iscsi, lose_primary, ok};

/// A data center attaches no domain newer than its level's format
/// (`StorageDomainToPoolRelationValidator.isStorageDomainFormatCorrectForDC`: 409
/// `ACTION_TYPE_FAILED_STORAGE_DOMAIN_FORMAT_ILLEGAL`), and attaching a data domain to a data
/// center of a newer level upgrades it, on the storage too
/// (`StorageHandlingCommandBase.updateStorageDomainFormatIfNeeded` from
/// `AttachStorageDomainToPoolCommand`; VDSM `StoragePool._upgradePoolDomain`): the domain of a
/// 4.2 site failed over to a 4.7 site comes back V5, which the 4.2 site refuses.
pub async fn attach_checks_and_upgrades_the_storage_format(ctx: &Context) -> Result<(), Failure> {
    lose_primary(ctx);
    // The first domain of a data center that has no storage on the secondary yet.
    let mut first = None;
    for d in &ctx.facts().domains {
        if dc_status(ctx, d.secondary_dc.id).await? == DataCenterStatus::Uninitialized {
            first = Some(d);
            break;
        }
    }
    let Some(d) = first else {
        return Ok(());
    };
    let dc = d.secondary_dc.id;
    let (w, e) = (ctx.world(), ctx.engine(Site::Secondary));
    w.setup(|s| {
        s.set_data_center_version(Site::Secondary, dc, Version::new(4, 2));
        s.set_storage_format(d.id, StorageFormat::V5);
    });
    let h = host(ctx, Site::Secondary, dc)?;
    login_if_iscsi(e, Site::Secondary, h, d).await?;
    ok(
        "import",
        e.import_storage_domain(&d.import_request(Site::Secondary, h))
            .await,
    )?;
    err_text(
        "attach of a V5 domain to a 4.2 data center",
        e.attach_storage_domain(dc, d.id).await,
        ErrorKind::Conflict,
        "[Cannot attach Storage. Storage Domain format V5 is illegal.]",
    )?;

    w.setup(|s| {
        s.set_data_center_version(Site::Secondary, dc, Version::new(4, 7));
        s.set_storage_format(d.id, StorageFormat::V4);
    });
    ok(
        "attach of a V4 domain to a 4.7 data center",
        e.attach_storage_domain(dc, d.id).await,
    )?;
    let sd = ok(
        "attached_storage_domain",
        e.attached_storage_domain(dc, d.id).await,
    )?;
    ensure!(
        sd.status == Some(StorageDomainStatus::Active)
            && sd.storage_format.as_deref() == Some("v5"),
        "after the attach to 4.7: status {:?}, format {:?} (expected active, v5)",
        sd.status,
        sd.storage_format
    );
    ensure!(
        w.storage_format_on_storage(Site::Secondary, d.id) == Some(StorageFormat::V5),
        "the upgrade did not reach the storage: {:?}",
        w.storage_format_on_storage(Site::Secondary, d.id)
    );
    // The replication was stopped: the primary's copy keeps its format until a resync.
    ensure!(
        w.storage_format_on_storage(Site::Primary, d.id) == Some(StorageFormat::V4),
        "the stopped replica changed: {:?}",
        w.storage_format_on_storage(Site::Primary, d.id)
    );
    Ok(())
}
