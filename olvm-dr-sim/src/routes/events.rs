//! `/events`: the site's audit log (`max`, `from`, `search` on `severity`, `type`, `message`,
//! `correlation_id`, `usrname`, `event_vm`, `event_host`, `event_storage`, `event_datacenter`,
//! `event_template`: `AuditLogConditionFieldAutoCompleter`), one event; and [`note`], which
//! writes the event for what a request changed, with the entities' names as they are then.

use axum::http::Method;
use olvm_dr_core::engine::Id;

use super::search;
use crate::events::{Event, NewEvent, Refs, user_name, write_events, write_one_event};
use crate::respond::{ApiError, Reply, ok};
use crate::search::Value;
use crate::server::{ApiRequest, SiteServer};

pub(super) async fn route(st: &SiteServer, req: &ApiRequest, rest: &[&str]) -> Reply {
    match (&req.method, rest) {
        (&Method::GET, []) => {
            let from = req.params.get("from").and_then(|f| f.parse::<u64>().ok());
            let events = st.events.newest_first(from);
            let names = EventNames::load(st);
            let events = search(events, &req.params, |e, field| names.field(e, field))?;
            Ok(ok(write_events(&events)))
        }
        (&Method::GET, [e]) => {
            let e: u64 = e.parse().map_err(|_| ApiError::NotFound)?;
            let event = st
                .events
                .newest_first(None)
                .into_iter()
                .find(|x| x.id == e)
                .ok_or(ApiError::NotFound)?;
            Ok(ok(write_one_event(&event)))
        }
        (_, [] | [_]) => super::not_allowed(),
        _ => Err(ApiError::NotFound),
    }
}

/// The names of the entities events refer to, for the search's `event_*` fields.
struct EventNames {
    vms: Vec<(Id, String)>,
    hosts: Vec<(Id, String)>,
    domains: Vec<(Id, String)>,
    dcs: Vec<(Id, String)>,
    templates: Vec<(Id, String)>,
}

impl EventNames {
    /// The names as they are now, read from the site's state (no Engine call).
    fn load(st: &SiteServer) -> Self {
        let snap = st.world.snapshot(st.site);
        Self {
            vms: snap.vms.into_iter().map(|v| (v.id, v.name)).collect(),
            hosts: hosts(st),
            domains: snap.domains.into_iter().map(|d| (d.id, d.name)).collect(),
            dcs: snap
                .data_centers
                .into_iter()
                .map(|d| (d.id, d.name))
                .collect(),
            templates: snap.templates.into_iter().map(|t| (t.id, t.name)).collect(),
        }
    }

    fn field(&self, e: &Event, field: &str) -> Option<Value> {
        let name = |list: &[(Id, String)], id: Option<Id>| {
            id.and_then(|id| list.iter().find(|(i, _)| *i == id))
                .map_or(Value::Absent, |(_, n)| Value::Text(n.clone()))
        };
        Some(match field {
            "severity" => Value::Enum(e.severity.to_owned()),
            "correlation_id" => e.correlation_id.clone().map_or(Value::Absent, Value::Text),
            "type" => Value::Num(i64::from(e.code)),
            "message" => Value::Text(e.description.clone()),
            "usrname" => e.user.clone().map_or(Value::Absent, Value::Text),
            "event_vm" => name(&self.vms, e.refs.vm),
            "event_host" => name(&self.hosts, e.refs.host),
            "event_storage" => name(&self.domains, e.refs.storage_domain),
            "event_datacenter" => name(&self.dcs, e.refs.data_center),
            "event_template" => name(&self.templates, e.refs.template),
            _ => return None,
        })
    }
}

