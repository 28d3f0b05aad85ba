//! Which requests run a monitored command (`ActionType.isActionMonitored`: the Engine gives
//! each a job), the job's description (`job.<ActionType>` in `ExecutionMessages.properties`)
//! and the audit-log event of the command failing after it was accepted (`AuditLogType`,
//! `AuditLogMessages.properties`).
//!
//! Names are read from the site's state before the command runs (a removed domain is gone
//! after); a registered VM's or template's name is only known after, so it is filled in then.

use axum::http::Method;
use olvm_dr_core::engine::{EntityRef, Id, StorageType};
use olvm_dr_core::fake::SiteSnapshot;
use olvm_dr_core::xml::registration::read_registration;
use olvm_dr_core::xml::requests::{StorageDomainAdd, read_attach};

use crate::events::{NewEvent, Refs, user_name};
use crate::request_context::Command;
use crate::server::{ApiRequest, SiteServer};

/// The monitored command `req` runs, if any.
pub(crate) fn command(st: &SiteServer, req: &ApiRequest) -> Option<Command> {
    if req.method == Method::GET {
        return None;
    }
    let segs: Vec<&str> = req.segments.iter().map(String::as_str).collect();
    let snap = st.world.snapshot(st.site);
    let n = Names { st, snap: &snap };
    let user = user_name(st.sessions.username());
    let just = |description: String| {
        Some(Command {
            description,
            failure: None,
        })
    };
    match (&req.method, segs.as_slice()) {
        (&Method::POST, ["datacenters", dc, "storagedomains"]) => {
            let dc = dc.parse().ok()?;
            let sd = match read_attach(req.text()).ok()? {
                EntityRef::Id(id) => n.domain(id),
                EntityRef::Name(name) => name,
            };
            just(format!(
                "Attaching Storage Domain {sd} to Data Center {}",
                n.dc(dc)
            ))
        }
        (&Method::DELETE, ["datacenters", dc, "storagedomains", sd]) => {
            let (dc, sd): (Id, Id) = (dc.parse().ok()?, sd.parse().ok()?);
            let (sdn, dcn) = (n.domain(sd), n.dc(dc));
            Some(Command {
                description: format!("Detaching Storage Domain {sdn} from Data Center {dcn}"),
                // `USER_DETACH_STORAGE_DOMAIN_FROM_POOL_FAILED`.
                failure: Some(failed(
                    965,
                    format!(
                        "Failed to detach Storage Domain {sdn} from Data Center {dcn}. \
                         (User: {user})"
                    ),
                    Refs {
                        storage_domain: Some(sd),
                        data_center: Some(dc),
                        ..Refs::default()
                    },
                )),
            })
        }
        (&Method::POST, ["datacenters", dc, "storagedomains", sd, verb]) => {
            let (dc, sd): (Id, Id) = (dc.parse().ok()?, sd.parse().ok()?);
            let (sdn, dcn) = (n.domain(sd), n.dc(dc));
            match *verb {
                "activate" => just(format!(
                    "Activating Storage Domain {sdn} on Data Center {dcn}"
                )),
                "deactivate" => just(format!(
                    "Deactivating Storage Domain {sdn} in Data Center {dcn}"
                )),
                _ => None,
            }
        }
        (&Method::POST, ["storagedomains"]) => {
            let add = StorageDomainAdd::read(req.text()).ok()?;
            // `AddExistingBlockStorageDomain` has no job message of its own.
            let file = add.storage.storage_type.is_some_and(StorageType::is_file);
            file.then(|| Command {
                description: format!(
                    "Adding File Storage Domain {}",
                    add.name.unwrap_or_default()
                ),
                failure: None,
            })
        }
        (&Method::DELETE, ["storagedomains", sd]) => {
            let sd: Id = sd.parse().ok()?;
            let sdn = n.domain(sd);
            let description = if req.params.is("destroy") {
                let dcn = n.domain_dc(sd).map(|dc| n.dc(dc)).unwrap_or_default();
                format!("Removing Storage Domain {sdn} (Force Remove) from Data Center {dcn}")
            } else {
                format!("Removing Storage Domain {sdn}")
            };
            Some(Command {
                description,
                // `USER_REMOVE_STORAGE_DOMAIN_FAILED`.
                failure: Some(failed(
                    961,
                    format!("Failed to remove Storage Domain {sdn}. (User: {user})"),
                    Refs {
                        storage_domain: Some(sd),
                        ..Refs::default()
                    },
                )),
            })
        }
        (&Method::POST, ["storagedomains", sd, "updateovfstore"]) => {
            let sd: Id = sd.parse().ok()?;
            let sdn = n.domain(sd);
            let dc = n.domain_dc(sd);
            let dcn = dc.map(|dc| n.dc(dc)).unwrap_or_default();
            Some(Command {
                description: format!("Updating OVFs for Storage Domain {sdn} in Data Center {dcn}"),
                // `UPDATE_OVF_FOR_STORAGE_DOMAIN_FAILED`, a warning.
                failure: Some(NewEvent {
                    severity: "warning",
                    ..failed(
                        190,
                        format!(
                            "Failed to update VMs/Templates OVF data for Storage Domain {sdn} \
                             in Data Center {dcn}."
                        ),
                        Refs {
                            storage_domain: Some(sd),
                            data_center: dc,
                            ..Refs::default()
                        },
                    )
                }),
            })
        }
        (
            &Method::POST,
            [
                "storagedomains",
                _,
                kind @ ("vms" | "templates"),
                _,
                "register",
            ],
        ) => {
            let cluster = read_registration(req.text())
                .ok()
                .and_then(|r| r.cluster)
                .map(|c| match c {
                    EntityRef::Id(id) => n.cluster(id),
                    EntityRef::Name(name) => name,
                });
            // The entity's name is filled in once it is registered.
            let what = if *kind == "vms" { "VM" } else { "Template" };
            just(format!(
                "Importing {what} {{name}} from configuration to Cluster {}",
                cluster.unwrap_or_else(|| "{cluster}".to_owned())
            ))
        }
        (&Method::POST, ["vms", vm, verb]) => {
            let vmn = n.vm(vm.parse().ok()?);
            match *verb {
                "start" => just(format!("Launching VM {vmn}")),
                "stop" => just(format!("Stopping VM {vmn}")),
                "shutdown" => just(format!("Shutting down VM {vmn}")),
                _ => None,
            }
        }
        (&Method::DELETE, ["vms", vm]) => just(format!(
            "Removing VM {} from system",
            n.vm(vm.parse().ok()?)
        )),
        (&Method::POST, ["hosts", h, "iscsilogin"]) => just(format!(
            "Connecting Host {} to Storage server",
            n.host(h.parse().ok()?)
        )),
        _ => None,
    }
}

