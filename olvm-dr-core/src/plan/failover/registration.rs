//! The registration settings of a failover: the mapping's name, vNIC-profile and LUN mappings
//! turned toward the target, checked against the target's live profiles.

use super::FailoverOptions;
use super::state::SiteState;
use crate::Site;
use crate::engine::{
    Id, LunMapping, LunTarget, NameMapping, Registration, StorageType, VnicProfileMapping,
    VnicTarget,
};
use crate::mapping::{DEFAULT_ISCSI_PORT, Mapping, NameMappingKind};
use crate::plan::{NoteLevel, PlanNote, RegistrationSettings};

fn note(notes: &mut Vec<PlanNote>, level: NoteLevel, text: String) {
    notes.push(PlanNote { level, text });
}

fn line(pos: crate::mapping::Pos) -> String {
    format!("line {}", pos.line)
}

/// The name mappings of one kind, source name → target name. Entries with either side not
/// filled in are left out (the role would send its `EMPTY_ELEMENT` sentinel instead).
fn names(
    mapping: &Mapping,
    kind: NameMappingKind,
    source: Site,
    target: Site,
    notes: &mut Vec<PlanNote>,
) -> Vec<NameMapping> {
    let mut out = Vec::new();
    for m in mapping.names(kind) {
        match (m.name(source).get(), m.name(target).get()) {
            (Some(from), Some(to)) => out.push(NameMapping::new(from.clone(), to.clone())),
            (None, None) => {}
            (from, _) => note(
                notes,
                NoteLevel::Warning,
                format!(
                    "{} mapping at {} ({}) has no {} name: it is not applied",
                    kind.entity(),
                    line(m.pos),
                    from.map_or("unnamed", String::as_str),
                    if from.is_some() { target } else { source }
                ),
            ),
        }
    }
    out
}

/// vNIC profile mappings toward `target`, each target resolved to a live profile id.
fn vnic_mappings(
    mapping: &Mapping,
    source: Site,
    target: Site,
    state: &SiteState,
    notes: &mut Vec<PlanNote>,
) -> Vec<(VnicProfileMapping, Option<String>)> {
    let mut out = Vec::new();
    for m in mapping.networks() {
        let (s, t) = (m.site(source), m.site(target));
        let (Some(src_net), Some(src_prof)) = (s.network_name.get(), s.profile_name.get()) else {
            note(
                notes,
                NoteLevel::Warning,
                format!(
                    "network mapping at {} has no {source} network or profile name: it is not applied",
                    line(m.pos)
                ),
            );
            continue;
        };
        let what = format!("NICs on profile '{src_prof}' of network '{src_net}'");
        let by_id = t.profile_id.get().copied();
        let by_name = match (t.profile_name.get(), t.network_name.get()) {
            (Some(p), Some(n)) => state.profile(p, n, t.network_dc.get().map(String::as_str)),
            _ => None,
        };
        let target_profile = match (by_id, by_name) {
            (Some(id), _) if state.profiles.iter().any(|p| p.id == id) => VnicTarget::Profile(id),
            (Some(id), found) => {
                note(
                    notes,
                    NoteLevel::Warning,
                    format!(
                        "network mapping at {}: {target} profile id {id} does not exist on the {target} site{}",
                        line(m.pos),
                        if found.is_some() {
                            "; using the profile of the same name instead"
                        } else {
                            ""
                        }
                    ),
                );
                match found {
                    Some(p) => VnicTarget::Profile(p.id),
                    None => {
                        note(
                            notes,
                            NoteLevel::Warning,
                            format!("{what} will be unplugged from any network"),
                        );
                        VnicTarget::Unplugged
                    }
                }
            }
            (None, Some(p)) => VnicTarget::Profile(p.id),
            (None, None) => {
                let named = t.profile_name.get().zip(t.network_name.get());
                let why = match named {
                    Some((p, n)) => {
                        format!("there is no profile '{p}' on network '{n}' on the {target} site")
                    }
                    None => format!("the mapping gives no {target} profile"),
                };
                note(
                    notes,
                    NoteLevel::Warning,
                    format!(
                        "{what} will be unplugged from any network: {why} (network mapping at {})",
                        line(m.pos)
                    ),
                );
                VnicTarget::Unplugged
            }
        };
        let dc = target_dc(state, &target_profile);
        out.push((
            VnicProfileMapping {
                source_network: src_net.clone(),
                source_profile: src_prof.clone(),
                target: target_profile,
            },
            dc,
        ));
    }
    out
}

