//! [`FencedEngine`]: any [`Engine`] whose calls are made only while the run holds its lock.

use std::sync::Arc;

use async_trait::async_trait;

use super::*;

/// Says why the run lock is lost, `None` while the run holds it. Called before every Engine
/// call, so it must be cheap (the etcd store answers from its lease's last renewal, without a
/// round trip).
pub type Fence = Arc<dyn Fn() -> Option<String> + Send + Sync>;

/// Wraps an Engine so that each call first checks the [`Fence`]; once the run lock is lost the
/// call is not made and fails with [`ErrorKind::Forbidden`]. Mutating calls (import, attach,
/// activate, deactivate, detach, remove, register, start, stop, shut down, plug, iSCSI login,
/// OVF update, tag changes, master switch) must never be made by a controller that lost its
/// lock, as another one may have taken the run over; reads are refused too, as they only serve
/// the next change. Only `close` (the session's logout) passes unchecked.
#[derive(Clone)]
pub struct FencedEngine {
    inner: Arc<dyn Engine>,
    fence: Fence,
}

impl std::fmt::Debug for FencedEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FencedEngine")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

impl FencedEngine {
    /// `inner`, its mutating calls fenced by `fence`.
    pub fn new(inner: Arc<dyn Engine>, fence: Fence) -> Self {
        Self { inner, fence }
    }

    fn check(&self, operation: &'static str) -> EngineResult<()> {
        match (self.fence)() {
            None => Ok(()),
            Some(why) => {
                tracing::error!(operation, "not made: {why}");
                Err(EngineError::new(ErrorKind::Forbidden, operation)
                    .with_message(format!("not made: {why}")))
            }
        }
    }
}

/// Forwards `unfenced` calls as they are and `fenced` ones after the fence check.
macro_rules! fenced {
    (
        unfenced { $( fn $r:ident(&self $(, $ra:ident : $rt:ty)*) -> $rr:ty; )+ }
        fenced { $( fn $m:ident(&self $(, $ma:ident : $mt:ty)*) -> $mr:ty; )+ }
    ) => {
        #[async_trait]
        impl Engine for FencedEngine {
            $(
                async fn $r(&self $(, $ra: $rt)*) -> $rr {
                    self.inner.$r($($ra),*).await
                }
            )+
            $(
                async fn $m(&self $(, $ma: $mt)*) -> $mr {
                    self.check(stringify!($m))?;
                    self.inner.$m($($ma),*).await
                }
            )+
        }
    };
}

