//! [`FakeEngine`]: one site of a [`World`](super::World) behind the [`Engine`] trait.
//!
//! Every call goes the same way:
//! 1. it arrives: a site whose Engine is down answers [`Unreachable`](crate::ErrorKind) at
//!    once; the fault plan is consulted; the call waits for one of the site's request slots
//!    (the Engine-side concurrency limit);
//! 2. an injected hang holds it (and its slot); an injected failure replaces the processing;
//! 3. the Engine processes it: the change takes effect now, under the world's lock;
//! 4. the answer arrives after the operation's request latency, unless the Engine died
//!    meanwhile (then the caller sees `Unavailable`, a connection cut off, although the change happened, as with a real
//!    Engine whose connection drops).

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;
use tokio::sync::Semaphore;
use tokio::time::{Instant, sleep};

use crate::Site;
use crate::engine::*;

use super::messages as msg;
use super::ops::Operation;
use super::state::{WorldState, ix};

/// The state both sites share, and each site's request slots.
pub(crate) struct Shared {
    state: Mutex<WorldState>,
    slots: [Mutex<Arc<Semaphore>>; 2],
    watchers: Mutex<Watchers>,
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shared").finish_non_exhaustive()
    }
}

/// Whether a site's Engine answers and its hosts run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Liveness {
    /// The Engine answers.
    pub engine_up: bool,
    /// The hosts run (VDSM listens, VMs run, leases are renewed).
    pub hosts_up: bool,
}

/// Called, synchronously, when a site's [`Liveness`] changes.
pub type LivenessWatcher = Arc<dyn Fn(Site, Liveness) + Send + Sync>;

#[derive(Default)]
struct Watchers {
    list: Vec<LivenessWatcher>,
    seen: [Option<Liveness>; 2],
}

impl Shared {
    pub(crate) fn new(state: WorldState) -> Self {
        let slots = [Site::Primary, Site::Secondary]
            .map(|s| Mutex::new(Arc::new(Semaphore::new(state.site(s).concurrency))));
        Self {
            state: Mutex::new(state),
            slots,
            watchers: Mutex::new(Watchers::default()),
        }
    }

    /// Adds a watcher of both sites' liveness and tells it the current one.
    pub(crate) fn watch(&self, watcher: LivenessWatcher) {
        let now = self.liveness();
        let mut ws = self.watchers.lock().unwrap_or_else(PoisonError::into_inner);
        for (i, site) in Site::BOTH.into_iter().enumerate() {
            watcher(site, now[i]);
            ws.seen[i] = Some(now[i]);
        }
        ws.list.push(watcher);
    }

    fn liveness(&self) -> [Liveness; 2] {
        let w = self.lock();
        Site::BOTH.map(|s| Liveness {
            engine_up: w.site(s).engine_up,
            hosts_up: w.site(s).hosts_alive(),
        })
    }

    /// Tells the watchers about the sites whose liveness changed since they last heard.
    pub(crate) fn notify_liveness(&self) {
        let mut ws = self.watchers.lock().unwrap_or_else(PoisonError::into_inner);
        if ws.list.is_empty() {
            return;
        }
        let now = self.liveness();
        for (i, site) in Site::BOTH.into_iter().enumerate() {
            if ws.seen[i] != Some(now[i]) {
                ws.seen[i] = Some(now[i]);
                for watcher in &ws.list {
                    watcher(site, now[i]);
                }
            }
        }
    }

    /// Locks the world. A panic while it was held (a bug) does not poison it for later calls.
    pub(crate) fn lock(&self) -> MutexGuard<'_, WorldState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Locks the world and performs the events due by now.
    pub(crate) fn lock_current(&self) -> (MutexGuard<'_, WorldState>, Instant) {
        let mut w = self.lock();
        let now = Instant::now();
        w.catch_up(now);
        (w, now)
    }

    /// Replaces a site's request slots (a new concurrency limit applies to later calls).
    pub(crate) fn set_concurrency(&self, site: Site, limit: usize) {
        *self.slots[ix(site)]
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Arc::new(Semaphore::new(limit.max(1)));
    }

