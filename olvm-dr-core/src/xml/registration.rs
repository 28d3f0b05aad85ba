//! The body of `POST /storagedomains/{sd}/vms/{id}/register` (and `.../templates/{id}/register`):
//! an `<action>` with the cluster, the flags and the full `registration_configuration`, exactly
//! as the SDK sends it (reference §4.5), in the SDK's element order (`tests/sdk/test_request_xml.py`
//! compares the two):
//!
//! - cluster, role, authz-domain, affinity-group and affinity-label mappings are
//!   `from/name` → `to/name`;
//! - a LUN mapping is keyed on `from/lun_storage/logical_units/logical_unit@id` (what the Engine
//!   reads, not the model's `from@id`); `to` is a whole LUN disk: alias, type, the logical unit
//!   with address, port, portal, target and CHAP credentials;
//! - a vNIC mapping has `from/name` (profile) and `from/network/name`; `to` is `<to id="…"/>`,
//!   or `<to><name/><network><name/></network></to>`, and the empty GUID for "no profile".
//!
//! Templates ignore the MAC, affinity and LUN parts; the same body serves both.
//!
//! Reading applies the Engine's rules: a name or LUN mapping without `from` or `to` is refused
//! with the Engine's message (`Cluster name is missing from source.`); a vNIC mapping whose
//! `from` lacks the profile or network name, or that has no `to`, is ignored, as the Engine
//! ignores it. The deprecated action-level `vnic_profile_mappings` are read when
//! `registration_configuration` has none.

use super::{Node, XmlError, XmlWriter, expect_root, parse};
use crate::Secret;
use crate::engine::{
    EntityRef, Id, LunMapping, LunTarget, NameMapping, Registration, VnicProfileMapping, VnicTarget,
};

/// The name mappings: list tag, item tag, the Engine's word for the entity in its messages,
/// and the accessor, in the order the Engine reads them (which decides the message when more
/// than one is incomplete).
type NameList = fn(&Registration) -> &Vec<NameMapping>;
const NAME_LISTS: [(&str, &str, &str, &str, NameList); 5] = [
    (
        "cluster_mappings",
        "registration_cluster_mapping",
        "Cluster name",
        "Cluster name",
        |r| &r.cluster_mappings,
    ),
    (
        "role_mappings",
        "registration_role_mapping",
        "Role name",
        "Role",
        |r| &r.role_mappings,
    ),
    (
        "domain_mappings",
        "registration_domain_mapping",
        "Domain name",
        "Domain name",
        |r| &r.domain_mappings,
    ),
    (
        "affinity_group_mappings",
        "registration_affinity_group_mapping",
        "AffinityGroup name",
        "AffinityGroup name",
        |r| &r.affinity_group_mappings,
    ),
    (
        "affinity_label_mappings",
        "registration_affinity_label_mapping",
        "AffinityLabel name",
        "AffinityLabel name",
        |r| &r.affinity_label_mappings,
    ),
];

/// Writes the registration body.
pub fn write_registration(r: &Registration) -> String {
    let mut w = XmlWriter::document();
    w.open("action", &[]);
    w.bool("allow_partial_import", r.allow_partial_import);
    match &r.cluster {
        Some(EntityRef::Id(id)) => w.empty("cluster", &[("id", &id.to_string())]),
        Some(EntityRef::Name(name)) => {
            w.open("cluster", &[]);
            w.text("name", name);
            w.close("cluster");
        }
        None => {}
    }
    w.bool("reassign_bad_macs", r.reassign_bad_macs);
    let has_mappings = NAME_LISTS.iter().any(|(.., get)| !get(r).is_empty())
        || !r.lun_mappings.is_empty()
        || !r.vnic_profile_mappings.is_empty();
    if has_mappings {
        w.open("registration_configuration", &[]);
        // The SDK's order, alphabetical: affinity groups, affinity labels, clusters, domains,
        // LUNs, roles, vNIC profiles.
        let [cluster, role, domain, group, label] = &NAME_LISTS;
        for (list, item, _, _, get) in [group, label, cluster, domain] {
            write_name_mappings(&mut w, list, item, get(r));
        }
        if !r.lun_mappings.is_empty() {
            w.open("lun_mappings", &[]);
            for m in &r.lun_mappings {
                write_lun_mapping(&mut w, m);
            }
            w.close("lun_mappings");
        }
        let (list, item, _, _, get) = role;
        write_name_mappings(&mut w, list, item, get(r));
        if !r.vnic_profile_mappings.is_empty() {
            w.open("vnic_profile_mappings", &[]);
            for m in &r.vnic_profile_mappings {
                write_vnic_mapping(&mut w, m);
            }
            w.close("vnic_profile_mappings");
        }
        w.close("registration_configuration");
    }
    w.close("action");
    w.finish()
}

