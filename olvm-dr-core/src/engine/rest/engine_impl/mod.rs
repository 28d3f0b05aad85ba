//! `impl Engine for RestEngine`: each method delegates to the family module that builds its
//! request and reads its answer.

mod inventory;
mod jobs;
mod storage;
mod vms;

use async_trait::async_trait;

use super::RestEngine;
use super::errors::{Call, kind_for};
use crate::engine::*;
use crate::xml::actions::ActionResult;
use crate::xml::{XmlEntity, read_list, read_one};

impl RestEngine {
    /// `GET path?query` read as a collection of `T`.
    async fn list<T: XmlEntity>(
        &self,
        call: &Call,
        path: &str,
        query: &str,
    ) -> EngineResult<Vec<T>> {
        let body = self.transport.get(call, path, query).await?;
        read_list(&body).map_err(|e| call.protocol(200, &e))
    }

    /// `GET path?query` read as one `T`.
    async fn one<T: XmlEntity>(&self, call: &Call, path: &str, query: &str) -> EngineResult<T> {
        let body = self.transport.get(call, path, query).await?;
        read_one(&body).map_err(|e| call.protocol(200, &e))
    }

    /// `POST path` with an `<action>` body. A 2xx answer holding a failed action is an error,
    /// classified like the status the Engine uses for failed commands. An action the Engine
    /// accepted but still runs (202, status `pending`/`in_progress`) is waited for through its
    /// job ([`jobs::wait`]): it succeeds when the job finishes, and a failed job is the action's
    /// failure.
    async fn action(&self, call: &Call, path: &str, body: String) -> EngineResult<ActionResult> {
        let answer = self.transport.post(call, path, body).await?;
        if answer.body.trim().is_empty() {
            return Ok(ActionResult::default());
        }
        let result =
            ActionResult::read(&answer.body).map_err(|e| call.protocol(answer.status, &e))?;
        if result.failed() {
            let fault = result.fault.clone();
            let e = call
                .error(kind_for(answer.status, fault.as_ref()))
                .with_status(answer.status);
            return Err(match fault {
                Some(f) => e.with_fault(f),
                None => e.with_message("the Engine reported the action as failed"),
            });
        }
        if jobs::still_running(answer.status, &result)
            && let Some(job) = result.job
        {
            jobs::wait(self, call, job).await?;
        }
        Ok(result)
    }
}

#[async_trait]
impl Engine for RestEngine {
    async fn api_info(&self) -> EngineResult<ApiInfo> {
        self.get_api_info().await
    }

    async fn close(&self) -> EngineResult<()> {
        self.transport.logout(&Call::new("close")).await
    }

    async fn data_centers(&self) -> EngineResult<Vec<DataCenter>> {
        self.list(&Call::new("data_centers"), "datacenters", "")
            .await
    }

    async fn clusters(&self) -> EngineResult<Vec<Cluster>> {
        self.list(&Call::new("clusters"), "clusters", "").await
    }

    async fn hosts(&self) -> EngineResult<Vec<Host>> {
        self.list(&Call::new("hosts"), "hosts", "").await
    }

    async fn host_luns(&self, host: Id) -> EngineResult<Vec<HostLun>> {
        self.get_host_luns(host).await
    }

    async fn networks(&self) -> EngineResult<Vec<Network>> {
        self.list(&Call::new("networks"), "networks", "").await
    }

    async fn vnic_profiles(&self) -> EngineResult<Vec<VnicProfile>> {
        self.list(&Call::new("vnic_profiles"), "vnicprofiles", "")
            .await
    }

    async fn cluster_networks(&self, cluster: Id) -> EngineResult<Vec<Network>> {
        let call = Call::new("cluster_networks").on(format!("cluster {cluster}"));
        self.list(&call, &format!("clusters/{cluster}/networks"), "")
            .await
    }

    async fn affinity_groups(&self, cluster: Id) -> EngineResult<Vec<AffinityGroup>> {
        self.get_affinity_groups(cluster).await
    }

    async fn affinity_labels(&self) -> EngineResult<Vec<AffinityLabel>> {
        self.get_affinity_labels().await
    }

    async fn authz_domains(&self) -> EngineResult<Vec<AuthzDomain>> {
        self.list(&Call::new("authz_domains"), "domains", "").await
    }

    async fn roles(&self) -> EngineResult<Vec<Role>> {
        self.list(&Call::new("roles"), "roles", "").await
    }

    async fn storage_domains(&self) -> EngineResult<Vec<StorageDomain>> {
        self.list(&Call::new("storage_domains"), "storagedomains", "")
            .await
    }

    async fn storage_domain(&self, id: Id) -> EngineResult<StorageDomain> {
        self.get_storage_domain(id).await
    }

    async fn attached_storage_domains(&self, dc: Id) -> EngineResult<Vec<StorageDomain>> {
        self.get_attached_storage_domains(dc).await
    }

    async fn attached_storage_domain(&self, dc: Id, sd: Id) -> EngineResult<StorageDomain> {
        self.get_attached_storage_domain(dc, sd).await
    }

    async fn storage_domain_disks(&self, sd: Id) -> EngineResult<Vec<Disk>> {
        self.get_storage_domain_disks(sd).await
    }

    async fn import_storage_domain(
        &self,
        request: &ImportStorageDomain,
    ) -> EngineResult<StorageDomain> {
        self.post_import_storage_domain(request).await
    }

    async fn attach_storage_domain(&self, dc: Id, sd: Id) -> EngineResult<()> {
        self.post_attach_storage_domain(dc, sd).await
    }

    async fn activate_storage_domain(&self, dc: Id, sd: Id) -> EngineResult<()> {
        self.post_activate_storage_domain(dc, sd).await
    }