    fn slots(&self, site: Site) -> Arc<Semaphore> {
        Arc::clone(
            &self.slots[ix(site)]
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        )
    }
}

/// One site's Engine in a fake [`World`](super::World). Cheap to clone; clones share the state.
#[derive(Clone)]
pub struct FakeEngine {
    shared: Arc<Shared>,
    site: Site,
}

impl fmt::Debug for FakeEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeEngine")
            .field("site", &self.site)
            .finish_non_exhaustive()
    }
}

fn key(id: Id) -> u128 {
    id.as_uuid().as_u128()
}

impl FakeEngine {
    pub(crate) fn new(shared: Arc<Shared>, site: Site) -> Self {
        Self { shared, site }
    }

    /// The site this Engine runs.
    pub fn site(&self) -> Site {
        self.site
    }

    async fn call<T>(
        &self,
        op: Operation,
        key: u128,
        process: impl FnOnce(&mut WorldState, Site, Instant) -> EngineResult<T>,
    ) -> EngineResult<T> {
        self.call_blocking(op, key, |w, s, now| {
            process(w, s, now).map(|v| (v, std::time::Duration::ZERO))
        })
        .await
    }

    /// [`FakeEngine::call`] for a command that blocks inside the Engine beyond its request
    /// latency (a synchronous sanlock acquisition): `process` says for how long, and the answer
    /// comes after that plus the latency.
    async fn call_blocking<T>(
        &self,
        op: Operation,
        key: u128,
        process: impl FnOnce(&mut WorldState, Site, Instant) -> EngineResult<(T, std::time::Duration)>,
    ) -> EngineResult<T> {
        let site = self.site;
        let arrived = {
            let (mut w, now) = self.shared.lock_current();
            w.count_call(site, now);
            if w.site(site).engine_up {
                let decision = w.site_mut(site).faults.decide(op);
                Some((decision, w.site(site).latency.request(op, key)))
            } else {
                None
            }
        };
        // A call-count drop may have just taken the site down.
        self.shared.notify_liveness();
        let Some((decision, latency)) = arrived else {
            return Err(msg::unavailable(op, site));
        };
        let _slot = self
            .shared
            .slots(site)
            .acquire_owned()
            .await
            .expect("request slots are never closed");
        match decision.hang {
            Some(None) => std::future::pending::<()>().await,
            Some(Some(d)) => sleep(d).await,
            None => {}
        }
        let (result, blocked) = {
            let (mut w, now) = self.shared.lock_current();
            if !w.site(site).engine_up {
                return Err(msg::connection_lost(op, site));
            }
            match decision.fail {
                Some(e) => (Err(e), std::time::Duration::ZERO),
                None => match process(&mut w, site, now) {
                    Ok((v, blocked)) => (Ok(v), blocked),
                    Err(e) => (Err(e), std::time::Duration::ZERO),
                },
            }
        };
        let latency = latency + blocked;
        if !latency.is_zero() {
            sleep(latency).await;
            let (w, _) = self.shared.lock_current();
            if !w.site(site).engine_up {
                return Err(msg::connection_lost(op, site));
            }
        }
        result
    }
}

#[async_trait]
impl Engine for FakeEngine {
    async fn api_info(&self) -> EngineResult<ApiInfo> {
        // The fake's Engines run in UTC; their clock is the world's wall clock.
        self.call(Operation::ApiInfo, 0, |w, s, now| {
            Ok(ApiInfo {
                time: Some(EngineTime {
                    at: w.clock.wall(now),
                    utc_offset: 0,
                }),
                ..w.site(s).api.clone()
            })
        })
        .await
    }

    async fn close(&self) -> EngineResult<()> {
        self.call(Operation::Close, 0, |_, _, _| Ok(())).await
    }

    async fn data_centers(&self) -> EngineResult<Vec<DataCenter>> {
        self.call(Operation::DataCenters, 0, |w, s, now| {
            Ok(w.site(s).data_centers_view(now))
        })
        .await
    }

