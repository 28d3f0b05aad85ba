//! A site's DR-relevant state, read through any [`Engine`], and the same state seen through the
//! mapping from the other site: what a failover, and a failover followed by a failback, must
//! give back.
//!
//! It holds:
//! - data storage domains by name: storage type, data center, master, status;
//! - templates (the Blank template aside) by id: name, version number, base, status;
//! - VMs (the hosted-engine VM aside) by id: name, cluster, template, memory, CPUs, high
//!   availability, status; per VM its disks (id, alias, domains, virtual size, interface,
//!   bootable, active) and NICs (name, network, vNIC profile, MAC, plugged);
//! - affinity groups (cluster, name, member VMs by name) and affinity labels (name, member VMs);
//! - the vNIC profiles by data center, network and name (the inventory NICs land on).
//!
//! Permissions are not part of it: the [`Engine`] trait reads a VM's permissions only from its
//! OVF (unregistered), not from a registered VM.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::Site;
use crate::engine::{
    DiskInterface, Engine, EngineResult, ErrorKind, Id, Network, StorageDomainStatus,
    StorageDomainType, StorageType, TemplateStatus, VmSearch, VmStatus, VnicProfile,
};
use crate::mapping::{Mapping, NameMappingKind};

/// A storage domain's DR-relevant state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DomainState {
    /// How its storage is reached.
    pub storage_type: Option<StorageType>,
    /// Its data center, by name.
    pub data_center: Option<String>,
    /// The master domain of its data center.
    pub master: bool,
    /// Its status in its data center.
    pub status: Option<StorageDomainStatus>,
}

/// A template's DR-relevant state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TemplateState {
    /// Name.
    pub name: String,
    /// Version number in its chain.
    pub version: u32,
    /// The base of its chain.
    pub base: Option<Id>,
    /// Status.
    pub status: TemplateStatus,
}

/// A disk of a VM.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct DiskState {
    /// Id.
    pub id: Id,
    /// Alias.
    pub alias: String,
    /// Its domains by name (empty for a direct LUN).
    pub domains: Vec<String>,
    /// The LUN of a direct-LUN disk.
    pub lun: Option<String>,
    /// Virtual size in bytes.
    pub size: u64,
    /// Interface.
    pub interface: DiskInterface,
    /// Boot disk.
    pub bootable: bool,
    /// Plugged.
    pub active: bool,
}

/// A NIC of a VM.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct NicState {
    /// Name.
    pub name: String,
    /// Network and vNIC profile names; `None` on no network.
    pub network_profile: Option<(String, String)>,
    /// MAC.
    pub mac: Option<String>,
    /// Plugged.
    pub plugged: bool,
}

/// A VM's DR-relevant state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VmState {
    /// Name.
    pub name: String,
    /// Cluster name.
    pub cluster: Option<String>,
    /// Template (`None` for Blank).
    pub template: Option<Id>,
    /// Memory in bytes.
    pub memory: u64,
    /// Virtual CPUs.
    pub vcpus: u32,
    /// High availability and its priority.
    pub ha: (bool, i32),
    /// Status.
    pub status: VmStatus,
    /// The data center of its cluster, by name.
    pub data_center: Option<String>,
    /// Disks, by id.
    pub disks: Vec<DiskState>,
    /// NICs, by name.
    pub nics: Vec<NicState>,
}

/// Everything DR-relevant about one site.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct DrState {
    /// Data domains by name.
    pub domains: BTreeMap<String, DomainState>,
    /// Templates by id.
    pub templates: BTreeMap<Id, TemplateState>,
    /// VMs by id.
    pub vms: BTreeMap<Id, VmState>,
    /// Affinity groups by (cluster, name): member VMs by name.
    pub affinity_groups: BTreeMap<(String, String), BTreeSet<String>>,
    /// Affinity labels by name: member VMs by name.
    pub affinity_labels: BTreeMap<String, BTreeSet<String>>,
    /// vNIC profiles: (data center, network, profile) names.
    pub profiles: BTreeSet<(String, String, String)>,
}

/// Each vNIC profile's (network, profile) names, by the profile's id.
pub(crate) fn profile_names(
    profiles: &[VnicProfile],
    networks: &[Network],
) -> HashMap<Id, (String, String)> {
    let network_name: HashMap<Id, &str> =
        networks.iter().map(|n| (n.id, n.name.as_str())).collect();
    profiles
        .iter()
        .filter_map(|p| {
            let net = network_name.get(&p.network)?;
            Some((p.id, ((*net).to_owned(), p.name.clone())))
        })
        .collect()
}

