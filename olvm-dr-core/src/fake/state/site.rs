//! One site's Engine database and its per-site settings (latency, faults, OVF interval).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use crate::Site;
use crate::engine::{ApiInfo, Id, Job, JobStatus};

use super::super::fabric::{OvfTemplate, OvfVm};
use super::super::faults::FaultPlan;
use super::super::latency::LatencyProfile;
use super::super::rng::SplitMix64;
use super::disks::DiskRec;
use super::domains::SdRec;
use super::inventory::Inventory;
use super::macs::MacPool;
use super::vms::{TemplateRec, VmRec};

/// The default interval of the Engine's periodic OVF_STORE update (`OvfUpdateIntervalInMinutes`,
/// 60 in the Engine's configuration).
pub const DEFAULT_OVF_UPDATE_INTERVAL: Duration = Duration::from_secs(60 * 60);

/// The default number of requests one Engine processes at the same time. Chosen of the order of
/// the Engine's WildFly worker pools (50 threads in the JCA default work manager, 100 database
/// connections: ovirt-engine `ovirt-engine.xml.in`, `ovirt-engine.conf.in`); further requests
/// queue. It bounds the throughput of a failover against a `realistic` profile.
pub const DEFAULT_CONCURRENCY_LIMIT: usize = 50;

/// An iSCSI session of a host: portal address, port, target IQN.
pub(crate) type Session = (String, u16, String);

/// What the OVF stores of an attached domain brought in and is not registered yet.
#[derive(Debug, Clone, Default)]
pub(crate) struct Unregistered {
    pub(crate) vms: BTreeMap<Id, Arc<OvfVm>>,
    pub(crate) templates: BTreeMap<Id, Arc<OvfTemplate>>,
}

/// An Engine job.
#[derive(Debug, Clone)]
pub(crate) struct JobRec {
    pub(crate) description: String,
    /// The storage domain it works on.
    pub(crate) domain: Option<Id>,
    pub(crate) ends: Instant,
    /// Set when the job's work has been done (or could not be).
    pub(crate) outcome: Option<JobStatus>,
    /// An OVF update that found nothing outdated and wrote nothing (`OVF_STORES_UPDATE_IGNORED`).
    pub(crate) nothing_to_update: bool,
}

/// One site's Engine.
#[derive(Debug, Clone)]
pub(crate) struct SiteState {
    /// `false` while the Engine does not answer.
    pub(crate) engine_up: bool,
    /// When the hosts stopped (disaster); `None` while they run.
    pub(crate) hosts_down_at: Option<Instant>,
    pub(crate) api: ApiInfo,
    pub(crate) ovf_interval: Option<Duration>,
    pub(crate) next_ovf_tick: Option<Instant>,
    pub(crate) inv: Inventory,
    pub(crate) macs: BTreeMap<Id, MacPool>,
    pub(crate) domains: BTreeMap<Id, SdRec>,
    pub(crate) domain_names: HashMap<String, Id>,
    pub(crate) vms: BTreeMap<Id, VmRec>,
    /// VM names, unique per data center.
    pub(crate) vm_names: HashMap<(Id, String), Id>,
    pub(crate) templates: BTreeMap<Id, TemplateRec>,
    /// Base template names, unique per data center.
    pub(crate) template_names: HashMap<(Id, String), Id>,
    pub(crate) disks: BTreeMap<Id, DiskRec>,
    /// Direct-LUN disks by LUN id.
    pub(crate) lun_disks: HashMap<String, Id>,
    pub(crate) sessions: HashMap<Id, HashSet<Session>>,
    pub(crate) jobs: BTreeMap<Id, JobRec>,
    pub(crate) unregistered: HashMap<Id, Unregistered>,
    pub(crate) latency: LatencyProfile,
    pub(crate) faults: FaultPlan,
    pub(crate) concurrency: usize,
    pub(crate) calls: u64,
    /// Ids for entities the Engine creates at run time (jobs, NICs, LUN disks).
    pub(crate) ids: SplitMix64,
    /// Tags by id.
    pub(crate) tags: BTreeMap<Id, crate::engine::Tag>,
    /// The tags assigned to each VM, by VM id (the Engine's `tags_vm_map`).
    pub(crate) vm_tags: BTreeMap<Id, std::collections::BTreeSet<Id>>,
    /// The locks running commands hold.
    pub(crate) locks: super::locks::LockTable,
    /// Configuration generations, processed OVF data, outdated OVF stores.
    pub(crate) ovf_gens: super::ovf_generations::OvfGenerations,
    /// The storage server connections of file domains.
    pub(crate) connections: super::connections::Connections,
    /// The iSCSI paths its hosts lost.
    pub(crate) iscsi_paths: super::iscsi_paths::IscsiPaths,
    /// The domains its hosts report in problem, and their failure timers.
    pub(crate) in_problem: super::domain_monitoring::DomainsInProblem,
}