    async fn clusters(&self) -> EngineResult<Vec<Cluster>> {
        self.call(Operation::Clusters, 0, |w, s, _| Ok(w.clusters_view(s)))
            .await
    }

    async fn hosts(&self) -> EngineResult<Vec<Host>> {
        self.call(Operation::Hosts, 0, |w, s, now| Ok(w.hosts_view(s, now)))
            .await
    }

    async fn host_luns(&self, host: Id) -> EngineResult<Vec<HostLun>> {
        self.call(Operation::HostLuns, key(host), |w, s, now| {
            w.host_luns(s, host, now)
        })
        .await
    }

    async fn networks(&self) -> EngineResult<Vec<Network>> {
        self.call(Operation::Networks, 0, |w, s, _| {
            Ok(w.site(s).inv.networks_view())
        })
        .await
    }

    async fn vnic_profiles(&self) -> EngineResult<Vec<VnicProfile>> {
        self.call(Operation::VnicProfiles, 0, |w, s, _| {
            Ok(w.site(s).inv.profiles_view())
        })
        .await
    }

    async fn cluster_networks(&self, cluster: Id) -> EngineResult<Vec<Network>> {
        self.call(Operation::ClusterNetworks, key(cluster), |w, s, _| {
            w.cluster_networks_view(s, cluster)
        })
        .await
    }

    async fn affinity_groups(&self, cluster: Id) -> EngineResult<Vec<AffinityGroup>> {
        self.call(Operation::AffinityGroups, key(cluster), |w, s, _| {
            w.affinity_groups_view(s, cluster)
        })
        .await
    }

    async fn affinity_labels(&self) -> EngineResult<Vec<AffinityLabel>> {
        self.call(Operation::AffinityLabels, 0, |w, s, _| {
            Ok(w.affinity_labels_view(s))
        })
        .await
    }

    async fn authz_domains(&self) -> EngineResult<Vec<AuthzDomain>> {
        self.call(Operation::AuthzDomains, 0, |w, s, _| {
            Ok(w.site(s).inv.authz_view())
        })
        .await
    }

    async fn roles(&self) -> EngineResult<Vec<Role>> {
        self.call(Operation::Roles, 0, |w, s, _| {
            Ok(w.site(s).inv.roles_view())
        })
        .await
    }

    async fn storage_domains(&self) -> EngineResult<Vec<StorageDomain>> {
        self.call(Operation::StorageDomains, 0, |w, s, now| {
            Ok(w.domains_view(s, now))
        })
        .await
    }

    async fn storage_domain(&self, id: Id) -> EngineResult<StorageDomain> {
        self.call(Operation::StorageDomain, key(id), |w, s, now| {
            w.domain_view(s, id, now)
        })
        .await
    }

    async fn attached_storage_domains(&self, dc: Id) -> EngineResult<Vec<StorageDomain>> {
        self.call(Operation::AttachedStorageDomains, key(dc), |w, s, now| {
            w.attached_domains_view(s, dc, now)
        })
        .await
    }

    async fn attached_storage_domain(&self, dc: Id, sd: Id) -> EngineResult<StorageDomain> {
        self.call(Operation::AttachedStorageDomain, key(sd), |w, s, now| {
            w.attached_domain_view(s, dc, sd, now)
        })
        .await
    }

    async fn storage_domain_disks(&self, sd: Id) -> EngineResult<Vec<Disk>> {
        self.call(Operation::StorageDomainDisks, key(sd), |w, s, _| {
            w.domain_disks_view(s, sd)
        })
        .await
    }

    async fn import_storage_domain(
        &self,
        request: &ImportStorageDomain,
    ) -> EngineResult<StorageDomain> {
        let k = request.id.map_or(0, key);
        self.call(Operation::ImportStorageDomain, k, |w, s, now| {
            w.import_domain(s, request, now)
        })
        .await
    }

    async fn attach_storage_domain(&self, dc: Id, sd: Id) -> EngineResult<()> {
        self.call_blocking(Operation::AttachStorageDomain, key(sd), |w, s, now| {
            w.attach_domain(s, dc, sd, now).map(|wait| ((), wait))
        })
        .await
    }