/// What a request changed.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Happened {
    /// `USER_ADD_STORAGE_DOMAIN` (956).
    DomainAdded(Id),
    /// `USER_ATTACH_STORAGE_DOMAIN_TO_POOL` (962).
    Attached { dc: Id, sd: Id },
    /// `USER_ACTIVATED_STORAGE_DOMAIN` (966).
    Activated { dc: Id, sd: Id },
    /// `USER_DEACTIVATED_STORAGE_DOMAIN` (968).
    Deactivated { dc: Id, sd: Id },
    /// `USER_DETACH_STORAGE_DOMAIN_FROM_POOL` (964).
    Detached { dc: Id, sd: Id },
    /// `USER_UPDATE_OVF_STORE` (199).
    OvfUpdated(Id),
    /// `VM_IMPORT_FROM_CONFIGURATION_EXECUTED_SUCCESSFULLY` (174).
    VmRegistered(Id),
    /// `TEMPLATE_IMPORT_FROM_CONFIGURATION_SUCCESS` (180).
    TemplateRegistered(Id),
    /// `USER_STARTED_VM` (153), on the host it runs on now.
    VmStarted(Id),
    /// `USER_STOP_VM` (33), on the host it ran on.
    VmStopped { vm: Id, host: Option<Id> },
    /// `USER_INITIATED_SHUTDOWN_VM` (73), on the host it ran on.
    VmShutdown { vm: Id, host: Option<Id> },
    /// `OVF_STORES_UPDATE_IGNORED` (1052): an OVF update with nothing outdated.
    OvfUpdateIgnored(Id),
}

/// Writes the event for `what`, by the server's user. Names are read from the site's state,
/// not through its Engine, so that the log costs the fake no call, latency or injected fault.
pub(crate) fn note(st: &SiteServer, what: Happened) {
    let user = user_name(st.sessions.username());
    let names = EventNames::load(st);
    let host = match what {
        Happened::VmStarted(vm) => st.world.vm_host(st.site, vm),
        Happened::VmStopped { host, .. } | Happened::VmShutdown { host, .. } => host,
        _ => None,
    };
    st.events
        .record(describe(&names, what, host, &user), Some(user));
}

/// The hosts of the site by id and name (hosts are not in the state snapshot; the world's
/// facts name them).
fn hosts(st: &SiteServer) -> Vec<(Id, String)> {
    st.world
        .facts()
        .site(st.site)
        .hosts
        .iter()
        .map(|h| (h.id, h.name.clone()))
        .collect()
}

