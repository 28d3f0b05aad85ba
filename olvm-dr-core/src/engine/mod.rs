//! The [`Engine`] trait: every remote operation the DR flows need, one method each.
//!
//! Implementations: [`FakeEngine`](crate::fake) (in memory, feature `fake`) and `RestEngine`
//! (the Engine's REST API v4, feature `rest`). Both must pass the conformance suite.

pub(crate) mod classify;
pub mod correlation;
mod error;
mod fenced;
mod limited;
#[cfg(feature = "rest")]
pub mod rest;
pub mod types;

pub use error::{EngineError, EngineResult, ErrorKind, Fault};
pub use fenced::{Fence, FencedEngine};
pub use limited::{DEFAULT_CONCURRENCY, LimitedEngine};
pub use types::*;

use async_trait::async_trait;

/// One site's oVirt / OLVM Engine.
///
/// Methods are thin: one Engine request each, no hidden waits and no retries. Mutating calls
/// return once the Engine accepted the command; the state change they start may still be under
/// way (a domain goes `locked` → `active`, a VM `wait_for_launch` → `up`), so callers poll the
/// matching getter. None of the mutating calls is idempotent at this level: attaching an attached
/// domain is a [`Conflict`](ErrorKind::Conflict), starting a running VM an
/// [`InvalidState`](ErrorKind::InvalidState); the DR flows make their steps idempotent on top.
///
/// Errors carry the Engine's fault text; a missing entity named in the call is
/// [`NotFound`](ErrorKind::NotFound).
#[async_trait]
pub trait Engine: Send + Sync + std::fmt::Debug {
    // ----- session and product -----

    /// Product name and version (`GET /ovirt-engine/api`). Also the cheapest "is it up" probe.
    async fn api_info(&self) -> EngineResult<ApiInfo>;

    /// Ends the session (SSO logout). Calling it twice, or on an Engine that never logged in, is
    /// not an error.
    async fn close(&self) -> EngineResult<()>;

    // ----- inventory -----

    /// Every data center.
    async fn data_centers(&self) -> EngineResult<Vec<DataCenter>>;

    /// Every cluster.
    async fn clusters(&self) -> EngineResult<Vec<Cluster>>;

    /// Every host.
    async fn hosts(&self) -> EngineResult<Vec<Host>>;

    /// The LUNs `host` sees (`GET /hosts/{id}/storage`).
    async fn host_luns(&self, host: Id) -> EngineResult<Vec<HostLun>>;

    /// Every logical network.
    async fn networks(&self) -> EngineResult<Vec<Network>>;

    /// Every vNIC profile.
    async fn vnic_profiles(&self) -> EngineResult<Vec<VnicProfile>>;

    /// The networks attached to `cluster`. A NIC registered into the cluster can only be on a
    /// profile of one of them: the Engine falls back to the source's profile names otherwise.
    async fn cluster_networks(&self, cluster: Id) -> EngineResult<Vec<Network>>;

    /// The affinity groups of `cluster`.
    async fn affinity_groups(&self, cluster: Id) -> EngineResult<Vec<AffinityGroup>>;

    /// Every affinity label.
    async fn affinity_labels(&self) -> EngineResult<Vec<AffinityLabel>>;

    /// Every authorization (AAA) domain.
    async fn authz_domains(&self) -> EngineResult<Vec<AuthzDomain>>;

    /// Every role.
    async fn roles(&self) -> EngineResult<Vec<Role>>;

    // ----- storage domains -----

    /// Every storage domain in the top-level view (status `unattached` or none; attached domains
    /// list their data centers).
    async fn storage_domains(&self) -> EngineResult<Vec<StorageDomain>>;

    /// One storage domain in the top-level view.
    async fn storage_domain(&self, id: Id) -> EngineResult<StorageDomain>;

    /// The domains attached to data center `dc`, with their real status and master flag.
    async fn attached_storage_domains(&self, dc: Id) -> EngineResult<Vec<StorageDomain>>;

