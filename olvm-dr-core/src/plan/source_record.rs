//! What the source site showed of its VMs when the plan was made: each VM's disks (and the
//! domains holding them), NICs, affinity groups and labels, cluster, tags and guest addresses.
//!
//! The registrations need it, and the target cannot give it: a real Engine lists an
//! unregistered VM without its disks, NICs or affinity (`GetUnregisteredVms` + `VmMapper`), and
//! an unregistered VM on a data domain has no disk-attachment sub-collection. With the record,
//! a run knows before registering which VMs have disks on domains that did not come up (and
//! does not register them), and checks each registered VM against what its source had. Without
//! it (the source gave no answer: a disaster), registrations refuse partial imports, so the
//! Engine itself refuses a VM whose disk images it cannot find, and the report says the VMs'
//! disks and NICs could not be checked against their source.

use std::collections::{BTreeMap, HashMap};

use futures_util::future::try_join_all;
use serde::{Deserialize, Serialize};

use super::{ExpectedDisk, ExpectedNic, ExpectedVm};
use crate::engine::{Engine, EngineResult, Id, VmSearch};

/// How many disk-attachment listings run at once while reading the record.
const CONCURRENT_READS: usize = 16;

/// The source's VMs as the plan recorded them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SourceRecord {
    /// When the source was read, in milliseconds since the Unix epoch.
    pub read_at_ms: u64,
    /// The VMs (the hosted-engine VM aside), by id.
    pub vms: BTreeMap<Id, RecordedVm>,
    /// The master domains of its data centers. When a site releases its domains, the master
    /// is detached last: its OVF store is written after the other domains left, so it
    /// describes a VM without the disks they held, and registering from it would drop them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub masters: Vec<Id>,
    /// Read from the state directory (recorded when the source last answered: by `validate`
    /// or an earlier run), not by this plan. It may be out of date, so a run only reports
    /// against it: registrations still refuse partial imports, and a disk it lists that the
    /// registered VM lacks is a difference to verify, not a failed step.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub remembered: bool,
}

/// One VM of the source as the plan recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedVm {
    /// Name.
    pub name: String,
    /// Its disks: images (with the domains holding them) and direct LUNs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disks: Vec<RecordedDisk>,
    /// Its NICs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nics: Vec<ExpectedNic>,
    /// Its affinity groups, by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub affinity_groups: Vec<String>,
    /// Its affinity labels, by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub affinity_labels: Vec<String>,
    /// Its cluster's name (a recovery plan's groups select by it).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cluster: String,
    /// The addresses its guest agent reported (VMs that were up): what a recovery plan's
    /// re-IP translates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<RecordedAddress>,
    /// Its tags' names (a recovery plan's groups select by them). Tag assignments are Engine
    /// rows (`tags_vm_map`), not part of the OVF (`OvfWriter` writes none): a VM registered on
    /// the other site has none, so a run reads them here, while the source answers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// The addresses a guest reported on one of its interfaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedAddress {
    /// The guest's name of the interface, e.g. `eth0`.
    pub interface: String,
    /// The MAC of the VM NIC it is (which tells its network).
    pub mac: Option<String>,
    /// Its addresses.
    pub ips: Vec<std::net::IpAddr>,
}

/// A disk of a recorded VM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedDisk {
    /// Disk id (registration keeps it).
    pub id: Id,
    /// Alias.
    pub alias: String,
    /// The domains holding its image, by id (a replica keeps its domain's id); empty for a
    /// direct LUN.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<Id>,
}

