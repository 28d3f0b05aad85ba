//! Serializable summaries of a site's state and of OVF stores, for assertions such as "the
//! primary is byte-for-byte unchanged" and for reports.

use serde::Serialize;
use tokio::time::Instant;

use crate::Site;
use crate::engine::{DataCenterStatus, Id, StorageDomainStatus, TemplateStatus, VmStatus};

use super::state::WorldState;
use super::state::macs::format_mac;

/// One data center.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataCenterSummary {
    /// Id.
    pub id: Id,
    /// Name.
    pub name: String,
    /// Status.
    pub status: DataCenterStatus,
}

/// One storage domain as the Engine knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DomainSummary {
    /// Id.
    pub id: Id,
    /// Name.
    pub name: String,
    /// Its own status (data-center-scoped, or `unattached`).
    pub status: StorageDomainStatus,
    /// The data center it is attached to.
    pub data_center: Option<Id>,
    /// Master of its data center.
    pub master: bool,
}

/// One VM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VmSummary {
    /// Id.
    pub id: Id,
    /// Name.
    pub name: String,
    /// Status.
    pub status: VmStatus,
    /// Cluster.
    pub cluster: Id,
    /// The MACs of its NICs, in NIC order.
    pub macs: Vec<Option<String>>,
    /// Its image disks.
    pub disks: Vec<Id>,
}

/// One template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TemplateSummary {
    /// Id.
    pub id: Id,
    /// Name.
    pub name: String,
    /// Status.
    pub status: TemplateStatus,
}

/// A site's Engine state, every list in id order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SiteSnapshot {
    /// The site.
    pub site: Site,
    /// Whether its Engine answers.
    pub engine_up: bool,
    /// Data centers.
    pub data_centers: Vec<DataCenterSummary>,
    /// Storage domains.
    pub domains: Vec<DomainSummary>,
    /// VMs.
    pub vms: Vec<VmSummary>,
    /// Templates.
    pub templates: Vec<TemplateSummary>,
    /// Unregistered VMs per domain (domain id, VM ids).
    pub unregistered_vms: Vec<(Id, Vec<Id>)>,
}

impl SiteSnapshot {
    pub(crate) fn of(w: &WorldState, site: Site, now: Instant) -> Self {
        let s = w.site(site);
        let mut unregistered: Vec<(Id, Vec<Id>)> = s
            .unregistered
            .iter()
            .map(|(sd, rows)| (*sd, rows.vms.keys().copied().collect()))
            .collect();
        unregistered.sort();
        Self {
            site,
            engine_up: s.engine_up,
            data_centers: s
                .inv
                .dcs
                .values()
                .map(|d| DataCenterSummary {
                    id: d.id,
                    name: d.name.clone(),
                    status: s.dc_status(d.id, now),
                })
                .collect(),
            domains: s
                .domains
                .values()
                .map(|d| DomainSummary {
                    id: d.id,
                    name: d.name.clone(),
                    status: d.status(now),
                    data_center: d.attachment.as_ref().map(|a| a.dc),
                    master: d.attachment.as_ref().is_some_and(|a| a.master),
                })
                .collect(),
            vms: s
                .vms
                .values()
                .map(|v| VmSummary {
                    id: v.id,
                    name: v.name.clone(),
                    status: v.status(now),
                    cluster: v.cluster,
                    macs: v.nics.iter().map(|n| n.mac.map(format_mac)).collect(),
                    disks: v.disks.clone(),
                })
                .collect(),
            templates: s
                .templates
                .values()
                .map(|t| TemplateSummary {
                    id: t.id,
                    name: t.name.clone(),
                    status: t.status.at(now),
                })
                .collect(),
            unregistered_vms: unregistered,
        }
    }
}

/// What a domain's OVF store holds on one site's volume.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OvfStoreSummary {
    /// The domain.
    pub domain: Id,
    /// The pool (data center) the domain's metadata names.
    pub pool: Option<Id>,
    /// When the store was last written (`Last Updated` as the Engine writes it), if ever.
    pub last_updated: Option<String>,
    /// `(VM id, status recorded)` in id order.
    pub vms: Vec<(Id, VmStatus)>,
    /// Template ids in id order.
    pub templates: Vec<Id>,
    /// `true` when the volume is a read-only replica.
    pub read_only: bool,
}

impl OvfStoreSummary {
    pub(crate) fn of(w: &WorldState, site: Site, domain: Id) -> Option<Self> {
        let (i, v) = w.fabric.volumes.iter().enumerate().find(|(_, v)| {
            v.site == site && v.content.as_ref().is_some_and(|c| c.meta.id == domain)
        })?;
        let c = v.content.as_ref()?;
        let mut vms: Vec<(Id, VmStatus)> =
            c.ovf.vms.iter().map(|e| (e.vm.id, e.vm.status)).collect();
        vms.sort();
        let mut templates: Vec<Id> = c.ovf.templates.iter().map(|t| t.template.id).collect();
        templates.sort();
        Some(Self {
            domain,
            pool: c.meta.pool,
            last_updated: c.ovf.last_update.map(super::clock::java_date_utc),
            vms,
            templates,
            read_only: w.fabric.is_read_only(i),
        })
    }
}
