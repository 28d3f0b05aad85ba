//! Checks of `switch_master_storage_domain` (`POST /datacenters/{dc}/setmaster`).

use crate::Site;
use crate::engine::ErrorKind;

use super::Context;
use super::storage::{pair_in_empty_dc, state};
use super::support::{
    Failure, bring_in, ensure, err_text, host, login_if_iscsi, lose_primary, ok, unknown_id,
};

/// The master role moves to another active data domain of the data center; the master
/// itself and a domain outside the data center are refused with the Engine's texts.
pub async fn switch_master_moves_the_master_role(ctx: &Context) -> Result<(), Failure> {
    let Some((a, b)) = pair_in_empty_dc(ctx).await? else {
        return Ok(());
    };
    lose_primary(ctx);
    let e = ctx.engine(Site::Secondary);
    let dc = bring_in(ctx, a).await?;
    let h = host(ctx, Site::Secondary, dc)?;
    login_if_iscsi(e, Site::Secondary, h, b).await?;
    ok(
        "import b",
        e.import_storage_domain(&b.import_request(Site::Secondary, h))
            .await,
    )?;
    err_text(
        "switch to an unattached domain",
        e.switch_master_storage_domain(dc, b.id).await,
        ErrorKind::Conflict,
        "[Cannot switch master storage domain. The selected Storage Domain is not part of the Data Center.]",
    )?;
    ok("attach b", e.attach_storage_domain(dc, b.id).await)?;
    err_text(
        "switch to the master",
        e.switch_master_storage_domain(dc, a.id).await,
        ErrorKind::Conflict,
        "[Cannot switch master storage domain. The storage domain is already the master storage domain.]",
    )?;
    err_text(
        "switch to an unknown domain",
        e.switch_master_storage_domain(dc, unknown_id()).await,
        ErrorKind::Conflict,
        "[Cannot switch master storage domain. The selected Storage Domain is not part of the Data Center.]",
    )?;
    ok(
        "switch to b",
        e.switch_master_storage_domain(dc, b.id).await,
    )?;
    let (_, a_master) = state(e, dc, a.id).await?;
    let (_, b_master) = state(e, dc, b.id).await?;
    ensure!(
        b_master && !a_master,
        "after the switch: a master {a_master}, b master {b_master}"
    );
    Ok(())
}
