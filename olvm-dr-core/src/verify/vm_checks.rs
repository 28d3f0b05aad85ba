//! What a run recorded of each VM's source (the plan's source record: disks, NICs, affinity),
//! checked against the VM the site holds now.

use std::collections::{HashMap, HashSet};

use super::{Difference, Isolation};
use crate::Site;
use crate::engine::{
    AffinityGroup, AffinityLabel, DataCenter, DiskAttachment, Engine, EngineResult, Id, Network,
    StorageDomain, Vm, VnicProfile,
};
use crate::mapping::{Mapping, NameMappingKind};
use crate::plan::{DiscoveredVm, ExpectedVm};

/// What the checks read once for every VM.
pub(super) struct SiteViews<'a> {
    pub(super) mapping: &'a Mapping,
    pub(super) site: Site,
    pub(super) data_centers: &'a [DataCenter],
    pub(super) profiles: &'a [VnicProfile],
    pub(super) networks: &'a [Network],
    pub(super) domains: &'a [StorageDomain],
    pub(super) groups: &'a [AffinityGroup],
    pub(super) labels: &'a [AffinityLabel],
    pub(super) isolation: Option<&'a Isolation>,
}

/// Every difference between `vm` as it is and what its source recorded (`expect`, of the
/// registration `want`).
pub(super) async fn check_vm(
    views: &SiteViews<'_>,
    engine: &dyn Engine,
    vm: &Vm,
    want: &DiscoveredVm,
    expect: &ExpectedVm,
) -> EngineResult<Vec<Difference>> {
    let entity = format!("VM '{}'", vm.name);
    let mut out = Vec::new();
    let mut diff = |problem: String| {
        out.push(Difference {
            entity: entity.clone(),
            problem,
        })
    };
    if !expect.disks.is_empty() {
        let attached = engine.vm_disk_attachments(vm.id).await?;
        for problem in disk_problems(views, expect, &attached) {
            diff(problem);
        }
    }
    // With profile isolation every NIC is on the isolation profile (checked by the caller);
    // unplugged NICs keep their mapped profiles, checked here like a failover's.
    if !matches!(views.isolation, Some(Isolation::Profiles(_))) {
        for problem in nic_problems(views, vm, want, expect) {
            diff(problem);
        }
    }
    for problem in affinity_problems(views, vm, expect) {
        diff(problem);
    }
    Ok(out)
}

fn domain_name(views: &SiteViews<'_>, id: Id) -> String {
    views
        .domains
        .iter()
        .find(|d| d.id == id)
        .map_or_else(|| id.to_string(), |d| d.name.clone())
}

fn disk_problems(
    views: &SiteViews<'_>,
    expect: &ExpectedVm,
    attached: &[DiskAttachment],
) -> Vec<String> {
    let by_id: HashMap<Id, &DiskAttachment> = attached.iter().map(|a| (a.disk, a)).collect();
    let mut out = Vec::new();
    for d in &expect.disks {
        let Some(a) = by_id.get(&d.id) else {
            out.push(if d.domains.is_empty() {
                format!("disk '{}' ({}, a direct LUN) is missing", d.alias, d.id)
            } else {
                format!(
                    "disk '{}' ({}) is missing: expected on '{}'",
                    d.alias,
                    d.id,
                    d.domains.join("', '")
                )
            });
            continue;
        };
        if d.domains.is_empty() {
            continue;
        }
        let mut have: Vec<String> = a
            .storage_domains
            .iter()
            .map(|sd| domain_name(views, *sd))
            .collect();
        let mut expected = d.domains.clone();
        have.sort();
        expected.sort();
        // Domain names may differ between the sites (a domain mapping): compare ids when the
        // names do not match, through the names this site gives the expected domains.
        if have != expected && !same_domains_by_id(views, &a.storage_domains, &d.domains) {
            out.push(format!(
                "disk '{}' ({}) is on '{}', expected on '{}'",
                d.alias,
                d.id,
                have.join("', '"),
                expected.join("', '")
            ));
        }
    }
    out
}

/// `true` when `ids` are the domains the names say, read as ids (a name recorded as an id).
fn same_domains_by_id(views: &SiteViews<'_>, ids: &[Id], names: &[String]) -> bool {
    let want: HashSet<String> = names.iter().cloned().collect();
    ids.iter().all(|i| {
        want.contains(&i.to_string())
            || views
                .domains
                .iter()
                .any(|d| d.id == *i && want.contains(&d.name))
    }) && ids.len() == names.len()
}

/// A NIC's place by names, (network, vNIC profile); `None` = on no network.
type Placement = Option<(String, String)>;