impl SiteState {
    pub(crate) fn new(site: Site, api: ApiInfo, seed: u64, origin: Instant) -> Self {
        Self {
            engine_up: true,
            hosts_down_at: None,
            api,
            ovf_interval: Some(DEFAULT_OVF_UPDATE_INTERVAL),
            next_ovf_tick: Some(origin + DEFAULT_OVF_UPDATE_INTERVAL),
            inv: Inventory::default(),
            macs: BTreeMap::new(),
            domains: BTreeMap::new(),
            domain_names: HashMap::new(),
            vms: BTreeMap::new(),
            vm_names: HashMap::new(),
            templates: BTreeMap::new(),
            template_names: HashMap::new(),
            disks: BTreeMap::new(),
            lun_disks: HashMap::new(),
            sessions: HashMap::new(),
            jobs: BTreeMap::new(),
            unregistered: HashMap::new(),
            latency: LatencyProfile::instant(),
            faults: FaultPlan::default(),
            concurrency: DEFAULT_CONCURRENCY_LIMIT,
            calls: 0,
            ids: SplitMix64::derive(seed, site.as_str()),
            tags: BTreeMap::new(),
            vm_tags: BTreeMap::new(),
            locks: super::locks::LockTable::default(),
            ovf_gens: super::ovf_generations::OvfGenerations::default(),
            connections: super::connections::Connections::new(seed, site),
            iscsi_paths: super::iscsi_paths::IscsiPaths::default(),
            in_problem: super::domain_monitoring::DomainsInProblem::default(),
        }
    }

    /// `true` when the site's hosts run.
    pub(crate) fn hosts_alive(&self) -> bool {
        self.hosts_down_at.is_none()
    }

    /// Starts a job that ends at `ends`.
    pub(crate) fn start_job(
        &mut self,
        description: String,
        ends: Instant,
        domain: Option<Id>,
    ) -> Id {
        let id = self.ids.id();
        self.jobs.insert(
            id,
            JobRec {
                description,
                domain,
                ends,
                outcome: None,
                nothing_to_update: false,
            },
        );
        id
    }

    /// Records the outcome of a job's work.
    pub(crate) fn finish_job(&mut self, id: Id, ok: bool) {
        if let Some(j) = self.jobs.get_mut(&id) {
            j.outcome = Some(if ok {
                JobStatus::Finished
            } else {
                JobStatus::Failed
            });
        }
    }

    /// A job as `GET /jobs/{id}` shows it at `now`.
    pub(crate) fn job_view(&self, id: Id, now: Instant) -> Option<Job> {
        let j = self.jobs.get(&id)?;
        let status = match j.outcome {
            Some(s) => s,
            None if now < j.ends => JobStatus::Started,
            // Its work was due but never happened: the Engine died before it.
            None => JobStatus::Failed,
        };
        Some(Job {
            id,
            description: j.description.clone(),
            status,
        })
    }

    /// The data center of cluster `id`.
    pub(crate) fn dc_of_cluster(&self, id: Id) -> Option<Id> {
        self.inv.clusters.get(&id).map(|c| c.dc)
    }
}
