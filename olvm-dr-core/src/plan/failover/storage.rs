//! The storage part of a failover plan: iSCSI logins, imports and attaches, masters first.

use std::collections::HashMap;

use super::state::{SiteState, attached_status};
use crate::Site;
use crate::engine::DataCenterStatus;
use crate::engine::{
    Engine, Id, ImportStorageDomain, IscsiLogin, StorageConnection, StorageDomainStatus,
    StorageDomainType, StorageType,
};
use crate::mapping::{ImportStorage, Mapping};
use crate::plan::problems::{PlanningError, Problems};
use crate::plan::{Action, DomainRef, NoteLevel, Phase, PlanNote, Step, StepId};
use crate::validate::codes;

/// The steps of one mapped domain.
pub(crate) struct DomainSteps {
    /// The domain as the target knows it (or will).
    pub(crate) domain: DomainRef,
    /// The domain as named on the source (for the split-brain guard).
    pub(crate) source: DomainRef,
    /// Its attach step.
    pub(crate) attach: StepId,
    /// The data center it is attached to on the target: the data center of the VMs and
    /// templates it brings.
    pub(crate) target_dc: Option<String>,
}

/// What the storage phase produced.
pub(crate) struct StoragePlan {
    pub(crate) steps: Vec<Step>,
    pub(crate) notes: Vec<PlanNote>,
    pub(crate) domains: Vec<DomainSteps>,
}

/// The key a domain's step ids use: its target name, or its id when it has none.
fn domain_key(name: Option<&String>, id: Option<Id>) -> String {
    name.cloned()
        .or_else(|| id.map(|i| i.to_string()))
        .unwrap_or_else(|| "unnamed".to_owned())
}

fn storage_connection(storage: &ImportStorage, site: Site) -> StorageConnection {
    let storage_type = storage.storage_type();
    match storage {
        ImportStorage::Nfs(f) | ImportStorage::Glusterfs(f) | ImportStorage::Posixfs(f) => {
            let s = f.site(site);
            let vfs_type = match storage_type {
                // The Engine requires it for GlusterFS and the role forces this value.
                StorageType::Glusterfs => Some("glusterfs".to_owned()),
                _ => s.vfs_type.get().cloned(),
            };
            StorageConnection {
                storage_type: Some(storage_type),
                address: s.address.get().cloned(),
                path: s.path.get().cloned(),
                vfs_type,
                mount_options: s.mount_options.get().cloned(),
                nfs_version: s.version.get().copied(),
                ..StorageConnection::default()
            }
        }
        ImportStorage::Iscsi(i) => StorageConnection {
            storage_type: Some(storage_type),
            address: i.site(site).address.get().cloned(),
            ..StorageConnection::default()
        },
        ImportStorage::Fcp(_) => StorageConnection {
            storage_type: Some(storage_type),
            ..StorageConnection::default()
        },
    }
}