    async fn deactivate_storage_domain(&self, dc: Id, sd: Id, force: bool) -> EngineResult<()> {
        self.post_deactivate_storage_domain(dc, sd, force).await
    }

    async fn detach_storage_domain(&self, dc: Id, sd: Id) -> EngineResult<()> {
        self.delete_attached_storage_domain(dc, sd).await
    }

    async fn remove_storage_domain(&self, sd: Id, how: RemoveStorageDomain) -> EngineResult<()> {
        self.delete_storage_domain(sd, how).await
    }

    async fn update_ovf_store(&self, sd: Id) -> EngineResult<Option<Id>> {
        self.post_update_ovf_store(sd).await
    }

    async fn job(&self, id: Id) -> EngineResult<Job> {
        self.get_job(id).await
    }

    async fn iscsi_discover(
        &self,
        host: Id,
        portal: &IscsiPortal,
    ) -> EngineResult<Vec<IscsiTarget>> {
        self.post_iscsi_discover(host, portal).await
    }

    async fn iscsi_login(&self, host: Id, login: &IscsiLogin) -> EngineResult<()> {
        self.post_iscsi_login(host, login).await
    }

    async fn disks(&self, filter: DiskFilter) -> EngineResult<Vec<Disk>> {
        self.get_disks(filter).await
    }

    async fn remove_disk(&self, id: Id) -> EngineResult<()> {
        self.delete_disk(id).await
    }

    async fn vms(&self, search: &VmSearch) -> EngineResult<Vec<Vm>> {
        self.get_vms(search).await
    }

    async fn vm(&self, id: Id) -> EngineResult<Vm> {
        self.get_vm(id).await
    }

    async fn vm_disk_attachments(&self, id: Id) -> EngineResult<Vec<DiskAttachment>> {
        self.get_vm_disk_attachments(id).await
    }

    async fn set_nic_plugged(&self, vm: Id, nic: Id, plugged: bool) -> EngineResult<()> {
        self.put_nic_plugged(vm, nic, plugged).await
    }

    async fn templates(&self) -> EngineResult<Vec<Template>> {
        self.get_templates().await
    }

    async fn template(&self, id: Id) -> EngineResult<Template> {
        self.get_template(id).await
    }

    async fn unregistered_vms(&self, sd: Id) -> EngineResult<Vec<UnregisteredVm>> {
        self.get_unregistered_vms(sd).await
    }

    async fn unregistered_templates(&self, sd: Id) -> EngineResult<Vec<UnregisteredTemplate>> {
        self.get_unregistered_templates(sd).await
    }

    async fn unregistered_disks(&self, sd: Id) -> EngineResult<Vec<Disk>> {
        self.get_unregistered_disks(sd).await
    }

    async fn register_vm(&self, sd: Id, vm: Id, registration: &Registration) -> EngineResult<()> {
        self.post_register_vm(sd, vm, registration).await
    }

    async fn register_template(
        &self,
        sd: Id,
        template: Id,
        registration: &Registration,
    ) -> EngineResult<()> {
        self.post_register_template(sd, template, registration)
            .await
    }

    async fn start_vm(&self, id: Id) -> EngineResult<()> {
        self.post_vm_action("start_vm", id, "start").await
    }

    async fn shutdown_vm(&self, id: Id) -> EngineResult<()> {
        self.post_vm_action("shutdown_vm", id, "shutdown").await
    }

    async fn stop_vm(&self, id: Id) -> EngineResult<()> {
        self.post_vm_action("stop_vm", id, "stop").await
    }

    async fn remove_vm(&self, id: Id) -> EngineResult<()> {
        self.delete_vm(id).await
    }

    async fn tags(&self) -> EngineResult<Vec<Tag>> {
        self.list(&Call::new("tags"), "tags", "").await
    }

    async fn add_tag(&self, name: &str, description: &str) -> EngineResult<Tag> {
        let call = Call::new("add_tag").on(format!("tag '{name}'"));
        let body = crate::xml::write_tag_add(name, description);
        let answer = self.transport.post(&call, "tags", body).await?;
        read_one(&answer.body).map_err(|e| call.protocol(answer.status, &e))
    }

    async fn remove_tag(&self, id: Id) -> EngineResult<()> {
        let call = Call::new("remove_tag").on(format!("tag {id}"));
        self.transport
            .delete(&call, &format!("tags/{id}"), "")
            .await
    }

    async fn vm_tags(&self, vm: Id) -> EngineResult<Vec<Tag>> {
        let call = Call::new("vm_tags").on(format!("vm {vm}"));
        self.list(&call, &format!("vms/{vm}/tags"), "").await
    }

    async fn assign_tag(&self, vm: Id, tag: Id) -> EngineResult<()> {
        let call = Call::new("assign_tag").on(format!("tag {tag} of vm {vm}"));
        let body = crate::xml::write_tag_assign(tag);
        self.transport
            .post(&call, &format!("vms/{vm}/tags"), body)
            .await
            .map(|_| ())
    }

    async fn switch_master_storage_domain(&self, dc: Id, sd: Id) -> EngineResult<()> {
        self.post_set_master(dc, sd).await
    }

    async fn start_vm_with_initialization(
        &self,
        id: Id,
        initialization: &Initialization,
    ) -> EngineResult<()> {
        let call = Call::new("start_vm_with_initialization").on(format!("VM {id}"));
        let body = crate::xml::guest::write_start_with_initialization(initialization);
        self.action(&call, &format!("vms/{id}/start"), body)
            .await
            .map(|_| ())
    }

    async fn vm_reported_devices(&self, id: Id) -> EngineResult<Vec<ReportedDevice>> {
        let call = Call::new("vm_reported_devices").on(format!("VM {id}"));
        self.list(&call, &format!("vms/{id}/reporteddevices"), "")
            .await
    }
}
