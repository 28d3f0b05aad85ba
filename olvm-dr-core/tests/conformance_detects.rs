//! The conformance suite catches a lenient Engine: wrappers that break one rule of the fake
//! must make the matching checks fail (a suite that cannot fail proves nothing).

use std::sync::Arc;

use async_trait::async_trait;
use olvm_dr_core::Site;
use olvm_dr_core::conformance::{Context, run_all};
use olvm_dr_core::engine::*;
use olvm_dr_core::fake::WorldBuilder;

/// The rule a wrapper breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bug {
    /// Attach "succeeds" while sanlock would refuse (a read-only replica).
    IgnoreLeases,
    /// Conflicts are reported as bad requests.
    ConflictAsBadRequest,
}

impl Bug {
    fn apply<T>(self, r: EngineResult<T>) -> EngineResult<T> {
        match r {
            Err(mut e) if self == Bug::ConflictAsBadRequest && e.kind == ErrorKind::Conflict => {
                e.kind = ErrorKind::BadRequest;
                Err(e)
            }
            other => other,
        }
    }
}

#[derive(Debug)]
struct Buggy {
    inner: Arc<dyn Engine>,
    bug: Bug,
}

#[async_trait]
impl Engine for Buggy {
    async fn api_info(&self) -> EngineResult<ApiInfo> {
        self.bug.apply(self.inner.api_info().await)
    }

    async fn close(&self) -> EngineResult<()> {
        self.bug.apply(self.inner.close().await)
    }

    async fn data_centers(&self) -> EngineResult<Vec<DataCenter>> {
        self.bug.apply(self.inner.data_centers().await)
    }

    async fn clusters(&self) -> EngineResult<Vec<Cluster>> {
        self.bug.apply(self.inner.clusters().await)
    }

    async fn hosts(&self) -> EngineResult<Vec<Host>> {
        self.bug.apply(self.inner.hosts().await)
    }

    async fn host_luns(&self, host: Id) -> EngineResult<Vec<HostLun>> {
        self.bug.apply(self.inner.host_luns(host).await)
    }

    async fn networks(&self) -> EngineResult<Vec<Network>> {
        self.bug.apply(self.inner.networks().await)
    }

    async fn vnic_profiles(&self) -> EngineResult<Vec<VnicProfile>> {
        self.bug.apply(self.inner.vnic_profiles().await)
    }

    async fn cluster_networks(&self, cluster: Id) -> EngineResult<Vec<Network>> {
        self.bug.apply(self.inner.cluster_networks(cluster).await)
    }

    async fn affinity_groups(&self, cluster: Id) -> EngineResult<Vec<AffinityGroup>> {
        self.bug.apply(self.inner.affinity_groups(cluster).await)
    }

    async fn affinity_labels(&self) -> EngineResult<Vec<AffinityLabel>> {
        self.bug.apply(self.inner.affinity_labels().await)
    }

    async fn authz_domains(&self) -> EngineResult<Vec<AuthzDomain>> {
        self.bug.apply(self.inner.authz_domains().await)
    }

    async fn roles(&self) -> EngineResult<Vec<Role>> {
        self.bug.apply(self.inner.roles().await)
    }

    async fn storage_domains(&self) -> EngineResult<Vec<StorageDomain>> {
        self.bug.apply(self.inner.storage_domains().await)
    }

    async fn storage_domain(&self, id: Id) -> EngineResult<StorageDomain> {
        self.bug.apply(self.inner.storage_domain(id).await)
    }

    async fn attached_storage_domains(&self, dc: Id) -> EngineResult<Vec<StorageDomain>> {
        self.bug
            .apply(self.inner.attached_storage_domains(dc).await)
    }

    async fn attached_storage_domain(&self, dc: Id, sd: Id) -> EngineResult<StorageDomain> {
        self.bug
            .apply(self.inner.attached_storage_domain(dc, sd).await)
    }

    async fn storage_domain_disks(&self, sd: Id) -> EngineResult<Vec<Disk>> {
        self.bug.apply(self.inner.storage_domain_disks(sd).await)
    }