/// Reads the DR-relevant state of a site.
///
/// # Errors
/// The Engine error of a failed read.
pub async fn read_dr_state(engine: &dyn Engine) -> EngineResult<DrState> {
    let all_vms = VmSearch::default();
    let (dcs, clusters, domains, profiles, networks, templates, vms, labels) = tokio::try_join!(
        engine.data_centers(),
        engine.clusters(),
        engine.storage_domains(),
        engine.vnic_profiles(),
        engine.networks(),
        engine.templates(),
        engine.vms(&all_vms),
        engine.affinity_labels(),
    )?;
    let dc_name: HashMap<Id, &str> = dcs.iter().map(|d| (d.id, d.name.as_str())).collect();
    let cluster_of: HashMap<Id, (&str, Option<Id>)> = clusters
        .iter()
        .map(|c| (c.id, (c.name.as_str(), c.data_center)))
        .collect();
    let domain_name: HashMap<Id, &str> = domains.iter().map(|d| (d.id, d.name.as_str())).collect();
    let mut state = DrState::default();
    for p in &profiles {
        if let Some(net) = networks.iter().find(|n| n.id == p.network) {
            let dc = dc_name.get(&net.data_center).map_or("", |n| n);
            state
                .profiles
                .insert((dc.to_owned(), net.name.clone(), p.name.clone()));
        }
    }
    let profile = profile_names(&profiles, &networks);

    for d in domains.iter().filter(|d| d.kind == StorageDomainType::Data) {
        let (data_center, status, master) = match d.data_centers.first() {
            None => (None, None, false),
            Some(&dc) => match engine.attached_storage_domain(dc, d.id).await {
                Ok(a) => (
                    dc_name.get(&dc).map(|n| (*n).to_owned()),
                    a.status,
                    a.master,
                ),
                Err(e) if e.kind == ErrorKind::NotFound => (None, None, false),
                Err(e) => return Err(e),
            },
        };
        state.domains.insert(
            d.name.clone(),
            DomainState {
                storage_type: d.storage.storage_type,
                data_center,
                master,
                status,
            },
        );
    }
    for t in templates.iter().filter(|t| !t.id.is_nil()) {
        state.templates.insert(
            t.id,
            TemplateState {
                name: t.name.clone(),
                version: t.version_number,
                base: t.base_template.filter(|b| *b != t.id),
                status: t.status,
            },
        );
    }
    let mut vm_name: HashMap<Id, String> = HashMap::new();
    for vm in vms.iter().filter(|v| !v.is_hosted_engine()) {
        vm_name.insert(vm.id, vm.name.clone());
        let mut disks: Vec<DiskState> = engine
            .vm_disk_attachments(vm.id)
            .await?
            .into_iter()
            .map(|a| {
                let mut domains: Vec<String> = a
                    .storage_domains
                    .iter()
                    .map(|sd| {
                        domain_name
                            .get(sd)
                            .map_or_else(|| sd.to_string(), |n| (*n).to_owned())
                    })
                    .collect();
                domains.sort();
                DiskState {
                    id: a.disk,
                    alias: a.alias,
                    domains,
                    lun: a.lun_id,
                    size: a.provisioned_size,
                    interface: a.interface,
                    bootable: a.bootable,
                    active: a.active,
                }
            })
            .collect();
        disks.sort();
        let mut nics: Vec<NicState> = vm
            .nics
            .iter()
            .map(|n| NicState {
                name: n.name.clone(),
                network_profile: n.vnic_profile.and_then(|p| profile.get(&p).cloned()),
                mac: n.mac.clone(),
                plugged: n.plugged,
            })
            .collect();
        nics.sort();
        let cluster = vm.cluster.and_then(|c| cluster_of.get(&c));
        state.vms.insert(
            vm.id,
            VmState {
                name: vm.name.clone(),
                cluster: cluster.map(|(n, _)| (*n).to_owned()),
                template: vm.template.filter(|t| !t.is_nil()),
                memory: vm.memory,
                vcpus: vm.vcpus,
                ha: (vm.high_availability.enabled, vm.high_availability.priority),
                status: vm.status,
                data_center: cluster
                    .and_then(|(_, dc)| dc.as_ref())
                    .and_then(|dc| dc_name.get(dc))
                    .map(|n| (*n).to_owned()),
                disks,
                nics,
            },
        );
    }
    for c in &clusters {
        for g in engine.affinity_groups(c.id).await? {
            let members = g
                .vms
                .iter()
                .filter_map(|v| vm_name.get(v).cloned())
                .collect();
            state
                .affinity_groups
                .insert((c.name.clone(), g.name.clone()), members);
        }
    }
    for l in labels {
        let members = l
            .vms
            .iter()
            .filter_map(|v| vm_name.get(v).cloned())
            .collect();
        state.affinity_labels.insert(l.name, members);
    }
    Ok(state)
}

