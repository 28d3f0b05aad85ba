//! Reading the name, network and LUN mapping lists.

use super::obj::Obj;
use super::{entries, list_field};
use crate::Site;
use crate::mapping::field::{Field, PerSite};
use crate::mapping::model::{
    LunMapping, LunSite, NameMapping, NameMappingKind, NetworkMapping, NetworkSite,
};

/// Keys of LUN entries that the role's DR guide shows but nothing reads; kept quietly.
const LUN_GUIDE_KEYS: &[&str] = &[
    "primary_logical_unit_alias",
    "secondary_logical_unit_alias",
    "primary_logical_unit_description",
    "secondary_logical_unit_description",
    "primary_wipe_after_delete",
    "secondary_wipe_after_delete",
    "primary_shareable",
    "secondary_shareable",
];

pub(super) fn names(o: &mut Obj<'_, '_>, kind: NameMappingKind) -> Field<Vec<NameMapping>> {
    let key = kind.key();
    list_field(o, key, kind != NameMappingKind::Domain, |o, items| {
        let mut out = Vec::with_capacity(items.len());
        entries(o, key, items, |f, e, pos, path, index| {
            let mut o = Obj::new(e, path, f);
            let names = PerSite::from_fn(|site| o.text(&format!("{site}_name")));
            let extra = o.finish(&[], &[]);
            out.push(NameMapping {
                pos,
                index,
                names,
                extra,
            });
        });
        out
    })
}

pub(super) fn networks(o: &mut Obj<'_, '_>) -> Field<Vec<NetworkMapping>> {
    let key = "dr_network_mappings";
    list_field(o, key, true, |o, items| {
        let mut out = Vec::with_capacity(items.len());
        entries(o, key, items, |f, e, pos, path, index| {
            let mut o = Obj::new(e, path, f);
            let sites = PerSite::from_fn(|site: Site| NetworkSite {
                network_name: o.text(&format!("{site}_network_name")),
                profile_name: o.text(&format!("{site}_profile_name")),
                profile_id: o.id(&format!("{site}_profile_id")),
                network_dc: o.text(&format!("{site}_network_dc")),
            });
            let extra = o.finish(&[], &[]);
            out.push(NetworkMapping {
                pos,
                index,
                sites,
                extra,
            });
        });
        out
    })
}

pub(super) fn luns(o: &mut Obj<'_, '_>) -> Field<Vec<LunMapping>> {
    let key = "dr_lun_mappings";
    list_field(o, key, false, |o, items| {
        let mut out = Vec::with_capacity(items.len());
        entries(o, key, items, |f, e, pos, path, index| {
            let mut o = Obj::new(e, path, f);
            let alias = o.text("logical_unit_alias");
            let description = o.text("logical_unit_description");
            let wipe_after_delete = o.boolean("wipe_after_delete");
            let shareable = o.boolean("shareable");
            let sites = PerSite::from_fn(|site: Site| {
                let k = |s: &str| format!("{site}_logical_unit_{s}");
                LunSite {
                    logical_unit_id: o.text(&k("id")),
                    storage_type: o.parsed(&format!("{site}_storage_type"), "iscsi, fcp"),
                    address: o.text(&k("address")),
                    port: o.uint(&k("port")),
                    portal: o.text(&k("portal")),
                    target: o.text(&k("target")),
                    username: o.text(&k("username")),
                    password: o.secret(&k("password")),
                }
            });
            let extra = o.finish(LUN_GUIDE_KEYS, LUN_GUIDE_KEYS);
            out.push(LunMapping {
                pos,
                index,
                alias,
                description,
                wipe_after_delete,
                shareable,
                sites,
                extra,
            });
        });
        out
    })
}