    /// Domain `sd` as attached to `dc`; [`NotFound`](ErrorKind::NotFound) when it is not attached
    /// there.
    async fn attached_storage_domain(&self, dc: Id, sd: Id) -> EngineResult<StorageDomain>;

    /// The disks on domain `sd`, OVF_STORE disks included.
    async fn storage_domain_disks(&self, sd: Id) -> EngineResult<Vec<Disk>>;

    /// Imports an existing domain (see [`ImportStorageDomain`]); it comes back `unattached`.
    async fn import_storage_domain(
        &self,
        request: &ImportStorageDomain,
    ) -> EngineResult<StorageDomain>;

    /// Attaches domain `sd` to `dc`; the Engine then activates it. The first data domain of an
    /// uninitialized data center becomes its master; any other needs an active master.
    async fn attach_storage_domain(&self, dc: Id, sd: Id) -> EngineResult<()>;

    /// Activates domain `sd` in `dc` (from maintenance, inactive or unknown).
    async fn activate_storage_domain(&self, dc: Id, sd: Id) -> EngineResult<()>;

    /// Moves domain `sd` in `dc` to maintenance, writing its OVF store on the way. `force` moves
    /// it even if the OVF update fails.
    async fn deactivate_storage_domain(&self, dc: Id, sd: Id, force: bool) -> EngineResult<()>;

    /// Detaches domain `sd` (in maintenance) from `dc`.
    async fn detach_storage_domain(&self, dc: Id, sd: Id) -> EngineResult<()>;

    /// Removes domain `sd` from the Engine.
    async fn remove_storage_domain(&self, sd: Id, how: RemoveStorageDomain) -> EngineResult<()>;

    /// Rewrites the OVF store of domain `sd`; returns the Engine job doing it, when there is one.
    async fn update_ovf_store(&self, sd: Id) -> EngineResult<Option<Id>>;

    /// One job.
    async fn job(&self, id: Id) -> EngineResult<Job>;

    // ----- iSCSI -----

    /// Discovers the targets `host` finds behind `portal`.
    async fn iscsi_discover(
        &self,
        host: Id,
        portal: &IscsiPortal,
    ) -> EngineResult<Vec<IscsiTarget>>;

    /// Logs `host` in to one iSCSI target. Logging in again to a logged-in target succeeds.
    async fn iscsi_login(&self, host: Id, login: &IscsiLogin) -> EngineResult<()>;

    // ----- disks -----

    /// The disks matching `filter`.
    async fn disks(&self, filter: DiskFilter) -> EngineResult<Vec<Disk>>;

    /// Removes a disk.
    async fn remove_disk(&self, id: Id) -> EngineResult<()>;

    // ----- VMs and templates -----

    /// The VMs matching `search`.
    async fn vms(&self, search: &VmSearch) -> EngineResult<Vec<Vm>>;

    /// One VM.
    async fn vm(&self, id: Id) -> EngineResult<Vm>;

    /// The disks attached to VM `id`, each with its attachment's settings
    /// (`GET /vms/{id}/diskattachments?follow=disk`).
    async fn vm_disk_attachments(&self, id: Id) -> EngineResult<Vec<DiskAttachment>>;

    /// Plugs or unplugs NIC `nic` of VM `vm` (`PUT /vms/{vm}/nics/{nic}` with
    /// `<nic><plugged>…</plugged></nic>`, the Engine's `UpdateVmInterfaceCommand`). An
    /// unplugged NIC keeps its vNIC profile; the guest does not see it.
    async fn set_nic_plugged(&self, vm: Id, nic: Id, plugged: bool) -> EngineResult<()>;

    /// Every registered template (the blank template excluded).
    async fn templates(&self) -> EngineResult<Vec<Template>>;

    /// One template.
    async fn template(&self, id: Id) -> EngineResult<Template>;

    /// The VMs in domain `sd`'s OVF store that are not registered (the domain must be active).
    async fn unregistered_vms(&self, sd: Id) -> EngineResult<Vec<UnregisteredVm>>;