impl DrState {
    /// What site `to`, now in state `onto`, must hold once this state of site `from` has
    /// failed over to it: `onto`'s own entities, plus this site's with the mapping applied —
    /// domain, data center, cluster, affinity group and label names mapped, each NIC on the
    /// profile its network mapping leads to in the VM's new data center (the Engine's choice
    /// among the mappings of a source profile: the one whose target exists there), the
    /// memberships of groups and labels that exist on `to` (the Engine drops the others at
    /// registration). Names the mapping does not map stay as they are, as the Engine keeps them.
    pub fn mapped(&self, mapping: &Mapping, from: Site, to: Site, onto: &DrState) -> DrState {
        let map_name =
            |kind: NameMappingKind, name: &str| mapped_name(mapping, kind, from, to, name);
        let map_domain = |name: &str| -> String {
            mapping
                .storages()
                .iter()
                .find(|s| s.name(from).get().map(String::as_str) == Some(name))
                .and_then(|s| s.name(to).get().cloned())
                .unwrap_or_else(|| name.to_owned())
        };
        let map_dc = |name: &str| -> String {
            mapping
                .storages()
                .iter()
                .find(|s| s.dc_name(from).get().map(String::as_str) == Some(name))
                .and_then(|s| s.dc_name(to).get().cloned())
                .unwrap_or_else(|| name.to_owned())
        };
        let exists = |dc: &str, pair: &(String, String)| {
            onto.profiles
                .contains(&(dc.to_owned(), pair.0.clone(), pair.1.clone()))
        };
        let map_nic = |dc: Option<&str>, pair: &(String, String)| -> Option<(String, String)> {
            let targets: Vec<Option<(String, String)>> = mapping
                .networks()
                .iter()
                .filter(|m| {
                    let s = m.site(from);
                    s.network_name.get() == Some(&pair.0) && s.profile_name.get() == Some(&pair.1)
                })
                .map(|m| {
                    let t = m.site(to);
                    t.network_name
                        .get()
                        .cloned()
                        .zip(t.profile_name.get().cloned())
                })
                .collect();
            let landed = |t: &(String, String)| dc.is_some_and(|d| exists(d, t));
            if targets.is_empty() {
                // No mapping: the Engine looks for the same names in the VM's cluster.
                return landed(pair).then(|| pair.clone());
            }
            targets.into_iter().flatten().find(|t| landed(t))
        };
        let map_lun = |lun: &str| -> String {
            mapping
                .luns()
                .iter()
                .find(|m| m.sites.get(from).logical_unit_id.get().map(String::as_str) == Some(lun))
                .and_then(|m| m.sites.get(to).logical_unit_id.get().cloned())
                .unwrap_or_else(|| lun.to_owned())
        };
        let mapped_here: Vec<&crate::mapping::ImportStorage> = mapping
            .storages()
            .iter()
            .filter(|s| {
                s.name(from)
                    .get()
                    .is_some_and(|n| self.domains.contains_key(n))
            })
            .collect();
        let mut out = onto.clone();
        for storage in &mapped_here {
            let Some(d) = storage.name(from).get().and_then(|n| self.domains.get(n)) else {
                continue;
            };
            let data_center = d.data_center.as_deref().map(map_dc);
            // The first domain attached to a data center without a master becomes its master:
            // the mapping's master for `to`, attached first.
            let has_master = onto
                .domains
                .values()
                .any(|x| x.master && x.data_center == data_center);
            out.domains.insert(
                storage
                    .name(to)
                    .get()
                    .cloned()
                    .unwrap_or_else(|| map_domain(storage.name(from).get().map_or("", |n| n))),
                DomainState {
                    data_center,
                    master: !has_master && storage.is_master(to),
                    ..d.clone()
                },
            );
        }
        let moved: BTreeSet<&str> = mapped_here
            .iter()
            .filter_map(|s| s.name(from).get().map(String::as_str))
            .collect();
        out.templates.extend(self.templates.clone());
        for (id, v) in self.vms.iter().filter(|(_, v)| {
            v.disks
                .iter()
                .any(|d| d.domains.iter().any(|n| moved.contains(n.as_str())))
        }) {
            let dc = v.data_center.as_deref().map(map_dc);
            let mut disks: Vec<DiskState> = v
                .disks
                .iter()
                .map(|d| {
                    let mut domains: Vec<String> =
                        d.domains.iter().map(|n| map_domain(n)).collect();
                    domains.sort();
                    DiskState {
                        domains,
                        lun: d.lun.as_deref().map(map_lun),
                        ..d.clone()
                    }
                })
                .collect();
            disks.sort();
            let mut nics: Vec<NicState> = v
                .nics
                .iter()
                .map(|n| NicState {
                    network_profile: n
                        .network_profile
                        .as_ref()
                        .and_then(|p| map_nic(dc.as_deref(), p)),
                    ..n.clone()
                })
                .collect();
            nics.sort();
            out.vms.insert(
                *id,
                VmState {
                    cluster: v
                        .cluster
                        .as_deref()
                        .map(|c| map_name(NameMappingKind::Cluster, c)),
                    data_center: dc,
                    disks,
                    nics,
                    ..v.clone()
                },
            );
        }
        for ((cluster, name), members) in &self.affinity_groups {
            let key = (
                map_name(NameMappingKind::Cluster, cluster),
                map_name(NameMappingKind::AffinityGroup, name),
            );
            if let Some(there) = out.affinity_groups.get_mut(&key) {
                there.extend(members.iter().cloned());
            }
        }
        for (name, members) in &self.affinity_labels {
            let key = map_name(NameMappingKind::AffinityLabel, name);
            if let Some(there) = out.affinity_labels.get_mut(&key) {
                there.extend(members.iter().cloned());
            }
        }
        out
    }

