//! Storage steps: iSCSI login, import, attach and activation — each an ensure.

use crate::engine::{
    Engine, EngineResult, ErrorKind, Id, ImportStorageDomain, IscsiLogin, StorageDomain,
    StorageDomainStatus,
};
use crate::execute::{Completion, StepFailure};
use crate::plan::DomainRef;

use super::leftover_connection::{cleanup_hint, existing_connection};
use super::op::{Op, Seen};

/// Finds a domain in the top-level view: by id when known, else by name (and, for file domains,
/// by the storage connection the import request names).
pub(crate) async fn find_domain(
    op: &Op<'_>,
    engine: &dyn Engine,
    domain: &DomainRef,
    request: Option<&ImportStorageDomain>,
) -> EngineResult<Option<StorageDomain>> {
    let all = op
        .call("storage_domains", || engine.storage_domains())
        .await?;
    let by_id = domain.id.and_then(|id| all.iter().find(|d| d.id == id));
    let found = by_id
        .or_else(|| all.iter().find(|d| d.name == domain.name))
        .or_else(|| {
            let req = request?;
            let (addr, path) = (
                req.storage.address.as_deref()?,
                req.storage.path.as_deref()?,
            );
            all.iter().find(|d| {
                d.storage.address.as_deref() == Some(addr)
                    && d.storage.path.as_deref().map(trim_slash) == Some(trim_slash(path))
            })
        });
    Ok(found.cloned())
}

fn trim_slash(p: &str) -> &str {
    if p.len() > 1 {
        p.trim_end_matches('/')
    } else {
        p
    }
}

/// The domain's id: known from the plan, or looked up (it was imported earlier in the run).
pub(crate) async fn domain_id(
    op: &Op<'_>,
    engine: &dyn Engine,
    domain: &DomainRef,
) -> Result<Id, StepFailure> {
    if let Some(id) = domain.id {
        return Ok(id);
    }
    match find_domain(op, engine, domain, None)
        .await
        .map_err(StepFailure::from)?
    {
        Some(d) => Ok(d.id),
        None => Err(StepFailure::new(format!(
            "storage domain {} is not known to the Engine",
            domain.describe()
        ))),
    }
}

fn id_output(id: Id) -> Option<serde_json::Value> {
    Some(serde_json::json!({ "storage_domain": id }))
}

/// Logs the host in to the target (the Engine treats a repeated login as success).
pub(crate) async fn iscsi_login(
    op: &Op<'_>,
    engine: &dyn Engine,
    host: Id,
    login: &IscsiLogin,
) -> Result<Completion, StepFailure> {
    op.call("iscsi_login", || engine.iscsi_login(host, login))
        .await?;
    Ok(Completion::Done { output: None })
}

/// Makes sure the domain is known to the Engine, importing it if not.
pub(crate) async fn ensure_imported(
    op: &Op<'_>,
    engine: &dyn Engine,
    domain: &DomainRef,
    request: &ImportStorageDomain,
) -> Result<Completion, StepFailure> {
    if let Some(d) = find_domain(op, engine, domain, Some(request)).await? {
        return Ok(Completion::AlreadyDone {
            output: id_output(d.id),
        });
    }
    if request.storage.storage_type.is_some_and(|t| t.is_block()) && request.id.is_none() {
        return Err(StepFailure::new(format!(
            "block domain {} has no id: importing it without one would create a new domain on its LUNs",
            domain.describe()
        )));
    }
    match op
        .call("import_storage_domain", || {
            engine.import_storage_domain(request)
        })
        .await
    {
        Ok(d) => Ok(Completion::Done {
            output: id_output(d.id),
        }),
        // Imported meanwhile (a retried call that went through, or someone else): fine if it is there now.
        Err(e) if e.kind == ErrorKind::Conflict => {
            match find_domain(op, engine, domain, Some(request)).await? {
                Some(d) => Ok(Completion::AlreadyDone {
                    output: id_output(d.id),
                }),
                None => match existing_connection(&e).filter(|_| request.connection.is_none()) {
                    Some(c) => import_through(op, engine, domain, request, c).await,
                    None => Err(e.into()),
                },
            }
        }
        Err(e) => Err(e.into()),
    }
}