fn write_name_mappings(w: &mut XmlWriter, list: &str, item: &str, mappings: &[NameMapping]) {
    if mappings.is_empty() {
        return;
    }
    w.open(list, &[]);
    for m in mappings {
        w.open(item, &[]);
        for (end, name) in [("from", &m.from), ("to", &m.to)] {
            w.open(end, &[]);
            w.text("name", name);
            w.close(end);
        }
        w.close(item);
    }
    w.close(list);
}

fn write_lun_mapping(w: &mut XmlWriter, m: &LunMapping) {
    w.open("registration_lun_mapping", &[]);
    w.open("from", &[]);
    w.open("lun_storage", &[]);
    w.open("logical_units", &[]);
    w.empty("logical_unit", &[("id", &m.source_lun_id)]);
    w.close("logical_units");
    w.opt_value("type", m.source_storage_type);
    w.close("lun_storage");
    w.close("from");
    let t = &m.target;
    w.open("to", &[]);
    w.opt_text("alias", t.alias.as_deref());
    w.open("lun_storage", &[]);
    w.open("logical_units", &[]);
    w.open("logical_unit", &[("id", &t.lun_id)]);
    w.opt_text("address", t.address.as_deref());
    w.opt_text("password", t.password.as_ref().map(Secret::expose));
    w.opt_value("port", t.port);
    w.opt_text("portal", t.portal.as_deref());
    w.opt_text("target", t.target.as_deref());
    w.opt_text("username", t.username.as_deref());
    w.close("logical_unit");
    w.close("logical_units");
    w.opt_value("type", t.storage_type);
    w.close("lun_storage");
    w.close("to");
    w.close("registration_lun_mapping");
}

fn write_vnic_mapping(w: &mut XmlWriter, m: &VnicProfileMapping) {
    w.open("registration_vnic_profile_mapping", &[]);
    w.open("from", &[]);
    w.text("name", &m.source_profile);
    w.open("network", &[]);
    w.text("name", &m.source_network);
    w.close("network");
    w.close("from");
    match &m.target {
        VnicTarget::Profile(id) => w.empty("to", &[("id", &id.to_string())]),
        VnicTarget::Unplugged => w.empty("to", &[("id", &Id::NIL.to_string())]),
        VnicTarget::ProfileByName { profile, network } => {
            w.open("to", &[]);
            w.text("name", profile);
            w.open("network", &[]);
            w.text("name", network);
            w.close("network");
            w.close("to");
        }
    }
    w.close("registration_vnic_profile_mapping");
}

/// Reads a registration body.
pub fn read_registration(text: &str) -> Result<Registration, XmlError> {
    let root = parse(text)?;
    expect_root(&root, "action")?;
    let n = Node::root(&root);
    let cluster = match n.child("cluster") {
        Some(c) => match c.opt_id()? {
            Some(id) => Some(EntityRef::Id(id)),
            None => Some(EntityRef::Name(c.req_text("name")?.to_owned())),
        },
        None => None,
    };
    let mut r = Registration {
        cluster,
        allow_partial_import: n.flag("allow_partial_import")?,
        reassign_bad_macs: n.flag("reassign_bad_macs")?,
        ..Registration::default()
    };
    if let Some(conf) = n.child("registration_configuration") {
        let lists: [&mut Vec<NameMapping>; 5] = [
            &mut r.cluster_mappings,
            &mut r.role_mappings,
            &mut r.domain_mappings,
            &mut r.affinity_group_mappings,
            &mut r.affinity_label_mappings,
        ];
        for ((list, item, from_word, to_word, _), out) in NAME_LISTS.iter().zip(lists) {
            *out = conf.list(list, item, |m| read_name_mapping(m, from_word, to_word))?;
        }
        r.lun_mappings = conf.list("lun_mappings", "registration_lun_mapping", read_lun_mapping)?;
        let vnics = conf.list(
            "vnic_profile_mappings",
            "registration_vnic_profile_mapping",
            read_vnic_mapping,
        )?;
        r.vnic_profile_mappings = vnics.into_iter().flatten().collect();
    }
    if r.vnic_profile_mappings.is_empty() {
        r.vnic_profile_mappings = n.list(
            "vnic_profile_mappings",
            "vnic_profile_mapping",
            read_deprecated_vnic_mapping,
        )?;
    }
    Ok(r)
}

