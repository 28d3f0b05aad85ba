//! VM disks on the hosted-engine storage domain. The role's generator fails on them (its DR
//! guide says so); here each one is reported by VM.

use std::collections::{HashMap, HashSet};

use crate::engine::{DiskContentType, Engine, Id};
use crate::inventory::{Inventory, ReadError};
use crate::validate::codes;
use crate::{Diagnostic, Location, Site};

/// A disk of a VM (not the hosted engine) on a hosted-engine domain.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct HostedEngineDisk {
    /// The VM's name.
    pub(super) vm: String,
    /// The disk's alias.
    pub(super) disk: String,
    /// The domain's name.
    pub(super) domain: String,
}

/// The hosted engine's own disks: its image, and the domain's lockspace, metadata and
/// configuration volumes.
fn belongs_to_hosted_engine(content: DiskContentType) -> bool {
    matches!(
        content,
        DiskContentType::OvfStore
            | DiskContentType::HostedEngine
            | DiskContentType::HostedEngineSanlock
            | DiskContentType::HostedEngineMetadata
            | DiskContentType::HostedEngineConfiguration
    )
}

/// The disks of other VMs on the hosted-engine domains, sorted by VM and disk. Lists a domain's
/// disks only when a VM listed there has a disk on it (usually never).
pub(super) async fn disks_on_hosted_engine(
    engine: &dyn Engine,
    inv: &Inventory,
) -> Result<Vec<HostedEngineDisk>, ReadError> {
    let hosted = inv.hosted_engine_domains();
    let he_vms: HashSet<Id> = inv
        .vms
        .iter()
        .filter(|v| v.is_hosted_engine())
        .map(|v| v.id)
        .collect();
    let names: HashMap<Id, &str> = inv.vms.iter().map(|v| (v.id, v.name.as_str())).collect();
    let mut affected: Vec<Id> = hosted
        .iter()
        .copied()
        .filter(|sd| {
            inv.vms
                .iter()
                .any(|v| !he_vms.contains(&v.id) && v.storage_domains.contains(sd))
        })
        .collect();
    affected.sort();
    let mut out = Vec::new();
    for sd in affected {
        let domain = inv
            .attached
            .iter()
            .map(|(_, d)| d)
            .find(|d| d.id == sd)
            .map_or_else(|| sd.to_string(), |d| d.name.clone());
        let disks = engine
            .storage_domain_disks(sd)
            .await
            .map_err(|error| ReadError {
                collection: "disks of the hosted-engine storage domain",
                error,
            })?;
        for d in disks
            .iter()
            .filter(|d| !belongs_to_hosted_engine(d.content_type))
        {
            for vm in d.vms.iter().filter(|v| !he_vms.contains(v)) {
                out.push(HostedEngineDisk {
                    vm: names
                        .get(vm)
                        .map_or_else(|| vm.to_string(), |n| (*n).to_owned()),
                    disk: d.alias.clone(),
                    domain: domain.clone(),
                });
            }
        }
    }
    out.sort();
    Ok(out)
}

/// One finding per disk: an error, or a warning when the disks are left out on purpose.
pub(super) fn findings(disks: &[HostedEngineDisk], skip: bool) -> Vec<Diagnostic> {
    disks
        .iter()
        .map(|d| {
            let message = format!(
                "disk '{}' of VM '{}' is on the hosted-engine storage domain '{}'{}",
                d.disk,
                d.vm,
                d.domain,
                if skip {
                    ": it is left out of disaster recovery"
                } else {
                    ""
                }
            );
            let diag = if skip {
                Diagnostic::warning(codes::GENERATE_HOSTED_ENGINE_DISK, message)
            } else {
                Diagnostic::error(codes::GENERATE_HOSTED_ENGINE_DISK, message)
            };
            diag.at(Location {
                site: Some(Site::Primary),
                entity: Some(format!("VM '{}'", d.vm)),
                ..Location::default()
            })
            .with_hint(
                "move the disk to a replicated data domain; or generate with --skip-hosted-engine-disks to leave it out of disaster recovery",
            )
        })
        .collect()
}