/// The data center (on the target) of the profile a vNIC mapping leads to, by name.
fn target_dc(state: &SiteState, target: &VnicTarget) -> Option<String> {
    let VnicTarget::Profile(id) = target else {
        return None;
    };
    let profile = state.profiles.iter().find(|p| p.id == *id)?;
    let network = state.networks.iter().find(|n| n.id == profile.network)?;
    state
        .data_centers
        .iter()
        .find(|d| d.id == network.data_center)
        .map(|d| d.name.clone())
}

/// Direct-LUN mappings toward `target`. CHAP passwords are filled in at run time.
fn lun_mappings(
    mapping: &Mapping,
    source: Site,
    target: Site,
    notes: &mut Vec<PlanNote>,
) -> Vec<LunMapping> {
    let mut out = Vec::new();
    for m in mapping.luns() {
        let (s, t) = (m.site(source), m.site(target));
        let (Some(from), Some(to)) = (s.logical_unit_id.get(), t.logical_unit_id.get()) else {
            note(
                notes,
                NoteLevel::Warning,
                format!(
                    "LUN mapping at {} lacks a {source} or {target} LUN id: it is not applied",
                    line(m.pos)
                ),
            );
            continue;
        };
        let storage_type = t.storage_type.get().copied();
        let iscsi = storage_type == Some(StorageType::Iscsi);
        let target_lun = LunTarget {
            lun_id: to.clone(),
            storage_type,
            alias: m.alias.get().cloned(),
            address: t.address.get().cloned(),
            port: iscsi.then(|| t.port.get().copied().unwrap_or(DEFAULT_ISCSI_PORT)),
            // The portal group tag; "1" is the role's default and the common one.
            portal: iscsi.then(|| t.portal.get().cloned().unwrap_or_else(|| "1".to_owned())),
            target: t.target.get().cloned(),
            username: t.username.get().cloned(),
            password: None,
        };
        // An OVF written while the VM ran on `target` (a failback whose stores the returning
        // Engine has not rewritten yet, a drill's copy of them) names `target`'s own LUN. The
        // Engine looks the OVF's LUN id up in the map and, without an entry, keeps the OVF's
        // connection, which never holds the CHAP credentials (`ImportVmFromConfigurationCommand`,
        // `DrMappingHelper.mapExternalLunDisks`): the LUN is then refused, or dropped by a
        // partial import. Mapping `target`'s LUN onto itself gives it the connection details.
        if to != from {
            out.push(LunMapping {
                source_lun_id: to.clone(),
                source_storage_type: storage_type,
                target: target_lun.clone(),
            });
        }
        out.push(LunMapping {
            source_lun_id: from.clone(),
            source_storage_type: s.storage_type.get().copied(),
            target: target_lun,
        });
    }
    out
}