fn read_name_mapping(
    m: &Node<'_>,
    from_word: &str,
    to_word: &str,
) -> Result<NameMapping, XmlError> {
    let end = |tag: &str, message: String| -> Result<String, XmlError> {
        m.child(tag)
            .and_then(|e| e.string_of("name"))
            .ok_or_else(|| XmlError::new(format!("{}/{tag}", m.path()), message))
    };
    Ok(NameMapping {
        from: end("from", format!("{from_word} is missing from source."))?,
        to: end("to", format!("{to_word} is missing from destination."))?,
    })
}

fn read_lun_mapping(m: &Node<'_>) -> Result<LunMapping, XmlError> {
    let from = m.child("from");
    let source = from
        .as_ref()
        .and_then(|f| f.descend(&["lun_storage", "logical_units", "logical_unit"]))
        .and_then(|lu| lu.attr("id"))
        .ok_or_else(|| {
            XmlError::new(
                format!("{}/from", m.path()),
                "Lun id is missing from source.",
            )
        })?;
    let source_storage_type = from
        .as_ref()
        .and_then(|f| f.enum_at(&["lun_storage", "type"]));
    let to = m.child("to").ok_or_else(|| {
        XmlError::new(
            format!("{}/to", m.path()),
            "Lun is missing from destination.",
        )
    })?;
    let lu_path = ["lun_storage", "logical_units", "logical_unit"];
    let lun_id = to
        .descend(&lu_path)
        .and_then(|lu| lu.attr("id"))
        .ok_or_else(|| {
            XmlError::new(
                format!("{}/to", m.path()),
                "Lun is missing from destination.",
            )
        })?;
    let at =
        |field: &'static str| -> [&'static str; 4] { [lu_path[0], lu_path[1], lu_path[2], field] };
    Ok(LunMapping {
        source_lun_id: source.to_owned(),
        source_storage_type,
        target: LunTarget {
            lun_id: lun_id.to_owned(),
            storage_type: to.enum_at(&["lun_storage", "type"]),
            alias: to.string_of("alias"),
            address: to.string_at(&at("address")),
            port: to.parse_at(&at("port"))?,
            portal: to.string_at(&at("portal")),
            target: to.string_at(&at("target")),
            username: to.string_at(&at("username")),
            password: to.string_at(&at("password")).map(Secret::new),
        },
    })
}

/// `None` for the entries the Engine ignores (incomplete `from`, no `to`).
fn read_vnic_mapping(m: &Node<'_>) -> Result<Option<VnicProfileMapping>, XmlError> {
    let Some(from) = m.child("from") else {
        return Ok(None);
    };
    let (Some(profile), Some(network)) = (from.text_of("name"), from.text_at(&["network", "name"]))
    else {
        return Ok(None);
    };
    let Some(to) = m.child("to") else {
        return Ok(None);
    };
    let target = match to.opt_id()? {
        Some(id) if id.is_nil() => VnicTarget::Unplugged,
        Some(id) => VnicTarget::Profile(id),
        None => {
            let name = to.text_of("name").unwrap_or_default();
            let net = to.text_at(&["network", "name"]).unwrap_or_default();
            if name.is_empty() && net.is_empty() {
                VnicTarget::Unplugged
            } else {
                VnicTarget::ProfileByName {
                    profile: name.to_owned(),
                    network: net.to_owned(),
                }
            }
        }
    };
    Ok(Some(VnicProfileMapping {
        source_network: network.to_owned(),
        source_profile: profile.to_owned(),
        target,
    }))
}

/// The pre-4.2.1 form; a missing `target_vnic_profile` means "no profile".
fn read_deprecated_vnic_mapping(m: &Node<'_>) -> Result<VnicProfileMapping, XmlError> {
    let target = match m.child("target_vnic_profile") {
        Some(t) => match t.opt_id()? {
            Some(id) if !id.is_nil() => VnicTarget::Profile(id),
            _ => VnicTarget::Unplugged,
        },
        None => VnicTarget::Unplugged,
    };
    Ok(VnicProfileMapping {
        source_network: m
            .text_of("source_network_name")
            .unwrap_or_default()
            .to_owned(),
        source_profile: m
            .text_of("source_network_profile_name")
            .unwrap_or_default()
            .to_owned(),
        target,
    })
}

#[cfg(test)]
mod tests;