    async fn import_storage_domain(
        &self,
        request: &ImportStorageDomain,
    ) -> EngineResult<StorageDomain> {
        self.bug
            .apply(self.inner.import_storage_domain(request).await)
    }

    async fn attach_storage_domain(&self, dc: Id, sd: Id) -> EngineResult<()> {
        match self.inner.attach_storage_domain(dc, sd).await {
            Err(e) if self.bug == Bug::IgnoreLeases && e.kind == ErrorKind::LeaseHeld => Ok(()),
            other => other,
        }
    }

    async fn activate_storage_domain(&self, dc: Id, sd: Id) -> EngineResult<()> {
        self.bug
            .apply(self.inner.activate_storage_domain(dc, sd).await)
    }

    async fn deactivate_storage_domain(&self, dc: Id, sd: Id, force: bool) -> EngineResult<()> {
        self.bug
            .apply(self.inner.deactivate_storage_domain(dc, sd, force).await)
    }

    async fn detach_storage_domain(&self, dc: Id, sd: Id) -> EngineResult<()> {
        self.bug
            .apply(self.inner.detach_storage_domain(dc, sd).await)
    }

    async fn remove_storage_domain(&self, sd: Id, how: RemoveStorageDomain) -> EngineResult<()> {
        self.bug
            .apply(self.inner.remove_storage_domain(sd, how).await)
    }

    async fn update_ovf_store(&self, sd: Id) -> EngineResult<Option<Id>> {
        self.bug.apply(self.inner.update_ovf_store(sd).await)
    }

    async fn job(&self, id: Id) -> EngineResult<Job> {
        self.bug.apply(self.inner.job(id).await)
    }

    async fn iscsi_discover(
        &self,
        host: Id,
        portal: &IscsiPortal,
    ) -> EngineResult<Vec<IscsiTarget>> {
        self.bug
            .apply(self.inner.iscsi_discover(host, portal).await)
    }

    async fn iscsi_login(&self, host: Id, login: &IscsiLogin) -> EngineResult<()> {
        self.bug.apply(self.inner.iscsi_login(host, login).await)
    }

    async fn disks(&self, filter: DiskFilter) -> EngineResult<Vec<Disk>> {
        self.bug.apply(self.inner.disks(filter).await)
    }

    async fn remove_disk(&self, id: Id) -> EngineResult<()> {
        self.bug.apply(self.inner.remove_disk(id).await)
    }

    async fn vms(&self, search: &VmSearch) -> EngineResult<Vec<Vm>> {
        self.bug.apply(self.inner.vms(search).await)
    }

    async fn vm(&self, id: Id) -> EngineResult<Vm> {
        self.bug.apply(self.inner.vm(id).await)
    }

    async fn vm_disk_attachments(&self, id: Id) -> EngineResult<Vec<DiskAttachment>> {
        self.bug.apply(self.inner.vm_disk_attachments(id).await)
    }

    async fn set_nic_plugged(&self, vm: Id, nic: Id, plugged: bool) -> EngineResult<()> {
        self.bug
            .apply(self.inner.set_nic_plugged(vm, nic, plugged).await)
    }

    async fn templates(&self) -> EngineResult<Vec<Template>> {
        self.bug.apply(self.inner.templates().await)
    }

    async fn template(&self, id: Id) -> EngineResult<Template> {
        self.bug.apply(self.inner.template(id).await)
    }

    async fn unregistered_vms(&self, sd: Id) -> EngineResult<Vec<UnregisteredVm>> {
        self.bug.apply(self.inner.unregistered_vms(sd).await)
    }

    async fn unregistered_templates(&self, sd: Id) -> EngineResult<Vec<UnregisteredTemplate>> {
        self.bug.apply(self.inner.unregistered_templates(sd).await)
    }

    async fn unregistered_disks(&self, sd: Id) -> EngineResult<Vec<Disk>> {
        self.bug.apply(self.inner.unregistered_disks(sd).await)
    }

