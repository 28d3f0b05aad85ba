//! Verification: does a site hold what the mapping (and a run) say it should, after a failover,
//! failback, switchover or drill?
//!
//! It compares, with one listing per collection:
//! - every mapped domain: known to the Engine, attached to its mapped data center, active;
//! - the domains' OVF stores: nothing left unregistered (a VM or template in an OVF store that
//!   the Engine does not have is something the run did not bring back);
//! - every registered VM with disks on the mapped domains: in a cluster the cluster mappings
//!   lead to, its NICs on profiles the network mappings lead to (or unplugged; with a drill's
//!   isolation, exactly the isolation profile), and up when the run started it.
//!
//! - with a run's expectations, every VM the run registered: there, with every disk its
//!   source recorded on the domains recorded, each NIC on the profile the network mappings
//!   lead to from the source's profile (scoped by the source data center), and in the affinity
//!   groups and labels the source gave it (through the name mappings).
//!
//! Each difference is a [`Difference`]; a clean verification has none.

pub(crate) mod site_state;
mod vm_checks;

pub use site_state::{
    DiskState, DomainState, DrState, NicState, TemplateState, VmState, read_dr_state,
};

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::Site;
use crate::engine::{Engine, EngineResult, ErrorKind, Id, StorageDomainStatus, VmSearch, VmStatus};
use crate::mapping::{ImportStorage, Mapping, NameMappingKind};

/// Where drill VMs' NICs must be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "profiles")]
pub enum Isolation {
    /// Every NIC unplugged.
    Unplugged,
    /// Every NIC on one of these profiles (the isolation profile of each data center).
    Profiles(Vec<Id>),
}

/// What a run adds to the mapping's expectations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expectations {
    /// VMs that must be up (those the run started).
    pub running: BTreeSet<Id>,
    /// The isolation a drill registered NICs with.
    pub isolation: Option<Isolation>,
    /// Only these mapped domains (names on either site), as the run was restricted; `None` =
    /// every mapped domain.
    pub domains: Option<Vec<String>>,
    /// The VMs the run registered, with what their source recorded of them.
    pub vms: BTreeMap<Id, crate::plan::DiscoveredVm>,
    /// VMs the run chose not to register (disks on domains it did not bring): expected to stay
    /// in the OVF stores.
    pub left_unregistered: BTreeSet<Id>,
}

/// One difference between what should be and what is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Difference {
    /// What it is about, e.g. `VM 'web01'`.
    pub entity: String,
    /// What is wrong.
    pub problem: String,
}

/// The result of verifying a site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    /// The site.
    pub site: Site,
    /// Mapped domains checked.
    pub domains: usize,
    /// Registered VMs checked.
    pub vms: usize,
    /// The differences found.
    pub differences: Vec<Difference>,
    /// VMs the run registered whose disks, NICs and affinity could not be compared with their
    /// source: the run had no record of it (the source gave no answer when it was planned).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unchecked: Vec<String>,
}

impl Verification {
    /// `true` when nothing differs.
    pub fn is_clean(&self) -> bool {
        self.differences.is_empty()
    }

    /// For humans: one line, then one line per difference.
    pub fn render(&self) -> String {
        let mut out = format!(
            "verification of the {} site: {} domains, {} VMs checked, {}\n",
            self.site,
            self.domains,
            self.vms,
            if self.is_clean() {
                "no differences".to_owned()
            } else {
                format!("{} differences", self.differences.len())
            }
        );
        for d in &self.differences {
            out.push_str(&format!("  - {}: {}\n", d.entity, d.problem));
        }
        if !self.unchecked.is_empty() {
            let shown: Vec<&str> = self.unchecked.iter().take(5).map(String::as_str).collect();
            out.push_str(&format!(
                "  {} VMs registered without a record of their source (it did not answer when the run was planned): \
                 their disks, NICs and affinity were not compared with it ('{}'{})\n",
                self.unchecked.len(),
                shown.join("', '"),
                if self.unchecked.len() > shown.len() { ", ..." } else { "" }
            ));
        }
        out
    }