    /// The templates in domain `sd`'s OVF store that are not registered.
    async fn unregistered_templates(&self, sd: Id) -> EngineResult<Vec<UnregisteredTemplate>>;

    /// The disk images on domain `sd` that this Engine's database does not hold
    /// (`GET /storagedomains/{sd}/disks?unregistered=true`): each with its id, alias and the
    /// domain, attached to nothing. The Engine cannot say which VM an image belongs to.
    async fn unregistered_disks(&self, sd: Id) -> EngineResult<Vec<Disk>>;

    /// Registers unregistered VM `vm` of domain `sd`. Blocks until the Engine's job ends; the VM
    /// then exists (status `down`).
    async fn register_vm(&self, sd: Id, vm: Id, registration: &Registration) -> EngineResult<()>;

    /// Registers unregistered template `template` of domain `sd`.
    async fn register_template(
        &self,
        sd: Id,
        template: Id,
        registration: &Registration,
    ) -> EngineResult<()>;

    /// Starts a VM.
    async fn start_vm(&self, id: Id) -> EngineResult<()>;

    /// Asks the guest to shut down (ACPI / guest agent).
    async fn shutdown_vm(&self, id: Id) -> EngineResult<()>;

    /// Powers a VM off.
    async fn stop_vm(&self, id: Id) -> EngineResult<()>;

    /// Removes a VM (and its disks' records).
    async fn remove_vm(&self, id: Id) -> EngineResult<()>;

    /// Every tag (`GET /tags`).
    async fn tags(&self) -> EngineResult<Vec<Tag>>;

    /// Adds a tag (`POST /tags`). A name in use is a [`Conflict`](ErrorKind::Conflict): the
    /// Engine's `AddTagCommand` answers 409 `[The specified Tag name already exists.]`, which
    /// makes a tag a mutex every client of the Engine sees.
    async fn add_tag(&self, name: &str, description: &str) -> EngineResult<Tag>;

    /// Removes a tag (`DELETE /tags/{id}`).
    async fn remove_tag(&self, id: Id) -> EngineResult<()>;

    /// The tags assigned to VM `vm` (`GET /vms/{vm}/tags`, API model `AssignedTagsService.list`).
    /// An unknown VM is [`NotFound`](ErrorKind::NotFound). Assignments are Engine rows, not part
    /// of the OVF: a VM registered from an OVF store has none.
    async fn vm_tags(&self, vm: Id) -> EngineResult<Vec<Tag>>;

    /// Assigns tag `tag` to VM `vm` (`POST /vms/{vm}/tags` with `<tag id="…"/>`). A tag the VM
    /// has already is no change; an unknown VM or tag is [`NotFound`](ErrorKind::NotFound).
    async fn assign_tag(&self, vm: Id, tag: Id) -> EngineResult<()>;

    /// Makes `sd`, an active data domain of data center `dc`, its master domain
    /// (`POST /datacenters/{dc}/setmaster`, Engine 4.5 and data centers of version 4.5 or
    /// later). The former master stays attached and active as a plain data domain.
    async fn switch_master_storage_domain(&self, dc: Id, sd: Id) -> EngineResult<()>;

    // ----- guests -----

    /// Starts a VM with cloud-init applying `initialization` (`POST /vms/{id}/start` with
    /// `<use_cloud_init>true</use_cloud_init>` and `<vm><initialization>…`, a run-once: the
    /// Engine's `RunVmOnceCommand` hands it to this run and does not store it on the VM). A
    /// guest without cloud-init boots with its own configuration. Status rules as
    /// [`start_vm`](Self::start_vm).
    async fn start_vm_with_initialization(
        &self,
        id: Id,
        initialization: &Initialization,
    ) -> EngineResult<()>;

    /// The devices VM `id`'s guest agent reports, with their addresses
    /// (`GET /vms/{id}/reporteddevices`); empty until the agent of the booted guest reported.
    async fn vm_reported_devices(&self, id: Id) -> EngineResult<Vec<ReportedDevice>>;
}