/// Everything sent with registrations on `target`.
pub(crate) fn settings(
    mapping: &Mapping,
    source: Site,
    target: Site,
    state: &SiteState,
    options: &FailoverOptions,
    notes: &mut Vec<PlanNote>,
) -> RegistrationSettings {
    let clusters = names(mapping, NameMappingKind::Cluster, source, target, notes);
    let roles = names(mapping, NameMappingKind::Role, source, target, notes);
    let domains = names(mapping, NameMappingKind::Domain, source, target, notes);
    let groups = names(
        mapping,
        NameMappingKind::AffinityGroup,
        source,
        target,
        notes,
    );
    let labels = names(
        mapping,
        NameMappingKind::AffinityLabel,
        source,
        target,
        notes,
    );
    let (vnics, vnic_dcs): (Vec<_>, Vec<_>) = vnic_mappings(mapping, source, target, state, notes)
        .into_iter()
        .unzip();
    let luns = lun_mappings(mapping, source, target, notes);
    let template = Registration {
        cluster: None,
        allow_partial_import: options.partial_import,
        reassign_bad_macs: false,
        cluster_mappings: clusters.clone(),
        role_mappings: roles.clone(),
        domain_mappings: domains.clone(),
        affinity_group_mappings: Vec::new(),
        affinity_label_mappings: Vec::new(),
        vnic_profile_mappings: vnics.clone(),
        lun_mappings: Vec::new(),
    };
    let vm = Registration {
        cluster: None,
        allow_partial_import: options.partial_import,
        reassign_bad_macs: options.reassign_bad_macs,
        cluster_mappings: clusters,
        role_mappings: roles,
        domain_mappings: domains,
        affinity_group_mappings: groups,
        affinity_label_mappings: labels,
        vnic_profile_mappings: vnics,
        lun_mappings: luns,
    };
    RegistrationSettings {
        vm,
        template,
        vnic_dcs,
    }
}

/// The clusters of `target` that registered VMs go to, with the networks attached to each: the
/// clusters the cluster mappings name on `target`, or with no cluster mapping every cluster of
/// the data centers the storage entries name there.
pub(crate) async fn receiving_cluster_networks(
    mapping: &Mapping,
    target: Site,
    engine: &dyn crate::engine::Engine,
    state: &SiteState,
) -> crate::engine::EngineResult<Vec<(String, Vec<Id>)>> {
    let mapped: Vec<&str> = mapping
        .names(NameMappingKind::Cluster)
        .iter()
        .filter_map(|m| m.name(target).get().map(String::as_str))
        .collect();
    let dcs: Vec<Id> = mapping
        .storages()
        .iter()
        .filter_map(|s| s.dc_name(target).get())
        .filter_map(|n| state.data_center(n).map(|d| d.id))
        .collect();
    let clusters = state.clusters.iter().filter(|c| {
        if mapped.is_empty() {
            c.data_center.is_some_and(|d| dcs.contains(&d))
        } else {
            mapped.contains(&c.name.as_str())
        }
    });
    let reads = clusters.map(|c| async move {
        let nets = engine.cluster_networks(c.id).await?;
        Ok::<_, crate::engine::EngineError>((
            c.name.clone(),
            nets.into_iter().map(|n| n.id).collect(),
        ))
    });
    futures_util::future::try_join_all(reads).await
}

/// Resolves `--isolate profile=NAME[/NETWORK]`: networks belong to one data center, so the
/// target is given to the Engine by names, and it picks the profile of that name on the
/// network of that name attached to each VM's cluster. Every receiving cluster must have one;
/// otherwise the Engine would fall back to the source's profile names — production networks.
/// Returns the mapping target and the ids of the profiles the NICs may end up on.
fn isolation_profile(
    spec: &str,
    target: Site,
    state: &SiteState,
    cluster_networks: &[(String, Vec<Id>)],
) -> Result<(VnicTarget, Vec<Id>), String> {
    let (name, network) = match spec.split_once('/') {
        Some((p, n)) => (p, Some(n)),
        None => (spec, None),
    };
    let network_name = |id: Id| {
        state
            .networks
            .iter()
            .find(|n| n.id == id)
            .map(|n| n.name.as_str())
    };
    let found: Vec<_> = state
        .profiles
        .iter()
        .filter(|p| p.name == name && network.is_none_or(|n| network_name(p.network) == Some(n)))
        .collect();
    let mut networks: Vec<&str> = found
        .iter()
        .filter_map(|p| network_name(p.network))
        .collect();
    networks.sort_unstable();
    networks.dedup();
    let network = match networks.as_slice() {
        [] => {
            return Err(format!(
                "there is no vNIC profile '{spec}' on the {target} site for the drill's isolation"
            ));
        }
        [one] => *one,
        several => {
            return Err(format!(
                "vNIC profile '{name}' is on networks '{}' of the {target} site: write --isolate profile={name}/NETWORK",
                several.join("', '")
            ));
        }
    };
    let missing: Vec<&str> = cluster_networks
        .iter()
        .filter(|(_, nets)| !found.iter().any(|p| nets.contains(&p.network)))
        .map(|(cluster, _)| cluster.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "no network '{network}' with vNIC profile '{name}' is attached to cluster(s) '{}' of the {target} site: \
             the Engine would put drill NICs there on the profile of the same name as at the source, a production network",
            missing.join("', '")
        ));
    }
    Ok((
        VnicTarget::ProfileByName {
            profile: name.to_owned(),
            network: network.to_owned(),
        },
        found.iter().map(|p| p.id).collect(),
    ))
}