/// The entity a registration request registers (`/storagedomains/{sd}/vms|templates/{id}/register`).
pub(crate) fn registration_target(segments: &[String]) -> Option<Id> {
    match segments {
        [a, _, b, id, c] if a == "storagedomains" && c == "register" => {
            (b == "vms" || b == "templates").then(|| id.parse().ok())?
        }
        _ => None,
    }
}

/// A registration's job description with the entity's and its cluster's names, as they are
/// once it is registered.
pub(crate) fn registered(st: &SiteServer, description: &str, entity: Id) -> String {
    if !description.contains("{name}") && !description.contains("{cluster}") {
        return description.to_owned();
    }
    let snap = st.world.snapshot(st.site);
    let n = Names { st, snap: &snap };
    let vm = snap.vms.iter().find(|v| v.id == entity);
    let name = vm
        .map(|v| v.name.clone())
        .unwrap_or_else(|| n.template(entity));
    let cluster = vm.map(|v| n.cluster(v.cluster)).unwrap_or_default();
    description
        .replace("{name}", &name)
        .replace("{cluster}", &cluster)
}

fn failed(code: u32, description: String, refs: Refs) -> NewEvent {
    NewEvent {
        code,
        description,
        refs,
        severity: "error",
    }
}

/// Names as the site's state has them now.
struct Names<'a> {
    st: &'a SiteServer,
    snap: &'a SiteSnapshot,
}

impl Names<'_> {
    fn domain(&self, id: Id) -> String {
        let d = self.snap.domains.iter().find(|d| d.id == id);
        d.map(|d| d.name.clone()).unwrap_or_default()
    }

    fn domain_dc(&self, id: Id) -> Option<Id> {
        self.snap
            .domains
            .iter()
            .find(|d| d.id == id)
            .and_then(|d| d.data_center)
    }

    fn dc(&self, id: Id) -> String {
        let d = self.snap.data_centers.iter().find(|d| d.id == id);
        d.map(|d| d.name.clone()).unwrap_or_default()
    }

    fn vm(&self, id: Id) -> String {
        let v = self.snap.vms.iter().find(|v| v.id == id);
        v.map(|v| v.name.clone()).unwrap_or_default()
    }

    fn template(&self, id: Id) -> String {
        let t = self.snap.templates.iter().find(|t| t.id == id);
        t.map(|t| t.name.clone()).unwrap_or_default()
    }

    fn cluster(&self, id: Id) -> String {
        let facts = self.st.world.facts().site(self.st.site);
        let c = facts.clusters.iter().find(|c| c.id == id);
        c.map(|c| c.name.clone()).unwrap_or_default()
    }

    fn host(&self, id: Id) -> String {
        let facts = self.st.world.facts().site(self.st.site);
        let h = facts.hosts.iter().find(|h| h.id == id);
        h.map(|h| h.name.clone()).unwrap_or_default()
    }
}
