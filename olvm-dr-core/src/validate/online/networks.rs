//! vNIC profile mappings: the profile exists on its site by profile name, network name and
//! data center (the role's key), names one profile only, and its id (when given) is that
//! profile's.

use super::Ctx;
use super::out::Out;
use crate::Site;
use crate::engine::VnicProfile;
use crate::mapping::Field;
use crate::validate::codes;

const KEY: &str = "dr_network_mappings";

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Out) {
    for site in Site::BOTH {
        let Some(v) = ctx.view(site) else {
            continue;
        };
        let idx = &v.idx;
        for e in ctx.m.networks() {
            let s = e.site(site);
            let (Some(net), Some(prof)) = (s.network_name.get(), s.profile_name.get()) else {
                continue;
            };
            let dc = s.network_dc.get();
            let key = |k: &str| format!("{KEY}[{}].{site}_{k}", e.index);
            let pos = s.profile_name.pos().or(Some(e.pos));
            let entity = format!("vNIC profile '{prof}' of network '{net}'");
            let named = idx.profiles_named(prof, net);
            let dc_of = |p: &VnicProfile| idx.profile_dc(p).map_or("", |d| d.name.as_str());
            let candidates: Vec<&VnicProfile> = named
                .iter()
                .copied()
                .filter(|p| dc.is_none_or(|d| dc_of(p) == d))
                .collect();
            match candidates.as_slice() {
                [] => {
                    let in_dc = dc
                        .map(|d| format!(" in data center '{d}'"))
                        .unwrap_or_default();
                    let d = out.error(
                        codes::VNIC_PROFILE_NOT_FOUND,
                        site,
                        entity,
                        (pos, key("profile_name")),
                        format!("there is no vNIC profile '{prof}' on a network '{net}'{in_dc} on the {site} site"),
                    );
                    d.hint = Some(if named.is_empty() {
                        format!("check {site}_profile_name and {site}_network_name")
                    } else {
                        let dcs: Vec<&str> = named.iter().map(|p| dc_of(p)).collect();
                        format!(
                            "it exists in data center(s) {}: check {site}_network_dc",
                            dcs.join(", ")
                        )
                    });
                    continue;
                }
                [_] => {}
                many => {
                    let mut dcs: Vec<&str> = many.iter().map(|p| dc_of(p)).collect();
                    dcs.sort_unstable();
                    out.error(
                        codes::VNIC_PROFILE_AMBIGUOUS,
                        site,
                        entity,
                        (pos, key("profile_name")),
                        format!(
                            "vNIC profile '{prof}' of network '{net}' exists in several data centers of the {site} site ({})",
                            dcs.join(", ")
                        ),
                    )
                    .hint = Some(format!("add {site}_network_dc with the data center to use"));
                    continue;
                }
            }
            let profile = candidates[0];
            if let Field::Set { value: id, pos } = &s.profile_id
                && *id != profile.id
            {
                let message = match idx.profile(*id) {
                    None => format!("there is no vNIC profile with id {id} on the {site} site"),
                    Some(other) => {
                        let other_net = idx.network(other.network).map_or("?", |n| n.name.as_str());
                        format!(
                            "{site}_profile_id {id} is vNIC profile '{}' of network '{other_net}', not '{prof}' of '{net}'",
                            other.name
                        )
                    }
                };
                out.error(
                    codes::VNIC_PROFILE_ID,
                    site,
                    format!("vNIC profile '{prof}' of network '{net}'"),
                    (Some(*pos), key("profile_id")),
                    message,
                )
                .hint = Some(format!(
                    "the profile's id on the {site} site is {}",
                    profile.id
                ));
            }
        }
    }
}