/// The event for `what`; `host` is the VM's host for power actions.
fn describe(n: &EventNames, what: Happened, host: Option<Id>, user: &str) -> NewEvent {
    let name = |list: &[(Id, String)], id: Id| {
        list.iter()
            .find(|(i, _)| *i == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    };
    let domain_in = |code: u32, dc: Id, sd: Id| {
        let (sdn, dcn) = (name(&n.domains, sd), name(&n.dcs, dc));
        let description = match code {
            962 => format!("Storage Domain {sdn} was attached to Data Center {dcn} by {user}"),
            966 => format!("Storage Domain {sdn} (Data Center {dcn}) was activated by {user}"),
            968 => format!(
                "Storage Domain {sdn} (Data Center {dcn}) was deactivated and has moved to \
                 'Preparing for maintenance' until it will no longer be accessed by any Host of \
                 the Data Center."
            ),
            _ => format!("Storage Domain {sdn} was detached from Data Center {dcn} by {user}"),
        };
        NewEvent {
            code,
            description,
            refs: Refs {
                storage_domain: Some(sd),
                data_center: Some(dc),
                ..Refs::default()
            },
            severity: "normal",
        }
    };
    let vm_event = |code: u32, vm: Id| {
        let vmn = name(&n.vms, vm);
        let hostn = host.map(|h| name(&n.hosts, h)).unwrap_or_default();
        let description = match code {
            153 => format!("VM {vmn} was started by {user} (Host: {hostn})."),
            33 => format!("VM {vmn} powered off by {user} (Host: {hostn})."),
            73 => format!("VM shutdown initiated by {user} on VM {vmn} (Host: {hostn})."),
            _ => format!("VM {vmn} has been successfully imported from the given configuration."),
        };
        NewEvent {
            code,
            description,
            refs: Refs {
                vm: Some(vm),
                host,
                ..Refs::default()
            },
            severity: "normal",
        }
    };
    let on_domain = |code: u32, sd: Id, description: String| NewEvent {
        code,
        description,
        refs: Refs {
            storage_domain: Some(sd),
            ..Refs::default()
        },
        severity: "normal",
    };
    match what {
        Happened::DomainAdded(sd) => {
            let sdn = name(&n.domains, sd);
            on_domain(956, sd, format!("Storage Domain {sdn} was added by {user}"))
        }
        Happened::Attached { dc, sd } => domain_in(962, dc, sd),
        Happened::Activated { dc, sd } => domain_in(966, dc, sd),
        Happened::Deactivated { dc, sd } => domain_in(968, dc, sd),
        Happened::Detached { dc, sd } => domain_in(964, dc, sd),
        Happened::OvfUpdated(sd) => {
            let sdn = name(&n.domains, sd);
            on_domain(
                199,
                sd,
                format!("OVF_STORE for domain {sdn} was updated by {user}."),
            )
        }
        Happened::VmRegistered(vm) => vm_event(174, vm),
        Happened::TemplateRegistered(t) => NewEvent {
            code: 180,
            description: format!(
                "Template {} has been successfully imported from the given configuration.",
                name(&n.templates, t)
            ),
            refs: Refs {
                template: Some(t),
                ..Refs::default()
            },
            severity: "normal",
        },
        Happened::VmStarted(vm) => vm_event(153, vm),
        Happened::VmStopped { vm, .. } => vm_event(33, vm),
        Happened::VmShutdown { vm, .. } => vm_event(73, vm),
        Happened::OvfUpdateIgnored(sd) => {
            let sdn = name(&n.domains, sd);
            on_domain(
                1052,
                sd,
                format!("OVFs update was ignored - nothing to update for storage domain '{sdn}'"),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_are_the_engines_templates() {
        let id = Id::from_u128;
        let n = EventNames {
            vms: vec![(id(1), "web1".into())],
            hosts: vec![(id(2), "h1".into())],
            domains: vec![(id(3), "data1".into())],
            dcs: vec![(id(4), "dc1".into())],
            templates: vec![(id(5), "rhel9".into())],
        };
        let u = "admin@internal-authz";
        let e = describe(
            &n,
            Happened::Attached {
                dc: id(4),
                sd: id(3),
            },
            None,
            u,
        );
        assert_eq!(e.code, 962);
        assert_eq!(
            e.description,
            "Storage Domain data1 was attached to Data Center dc1 by admin@internal-authz"
        );
        assert_eq!(
            (e.refs.storage_domain, e.refs.data_center),
            (Some(id(3)), Some(id(4)))
        );
        let e = describe(&n, Happened::VmStarted(id(1)), Some(id(2)), u);
        assert_eq!(
            (e.code, e.description.as_str(), e.refs.host),
            (
                153,
                "VM web1 was started by admin@internal-authz (Host: h1).",
                Some(id(2))
            )
        );
        let e = describe(
            &n,
            Happened::VmShutdown {
                vm: id(1),
                host: Some(id(2)),
            },
            Some(id(2)),
            u,
        );
        assert_eq!(
            e.description,
            "VM shutdown initiated by admin@internal-authz on VM web1 (Host: h1)."
        );
        let e = describe(&n, Happened::TemplateRegistered(id(5)), None, u);
        assert_eq!(e.code, 180);
        assert!(e.description.starts_with("Template rhel9 has been"));
    }

    #[test]
    fn an_ignored_ovf_update_is_logged_as_the_engine_does() {
        let id = Id::from_u128;
        let n = EventNames {
            vms: Vec::new(),
            hosts: Vec::new(),
            domains: vec![(id(3), "data1".into())],
            dcs: Vec::new(),
            templates: Vec::new(),
        };
        let e = describe(
            &n,
            Happened::OvfUpdateIgnored(id(3)),
            None,
            "admin@internal",
        );
        assert_eq!(e.code, 1052);
        assert_eq!(
            e.description,
            "OVFs update was ignored - nothing to update for storage domain 'data1'"
        );
    }
}
