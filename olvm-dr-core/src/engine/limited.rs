//! [`LimitedEngine`]: any [`Engine`] with a bound on the calls in flight.

use std::sync::Arc;

use async_trait::async_trait;
use tokio::sync::Semaphore;

use super::*;

/// The number of Engine calls in flight per site that the DR flows allow by default.
///
/// Measured (`cargo bench -p olvm-dr-benches --bench failover_fake`: 1 000 VMs, 10 domains, the
/// realistic latency profile, an Engine serving 50 requests at once): 4 → 1 067 s, 8 → 600 s,
/// 16 → 382 s, 32 → 278 s, 50 → 239 s of simulated failover, each within 1.08× of its lower
/// bound. Registrations dominate, so more slots keep helping up to the Engine's own limit.
/// 16 is the default nevertheless: the Engine's ~50 workers also run its host monitoring, and a
/// monitoring starved during a failover marks hosts non-responsive (and may fence them). On an
/// Engine that does nothing else, raise it (`--concurrency`).
pub const DEFAULT_CONCURRENCY: usize = 16;

/// Wraps an Engine so that at most `limit` of its calls run at the same time; the others wait
/// their turn. Waits between calls (polling) hold no slot.
#[derive(Debug, Clone)]
pub struct LimitedEngine {
    inner: Arc<dyn Engine>,
    slots: Arc<Semaphore>,
}

impl LimitedEngine {
    /// `inner` with at most `limit` calls in flight (at least one).
    pub fn new(inner: Arc<dyn Engine>, limit: usize) -> Self {
        Self {
            inner,
            slots: Arc::new(Semaphore::new(limit.max(1))),
        }
    }
}

/// Forwards each method to the inner Engine while holding a slot.
macro_rules! limited {
    ($( fn $name:ident(&self $(, $arg:ident : $ty:ty)*) -> $ret:ty; )+) => {
        #[async_trait]
        impl Engine for LimitedEngine {
            $(
                async fn $name(&self $(, $arg: $ty)*) -> $ret {
                    let _slot = self.slots.acquire().await;
                    self.inner.$name($($arg),*).await
                }
            )+
        }
    };
}

limited! {
    fn api_info(&self) -> EngineResult<ApiInfo>;
    fn close(&self) -> EngineResult<()>;
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
    fn import_storage_domain(&self, request: &ImportStorageDomain) -> EngineResult<StorageDomain>;
    fn attach_storage_domain(&self, dc: Id, sd: Id) -> EngineResult<()>;
    fn activate_storage_domain(&self, dc: Id, sd: Id) -> EngineResult<()>;
    fn deactivate_storage_domain(&self, dc: Id, sd: Id, force: bool) -> EngineResult<()>;
    fn detach_storage_domain(&self, dc: Id, sd: Id) -> EngineResult<()>;
    fn remove_storage_domain(&self, sd: Id, how: RemoveStorageDomain) -> EngineResult<()>;
    fn update_ovf_store(&self, sd: Id) -> EngineResult<Option<Id>>;
    fn job(&self, id: Id) -> EngineResult<Job>;
    fn iscsi_discover(&self, host: Id, portal: &IscsiPortal) -> EngineResult<Vec<IscsiTarget>>;
    fn iscsi_login(&self, host: Id, login: &IscsiLogin) -> EngineResult<()>;
    fn disks(&self, filter: DiskFilter) -> EngineResult<Vec<Disk>>;
    fn remove_disk(&self, id: Id) -> EngineResult<()>;
    fn vms(&self, search: &VmSearch) -> EngineResult<Vec<Vm>>;
    fn vm(&self, id: Id) -> EngineResult<Vm>;
    fn vm_disk_attachments(&self, id: Id) -> EngineResult<Vec<DiskAttachment>>;
    fn set_nic_plugged(&self, vm: Id, nic: Id, plugged: bool) -> EngineResult<()>;
    fn templates(&self) -> EngineResult<Vec<Template>>;
    fn template(&self, id: Id) -> EngineResult<Template>;
    fn unregistered_vms(&self, sd: Id) -> EngineResult<Vec<UnregisteredVm>>;
    fn unregistered_templates(&self, sd: Id) -> EngineResult<Vec<UnregisteredTemplate>>;
    fn unregistered_disks(&self, sd: Id) -> EngineResult<Vec<Disk>>;
    fn register_vm(&self, sd: Id, vm: Id, registration: &Registration) -> EngineResult<()>;
    fn register_template(&self, sd: Id, template: Id, registration: &Registration) -> EngineResult<()>;
    fn start_vm(&self, id: Id) -> EngineResult<()>;
    fn shutdown_vm(&self, id: Id) -> EngineResult<()>;
    fn stop_vm(&self, id: Id) -> EngineResult<()>;
    fn remove_vm(&self, id: Id) -> EngineResult<()>;
    fn tags(&self) -> EngineResult<Vec<Tag>>;
    fn add_tag(&self, name: &str, description: &str) -> EngineResult<Tag>;
    fn remove_tag(&self, id: Id) -> EngineResult<()>;
    fn vm_tags(&self, vm: Id) -> EngineResult<Vec<Tag>>;
    fn assign_tag(&self, vm: Id, tag: Id) -> EngineResult<()>;
    fn switch_master_storage_domain(&self, dc: Id, sd: Id) -> EngineResult<()>;
    fn start_vm_with_initialization(&self, id: Id, initialization: &Initialization) -> EngineResult<()>;
    fn vm_reported_devices(&self, id: Id) -> EngineResult<Vec<ReportedDevice>>;
}

#[cfg(all(test, feature = "fake"))]
mod tests {
    use super::*;
    use crate::Site;
    use crate::fake::{LatencyProfile, WorldBuilder};

    /// 20 reads of 50 ms each (the realistic profile) through a limit of 3 take 7 rounds.
    #[tokio::test(start_paused = true)]
    async fn calls_beyond_the_limit_wait_for_a_slot() {
        let world = WorldBuilder::small(1).build();
        world.set_latency(Site::Primary, LatencyProfile::realistic());
        let limited = Arc::new(LimitedEngine::new(world.dyn_engine(Site::Primary), 3));
        let start = tokio::time::Instant::now();
        let calls: Vec<_> = (0..20)
            .map(|_| {
                let e = limited.clone();
                tokio::spawn(async move { e.api_info().await })
            })
            .collect();
        for c in calls {
            c.await.unwrap().unwrap();
        }
        assert_eq!(start.elapsed(), std::time::Duration::from_millis(350));

        let unlimited = world.dyn_engine(Site::Primary);
        let start = tokio::time::Instant::now();
        let calls: Vec<_> = (0..20)
            .map(|_| {
                let e = unlimited.clone();
                tokio::spawn(async move { e.api_info().await })
            })
            .collect();
        for c in calls {
            c.await.unwrap().unwrap();
        }
        assert_eq!(start.elapsed(), std::time::Duration::from_millis(50));
    }
}
