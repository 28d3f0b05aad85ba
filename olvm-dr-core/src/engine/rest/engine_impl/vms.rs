//! VMs and templates: listings with inlined content, the unregistered ones, registration and
//! power actions.

use super::super::RestEngine;
use super::super::errors::Call;
use super::super::search::{Search, encode_query, vm_status_token};
use crate::engine::{
    Cluster, Disk, DiskAttachment, EngineResult, ErrorKind, Id, Registration, StorageDomain,
    Template, UnregisteredTemplate, UnregisteredVm, Vm, VmSearch,
};
use crate::xml::actions::empty_action;
use crate::xml::registration::write_registration;

/// What `vms` and `vm` ask the Engine to inline: NICs (their vNIC profiles), each disk
/// attachment's disk (its storage domains or LUN) and the snapshots (their status tells a
/// preview). The Engine's link follower supports any sub-collection path
/// (`BaseBackendResource.follow`, `LinkFollower`), and `BackendVmsResource` loads `snapshots`
/// for a whole listing in one query.
pub(crate) const VM_FOLLOW: &str = "disk_attachments.disk,nics,snapshots";

impl RestEngine {
    /// Name, status and status-not go to the Engine's search; a storage domain or cluster is
    /// searched by name (looked up first: the search language has no id field for them). The
    /// Engine's `=` is a pattern match, so the answer is filtered exactly here as well. A
    /// domain or cluster that does not exist matches no VM.
    pub(super) async fn get_vms(&self, search: &VmSearch) -> EngineResult<Vec<Vm>> {
        let mut terms = Search::default();
        if let Some(name) = &search.name {
            terms = terms.name_eq("name", name);
        }
        if let Some(token) = search.status.and_then(vm_status_token) {
            terms = terms.token_eq("status", &token);
        }
        if let Some(token) = search.status_not.and_then(vm_status_token) {
            terms = terms.token_ne("status", &token);
        }
        if let Some(sd) = search.storage_domain {
            let call = Call::new("vms").on(format!("storage domain {sd}"));
            match self
                .one::<StorageDomain>(&call, &format!("storagedomains/{sd}"), "")
                .await
            {
                Ok(d) => terms = terms.name_eq("storage", &d.name),
                Err(e) if e.kind == ErrorKind::NotFound => return Ok(Vec::new()),
                Err(e) => return Err(e),
            }
        }
        if let Some(cluster) = search.cluster {
            let call = Call::new("vms").on(format!("cluster {cluster}"));
            match self
                .one::<Cluster>(&call, &format!("clusters/{cluster}"), "")
                .await
            {
                Ok(c) => terms = terms.name_eq("cluster", &c.name),
                Err(e) if e.kind == ErrorKind::NotFound => return Ok(Vec::new()),
                Err(e) => return Err(e),
            }
        }
        let expression = terms.expression();
        let mut params = vec![("follow", VM_FOLLOW)];
        if !terms.is_empty() {
            params.push(("search", expression.as_str()));
        }
        if search.name.is_some() {
            params.push(("case_sensitive", "true"));
        }
        let call = if terms.is_empty() {
            Call::new("vms")
        } else {
            Call::new("vms").on(format!("VMs matching '{expression}'"))
        };
        let mut vms: Vec<Vm> = self.list(&call, "vms", &encode_query(&params)).await?;
        vms.retain(|vm| search.matches(vm));
        Ok(vms)
    }

    pub(super) async fn get_vm(&self, id: Id) -> EngineResult<Vm> {
        let call = Call::new("vm").on(format!("VM {id}"));
        let query = encode_query(&[("follow", VM_FOLLOW)]);
        self.one(&call, &format!("vms/{id}"), &query).await
    }

    /// `PUT /vms/{vm}/nics/{nic}` with only `plugged`: the Engine updates what the body sets.
    pub(super) async fn put_nic_plugged(&self, vm: Id, nic: Id, plugged: bool) -> EngineResult<()> {
        let call = Call::new("set_nic_plugged").on(format!("NIC {nic} of VM {vm}"));
        let mut w = crate::xml::XmlWriter::document();
        w.open("nic", &[]);
        w.bool("plugged", plugged);
        w.close("nic");
        self.transport
            .put(&call, &format!("vms/{vm}/nics/{nic}"), w.finish())
            .await
            .map(|_| ())
    }