    /// The document every front end prints (`olvm-dr verify --output json`, the Python
    /// package's `Verification.to_json`), with `run`: the id of the run whose expectations
    /// were checked (`None`: the mapping only).
    pub fn document<'a>(&'a self, run: Option<&'a str>) -> VerifyDocument<'a> {
        VerifyDocument {
            schema: VERIFY_SCHEMA,
            site: self.site,
            run,
            verification: self,
        }
    }
}

/// The schema id of [`VerifyDocument`] (docs/json-output.md): fields are only added within a
/// version, never renamed or removed.
pub const VERIFY_SCHEMA: &str = "olvm-dr/verify/v1";

/// A verification with the run it checked: `{"schema", "site", "run", "verification"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct VerifyDocument<'a> {
    /// [`VERIFY_SCHEMA`].
    pub schema: &'static str,
    /// The site verified.
    pub site: Site,
    /// The run whose expectations were checked, `None` for the mapping only.
    pub run: Option<&'a str>,
    /// What was found.
    pub verification: &'a Verification,
}

impl VerifyDocument<'_> {
    /// Pretty-printed.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// Verifies `site` against `mapping` and `expect`.
///
/// # Errors
/// The Engine error when a listing fails.
pub async fn verify_site(
    mapping: &Mapping,
    site: Site,
    engine: &dyn Engine,
    expect: &Expectations,
) -> EngineResult<Verification> {
    let (dcs, clusters, domains, profiles, networks) = tokio::try_join!(
        engine.data_centers(),
        engine.clusters(),
        engine.storage_domains(),
        engine.vnic_profiles(),
        engine.networks(),
    )?;
    let mut diffs: Vec<Difference> = Vec::new();
    let mut unchecked: Vec<String> = Vec::new();
    let mut diff = |entity: String, problem: String| diffs.push(Difference { entity, problem });

    let mut active: Vec<(Id, String)> = Vec::new();
    let mut checked_domains = 0usize;
    for storage in mapping
        .storages()
        .iter()
        .filter(|s| crate::plan::selection::selected(s, expect.domains.as_deref()))
    {
        checked_domains += 1;
        let name = storage.name(site).get().cloned();
        let id = storage.domain_id().and_then(|f| f.get().copied());
        let label = name
            .clone()
            .or_else(|| id.map(|i| i.to_string()))
            .unwrap_or_default();
        let entity = format!("storage domain '{label}'");
        let export = match storage {
            ImportStorage::Nfs(f) | ImportStorage::Glusterfs(f) | ImportStorage::Posixfs(f) => {
                let s = f.site(site);
                s.address.get().cloned().zip(s.path.get().cloned())
            }
            _ => None,
        };
        let found = id
            .and_then(|id| domains.iter().find(|d| d.id == id))
            .or_else(|| {
                name.as_ref()
                    .and_then(|n| domains.iter().find(|d| &d.name == n))
            })
            .or_else(|| {
                let (a, p) = export.as_ref()?;
                domains.iter().find(|d| {
                    d.storage.address.as_deref() == Some(a) && d.storage.path.as_deref() == Some(p)
                })
            });
        let Some(found) = found else {
            diff(entity, format!("not known to the {site} Engine"));
            continue;
        };
        let want_dc = storage
            .dc_name(site)
            .get()
            .and_then(|n| dcs.iter().find(|d| &d.name == n));
        let Some(&dc) = found.data_centers.first() else {
            diff(entity, "not attached to a data center".into());
            continue;
        };
        if let Some(want) = want_dc
            && want.id != dc
        {
            let actual = dcs
                .iter()
                .find(|d| d.id == dc)
                .map_or_else(|| dc.to_string(), |d| d.name.clone());
            diff(
                entity.clone(),
                format!(
                    "attached to data center '{actual}', the mapping says '{}'",
                    want.name
                ),
            );
        }
        match engine.attached_storage_domain(dc, found.id).await {
            Ok(a) if a.status == Some(StorageDomainStatus::Active) => {
                active.push((found.id, found.name.clone()))
            }
            Ok(a) => diff(
                entity,
                format!(
                    "is {}, not active",
                    a.status
                        .map_or("without status".to_owned(), |s| s.to_string())
                ),
            ),
            Err(e) if e.kind == ErrorKind::NotFound => diff(entity, "not attached".into()),
            Err(e) => return Err(e),
        }
    }

    // Nothing left behind in the OVF stores (an entity listed there whose id the Engine has is
    // registered: it kept a disk on another domain through the disaster).
    let all_vms = VmSearch::default();
    let (registered_vms, registered_templates) =
        tokio::try_join!(engine.vms(&all_vms), engine.templates())?;
    let vm_ids: HashSet<Id> = registered_vms.iter().map(|v| v.id).collect();
    let template_ids: HashSet<Id> = registered_templates.iter().map(|t| t.id).collect();
    for (sd, name) in &active {
        for t in engine.unregistered_templates(*sd).await? {
            if !template_ids.contains(&t.id) {
                diff(
                    format!("template '{}'", t.name),
                    format!("in the OVF store of '{name}' but not registered"),
                );
            }
        }
        for v in engine.unregistered_vms(*sd).await? {
            if !vm_ids.contains(&v.id) && !expect.left_unregistered.contains(&v.id) {
                diff(
                    format!("VM '{}'", v.name),
                    format!("in the OVF store of '{name}' but not registered"),
                );
            }
        }
    }

    // Registered VMs: cluster, NICs, running.
    let targets: HashSet<&str> = mapping
        .names(NameMappingKind::Cluster)
        .iter()
        .filter_map(|m| m.name(site).get().map(String::as_str))
        .collect();
    let network_name: HashMap<Id, &str> =
        networks.iter().map(|n| (n.id, n.name.as_str())).collect();
    let mapped_profiles: HashSet<Id> = mapping
        .networks()
        .iter()
        .filter_map(|m| {
            let s = m.site(site);
            s.profile_id.get().copied().or_else(|| {
                let (p, n) = (s.profile_name.get()?, s.network_name.get()?);
                profiles
                    .iter()
                    .find(|x| &x.name == p && network_name.get(&x.network) == Some(&n.as_str()))
                    .map(|x| x.id)
            })
        })
        .collect();
    let active_ids: HashSet<Id> = active.iter().map(|(id, _)| *id).collect();
    let mut checked = 0usize;
    for vm in &registered_vms {
        if !vm.storage_domains.iter().any(|d| active_ids.contains(d)) {
            continue;
        }
        {
            checked += 1;
            let entity = format!("VM '{}'", vm.name);
            let cluster = vm
                .cluster
                .and_then(|c| clusters.iter().find(|x| x.id == c))
                .map(|c| c.name.as_str());
            if !targets.is_empty() && !cluster.is_some_and(|c| targets.contains(c)) {
                diff(
                    entity.clone(),
                    format!(
                        "in cluster '{}', which no cluster mapping leads to",
                        cluster.unwrap_or("none")
                    ),
                );
            }
            for nic in &vm.nics {
                let ok = match (&expect.isolation, nic.vnic_profile) {
                    (Some(Isolation::Unplugged), _) => !nic.plugged,
                    (Some(Isolation::Profiles(want)), p) => p.is_some_and(|p| want.contains(&p)),
                    (None, None) => true,
                    (None, Some(p)) => mapped_profiles.is_empty() || mapped_profiles.contains(&p),
                };
                if !ok {
                    let profile = nic
                        .vnic_profile
                        .and_then(|p| profiles.iter().find(|x| x.id == p))
                        .map_or_else(
                            || "on no network".to_owned(),
                            |p| format!("on profile '{}'", p.name),
                        );
                    let actual = if nic.plugged {
                        format!("plugged, {profile}")
                    } else {
                        format!("unplugged, {profile}")
                    };
                    let want = match &expect.isolation {
                        Some(Isolation::Unplugged) => {
                            "unplugged (the drill's isolation)".to_owned()
                        }
                        Some(Isolation::Profiles(_)) => "the drill's isolation profile".to_owned(),
                        None => "on a profile the network mappings lead to".to_owned(),
                    };
                    diff(
                        entity.clone(),
                        format!("NIC '{}' is {actual}, expected {want}", nic.name),
                    );
                }
            }
            if expect.running.contains(&vm.id) && vm.status != VmStatus::Up {
                diff(entity, format!("is {}, expected up", vm.status));
            }
        }
    }

    // What the run recorded of each VM's source.
    if !expect.vms.is_empty() {
        let by_id: HashMap<Id, &crate::engine::Vm> =
            registered_vms.iter().map(|v| (v.id, v)).collect();
        let need_groups = expect.vms.values().any(|v| {
            v.expect
                .as_ref()
                .is_some_and(|e| !e.affinity_groups.is_empty())
        });
        let need_labels = expect.vms.values().any(|v| {
            v.expect
                .as_ref()
                .is_some_and(|e| !e.affinity_labels.is_empty())
        });
        let mut groups = Vec::new();
        if need_groups {
            let clusters_used: BTreeSet<Id> = expect
                .vms
                .keys()
                .filter_map(|id| by_id.get(id).and_then(|v| v.cluster))
                .collect();
            for c in clusters_used {
                groups.extend(engine.affinity_groups(c).await?);
            }
        }
        let labels = if need_labels {
            engine.affinity_labels().await?
        } else {
            Vec::new()
        };
        let views = vm_checks::SiteViews {
            mapping,
            site,
            data_centers: &dcs,
            profiles: &profiles,
            networks: &networks,
            domains: &domains,
            groups: &groups,
            labels: &labels,
            isolation: expect.isolation.as_ref(),
        };
        for (id, want) in &expect.vms {
            match (by_id.get(id), &want.expect) {
                (None, _) => diff(
                    format!("VM '{}'", want.name),
                    format!(
                        "is not registered on the {site} site ({id}), the run was to register it"
                    ),
                ),
                (Some(_), None) => unchecked.push(want.name.clone()),
                (Some(vm), Some(expect)) => {
                    for d in vm_checks::check_vm(&views, engine, vm, want, expect).await? {
                        diff(d.entity, d.problem);
                    }
                }
            }
        }
    }
    Ok(Verification {
        site,
        domains: checked_domains,
        vms: checked,
        differences: diffs,
        unchecked,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_names_the_site_and_the_run_around_the_verification() {
        let v = Verification {
            site: Site::Secondary,
            domains: 2,
            vms: 5,
            differences: vec![Difference {
                entity: "VM 'web01'".into(),
                problem: "down, expected up".into(),
            }],
            unchecked: Vec::new(),
        };
        let doc: serde_json::Value =
            serde_json::from_str(&v.document(Some("run-1")).to_json()).unwrap();
        assert_eq!(
            doc,
            serde_json::json!({
                "schema": "olvm-dr/verify/v1",
                "site": "secondary",
                "run": "run-1",
                "verification": {
                    "site": "secondary", "domains": 2, "vms": 5,
                    "differences": [{ "entity": "VM 'web01'", "problem": "down, expected up" }]
                }
            })
        );
        assert_eq!(
            serde_json::to_value(v.document(None)).unwrap()["run"],
            serde_json::Value::Null
        );
    }

    #[test]
    fn vms_without_a_source_record_are_named_as_unchecked() {
        let v = Verification {
            site: Site::Secondary,
            domains: 1,
            vms: 7,
            differences: Vec::new(),
            unchecked: (1..=7).map(|i| format!("vm{i}")).collect(),
        };
        assert!(v.is_clean(), "nothing was found to differ");
        let text = v.render();
        assert!(
            text.contains("7 VMs registered without a record of their source"),
            "{text}"
        );
        assert!(
            text.contains("'vm1', 'vm2', 'vm3', 'vm4', 'vm5', ...)"),
            "{text}"
        );
        let doc = serde_json::to_value(v.document(None)).unwrap();
        assert_eq!(doc["verification"]["unchecked"][6], "vm7");
    }
}
