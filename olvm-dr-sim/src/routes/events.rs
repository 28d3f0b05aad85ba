//! `/events`: the site's audit log (`max`, `from`, `search` on `severity`, `type`, `message`,
//! `usrname`, `event_vm`, `event_host`, `event_storage`, `event_datacenter`,
//! `event_template`: `AuditLogConditionFieldAutoCompleter`), one event; and [`note`], which
//! writes the event for what a request changed, with the entities' names as they are then.

use axum::http::Method;
use olvm_dr_core::engine::{Engine, Id};

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
            let names = EventNames::load(st, &events).await?;
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
    async fn load(st: &SiteServer, events: &[Event]) -> Result<Self, ApiError> {
        let mut n = Self {
            vms: Vec::new(),
            hosts: Vec::new(),
            domains: Vec::new(),
            dcs: Vec::new(),
            templates: Vec::new(),
        };
        if events.is_empty() {
            return Ok(n);
        }
        let e = &st.engine;
        n.vms = e
            .vms(&Default::default())
            .await?
            .into_iter()
            .map(|v| (v.id, v.name))
            .collect();
        n.hosts = e
            .hosts()
            .await?
            .into_iter()
            .map(|h| (h.id, h.name))
            .collect();
        n.domains = e
            .storage_domains()
            .await?
            .into_iter()
            .map(|d| (d.id, d.name))
            .collect();
        n.dcs = e
            .data_centers()
            .await?
            .into_iter()
            .map(|d| (d.id, d.name))
            .collect();
        n.templates = e
            .templates()
            .await?
            .into_iter()
            .map(|t| (t.id, t.name))
            .collect();
        Ok(n)
    }

    fn field(&self, e: &Event, field: &str) -> Option<Value> {
        let name = |list: &[(Id, String)], id: Option<Id>| {
            id.and_then(|id| list.iter().find(|(i, _)| *i == id))
                .map_or(Value::Absent, |(_, n)| Value::Text(n.clone()))
        };
        Some(match field {
            "severity" => Value::Enum("normal".to_owned()),
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
}

/// Writes the event for `what`, by the server's user.
pub(crate) async fn note(st: &SiteServer, what: Happened) {
    let user = user_name(st.sessions.username());
    let Ok(event) = describe(st, what, &user).await else {
        // A name that cannot be read now (the site went dark meanwhile): the Engine that
        // did it would have logged it, but there is nothing to serve it from.
        return;
    };
    st.events.record(event, Some(user));
}

async fn describe(st: &SiteServer, what: Happened, user: &str) -> Result<NewEvent, ApiError> {
    let e = &st.engine;
    let sd_name = |sd: Id| async move { e.storage_domain(sd).await.map(|d| d.name) };
    let dc_name =
        |dc: Id| async move { super::find(e.data_centers().await?, dc, |d| d.id).map(|d| d.name) };
    let host_name = |h: Option<Id>| async move {
        let Some(h) = h else { return Ok(String::new()) };
        Ok::<_, ApiError>(
            e.hosts()
                .await?
                .into_iter()
                .find(|x| x.id == h)
                .map(|x| x.name)
                .unwrap_or_default(),
        )
    };
    let domain_in = |code: u32, dc: Id, sd: Id| async move {
        let (sdn, dcn) = (sd_name(sd).await?, dc_name(dc).await?);
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
        Ok::<_, ApiError>(NewEvent {
            code,
            description,
            refs: Refs {
                storage_domain: Some(sd),
                data_center: Some(dc),
                ..Refs::default()
            },
        })
    };
    let vm_event = |code: u32, vm: Id, host: Option<Id>| async move {
        let name = e.vm(vm).await?.name;
        let host_name = host_name(host).await?;
        let description = match code {
            153 => format!("VM {name} was started by {user} (Host: {host_name})."),
            33 => format!("VM {name} powered off by {user} (Host: {host_name})."),
            73 => format!("VM shutdown initiated by {user} on VM {name} (Host: {host_name})."),
            _ => format!("VM {name} has been successfully imported from the given configuration."),
        };
        Ok::<_, ApiError>(NewEvent {
            code,
            description,
            refs: Refs {
                vm: Some(vm),
                host,
                ..Refs::default()
            },
        })
    };
    let on_domain = |code: u32, sd: Id, description: String| NewEvent {
        code,
        description,
        refs: Refs {
            storage_domain: Some(sd),
            ..Refs::default()
        },
    };
    match what {
        Happened::DomainAdded(sd) => {
            let n = sd_name(sd).await?;
            Ok(on_domain(
                956,
                sd,
                format!("Storage Domain {n} was added by {user}"),
            ))
        }
        Happened::Attached { dc, sd } => domain_in(962, dc, sd).await,
        Happened::Activated { dc, sd } => domain_in(966, dc, sd).await,
        Happened::Deactivated { dc, sd } => domain_in(968, dc, sd).await,
        Happened::Detached { dc, sd } => domain_in(964, dc, sd).await,
        Happened::OvfUpdated(sd) => {
            let n = sd_name(sd).await?;
            Ok(on_domain(
                199,
                sd,
                format!("OVF_STORE for domain {n} was updated by {user}."),
            ))
        }
        Happened::VmRegistered(vm) => vm_event(174, vm, None).await,
        Happened::TemplateRegistered(t) => {
            let name = e.template(t).await?.name;
            Ok(NewEvent {
                code: 180,
                description: format!(
                    "Template {name} has been successfully imported from the given configuration."
                ),
                refs: Refs {
                    template: Some(t),
                    ..Refs::default()
                },
            })
        }
        Happened::VmStarted(vm) => {
            let host = e.vm(vm).await?.host;
            vm_event(153, vm, host).await
        }
        Happened::VmStopped { vm, host } => vm_event(33, vm, host).await,
        Happened::VmShutdown { vm, host } => vm_event(73, vm, host).await,
    }
}