/// Builds the storage steps of every mapped domain on `target`, reading the DC-scoped status of
/// domains the target already has.
pub(crate) async fn plan_storage(
    mapping: &Mapping,
    file: Option<&std::path::Path>,
    target: Site,
    engine: &dyn Engine,
    state: &SiteState,
    guard: Option<&StepId>,
    only: Option<&[String]>,
) -> Result<StoragePlan, PlanningError> {
    let source = target.other();
    let mut problems = Problems::new(file, target);
    for name in crate::plan::selection::unknown(mapping, only) {
        problems.error(
            codes::PLAN_UNKNOWN_DOMAIN,
            None,
            Some("dr_import_storages".into()),
            Some(format!("storage domain '{name}'")),
            format!("no storage entry of the mapping is named '{name}' on either site"),
            "use the domain names of the mapping file",
        );
    }
    let mut steps: Vec<Step> = Vec::new();
    let mut domains: Vec<DomainSteps> = Vec::new();
    // The attach step of each target data center's master, for ordering the others after it.
    let mut master_attach: HashMap<Id, StepId> = HashMap::new();
    let mut logins: HashMap<String, StepId> = HashMap::new();
    let mut notes: Vec<PlanNote> = Vec::new();

    // Masters first, then the others, each group in file order (the role's two passes).
    let mut ordered: Vec<&ImportStorage> = mapping
        .storages()
        .iter()
        .filter(|s| s.is_master(target))
        .collect();
    ordered.extend(mapping.storages().iter().filter(|s| !s.is_master(target)));

    for storage in ordered
        .into_iter()
        .filter(|s| crate::plan::selection::selected(s, only))
    {
        let storage_type = storage.storage_type();
        let common = storage.common();
        let index = common.index;
        let name = storage.name(target).get();
        let id = storage.domain_id().and_then(|f| f.get().copied());
        let key_prefix = format!("dr_import_storages[{index}]");
        let describe = name.map_or_else(
            || format!("{storage_type} domain #{index}"),
            |n| format!("{storage_type} domain '{n}'"),
        );

        let Some(dc_name) = storage.dc_name(target).get() else {
            problems.error(
                codes::NOT_FILLED,
                storage.dc_name(target).pos().or(Some(common.pos)),
                Some(format!("{key_prefix}.dr_{target}_dc_name")),
                Some(describe.clone()),
                format!("{describe} has no {target} data center"),
                "fill in the data center the domain is attached to on this site",
            );
            continue;
        };
        let Some(dc) = state.data_center(dc_name) else {
            problems.error(
                codes::PLAN_DC_NOT_FOUND,
                storage.dc_name(target).pos(),
                Some(format!("{key_prefix}.dr_{target}_dc_name")),
                Some(describe.clone()),
                format!(
                    "data center '{dc_name}' of {describe} does not exist on the {target} site"
                ),
                "correct the data center name, or create the data center",
            );
            continue;
        };
        if storage_type.is_file() && name.is_none() {
            problems.error(
                codes::NOT_FILLED,
                storage.name(target).pos().or(Some(common.pos)),
                Some(format!("{key_prefix}.dr_{target}_name")),
                Some(describe.clone()),
                format!("{describe} has no {target} name"),
                "file domains need the name they get on this site",
            );
            continue;
        }
        if storage_type.is_block() && id.is_none() {
            problems.error(
                codes::NOT_FILLED,
                Some(common.pos),
                Some(format!("{key_prefix}.dr_domain_id")),
                Some(describe.clone()),
                format!("{describe} has no dr_domain_id"),
                "block domains are imported by their id; fill in dr_domain_id",
            );
            continue;
        }
        let connection = storage_connection(storage, target);
        if storage_type.is_file() && (connection.address.is_none() || connection.path.is_none()) {
            problems.error(
                codes::NOT_FILLED,
                Some(common.pos),
                Some(format!("{key_prefix}.dr_{target}_address")),
                Some(describe.clone()),
                format!("{describe} has no {target} address or path"),
                "fill in dr_{site}_address and dr_{site}_path for this site",
            );
            continue;
        }
        let Some(host) = state.up_host_in(dc.id) else {
            problems.error(codes::PLAN_NO_UP_HOST, storage.dc_name(target).pos(), Some(format!("{key_prefix}.dr_{target}_dc_name")), Some(describe.clone()),
                format!("no host is up in data center '{dc_name}' on the {target} site, so {describe} cannot be imported"),
                "activate a host of the data center, then plan again");
            continue;
        };

        let export = connection
            .address
            .as_deref()
            .zip(connection.path.as_deref());
        let known = state.find_domain(id, name.map(String::as_str), export);
        if let Some(k) = known
            && let Some(other) = k.data_centers.iter().find(|d| **d != dc.id)
        {
            let other_name = state
                .data_centers
                .iter()
                .find(|d| d.id == *other)
                .map_or_else(|| other.to_string(), |d| d.name.clone());
            problems.error(codes::PLAN_DOMAIN_ELSEWHERE, Some(common.pos), Some(key_prefix.clone()), Some(describe.clone()),
                format!("{describe} is attached to data center '{other_name}' on the {target} site, not to '{dc_name}'"),
                "detach it there, or correct the data center in the mapping");
            continue;
        }
        let status = match known {
            Some(k) if k.data_centers.contains(&dc.id) => attached_status(engine, dc.id, k.id)
                .await
                .map_err(|error| PlanningError::Engine {
                    site: target,
                    error,
                })?,
            _ => None,
        };

        let key = domain_key(name, id.or(known.map(|k| k.id)));
        let domain = DomainRef {
            id: id.or(known.map(|k| k.id)),
            name: name
                .cloned()
                .or(known.map(|k| k.name.clone()))
                .unwrap_or_else(|| key.clone()),
            storage_type,
        };
        let source_ref = DomainRef {
            id,
            name: storage
                .name(source)
                .get()
                .cloned()
                .unwrap_or_else(|| domain.name.clone()),
            storage_type,
        };

        // iSCSI logins: one per target IQN, through the host that imports.
        let mut login_steps: Vec<StepId> = Vec::new();
        if let ImportStorage::Iscsi(i) = storage {
            let s = i.site(target);
            let address = s.address.get().cloned().unwrap_or_default();
            for iqn in s.targets.get().map(Vec::as_slice).unwrap_or(&[]) {
                let step_key = format!("{}/{iqn}@{address}", host.name);
                let sid = logins.entry(step_key.clone()).or_insert_with(|| {
                    let sid = StepId::of(["iscsi-login", &step_key]);
                    let login = IscsiLogin {
                        address: address.clone(),
                        port: s.port_or_default(),
                        target: iqn.clone(),
                        portal: None,
                        username: s.username.get().cloned(),
                        password: None,
                    };
                    let mut step = Step::new(
                        sid.clone(),
                        target,
                        Phase::Storage,
                        Action::IscsiLogin {
                            host: host.id,
                            host_name: host.name.clone(),
                            login,
                        },
                        format!(
                            "log host '{}' in to iSCSI target {iqn} at {address}",
                            host.name
                        ),
                    );
                    if let Some(g) = guard {
                        step = step.after([g.clone()]);
                    }
                    steps.push(step);
                    sid
                });
                login_steps.push(sid.clone());
            }
        }

        let kind = if storage_type.is_block() {
            StorageDomainType::Data
        } else {
            common
                .storage_domain_type
                .get()
                .copied()
                .unwrap_or(StorageDomainType::Data)
        };
        let discard = match storage {
            ImportStorage::Iscsi(i) => i.discard_after_delete.get().copied(),
            ImportStorage::Fcp(f) => f.discard_after_delete.get().copied(),
            _ => None,
        };
        let request = ImportStorageDomain {
            id,
            name: name.cloned(),
            kind,
            host: host.id,
            storage: connection,
            wipe_after_delete: common.wipe_after_delete.get().copied(),
            discard_after_delete: discard,
            backup: common.backup.get().copied(),
            critical_space_action_blocker: common.critical_space_action_blocker.get().copied(),
            warning_low_space_indicator: common.warning_low_space.get().copied(),
            connection: None,
        };
        let import_id = StepId::of(["import", &key]);
        let mut import = Step::new(
            import_id.clone(),
            target,
            Phase::Storage,
            Action::ImportDomain {
                domain: domain.clone(),
                request,
            },
            format!("import {describe} through host '{}'", host.name),
        )
        .after(login_steps)
        .after(guard.cloned());
        if known.is_some() {
            import = import.already_done(format!("the {target} Engine knows it"));
        }

        let master = storage.is_master(target);
        let attach_id = StepId::of(["attach", &key]);
        let mut attach = Step::new(
            attach_id.clone(),
            target,
            Phase::Storage,
            Action::AttachDomain {
                domain: domain.clone(),
                data_center: dc.id,
                data_center_name: dc_name.clone(),
                master,
            },
            format!(
                "attach {describe} to data center '{dc_name}'{} and activate it",
                if master { " as its master" } else { "" }
            ),
        )
        .after([import_id]);
        // The first data domain attached to an uninitialized data center becomes its master,
        // and every other attach needs an active master: order the others after it.
        let anchor = master_attach.get(&dc.id).cloned();
        match anchor {
            Some(m) if !master => attach = attach.after([m]),
            Some(_) => {}
            None if master => {
                master_attach.insert(dc.id, attach_id.clone());
            }
            None if dc.status == DataCenterStatus::Uninitialized
                && kind == StorageDomainType::Data =>
            {
                notes.push(PlanNote {
                    level: NoteLevel::Warning,
                    text: format!("data center '{dc_name}' has no master domain in the mapping; {describe} is attached first and becomes its master"),
                });
                master_attach.insert(dc.id, attach_id.clone());
            }
            None => {}
        }
        match status {
            Some(StorageDomainStatus::Active) => {
                attach = attach.already_done(format!("active in '{dc_name}'"))
            }
            Some(s) => attach.summary.push_str(&format!(" (now {s})")),
            None => {}
        }
        steps.push(import);
        steps.push(attach);
        domains.push(DomainSteps {
            domain,
            source: source_ref,
            attach: attach_id,
            target_dc: Some(dc_name.clone()),
        });
    }
    if !problems.is_empty() {
        return Err(problems.into_error());
    }
    Ok(StoragePlan {
        steps,
        notes,
        domains,
    })
}