    async fn register_vm(&self, sd: Id, vm: Id, registration: &Registration) -> EngineResult<()> {
        self.bug
            .apply(self.inner.register_vm(sd, vm, registration).await)
    }

    async fn register_template(
        &self,
        sd: Id,
        template: Id,
        registration: &Registration,
    ) -> EngineResult<()> {
        self.bug.apply(
            self.inner
                .register_template(sd, template, registration)
                .await,
        )
    }

    async fn start_vm(&self, id: Id) -> EngineResult<()> {
        self.bug.apply(self.inner.start_vm(id).await)
    }

    async fn shutdown_vm(&self, id: Id) -> EngineResult<()> {
        self.bug.apply(self.inner.shutdown_vm(id).await)
    }

    async fn stop_vm(&self, id: Id) -> EngineResult<()> {
        self.bug.apply(self.inner.stop_vm(id).await)
    }

    async fn remove_vm(&self, id: Id) -> EngineResult<()> {
        self.bug.apply(self.inner.remove_vm(id).await)
    }

    async fn tags(&self) -> EngineResult<Vec<Tag>> {
        self.bug.apply(self.inner.tags().await)
    }

    async fn add_tag(&self, name: &str, description: &str) -> EngineResult<Tag> {
        self.bug.apply(self.inner.add_tag(name, description).await)
    }

    async fn remove_tag(&self, id: Id) -> EngineResult<()> {
        self.bug.apply(self.inner.remove_tag(id).await)
    }

    async fn vm_tags(&self, vm: Id) -> EngineResult<Vec<Tag>> {
        self.bug.apply(self.inner.vm_tags(vm).await)
    }

    async fn assign_tag(&self, vm: Id, tag: Id) -> EngineResult<()> {
        self.bug.apply(self.inner.assign_tag(vm, tag).await)
    }

    async fn switch_master_storage_domain(&self, dc: Id, sd: Id) -> EngineResult<()> {
        self.bug
            .apply(self.inner.switch_master_storage_domain(dc, sd).await)
    }

    async fn start_vm_with_initialization(
        &self,
        id: Id,
        initialization: &Initialization,
    ) -> EngineResult<()> {
        self.bug.apply(
            self.inner
                .start_vm_with_initialization(id, initialization)
                .await,
        )
    }

    async fn vm_reported_devices(&self, id: Id) -> EngineResult<Vec<ReportedDevice>> {
        self.bug.apply(self.inner.vm_reported_devices(id).await)
    }
}

async fn run(bug: Bug) -> olvm_dr_core::conformance::Report {
    run_all(|| async {
        let world = WorldBuilder::small(42).build();
        let wrap = |site| -> Arc<dyn Engine> {
            Arc::new(Buggy {
                inner: world.dyn_engine(site),
                bug,
            })
        };
        let (p, s) = (wrap(Site::Primary), wrap(Site::Secondary));
        Context::new(world, p, s)
    })
    .await
}

fn failed(report: &olvm_dr_core::conformance::Report) -> Vec<&'static str> {
    report.failures().map(|o| o.name).collect()
}

#[tokio::test(start_paused = true)]
async fn ignoring_leases_is_caught() {
    let report = run(Bug::IgnoreLeases).await;
    let failed = failed(&report);
    let check = "attach_of_a_read_only_replica_fails";
    assert!(
        failed.contains(&check),
        "{check} passed a lenient Engine:\n{report}"
    );
}

#[tokio::test(start_paused = true)]
async fn wrong_error_kinds_are_caught() {
    let report = run(Bug::ConflictAsBadRequest).await;
    let failed = failed(&report);
    for check in [
        "file_domains_import_by_address_and_path",
        "master_rules",
        "register_vm_name_conflict",
        "mac_conflict_without_reassignment",
        "delete_protected_vm_is_not_removed",
    ] {
        assert!(
            failed.contains(&check),
            "{check} passed a misclassifying Engine:\n{report}"
        );
    }
}
