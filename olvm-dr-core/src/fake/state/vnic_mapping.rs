//! Which vNIC profile a NIC from an OVF gets on registration: the Engine's `MapVnicFlow`
//! (ovirt-engine `bll/exportimport/vnics`).
//!
//! * No mapping matches the NIC's (network, profile): the profile of the same name on the
//!   network of the same name, if that network is attached to the cluster; else no profile.
//! * A mapping to a profile id: that profile if it exists and its network is attached to the
//!   cluster; else the fallback above. The empty GUID is such an id that does not exist, so it
//!   does *not* unplug the NIC by itself: it falls back to the source names.
//! * A mapping to profile and network names: both empty means no profile (the NIC stays
//!   unplugged, [`VnicTarget::Unplugged`]); else that profile if it exists on an attached network;
//!   else the fallback above.
//!
//! A mapping matches a NIC when its source network and profile equal the NIC's, an empty source
//! name matching a NIC without network or profile (`ExternalVnicProfileMapping.isSameSourceProfile`).

use crate::engine::{Id, OvfNic, VnicProfileMapping, VnicTarget};

use super::inventory::{ClusterRec, Inventory};

fn same_source(m: &VnicProfileMapping, nic: &OvfNic) -> bool {
    let matches = |source: &str, actual: &Option<String>| match actual {
        Some(a) => a == source,
        None => source.is_empty(),
    };
    matches(&m.source_network, &nic.network_name) && matches(&m.source_profile, &nic.profile_name)
}

/// The profile NIC `nic` gets in `cluster`, given the registration's mappings.
pub(crate) fn map_vnic(
    inv: &Inventory,
    cluster: &ClusterRec,
    nic: &OvfNic,
    mappings: &[VnicProfileMapping],
) -> Option<Id> {
    let by_source = || match (&nic.profile_name, &nic.network_name) {
        (Some(p), Some(n)) => inv.profile_in_cluster(cluster, p, n),
        _ => None,
    };
    let Some(mapping) = mappings.iter().find(|m| same_source(m, nic)) else {
        return by_source();
    };
    match &mapping.target {
        VnicTarget::Profile(id) => inv
            .profiles
            .get(id)
            .filter(|p| cluster.networks.contains(&p.network))
            .map(|p| p.id)
            .or_else(by_source),
        VnicTarget::ProfileByName { profile, network } => {
            if profile.is_empty() && network.is_empty() {
                None
            } else {
                inv.profile_in_cluster(cluster, profile, network)
                    .or_else(by_source)
            }
        }
        VnicTarget::Unplugged => None,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::super::inventory::{NetworkRec, ProfileRec};
    use super::*;

    fn fixture() -> (Inventory, ClusterRec) {
        let dc = Id::from_u128(1);
        let mut inv = Inventory::default();
        for (i, net) in ["red", "blue", "detached"].iter().enumerate() {
            inv.add_network(NetworkRec {
                id: Id::from_u128(10 + i as u128),
                name: (*net).into(),
                dc,
                vlan: None,
            });
            inv.add_profile(ProfileRec {
                id: Id::from_u128(20 + i as u128),
                name: "gold".into(),
                network: Id::from_u128(10 + i as u128),
            });
        }
        let cluster = ClusterRec {
            id: Id::from_u128(2),
            name: "c".into(),
            dc,
            version: crate::engine::Version::new(4, 7),
            mac_pool: Id::NIL,
            cpu_architecture: "x86_64".into(),
            networks: HashSet::from([Id::from_u128(10), Id::from_u128(11)]),
            memory_overcommit: 100,
        };
        (inv, cluster)
    }

    fn nic(profile: &str, network: &str) -> OvfNic {
        OvfNic {
            name: "nic1".into(),
            mac: None,
            profile_name: Some(profile.into()),
            network_name: Some(network.into()),
            plugged: true,
        }
    }

    fn mapping(target: VnicTarget) -> VnicProfileMapping {
        VnicProfileMapping {
            source_network: "red".into(),
            source_profile: "gold".into(),
            target,
        }
    }

    #[test]
    fn follows_the_engine_flow() {
        let (inv, c) = fixture();
        let red_gold = Id::from_u128(20);
        let blue_gold = Id::from_u128(21);
        // No mapping: same names.
        assert_eq!(map_vnic(&inv, &c, &nic("gold", "red"), &[]), Some(red_gold));
        // No mapping, network not attached to the cluster: no profile.
        assert_eq!(map_vnic(&inv, &c, &nic("gold", "detached"), &[]), None);
        // By id.
        let m = [mapping(VnicTarget::Profile(blue_gold))];
        assert_eq!(map_vnic(&inv, &c, &nic("gold", "red"), &m), Some(blue_gold));
        // The empty GUID falls back to the source names.
        let m = [mapping(VnicTarget::Profile(Id::NIL))];
        assert_eq!(map_vnic(&inv, &c, &nic("gold", "red"), &m), Some(red_gold));
        // Empty names: no profile.
        let m = [mapping(VnicTarget::ProfileByName {
            profile: String::new(),
            network: String::new(),
        })];
        assert_eq!(map_vnic(&inv, &c, &nic("gold", "red"), &m), None);
        // Target names that do not exist: source fallback.
        let m = [mapping(VnicTarget::ProfileByName {
            profile: "x".into(),
            network: "y".into(),
        })];
        assert_eq!(map_vnic(&inv, &c, &nic("gold", "red"), &m), Some(red_gold));
        assert_eq!(
            map_vnic(
                &inv,
                &c,
                &nic("gold", "red"),
                &[mapping(VnicTarget::Unplugged)]
            ),
            None
        );
    }
}