    async fn activate_storage_domain(&self, dc: Id, sd: Id) -> EngineResult<()> {
        self.call_blocking(Operation::ActivateStorageDomain, key(sd), |w, s, now| {
            w.activate_domain(s, dc, sd, now).map(|wait| ((), wait))
        })
        .await
    }

    async fn deactivate_storage_domain(&self, dc: Id, sd: Id, force: bool) -> EngineResult<()> {
        self.call(Operation::DeactivateStorageDomain, key(sd), |w, s, now| {
            w.deactivate_domain(s, dc, sd, force, now)
        })
        .await
    }

    async fn detach_storage_domain(&self, dc: Id, sd: Id) -> EngineResult<()> {
        self.call(Operation::DetachStorageDomain, key(sd), |w, s, now| {
            w.detach_domain(s, dc, sd, now)
        })
        .await
    }

    async fn remove_storage_domain(&self, sd: Id, how: RemoveStorageDomain) -> EngineResult<()> {
        self.call(Operation::RemoveStorageDomain, key(sd), |w, s, now| {
            w.remove_domain(s, sd, how, now)
        })
        .await
    }

    async fn update_ovf_store(&self, sd: Id) -> EngineResult<Option<Id>> {
        self.call(Operation::UpdateOvfStore, key(sd), |w, s, now| {
            w.update_ovf_store(s, sd, now)
        })
        .await
    }

    async fn job(&self, id: Id) -> EngineResult<Job> {
        self.call(Operation::Job, key(id), |w, s, now| w.job(s, id, now))
            .await
    }

    async fn iscsi_discover(
        &self,
        host: Id,
        portal: &IscsiPortal,
    ) -> EngineResult<Vec<IscsiTarget>> {
        self.call(Operation::IscsiDiscover, key(host), |w, s, _| {
            w.iscsi_discover(s, host, portal)
        })
        .await
    }

    async fn iscsi_login(&self, host: Id, login: &IscsiLogin) -> EngineResult<()> {
        self.call(Operation::IscsiLogin, key(host), |w, s, now| {
            w.iscsi_login(s, host, login, now)
        })
        .await
    }

    async fn disks(&self, filter: DiskFilter) -> EngineResult<Vec<Disk>> {
        self.call(Operation::Disks, 0, |w, s, _| Ok(w.disks_view(s, filter)))
            .await
    }

    async fn remove_disk(&self, id: Id) -> EngineResult<()> {
        self.call(Operation::RemoveDisk, key(id), |w, s, now| {
            w.remove_disk(s, id, now)
        })
        .await
    }

    async fn vms(&self, search: &VmSearch) -> EngineResult<Vec<Vm>> {
        self.call(Operation::Vms, 0, |w, s, now| {
            Ok(w.site(s).vms_view(search, now))
        })
        .await
    }

    async fn vm(&self, id: Id) -> EngineResult<Vm> {
        self.call(Operation::Vm, key(id), |w, s, now| w.vm_get(s, id, now))
            .await
    }

    async fn vm_disk_attachments(&self, id: Id) -> EngineResult<Vec<DiskAttachment>> {
        self.call(Operation::VmDiskAttachments, key(id), |w, s, _| {
            w.vm_disk_attachments_view(s, id)
        })
        .await
    }

    async fn set_nic_plugged(&self, vm: Id, nic: Id, plugged: bool) -> EngineResult<()> {
        self.call(Operation::SetNicPlugged, key(vm), |w, s, _| {
            w.set_nic_plugged(s, vm, nic, plugged)
        })
        .await
    }

    async fn templates(&self) -> EngineResult<Vec<Template>> {
        self.call(Operation::Templates, 0, |w, s, now| {
            Ok(w.templates_view(s, now))
        })
        .await
    }

    async fn template(&self, id: Id) -> EngineResult<Template> {
        self.call(Operation::Template, key(id), |w, s, now| {
            w.template_get(s, id, now)
        })
        .await
    }