impl RecordedVm {
    /// The domains holding its images, each once, sorted.
    pub fn disk_domains(&self) -> Vec<Id> {
        let mut ids: Vec<Id> = self
            .disks
            .iter()
            .flat_map(|d| d.domains.iter().copied())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// What the registered VM must have; a domain is named by `domain_name` when it knows the
    /// id, else by its id. (`remembered` is the record's to set.)
    pub fn expected(&self, domain_name: &HashMap<Id, &str>) -> ExpectedVm {
        ExpectedVm {
            disks: self
                .disks
                .iter()
                .map(|d| ExpectedDisk {
                    id: d.id,
                    alias: d.alias.clone(),
                    domains: d
                        .domains
                        .iter()
                        .map(|sd| {
                            domain_name
                                .get(sd)
                                .map_or_else(|| sd.to_string(), |n| (*n).to_owned())
                        })
                        .collect(),
                })
                .collect(),
            nics: self.nics.clone(),
            affinity_groups: self.affinity_groups.clone(),
            affinity_labels: self.affinity_labels.clone(),
            remembered: false,
        }
    }
}

/// Reads the record of every VM of a site: one domain and one VM listing, the vNIC profiles, networks,
/// clusters' affinity groups and affinity labels, and each VM's disk attachments (a few at a
/// time).
///
/// # Errors
/// The first Engine error.
pub async fn read_source_record(engine: &dyn Engine) -> EngineResult<SourceRecord> {
    let every_vm = VmSearch::default();
    let (domains, vms, profiles, networks, clusters, labels, tags) = tokio::try_join!(
        engine.storage_domains(),
        engine.vms(&every_vm),
        engine.vnic_profiles(),
        engine.networks(),
        engine.clusters(),
        engine.affinity_labels(),
        engine.tags(),
    )?;
    let groups: Vec<_> = try_join_all(clusters.iter().map(|c| engine.affinity_groups(c.id)))
        .await?
        .into_iter()
        .flatten()
        .collect();
    let vms: Vec<_> = vms.into_iter().filter(|v| !v.is_hosted_engine()).collect();
    let mut attachments: HashMap<Id, Vec<crate::engine::DiskAttachment>> = HashMap::new();
    for chunk in vms.chunks(CONCURRENT_READS) {
        let lists = try_join_all(chunk.iter().map(|v| engine.vm_disk_attachments(v.id))).await?;
        attachments.extend(chunk.iter().map(|v| v.id).zip(lists));
    }
    // Without a tag (the run lock aside) no VM has one: no per-VM listing then.
    let tagged = tags
        .iter()
        .any(|t| t.name != crate::flow::lock::RUN_LOCK_TAG);
    let mut vm_tags: HashMap<Id, Vec<String>> = HashMap::new();
    for chunk in vms.chunks(CONCURRENT_READS).filter(|_| tagged) {
        let lists = try_join_all(chunk.iter().map(|v| engine.vm_tags(v.id))).await?;
        vm_tags.extend(
            chunk.iter().map(|v| v.id).zip(
                lists
                    .into_iter()
                    .map(|l| l.into_iter().map(|t| t.name).collect()),
            ),
        );
    }
    let up: Vec<Id> = vms
        .iter()
        .filter(|v| v.status == crate::engine::VmStatus::Up)
        .map(|v| v.id)
        .collect();
    let mut reported: HashMap<Id, Vec<crate::engine::ReportedDevice>> = HashMap::new();
    for chunk in up.chunks(CONCURRENT_READS) {
        let lists = try_join_all(chunk.iter().map(|v| engine.vm_reported_devices(*v))).await?;
        reported.extend(chunk.iter().copied().zip(lists));
    }
    let cluster_name: HashMap<Id, &str> =
        clusters.iter().map(|c| (c.id, c.name.as_str())).collect();
    let profile = crate::verify::site_state::profile_names(&profiles, &networks);
    let mut record = SourceRecord {
        read_at_ms: crate::execute::millis(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default(),
        ),
        vms: BTreeMap::new(),
        masters: domains.iter().filter(|d| d.master).map(|d| d.id).collect(),
        remembered: false,
    };
    for vm in &vms {
        let affinity_groups = groups
            .iter()
            .filter(|g| g.vms.contains(&vm.id))
            .map(|g| g.name.clone())
            .collect();
        let affinity_labels = labels
            .iter()
            .filter(|l| l.vms.contains(&vm.id))
            .map(|l| l.name.clone())
            .collect();
        record.vms.insert(
            vm.id,
            RecordedVm {
                name: vm.name.clone(),
                disks: attachments
                    .get(&vm.id)
                    .into_iter()
                    .flatten()
                    .map(|a| RecordedDisk {
                        id: a.disk,
                        alias: a.alias.clone(),
                        domains: if a.lun_id.is_some() {
                            Vec::new()
                        } else {
                            a.storage_domains.clone()
                        },
                    })
                    .collect(),
                nics: vm
                    .nics
                    .iter()
                    .map(|n| ExpectedNic {
                        name: n.name.clone(),
                        mac: n.mac.clone(),
                        network_profile: n.vnic_profile.and_then(|p| profile.get(&p).cloned()),
                    })
                    .collect(),
                affinity_groups,
                affinity_labels,
                cluster: vm
                    .cluster
                    .and_then(|c| cluster_name.get(&c))
                    .map(|c| (*c).to_owned())
                    .unwrap_or_default(),
                addresses: reported
                    .get(&vm.id)
                    .into_iter()
                    .flatten()
                    .filter(|d| !d.ips.is_empty())
                    .map(|d| RecordedAddress {
                        interface: d.name.clone(),
                        mac: d.mac.clone(),
                        ips: d.ips.clone(),
                    })
                    .collect(),
                tags: vm_tags.remove(&vm.id).unwrap_or_default(),
            },
        );
    }
    Ok(record)
}