/// Where a mapping entry's target side leads on this site: (network, profile) names and the
/// data center of that network, when it exists here; `Some((None, ..))` for no network.
fn entry_target(
    views: &SiteViews<'_>,
    m: &crate::mapping::NetworkMapping,
) -> Option<(Placement, Option<Id>)> {
    let t = m.site(views.site);
    let found = |p: &VnicProfile| {
        let net = views.networks.iter().find(|n| n.id == p.network)?;
        Some((
            Some((net.name.clone(), p.name.clone())),
            Some(net.data_center),
        ))
    };
    if let Some(id) = t.profile_id.get() {
        return views.profiles.iter().find(|p| p.id == *id).and_then(found);
    }
    match (t.network_name.get(), t.profile_name.get()) {
        (Some(n), Some(p)) => {
            let dcs: Vec<Id> = views
                .profiles
                .iter()
                .filter(|x| &x.name == p)
                .filter_map(|x| views.networks.iter().find(|net| net.id == x.network))
                .filter(|net| &net.name == n)
                .map(|net| net.data_center)
                .collect();
            Some((Some((n.clone(), p.clone())), dcs.first().copied()))
        }
        _ => Some((None, None)),
    }
}

/// Where the mapping sends a NIC of source network/profile `pair` of a VM registered into data
/// center `dc` (by name): the entry whose target is a profile of that data center, as the run
/// chose it. `None` when nothing can be said (a target profile id this site does not have).
fn mapped_target(
    views: &SiteViews<'_>,
    dc: Option<&str>,
    pair: &(String, String),
) -> Option<Placement> {
    let source = views.site.other();
    let dc_id = dc.and_then(|n| {
        views
            .data_centers
            .iter()
            .find(|d| d.name == n)
            .map(|d| d.id)
    });
    let entries: Vec<_> = views
        .mapping
        .networks()
        .iter()
        .filter(|m| {
            let s = m.site(source);
            s.network_name.get() == Some(&pair.0) && s.profile_name.get() == Some(&pair.1)
        })
        .collect();
    if entries.is_empty() {
        // No mapping: the Engine keeps the source's names.
        return Some(Some(pair.clone()));
    }
    let targets: Vec<_> = entries
        .into_iter()
        .filter_map(|m| entry_target(views, m))
        .collect();
    let chosen = targets
        .iter()
        .find(|(_, d)| dc_id.is_some() && *d == dc_id)
        .or_else(|| targets.iter().find(|(_, d)| d.is_none()))
        .or_else(|| targets.first())?;
    Some(chosen.0.clone())
}

fn nic_problems(
    views: &SiteViews<'_>,
    vm: &Vm,
    want: &DiscoveredVm,
    expect: &ExpectedVm,
) -> Vec<String> {
    let mut out = Vec::new();
    for n in &expect.nics {
        let Some(nic) = vm.nics.iter().find(|x| x.name == n.name) else {
            out.push(format!("NIC '{}' is missing", n.name));
            continue;
        };
        let actual = nic.vnic_profile.and_then(|p| {
            let p = views.profiles.iter().find(|x| x.id == p)?;
            let net = views.networks.iter().find(|x| x.id == p.network)?;
            Some((net.name.clone(), p.name.clone()))
        });
        let expected = match &n.network_profile {
            None => Some(None),
            Some(pair) => mapped_target(views, want.target_dc.as_deref(), pair),
        };
        let Some(expected) = expected else { continue };
        if actual != expected {
            let show = |x: &Option<(String, String)>| match x {
                Some((net, prof)) => format!("profile '{prof}' of network '{net}'"),
                None => "no network".to_owned(),
            };
            out.push(format!(
                "NIC '{}' is on {}, expected {} (the source had {})",
                n.name,
                show(&actual),
                show(&expected),
                show(&n.network_profile)
            ));
        }
    }
    out
}

fn mapped_name(views: &SiteViews<'_>, kind: NameMappingKind, source_name: &str) -> String {
    let source = views.site.other();
    views
        .mapping
        .names(kind)
        .iter()
        .find(|m| m.name(source).get().map(String::as_str) == Some(source_name))
        .and_then(|m| m.name(views.site).get().cloned())
        .unwrap_or_else(|| source_name.to_owned())
}

fn affinity_problems(views: &SiteViews<'_>, vm: &Vm, expect: &ExpectedVm) -> Vec<String> {
    let mut out = Vec::new();
    for g in &expect.affinity_groups {
        let name = mapped_name(views, NameMappingKind::AffinityGroup, g);
        // A group the VM's cluster does not have here is dropped by the Engine at registration
        // (online validation warns about it), not lost by the run.
        let exists = views
            .groups
            .iter()
            .any(|x| x.name == name && Some(x.cluster) == vm.cluster);
        let member = !exists
            || views
                .groups
                .iter()
                .any(|x| x.name == name && Some(x.cluster) == vm.cluster && x.vms.contains(&vm.id));
        if !member {
            out.push(format!(
                "is not in affinity group '{name}' (the source had it in '{g}')"
            ));
        }
    }
    for l in &expect.affinity_labels {
        let name = mapped_name(views, NameMappingKind::AffinityLabel, l);
        let exists = views.labels.iter().any(|x| x.name == name);
        if exists
            && !views
                .labels
                .iter()
                .any(|x| x.name == name && x.vms.contains(&vm.id))
        {
            out.push(format!(
                "does not have affinity label '{name}' (the source had '{l}')"
            ));
        }
    }
    out
}