    async fn unregistered_vms(&self, sd: Id) -> EngineResult<Vec<UnregisteredVm>> {
        self.call(Operation::UnregisteredVms, key(sd), |w, s, _| {
            w.unregistered_vms_view(s, sd)
        })
        .await
    }

    async fn unregistered_templates(&self, sd: Id) -> EngineResult<Vec<UnregisteredTemplate>> {
        self.call(Operation::UnregisteredTemplates, key(sd), |w, s, _| {
            w.unregistered_templates_view(s, sd)
        })
        .await
    }

    async fn unregistered_disks(&self, sd: Id) -> EngineResult<Vec<Disk>> {
        self.call(Operation::UnregisteredDisks, key(sd), |w, s, _| {
            w.unregistered_disks_view(s, sd)
        })
        .await
    }

    async fn register_vm(&self, sd: Id, vm: Id, registration: &Registration) -> EngineResult<()> {
        self.call(Operation::RegisterVm, key(vm), |w, s, now| {
            w.register_vm(s, sd, vm, registration, now)
        })
        .await
    }

    async fn register_template(
        &self,
        sd: Id,
        template: Id,
        registration: &Registration,
    ) -> EngineResult<()> {
        self.call(Operation::RegisterTemplate, key(template), |w, s, now| {
            w.register_template(s, sd, template, registration, now)
        })
        .await
    }

    async fn start_vm(&self, id: Id) -> EngineResult<()> {
        self.call(Operation::StartVm, key(id), |w, s, now| {
            w.start_vm(s, id, now)
        })
        .await
    }

    async fn shutdown_vm(&self, id: Id) -> EngineResult<()> {
        self.call(Operation::ShutdownVm, key(id), |w, s, now| {
            w.power_off_vm(s, id, true, now)
        })
        .await
    }

    async fn stop_vm(&self, id: Id) -> EngineResult<()> {
        self.call(Operation::StopVm, key(id), |w, s, now| {
            w.power_off_vm(s, id, false, now)
        })
        .await
    }

    async fn remove_vm(&self, id: Id) -> EngineResult<()> {
        self.call(Operation::RemoveVm, key(id), |w, s, now| {
            w.remove_vm(s, id, now)
        })
        .await
    }

    async fn tags(&self) -> EngineResult<Vec<Tag>> {
        self.call(Operation::Tags, 0, |w, s, _| Ok(w.tags(s))).await
    }

    async fn add_tag(&self, name: &str, description: &str) -> EngineResult<Tag> {
        self.call(Operation::AddTag, 0, |w, s, _| {
            w.add_tag(s, name, description)
        })
        .await
    }

    async fn remove_tag(&self, id: Id) -> EngineResult<()> {
        self.call(Operation::RemoveTag, key(id), |w, s, _| w.remove_tag(s, id))
            .await
    }

    async fn vm_tags(&self, vm: Id) -> EngineResult<Vec<Tag>> {
        self.call(Operation::VmTags, key(vm), |w, s, _| w.vm_tags(s, vm))
            .await
    }

    async fn assign_tag(&self, vm: Id, tag: Id) -> EngineResult<()> {
        self.call(Operation::AssignTag, key(vm), |w, s, _| {
            w.assign_tag(s, vm, tag)
        })
        .await
    }

    async fn switch_master_storage_domain(&self, dc: Id, sd: Id) -> EngineResult<()> {
        self.call(
            Operation::SwitchMasterStorageDomain,
            key(sd),
            |w, s, now| w.switch_master(s, dc, sd, now),
        )
        .await
    }

    async fn start_vm_with_initialization(
        &self,
        id: Id,
        initialization: &Initialization,
    ) -> EngineResult<()> {
        self.call(
            Operation::StartVmWithInitialization,
            key(id),
            |w, s, now| w.start_vm_with_initialization(s, id, initialization, now),
        )
        .await
    }

    async fn vm_reported_devices(&self, id: Id) -> EngineResult<Vec<ReportedDevice>> {
        self.call(Operation::VmReportedDevices, key(id), |w, s, now| {
            w.reported_devices_view(s, id, now)
        })
        .await
    }
}
