//! Assertions and shared steps of the conformance checks.

use std::fmt;

use crate::Site;
use crate::engine::{Engine, EngineError, EngineResult, ErrorKind, Id, StorageDomainStatus};
use crate::fake::DomainFacts;

use super::Context;

/// Why a check failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// What was expected and what happened.
    pub message: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Failure {
    pub(super) fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

/// Fails the check with a message unless `cond` holds.
macro_rules! ensure {
    ($cond:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err($crate::conformance::support::Failure::new(format!($($fmt)+)));
        }
    };
}
pub(super) use ensure;

/// The value of a call that must succeed.
pub(super) fn ok<T>(what: &str, r: EngineResult<T>) -> Result<T, Failure> {
    r.map_err(|e| Failure::new(format!("{what}: unexpected error: {e}")))
}

/// The error of a call that must fail with `kind`.
pub(super) fn err<T: fmt::Debug>(
    what: &str,
    r: EngineResult<T>,
    kind: ErrorKind,
) -> Result<EngineError, Failure> {
    match r {
        Ok(v) => Err(Failure::new(format!(
            "{what}: expected a {kind} error, got {v:?}"
        ))),
        Err(e) if e.kind == kind => Ok(e),
        Err(e) => Err(Failure::new(format!(
            "{what}: expected a {kind} error, got {e}"
        ))),
    }
}

/// The error of a call that must fail with `kind` and exactly `detail`.
pub(super) fn err_text<T: fmt::Debug>(
    what: &str,
    r: EngineResult<T>,
    kind: ErrorKind,
    detail: &str,
) -> Result<EngineError, Failure> {
    let e = err(what, r, kind)?;
    ensure!(
        e.detail() == detail,
        "{what}: expected detail {detail:?}, got {:?}",
        e.detail()
    );
    Ok(e)
}

/// An id nothing has.
pub(super) fn unknown_id() -> Id {
    Id::from_u128(0x0bad_0bad_0bad_4bad_8bad_0bad_0bad_0bad)
}

/// The up host the checks use on `site` in `dc`.
pub(super) fn host(ctx: &Context, site: Site, dc: Id) -> Result<Id, Failure> {
    ctx.facts()
        .site(site)
        .up_host_in(dc)
        .map(|h| h.id)
        .ok_or_else(|| Failure::new(format!("no up host in data center {dc} on {site}")))
}

/// Logs `host` of `site` in to `d`'s iSCSI target (with its CHAP credentials), if it has one.
pub(super) async fn login_if_iscsi(
    engine: &dyn Engine,
    site: Site,
    host: Id,
    d: &DomainFacts,
) -> Result<(), Failure> {
    if let Some(login) = d.iscsi_login(site) {
        ok("iscsi_login", engine.iscsi_login(host, &login).await)?;
    }
    Ok(())
}

/// The primary is lost: disaster, leases expired, replication stopped (replicas promoted).
pub(super) fn lose_primary(ctx: &Context) {
    let w = ctx.world();
    w.disaster(Site::Primary);
    w.expire_leases(Site::Primary);
    for d in &ctx.facts().domains {
        w.stop_replication(d.pair);
    }
    for l in &ctx.facts().luns {
        w.stop_replication(l.pair);
    }
}

/// Imports and attaches `d` on the secondary (login first for iSCSI); returns its DC there.
pub(super) async fn bring_in(ctx: &Context, d: &DomainFacts) -> Result<Id, Failure> {
    let e = ctx.engine(Site::Secondary);
    let dc = d.secondary_dc.id;
    let h = host(ctx, Site::Secondary, dc)?;
    login_if_iscsi(e, Site::Secondary, h, d).await?;
    ok(
        "import_storage_domain",
        e.import_storage_domain(&d.import_request(Site::Secondary, h))
            .await,
    )?;
    ok(
        "attach_storage_domain",
        e.attach_storage_domain(dc, d.id).await,
    )?;
    let sd = ok(
        "attached_storage_domain",
        e.attached_storage_domain(dc, d.id).await,
    )?;
    ensure!(
        sd.status == Some(StorageDomainStatus::Active),
        "{} should be active after attach, is {:?}",
        d.name,
        sd.status
    );
    Ok(dc)
}

/// Fails over every replicated domain: masters first, then the others.
pub(super) async fn bring_in_all(ctx: &Context) -> Result<(), Failure> {
    bring_in_all_but(ctx, None).await
}

/// Fails over every replicated domain but `skip`: masters first, then the others.
pub(super) async fn bring_in_all_but(ctx: &Context, skip: Option<Id>) -> Result<(), Failure> {
    let facts = ctx.facts();
    let mut ordered: Vec<&DomainFacts> = facts
        .domains
        .iter()
        .filter(|d| Some(d.id) != skip)
        .collect();
    // One master per target DC first: the first domain of each.
    ordered.sort_by_key(|d| {
        let first_in_dc = facts
            .domains
            .iter()
            .find(|x| x.secondary_dc.id == d.secondary_dc.id)
            .map(|x| x.id)
            == Some(d.id);
        !first_in_dc
    });
    for d in ordered {
        bring_in(ctx, d).await?;
    }
    Ok(())
}