    /// This state of site `from` as a failover to `to` (in state `onto`) and back gives it
    /// back: the memberships of affinity groups and labels that `to` does not have are gone
    /// (the Engine drops them at registration there; online validation warns about them).
    pub fn after_round_trip(
        &self,
        mapping: &Mapping,
        from: Site,
        to: Site,
        onto: &DrState,
    ) -> DrState {
        let map_name =
            |kind: NameMappingKind, name: &str| mapped_name(mapping, kind, from, to, name);
        let mut out = self.clone();
        for ((cluster, name), members) in &mut out.affinity_groups {
            let there = (
                map_name(NameMappingKind::Cluster, cluster),
                map_name(NameMappingKind::AffinityGroup, name),
            );
            if !onto.affinity_groups.contains_key(&there) {
                members.clear();
            }
        }
        for (name, members) in &mut out.affinity_labels {
            if !onto
                .affinity_labels
                .contains_key(&map_name(NameMappingKind::AffinityLabel, name))
            {
                members.clear();
            }
        }
        out
    }

    /// Every difference between `self` (what is) and `want`, one line each; MACs of the NICs
    /// named in `reassigned` (VM id, NIC name) are not compared.
    pub fn differences(&self, want: &DrState, reassigned: &BTreeSet<(Id, String)>) -> Vec<String> {
        let mut out = Vec::new();
        diff_maps(
            "domain",
            &self.domains,
            &want.domains,
            &mut out,
            |_, a, b| (a != b).then(|| format!("is {a:?}, expected {b:?}")),
        );
        diff_maps(
            "template",
            &self.templates,
            &want.templates,
            &mut out,
            |_, a, b| (a != b).then(|| format!("is {a:?}, expected {b:?}")),
        );
        diff_maps("VM", &self.vms, &want.vms, &mut out, |id, a, b| {
            let mut a = a.clone();
            for n in &mut a.nics {
                if reassigned.contains(&(*id, n.name.clone())) {
                    n.mac = b
                        .nics
                        .iter()
                        .find(|x| x.name == n.name)
                        .and_then(|x| x.mac.clone());
                }
            }
            (&a != b).then(|| format!("'{}' is {a:?}, expected {b:?}", b.name))
        });
        diff_maps(
            "affinity group",
            &self.affinity_groups,
            &want.affinity_groups,
            &mut out,
            |_, a, b| (a != b).then(|| format!("has {a:?}, expected {b:?}")),
        );
        diff_maps(
            "affinity label",
            &self.affinity_labels,
            &want.affinity_labels,
            &mut out,
            |_, a, b| (a != b).then(|| format!("has {a:?}, expected {b:?}")),
        );
        out
    }
}

/// The name `to` gives what `from` calls `name` in the mapping's `kind` mappings; unmapped names
/// stay as they are, as the Engine keeps them.
fn mapped_name(
    mapping: &Mapping,
    kind: NameMappingKind,
    from: Site,
    to: Site,
    name: &str,
) -> String {
    mapping
        .names(kind)
        .iter()
        .find(|m| m.name(from).get().map(String::as_str) == Some(name))
        .and_then(|m| m.name(to).get().cloned())
        .unwrap_or_else(|| name.to_owned())
}

fn diff_maps<K: Ord + std::fmt::Debug, V>(
    what: &str,
    have: &BTreeMap<K, V>,
    want: &BTreeMap<K, V>,
    out: &mut Vec<String>,
    compare: impl Fn(&K, &V, &V) -> Option<String>,
) {
    for (k, w) in want {
        match have.get(k) {
            None => out.push(format!("{what} {k:?} is missing")),
            Some(h) => {
                if let Some(d) = compare(k, h, w) {
                    out.push(format!("{what} {k:?} {d}"));
                }
            }
        }
    }
    for k in have.keys().filter(|k| !want.contains_key(*k)) {
        out.push(format!("{what} {k:?} is there but not expected"));
    }
}
