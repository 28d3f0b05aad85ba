//! `PUT /storagedomains/{sd}` and `POST /storagedomains/{sd}/isattached`.
//!
//! The Engine's update (`BackendStorageDomainResource.update`) first extends a block domain
//! with the LUNs of the body it does not have yet (`ExtendSANStorageDomain`), then runs
//! `UpdateStorageDomain` with the body's fields over the current ones, and answers the
//! domain. The role sends the domain's own settings and LUNs back when it brings in an
//! iSCSI domain with several targets; that is a change of nothing, answered with the domain.
//! The fake cannot rename a domain, change its settings or extend it: a body that asks for
//! one of those is answered 501, naming it.
//!
//! `isattached` (`BackendStorageDomainResource.isAttached`) requires `host.id|name`, reads
//! the domain's metadata through that host (`GetStorageDomainsWithAttachedStoragePoolGuid`)
//! and answers whether it names a pool, as `<is_attached>` in a complete action.

use olvm_dr_core::engine::{Engine, EntityRef, Id, StorageDomain};
use olvm_dr_core::xml::actions::ActionResult;
use olvm_dr_core::xml::{Node, parse};

use super::lookup::host;
use super::scope;
use crate::respond::{ApiError, Reply, action, one};
use crate::server::{ApiRequest, SiteServer};

/// `PUT /storagedomains/{sd}`.
pub(super) async fn update(st: &SiteServer, req: &ApiRequest, sd: Id) -> Reply {
    let domain = st.engine.storage_domain(sd).await?;
    let root = parse(req.text()).map_err(|e| ApiError::bad_body(&e))?;
    let body = Node::root(&root);
    if body.name() != "storage_domain" {
        return Err(ApiError::bad_body(
            &body.error("expected a <storage_domain> element"),
        ));
    }
    if let Some(what) = changes(&body, &domain).map_err(|e| ApiError::bad_body(&e))? {
        return Err(ApiError::Unsupported(what));
    }
    let own = own_luns(st, &domain).await?;
    let units = body
        .descend(&["storage", "logical_units"])
        .or_else(|| body.descend(&["storage", "volume_group", "logical_units"]));
    if let Some(units) = units {
        let units = Node::root(units);
        for lun in units.children("logical_unit") {
            if lun
                .attr("id")
                .is_some_and(|id| !own.iter().any(|o| o == id))
            {
                return Err(ApiError::Unsupported(
                    "extending a block storage domain with new LUNs",
                ));
            }
        }
    }
    Ok(one(&domain, &scope("storagedomains", &req.params)))
}

/// The first setting the body changes, which the fake cannot change.
fn changes(
    body: &Node<'_>,
    d: &StorageDomain,
) -> Result<Option<&'static str>, olvm_dr_core::xml::XmlError> {
    if body.text_of("name").is_some_and(|n| n != d.name) {
        return Ok(Some("renaming a storage domain"));
    }
    let flags = [
        ("wipe_after_delete", d.wipe_after_delete),
        ("discard_after_delete", d.discard_after_delete),
        ("backup", d.backup),
    ];
    for (tag, have) in flags {
        if body.bool_at(&[tag])?.is_some_and(|b| b != have) {
            return Ok(Some("changing a storage domain's settings"));
        }
    }
    let numbers = [
        (
            "critical_space_action_blocker",
            d.critical_space_action_blocker,
        ),
        ("warning_low_space_indicator", d.warning_low_space_indicator),
    ];
    for (tag, have) in numbers {
        if body.parse_at::<u32>(&[tag])?.is_some_and(|n| n != have) {
            return Ok(Some("changing a storage domain's settings"));
        }
    }
    Ok(None)
}

/// The ids of the LUNs of `sd`: those of its volume group, and those the site's hosts see
/// as part of it.
async fn own_luns(st: &SiteServer, d: &StorageDomain) -> Result<Vec<String>, ApiError> {
    let mut out: Vec<String> = d
        .storage
        .logical_units
        .iter()
        .map(|l| l.id.clone())
        .collect();
    for h in st.engine.hosts().await? {
        // A host that cannot list its LUNs now (not up) adds nothing.
        for lun in st.engine.host_luns(h.id).await.unwrap_or_default() {
            if lun.logical_unit.storage_domain == Some(d.id) && !out.contains(&lun.id) {
                out.push(lun.id);
            }
        }
    }
    Ok(out)
}

/// `POST /storagedomains/{sd}/isattached`.
pub(super) async fn is_attached(st: &SiteServer, req: &ApiRequest, sd: Id) -> Reply {
    let root = parse(req.text()).map_err(|e| ApiError::bad_body(&e))?;
    let body = Node::root(&root);
    let host_ref = match body.child("host") {
        Some(h) => match (
            h.opt_id().map_err(|e| ApiError::bad_body(&e))?,
            h.text_of("name"),
        ) {
            (Some(id), _) => Some(EntityRef::Id(id)),
            (None, Some(name)) => Some(EntityRef::Name(name.to_owned())),
            (None, None) => None,
        },
        None => None,
    };
    let Some(host_ref) = host_ref else {
        return Err(ApiError::incomplete("Action", "host.id|name", "isAttached"));
    };
    let h = host(st, &host_ref).await?;
    super::find(st.engine.hosts().await?, h, |x| x.id)?;
    st.engine.storage_domain(sd).await?;
    let attached = st
        .world
        .ovf_store(st.site, sd)
        .is_some_and(|o| o.pool.is_some());
    Ok(action(&ActionResult {
        is_attached: Some(attached),
        ..ActionResult::complete()
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use olvm_dr_core::engine::{StorageConnection, StorageDomainType};

    #[test]
    fn only_real_changes_count() {
        let d = StorageDomain {
            id: Id::from_u128(1),
            name: "sd1".into(),
            kind: StorageDomainType::Data,
            status: None,
            master: false,
            data_centers: Vec::new(),
            storage: StorageConnection::default(),
            wipe_after_delete: false,
            discard_after_delete: false,
            backup: false,
            critical_space_action_blocker: 5,
            warning_low_space_indicator: 10,
            available: 0,
            used: 0,
            storage_format: None,
        };
        let check = |xml: &str| {
            let root = parse(xml).unwrap();
            changes(&Node::root(&root), &d).unwrap()
        };
        assert_eq!(
            check(
                "<storage_domain><name>sd1</name><backup>false</backup><critical_space_action_blocker>5</critical_space_action_blocker></storage_domain>"
            ),
            None
        );
        assert_eq!(check("<storage_domain/>"), None);
        assert_eq!(
            check("<storage_domain><name>x</name></storage_domain>"),
            Some("renaming a storage domain")
        );
        assert_eq!(
            check("<storage_domain><wipe_after_delete>true</wipe_after_delete></storage_domain>"),
            Some("changing a storage domain's settings")
        );
        assert_eq!(
            check(
                "<storage_domain><warning_low_space_indicator>20</warning_low_space_indicator></storage_domain>"
            ),
            Some("changing a storage domain's settings")
        );
    }
}
