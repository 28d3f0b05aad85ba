//! The Engine's audit log as `/events` serves it: one event for each change the simulator
//! makes through the API (a domain added, attached, activated, deactivated, detached or
//! removed; an OVF store updated; a VM or template registered; a VM started, stopped, shut
//! down or removed; a disk removed).
//!
//! Codes and texts are the Engine's `AuditLogType` values and their
//! `AuditLogMessages.properties` templates (`backend/manager/modules/common/.../AuditLogType.java`,
//! `backend/manager/modules/dal/src/main/resources/bundles/AuditLogMessages.properties`), with
//! the names as they are when the event is written. Ids count up from 1 as `audit_log_id` does;
//! listings are newest first (the search's default `audit_log_id DESC`).

use std::sync::Mutex;
use std::time::SystemTime;

use olvm_dr_core::engine::Id;
use olvm_dr_core::xml::Scope;
use olvm_dr_core::xml::datetime::{format_date_time, utc};
use olvm_dr_core::xml::writer::XmlWriter;

/// The entities an event names (the `audit_log` row's references).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Refs {
    pub(crate) vm: Option<Id>,
    pub(crate) template: Option<Id>,
    pub(crate) host: Option<Id>,
    pub(crate) storage_domain: Option<Id>,
    pub(crate) data_center: Option<Id>,
}

/// One event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Event {
    pub(crate) id: u64,
    pub(crate) time: SystemTime,
    /// The `AuditLogType` value.
    pub(crate) code: u32,
    pub(crate) description: String,
    pub(crate) user: Option<String>,
    pub(crate) refs: Refs,
    /// The correlation id of the request that caused it.
    pub(crate) correlation_id: Option<String>,
    /// `AuditLogSeverity` as the API writes it.
    pub(crate) severity: &'static str,
}

/// What happened, before it is numbered and timed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NewEvent {
    pub(crate) code: u32,
    pub(crate) description: String,
    pub(crate) refs: Refs,
    /// `AuditLogType`'s severity for the code: `normal`, `warning` or `error`.
    pub(crate) severity: &'static str,
}

/// A site's events, oldest first.
#[derive(Debug, Default)]
pub(crate) struct EventLog {
    events: Mutex<Vec<Event>>,
}

impl EventLog {
    /// Appends an event now, by `user`, with the correlation id of the request being served
    /// (if any); returns its id.
    pub(crate) fn record(&self, event: NewEvent, user: Option<String>) -> u64 {
        let correlation_id = crate::request_context::current_correlation_id();
        self.record_correlated(event, user, correlation_id)
    }

    /// Appends an event now, by `user`, with `correlation_id`; returns its id.
    pub(crate) fn record_correlated(
        &self,
        event: NewEvent,
        user: Option<String>,
        correlation_id: Option<String>,
    ) -> u64 {
        let mut events = self.events.lock().unwrap_or_else(|e| e.into_inner());
        let id = events.last().map_or(1, |e| e.id + 1);
        events.push(Event {
            id,
            time: SystemTime::now(),
            code: event.code,
            description: event.description,
            user,
            refs: event.refs,
            correlation_id,
            severity: event.severity,
        });
        id
    }

    /// Every event newer than `from` (all without it), newest first.
    pub(crate) fn newest_first(&self, from: Option<u64>) -> Vec<Event> {
        let events = self.events.lock().unwrap_or_else(|e| e.into_inner());
        events
            .iter()
            .rev()
            .filter(|e| from.is_none_or(|f| e.id > f))
            .cloned()
            .collect()
    }
}

/// The user name an event carries: the Engine's `user@authz` (the internal profile's users
/// are in `internal-authz`).
pub(crate) fn user_name(login: &str) -> String {
    match login.strip_suffix("@internal") {
        Some(user) => format!("{user}@internal-authz"),
        None => login.to_owned(),
    }
}

fn write_event(w: &mut XmlWriter, e: &Event, scope: &Scope) {
    let id = e.id.to_string();
    let href = scope.href(&id);
    w.open("event", &[("href", &href), ("id", &id)]);
    w.text("description", &e.description);
    w.value("code", e.code);
    w.opt_text("correlation_id", e.correlation_id.as_deref());
    w.value("custom_id", -1);
    w.value("flood_rate", 30);
    w.text("origin", "oVirt");
    w.text("severity", e.severity);
    w.text("time", &format_date_time(&utc(e.time)));
    w.opt_reference("data_center", "datacenters", e.refs.data_center);
    w.opt_reference("host", "hosts", e.refs.host);
    w.opt_reference("storage_domain", "storagedomains", e.refs.storage_domain);
    w.opt_reference("template", "templates", e.refs.template);
    if let Some(user) = &e.user {
        w.open("user", &[]);
        w.text("name", user);
        w.close("user");
    }
    w.opt_reference("vm", "vms", e.refs.vm);
    w.close("event");
}

/// `<events>` with `events`.
pub(crate) fn write_events(events: &[Event]) -> String {
    let scope = Scope::new("events");
    let mut w = XmlWriter::document();
    if events.is_empty() {
        w.empty("events", &[]);
    } else {
        w.open("events", &[]);
        for e in events {
            write_event(&mut w, e, &scope);
        }
        w.close("events");
    }
    w.finish()
}

/// One `<event>`.
pub(crate) fn write_one_event(e: &Event) -> String {
    let mut w = XmlWriter::document();
    write_event(&mut w, e, &Scope::new("events"));
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(code: u32, text: &str) -> NewEvent {
        NewEvent {
            code,
            description: text.to_owned(),
            refs: Refs::default(),
            severity: "normal",
        }
    }

    #[test]
    fn ids_count_up_and_listings_are_newest_first_after_from() {
        let log = EventLog::default();
        assert_eq!(log.record(new(962, "a"), None), 1);
        assert_eq!(
            log.record(new(966, "b"), Some("admin@internal-authz".into())),
            2
        );
        assert_eq!(log.record(new(153, "c"), None), 3);
        let ids = |v: Vec<Event>| v.iter().map(|e| e.id).collect::<Vec<_>>();
        assert_eq!(ids(log.newest_first(None)), [3, 2, 1]);
        assert_eq!(ids(log.newest_first(Some(1))), [3, 2]);
        assert!(log.newest_first(Some(3)).is_empty());
        let xml = write_events(&log.newest_first(Some(2)));
        assert!(
            xml.contains(r#"<event href="/ovirt-engine/api/events/3" id="3">"#),
            "{xml}"
        );
        assert!(xml.contains("<code>153</code>") && xml.contains("<severity>normal</severity>"));
        assert!(write_events(&[]).ends_with("<events/>"));
        assert_eq!(user_name("admin@internal"), "admin@internal-authz");
        assert_eq!(user_name("jo@corp"), "jo@corp");
    }
}