/// A drill's isolation choice with what the planner read for it.
pub(crate) struct IsolationInputs<'a> {
    /// The choice.
    pub(crate) isolation: &'a super::NicIsolation,
    /// Every (network, profile) pair of the source (empty when it did not answer).
    pub(crate) source_pairs: &'a [(String, String)],
    /// The clusters registered VMs go to, with their networks (profile isolation only).
    pub(crate) cluster_networks: &'a [(String, Vec<Id>)],
}

/// Applies a drill's NIC isolation: every (network, profile) pair of the source — or, when the
/// source cannot tell, of the mapping — goes to the isolation target, so no NIC falls back to a
/// production profile of the same name. Returns where the NICs go, for the verification.
pub(crate) fn isolate(
    settings: &mut RegistrationSettings,
    mapping: &Mapping,
    target: Site,
    state: &SiteState,
    inputs: &IsolationInputs<'_>,
    notes: &mut Vec<PlanNote>,
) -> Result<Option<crate::verify::Isolation>, String> {
    let IsolationInputs {
        isolation,
        source_pairs,
        cluster_networks,
    } = *inputs;
    let (to, verify) = match isolation {
        super::NicIsolation::None => return Ok(None),
        super::NicIsolation::Unplugged => {
            // oVirt's meaning: the NICs keep the profiles the mappings give them and are
            // unplugged after registration, before any start; a test connects them one by one.
            note(
                notes,
                NoteLevel::Info,
                "drill isolation: every NIC keeps its mapped vNIC profile and is unplugged (plugged=false) before the VM starts".to_owned(),
            );
            return Ok(Some(crate::verify::Isolation::Unplugged));
        }
        super::NicIsolation::Profile(spec) => {
            let (to, profiles) = isolation_profile(spec, target, state, cluster_networks)?;
            (to, crate::verify::Isolation::Profiles(profiles))
        }
    };
    let source = target.other();
    let mut pairs: Vec<(String, String)> = source_pairs.to_vec();
    if pairs.is_empty() {
        pairs = mapping
            .networks()
            .iter()
            .filter_map(|m| {
                let s = m.site(source);
                Some((s.network_name.get()?.clone(), s.profile_name.get()?.clone()))
            })
            .collect();
        note(
            notes,
            NoteLevel::Warning,
            format!(
                "the {source} site did not list its vNIC profiles: isolation covers the {} pairs of the mapping; the verification after the run checks every NIC",
                pairs.len()
            ),
        );
    }
    pairs.sort();
    pairs.dedup();
    let mappings: Vec<VnicProfileMapping> = pairs
        .into_iter()
        .map(|(network, profile)| VnicProfileMapping {
            source_network: network,
            source_profile: profile,
            target: to.clone(),
        })
        .collect();
    note(
        notes,
        NoteLevel::Info,
        format!(
            "drill isolation: every NIC ({} source profiles) goes {}",
            mappings.len(),
            match &to {
                VnicTarget::Unplugged => "unplugged from any network".to_owned(),
                _ => format!(
                    "to the isolation profile '{}'",
                    match isolation {
                        super::NicIsolation::Profile(p) => p.as_str(),
                        _ => "",
                    }
                ),
            }
        ),
    );
    settings.vm.vnic_profile_mappings = mappings.clone();
    settings.template.vnic_profile_mappings = mappings;
    // Every source pair goes to the isolation, whatever its data center.
    settings.vnic_dcs.clear();
    Ok(Some(verify))
}
