//! Drift since the mapping was generated: the source's VMs on replicated domains that use a
//! cluster, vNIC profile, affinity group or affinity label the mapping does not map and the
//! target has no namesake of. The Engine registers with the source names when there is no
//! mapping, so a namesake is fine; without one, the VM's registration fails (cluster) or it
//! loses the NIC's network or its affinity (profile, group, label). One finding per entity,
//! naming the VMs.

use std::collections::{BTreeMap, HashSet};

use super::Ctx;
use super::capacity::target_cluster;
use super::out::{Out, some_of};
use super::storage::mapped_ids;
use crate::Severity;
use crate::engine::Id;
use crate::mapping::NameMappingKind;
use crate::validate::codes;

/// Entity name → the VMs using it.
type Users<'a> = BTreeMap<String, Vec<&'a str>>;

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Out) {
    let (Some(src), Some(tgt)) = (ctx.view(ctx.source), ctx.view(ctx.target)) else {
        return;
    };
    let (s, t) = (ctx.source, ctx.target);
    let mapped = mapped_ids(ctx, s);
    let sinv = src.idx.inventory();
    let tinv = tgt.idx.inventory();
    let mapped_names = |kind| -> HashSet<&str> {
        ctx.m
            .names(kind)
            .iter()
            .filter_map(|e| e.name(s).get().map(String::as_str))
            .collect()
    };
    let groups_mapped = mapped_names(NameMappingKind::AffinityGroup);
    let labels_mapped = mapped_names(NameMappingKind::AffinityLabel);
    let target_labels: HashSet<&str> = tinv
        .affinity_labels
        .iter()
        .map(|l| l.name.as_str())
        .collect();
    let profiles_mapped: HashSet<(&str, &str)> = ctx
        .m
        .networks()
        .iter()
        .filter_map(|e| {
            let x = e.site(s);
            Some((
                x.profile_name.get()?.as_str(),
                x.network_name.get()?.as_str(),
            ))
        })
        .collect();
    let mut group_of: BTreeMap<Id, Vec<&str>> = BTreeMap::new();
    for g in &sinv.affinity_groups {
        for vm in &g.vms {
            group_of.entry(*vm).or_default().push(g.name.as_str());
        }
    }
    let mut label_of: BTreeMap<Id, Vec<&str>> = BTreeMap::new();
    for l in &sinv.affinity_labels {
        for vm in &l.vms {
            label_of.entry(*vm).or_default().push(l.name.as_str());
        }
    }
    let (mut clusters, mut profiles, mut groups, mut labels) =
        (Users::new(), Users::new(), Users::new(), Users::new());
    let mut vms: Vec<_> = sinv
        .vms
        .iter()
        .filter(|v| !v.is_hosted_engine() && v.storage_domains.iter().any(|d| mapped.contains(d)))
        .collect();
    vms.sort_by(|a, b| a.name.cmp(&b.name));
    for vm in vms {
        let name = vm.name.as_str();
        if let Some(c) = vm.cluster.and_then(|c| src.idx.cluster(c)) {
            let (target_name, entry) = target_cluster(ctx, &c.name);
            if entry.is_none() && tgt.idx.cluster_named(&target_name).is_none() {
                clusters.entry(c.name.clone()).or_default().push(name);
            }
        }
        for nic in &vm.nics {
            let Some(p) = nic.vnic_profile.and_then(|p| src.idx.profile(p)) else {
                continue;
            };
            let Some(net) = src.idx.network(p.network) else {
                continue;
            };
            if !profiles_mapped.contains(&(p.name.as_str(), net.name.as_str()))
                && tgt.idx.profiles_named(&p.name, &net.name).is_empty()
            {
                let key = format!("'{}' of network '{}'", p.name, net.name);
                let users = profiles.entry(key).or_default();
                if users.last() != Some(&name) {
                    users.push(name);
                }
            }
        }
        for g in group_of.get(&vm.id).into_iter().flatten() {
            if !groups_mapped.contains(g) && tgt.idx.affinity_groups_named(g).is_empty() {
                groups.entry((*g).to_owned()).or_default().push(name);
            }
        }
        for l in label_of.get(&vm.id).into_iter().flatten() {
            if !labels_mapped.contains(l) && !target_labels.contains(l) {
                labels.entry((*l).to_owned()).or_default().push(name);
            }
        }
    }
    let report = |out: &mut Out,
                  users: Users<'_>,
                  code,
                  severity,
                  what: &str,
                  key: &str,
                  effect: &str| {
        for (entity, vms) in users {
            let quoted = if entity.starts_with('\'') {
                entity.clone()
            } else {
                format!("'{entity}'")
            };
            out.about(
                severity,
                code,
                s,
                format!("{what} {quoted}"),
                format!(
                    "{what} {quoted} of the {s} site is used by {} VM(s) on replicated domains ({}), but {key} does not map it and the {t} site has none of that name: {effect}",
                    vms.len(),
                    some_of(&vms),
                ),
            )
            .hint = Some(format!("add it to {key} (olvm-dr generate lists the current {what}s)"));
        }
    };
    report(
        out,
        clusters,
        codes::DRIFT_CLUSTER,
        Severity::Error,
        "cluster",
        "dr_cluster_mappings",
        "their registration fails",
    );
    report(
        out,
        profiles,
        codes::DRIFT_PROFILE,
        Severity::Warning,
        "vNIC profile",
        "dr_network_mappings",
        "their NICs come up without a network",
    );
    report(
        out,
        groups,
        codes::DRIFT_AFFINITY_GROUP,
        Severity::Warning,
        "affinity group",
        "dr_affinity_group_mappings",
        "they lose that affinity",
    );
    report(
        out,
        labels,
        codes::DRIFT_AFFINITY_LABEL,
        Severity::Warning,
        "affinity label",
        "dr_affinity_label_mappings",
        "they lose that label",
    );
}