fenced! {
    unfenced {
        fn close(&self) -> EngineResult<()>;
    }
    fenced {
        fn api_info(&self) -> EngineResult<ApiInfo>;
        fn data_centers(&self) -> EngineResult<Vec<DataCenter>>;
        fn clusters(&self) -> EngineResult<Vec<Cluster>>;
        fn hosts(&self) -> EngineResult<Vec<Host>>;
        fn host_luns(&self, host: Id) -> EngineResult<Vec<HostLun>>;
        fn networks(&self) -> EngineResult<Vec<Network>>;
        fn vnic_profiles(&self) -> EngineResult<Vec<VnicProfile>>;
        fn cluster_networks(&self, cluster: Id) -> EngineResult<Vec<Network>>;
        fn affinity_groups(&self, cluster: Id) -> EngineResult<Vec<AffinityGroup>>;
        fn affinity_labels(&self) -> EngineResult<Vec<AffinityLabel>>;
        fn authz_domains(&self) -> EngineResult<Vec<AuthzDomain>>;
        fn roles(&self) -> EngineResult<Vec<Role>>;
        fn storage_domains(&self) -> EngineResult<Vec<StorageDomain>>;
        fn storage_domain(&self, id: Id) -> EngineResult<StorageDomain>;
        fn attached_storage_domains(&self, dc: Id) -> EngineResult<Vec<StorageDomain>>;
        fn attached_storage_domain(&self, dc: Id, sd: Id) -> EngineResult<StorageDomain>;
        fn storage_domain_disks(&self, sd: Id) -> EngineResult<Vec<Disk>>;
        fn job(&self, id: Id) -> EngineResult<Job>;
        fn iscsi_discover(&self, host: Id, portal: &IscsiPortal) -> EngineResult<Vec<IscsiTarget>>;
        fn disks(&self, filter: DiskFilter) -> EngineResult<Vec<Disk>>;
        fn vms(&self, search: &VmSearch) -> EngineResult<Vec<Vm>>;
        fn vm(&self, id: Id) -> EngineResult<Vm>;
        fn vm_disk_attachments(&self, id: Id) -> EngineResult<Vec<DiskAttachment>>;
        fn templates(&self) -> EngineResult<Vec<Template>>;
        fn template(&self, id: Id) -> EngineResult<Template>;
        fn unregistered_vms(&self, sd: Id) -> EngineResult<Vec<UnregisteredVm>>;
        fn unregistered_templates(&self, sd: Id) -> EngineResult<Vec<UnregisteredTemplate>>;
        fn unregistered_disks(&self, sd: Id) -> EngineResult<Vec<Disk>>;
        fn tags(&self) -> EngineResult<Vec<Tag>>;
        fn vm_tags(&self, vm: Id) -> EngineResult<Vec<Tag>>;
        fn vm_reported_devices(&self, id: Id) -> EngineResult<Vec<ReportedDevice>>;
        fn import_storage_domain(&self, request: &ImportStorageDomain) -> EngineResult<StorageDomain>;
        fn attach_storage_domain(&self, dc: Id, sd: Id) -> EngineResult<()>;
        fn activate_storage_domain(&self, dc: Id, sd: Id) -> EngineResult<()>;
        fn deactivate_storage_domain(&self, dc: Id, sd: Id, force: bool) -> EngineResult<()>;
        fn detach_storage_domain(&self, dc: Id, sd: Id) -> EngineResult<()>;
        fn remove_storage_domain(&self, sd: Id, how: RemoveStorageDomain) -> EngineResult<()>;
        fn update_ovf_store(&self, sd: Id) -> EngineResult<Option<Id>>;
        fn iscsi_login(&self, host: Id, login: &IscsiLogin) -> EngineResult<()>;
        fn remove_disk(&self, id: Id) -> EngineResult<()>;
        fn set_nic_plugged(&self, vm: Id, nic: Id, plugged: bool) -> EngineResult<()>;
        fn register_vm(&self, sd: Id, vm: Id, registration: &Registration) -> EngineResult<()>;
        fn register_template(&self, sd: Id, template: Id, registration: &Registration) -> EngineResult<()>;
        fn start_vm(&self, id: Id) -> EngineResult<()>;
        fn shutdown_vm(&self, id: Id) -> EngineResult<()>;
        fn stop_vm(&self, id: Id) -> EngineResult<()>;
        fn remove_vm(&self, id: Id) -> EngineResult<()>;
        fn add_tag(&self, name: &str, description: &str) -> EngineResult<Tag>;
        fn remove_tag(&self, id: Id) -> EngineResult<()>;
        fn assign_tag(&self, vm: Id, tag: Id) -> EngineResult<()>;
        fn switch_master_storage_domain(&self, dc: Id, sd: Id) -> EngineResult<()>;
        fn start_vm_with_initialization(&self, id: Id, initialization: &Initialization) -> EngineResult<()>;
    }
}

#[cfg(all(test, feature = "fake"))]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::*;
    use crate::Site;
    use crate::fake::WorldBuilder;

    #[tokio::test]
    async fn once_the_lock_is_lost_no_call_is_made() {
        let world = WorldBuilder::small(1).build();
        let lost = Arc::new(AtomicBool::new(false));
        let flag = lost.clone();
        let fence: Fence = Arc::new(move || {
            flag.load(Ordering::SeqCst)
                .then(|| "the run lock in etcd expired".to_owned())
        });
        let engine = FencedEngine::new(world.dyn_engine(Site::Primary), fence);
        let tag = engine.add_tag("t1", "").await.unwrap();
        lost.store(true, Ordering::SeqCst);
        let e = engine.remove_tag(tag.id).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Forbidden);
        assert!(
            e.to_string().contains("the run lock in etcd expired"),
            "{e}"
        );
        assert_eq!(engine.tags().await.unwrap_err().kind, ErrorKind::Forbidden);
        // Not made: the tag is still there.
        let tags = world.dyn_engine(Site::Primary).tags().await.unwrap();
        assert!(tags.iter().any(|t| t.id == tag.id));
    }
}
