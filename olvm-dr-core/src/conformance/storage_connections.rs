//! Checks of the storage connections of file domains.

use crate::Site;
use crate::engine::{ErrorKind, ImportStorageDomain};

use super::Context;
use super::support::{Failure, ensure, err, err_text, host, ok};

/// An import the Engine did not finish leaves the file domain's storage connection: a later
/// import of the export fails on it, and an import through it (by id) succeeds.
/// `BackendStorageDomainsResource.addDomain` runs `AddStorageServerConnection` before the
/// domain's add and removes the connection only when that add fails while the Engine runs;
/// `AddStorageServerConnectionCommand.validate` then refuses a second connection to the export
/// (`isConnWithSameDetailsExists`, `ACTION_TYPE_FAILED_STORAGE_CONNECTION_ALREADY_EXISTS`, 409,
/// the domain name empty as no domain uses it); `BackendStorageDomainsResource.add` takes the
/// export of a connection named by `storage/@id` and adds none.
pub async fn an_unfinished_import_leaves_its_connection(ctx: &Context) -> Result<(), Failure> {
    let Some(d) = ctx
        .facts()
        .domains
        .iter()
        .find(|d| d.storage_type.is_file())
    else {
        return Ok(());
    };
    let w = ctx.world();
    let e = ctx.engine(Site::Secondary);
    let h = host(ctx, Site::Secondary, d.secondary_dc.id)?;
    let req = d.import_request(Site::Secondary, h);
    w.crash_file_imports(Site::Secondary, 1);
    ensure!(
        e.import_storage_domain(&req).await.is_err(),
        "the import the Engine died in succeeded"
    );
    w.recover(Site::Secondary);
    err(
        "storage_domain after the crash",
        e.storage_domain(d.id).await,
        ErrorKind::NotFound,
    )?;
    let left: Vec<_> = w
        .file_connections(Site::Secondary)
        .into_iter()
        .filter(|c| c.storage.path == req.storage.path)
        .collect();
    ensure!(left.len() == 1, "connections to the export: {left:?}");
    let c = left[0].id;
    err_text(
        "import again",
        e.import_storage_domain(&req).await,
        ErrorKind::Conflict,
        &format!("[Cannot add Storage Connection. Storage connection {c} already exists for .]"),
    )?;
    let through = ImportStorageDomain {
        connection: Some(c),
        ..req
    };
    let sd = ok(
        "import through the connection",
        e.import_storage_domain(&through).await,
    )?;
    ensure!(sd.id == d.id, "imported {} as {}", d.name, sd.id);
    let to_export = w
        .file_connections(Site::Secondary)
        .into_iter()
        .filter(|x| x.storage.path == through.storage.path)
        .count();
    ensure!(
        to_export == 1,
        "the import through connection {c} left {to_export} connections to the export"
    );
    Ok(())
}