    /// `GET /vms/{id}/diskattachments?follow=disk`: the disks come inlined, so one request
    /// gives every disk's domains, size and the attachment's settings.
    pub(super) async fn get_vm_disk_attachments(
        &self,
        id: Id,
    ) -> EngineResult<Vec<DiskAttachment>> {
        let call = Call::new("vm_disk_attachments").on(format!("VM {id}"));
        let query = encode_query(&[("follow", "disk")]);
        self.list(&call, &format!("vms/{id}/diskattachments"), &query)
            .await
    }

    /// Every template but the blank one (the all-zero id every Engine has).
    pub(super) async fn get_templates(&self) -> EngineResult<Vec<Template>> {
        let mut templates: Vec<Template> =
            self.list(&Call::new("templates"), "templates", "").await?;
        templates.retain(|t| !t.id.is_nil());
        Ok(templates)
    }

    pub(super) async fn get_template(&self, id: Id) -> EngineResult<Template> {
        let call = Call::new("template").on(format!("template {id}"));
        self.one(&call, &format!("templates/{id}"), "").await
    }

    pub(super) async fn get_unregistered_vms(&self, sd: Id) -> EngineResult<Vec<UnregisteredVm>> {
        let call = Call::new("unregistered_vms").on(format!("storage domain {sd}"));
        let query = encode_query(&[("unregistered", "true")]);
        self.list(&call, &format!("storagedomains/{sd}/vms"), &query)
            .await
    }

    pub(super) async fn get_unregistered_templates(
        &self,
        sd: Id,
    ) -> EngineResult<Vec<UnregisteredTemplate>> {
        let call = Call::new("unregistered_templates").on(format!("storage domain {sd}"));
        let query = encode_query(&[("unregistered", "true")]);
        self.list(&call, &format!("storagedomains/{sd}/templates"), &query)
            .await
    }

    pub(super) async fn get_unregistered_disks(&self, sd: Id) -> EngineResult<Vec<Disk>> {
        let call = Call::new("unregistered_disks").on(format!("storage domain {sd}"));
        let query = encode_query(&[("unregistered", "true")]);
        self.list(&call, &format!("storagedomains/{sd}/disks"), &query)
            .await
    }

    /// Blocks until the Engine's registration job ends (its default for VMs).
    pub(super) async fn post_register_vm(
        &self,
        sd: Id,
        vm: Id,
        registration: &Registration,
    ) -> EngineResult<()> {
        let call = Call::new("register_vm").on(format!("VM {vm} of storage domain {sd}"));
        let path = format!("storagedomains/{sd}/vms/{vm}/register");
        self.action(&call, &path, write_registration(registration))
            .await
            .map(|_| ())
    }

    pub(super) async fn post_register_template(
        &self,
        sd: Id,
        template: Id,
        registration: &Registration,
    ) -> EngineResult<()> {
        let call = Call::new("register_template")
            .on(format!("template {template} of storage domain {sd}"));
        let path = format!("storagedomains/{sd}/templates/{template}/register");
        self.action(&call, &path, write_registration(registration))
            .await
            .map(|_| ())
    }

    /// `start`, `shutdown` or `stop` with an empty body.
    pub(super) async fn post_vm_action(
        &self,
        operation: &'static str,
        id: Id,
        action: &str,
    ) -> EngineResult<()> {
        let call = Call::new(operation).on(format!("VM {id}"));
        self.action(&call, &format!("vms/{id}/{action}"), empty_action())
            .await
            .map(|_| ())
    }

    pub(super) async fn delete_vm(&self, id: Id) -> EngineResult<()> {
        let call = Call::new("remove_vm").on(format!("VM {id}"));
        self.transport.delete(&call, &format!("vms/{id}"), "").await
    }
}
