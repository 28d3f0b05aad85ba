//! Field lengths: a value longer than the Engine stores for it can never match anything on a
//! site, and a runaway value (a 2 MB "name") should be an error here, not a failed request.
//! The limits are ovirt-engine's `BusinessEntitiesDefinitions` (backend/manager/modules/common,
//! `org.ovirt.engine.core.common.businessentities`).

use crate::Site;
use crate::mapping::{Field, Mapping, NameMappingKind};
use crate::validate::codes;
use crate::validate::findings::Findings;

use super::path;

/// `STORAGE_NAME_SIZE`.
const STORAGE_NAME: usize = 250;
/// `DATACENTER_NAME_SIZE`.
const DATA_CENTER_NAME: usize = 40;
/// `CLUSTER_NAME_SIZE`.
const CLUSTER_NAME: usize = 40;
/// `ROLE_NAME_SIZE`.
const ROLE_NAME: usize = 126;
/// `VNIC_PROFILE_NAME_SIZE`.
const PROFILE_NAME: usize = 50;
/// `NETWORK_NAME_SIZE`.
const NETWORK_NAME: usize = 256;
/// Other names (affinity groups and labels, authz domains: `VM_NAME_SIZE` and the like).
const OTHER_NAME: usize = 255;
/// URLs, user names, paths and addresses: no Engine entity is longer; a value this long is a
/// mistake (Linux's `PATH_MAX`).
const TEXT: usize = 4096;

pub(super) fn check(m: &Mapping, f: &mut Findings) {
    for site in Site::BOTH {
        let s = m.site(site);
        for (name, field) in [
            ("url", &s.url),
            ("username", &s.username),
            ("ca_file", &s.ca_file),
        ] {
            let key = format!("dr_sites_{site}_{name}");
            long(f, field, key, TEXT);
        }
    }
    for storage in m.storages() {
        let c = storage.common();
        for site in Site::BOTH {
            let ss = c.sites.get(site);
            let key = |n: &str| path("dr_import_storages", c.index, &format!("dr_{site}_{n}"));
            long(f, &ss.name, key("name"), STORAGE_NAME);
            long(f, &ss.dc_name, key("dc_name"), DATA_CENTER_NAME);
        }
    }
    for kind in NameMappingKind::ALL {
        let limit = match kind {
            NameMappingKind::Cluster => CLUSTER_NAME,
            NameMappingKind::Role => ROLE_NAME,
            _ => OTHER_NAME,
        };
        for e in m.names(kind) {
            for site in Site::BOTH {
                let key = path(kind.key(), e.index, &format!("{site}_name"));
                long(f, e.name(site), key, limit);
            }
        }
    }
    for e in m.networks() {
        for site in Site::BOTH {
            let n = e.site(site);
            let key = |k: &str| path("dr_network_mappings", e.index, &format!("{site}_{k}"));
            long(f, &n.network_name, key("network_name"), NETWORK_NAME);
            long(f, &n.profile_name, key("profile_name"), PROFILE_NAME);
            long(f, &n.network_dc, key("network_dc"), DATA_CENTER_NAME);
        }
    }
}

fn long(f: &mut Findings, field: &Field<String>, key: String, limit: usize) {
    if let Field::Set { value, pos } = field {
        let chars = value.chars().count();
        if chars > limit {
            f.error(
                codes::FIELD_TOO_LONG,
                Some(*pos),
                key,
                format!("this value is {chars} characters long; the Engine takes at most {limit}"),
            )
            .hint = Some("use the value the Engine shows".into());
        }
    }
}