/// Imports the domain again through the existing storage connection `c` to its export.
async fn import_through(
    op: &Op<'_>,
    engine: &dyn Engine,
    domain: &DomainRef,
    request: &ImportStorageDomain,
    c: Id,
) -> Result<Completion, StepFailure> {
    tracing::warn!(
        domain = %domain.describe(),
        connection = %c,
        "a storage connection to the export exists without a domain; importing through it"
    );
    let through = ImportStorageDomain {
        connection: Some(c),
        ..request.clone()
    };
    match op
        .call("import_storage_domain", || {
            engine.import_storage_domain(&through)
        })
        .await
    {
        Ok(d) => Ok(Completion::Done {
            output: id_output(d.id),
        }),
        Err(e) => Err(StepFailure {
            message: format!("{e}; {}", cleanup_hint(c)),
            kind: Some(e.kind),
        }),
    }
}

/// The Engine's fault when the first attach to an uninitialized data center could not create
/// the storage pool or start its SPM (`ENGINE_ERROR_CREATING_STORAGE_POOL`).
const POOL_NOT_CREATED: &str = "Cannot create Storage Pool";

/// Makes sure the domain is attached to the data center and active. The attach answers once the
/// domain is attached, whatever its activation gave (`AttachStorageDomainToPoolCommand`), so
/// the status is read afterwards: a domain left `maintenance` or `inactive` is activated.
pub(crate) async fn ensure_attached(
    op: &Op<'_>,
    engine: &dyn Engine,
    domain: &DomainRef,
    dc: Id,
    dc_name: &str,
) -> Result<Completion, StepFailure> {
    let sd = domain_id(op, engine, domain).await?;
    let what = format!(
        "storage domain {} in data center '{dc_name}'",
        domain.describe()
    );
    let mut did_work = false;
    let status = match op
        .call("attached_storage_domain", || {
            engine.attached_storage_domain(dc, sd)
        })
        .await
    {
        Ok(d) => d.status,
        Err(e) if e.kind == ErrorKind::NotFound => {
            let top = op
                .call("storage_domain", || engine.storage_domain(sd))
                .await?;
            if let Some(other) = top.data_centers.iter().find(|d| **d != dc) {
                return Err(StepFailure::new(format!(
                    "{} is attached to another data center ({other}); detach it there first",
                    domain.describe()
                )));
            }
            match op
                .call_through_lease("attach_storage_domain", || {
                    engine.attach_storage_domain(dc, sd)
                })
                .await
            {
                Ok(()) => {}
                // Attached by a call that timed out on our side but went through.
                Err(e) if matches!(e.kind, ErrorKind::Conflict | ErrorKind::InvalidState) => {
                    if op
                        .call("attached_storage_domain", || {
                            engine.attached_storage_domain(dc, sd)
                        })
                        .await
                        .is_err()
                    {
                        return Err(e.into());
                    }
                }
                Err(e) if e.detail().contains(POOL_NOT_CREATED) => {
                    return Err(StepFailure {
                        message: format!(
                            "{e}; the hosts of data center '{dc_name}' could not create its storage pool or elect an SPM on {}: check that every host there reaches this storage, then run the failover again (it resumes here)",
                            domain.describe()
                        ),
                        kind: Some(e.kind),
                    });
                }
                Err(e) => return Err(e.into()),
            }
            did_work = true;
            None
        }
        Err(e) => return Err(e.into()),
    };
    if status != Some(StorageDomainStatus::Active) {
        let settled = wait_settled(op, engine, dc, sd, &what).await?;
        if settled != StorageDomainStatus::Active {
            op.call_through_lease("activate_storage_domain", || {
                engine.activate_storage_domain(dc, sd)
            })
            .await?;
            did_work = true;
            let end = wait_settled(op, engine, dc, sd, &what).await?;
            if end != StorageDomainStatus::Active {
                return Err(StepFailure::new(format!(
                    "{what} is {end} after activation"
                )));
            }
        }
    }
    let output = id_output(sd);
    Ok(if did_work {
        Completion::Done { output }
    } else {
        Completion::AlreadyDone { output }
    })
}

/// Waits until the domain leaves the transitional states (locked, activating, ...) and returns
/// where it settled: active, or a state that needs an activation.
async fn wait_settled(
    op: &Op<'_>,
    engine: &dyn Engine,
    dc: Id,
    sd: Id,
    what: &str,
) -> Result<StorageDomainStatus, StepFailure> {
    op.poll(
        &format!("{what} to become active"),
        op.t.domain_state,
        || async {
            let d = engine.attached_storage_domain(dc, sd).await?;
            Ok(match d.status {
                Some(
                    s @ (StorageDomainStatus::Active
                    | StorageDomainStatus::Maintenance
                    | StorageDomainStatus::Inactive
                    | StorageDomainStatus::Unknown),
                ) => Seen::Ready(s),
                Some(s) => Seen::Pending(format!("status {s}")),
                None => Seen::Pending("no status".into()),
            })
        },
    )
    .await
}
