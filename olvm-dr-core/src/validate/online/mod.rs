//! The online rules: the mapping checked against both sites' Engines.
//!
//! Both sites are read concurrently, one listing per collection ([`Inventory`]); every rule
//! then works on what was read, so a rule costs no request. The rules (codes `DR08xx`–`DR10xx`,
//! see `docs/diagnostics.md`):
//!
//! * both sites answer with the mapping's credentials; their Engine versions are equal;
//! * every mapped cluster, affinity group and label, authz domain, role, vNIC profile (by name,
//!   network and data center, and by id), LUN and the data center of every storage entry exist
//!   on their sites; mapped clusters have equal compatibility versions; the target data center
//!   of a storage entry can attach the domain's storage format, and a difference of levels says
//!   what the format meets on the way back;
//! * on the *source* (the site whose VMs are recovered): each storage domain is there, attached
//!   to the data center the mapping names, with the connection facts the mapping gives;
//! * on the *target* (the site recovered to): no replicated domain is attached yet, each target
//!   data center has an UP host, the LUNs are visible, the VMs to start fit the UP hosts;
//! * VMs on the replicated domains: failback blockers (snapshot in preview, delete protection;
//!   the hosted-engine VM is excluded and reported as info), and drift since the file was
//!   generated (clusters, profiles and affinity entities with no mapping and no namesake on the
//!   target);
//! * the metadata recovery point: how old the OVF stores of the source's mapped domains are
//!   (the one rule that reads more than the inventory: each domain's disks).
//!
//! Which site is the target is an option (the role's `dr_target_host`); the default, the
//! secondary, is a failover. For a failback pass the primary.

mod capacity;
mod drift;
mod entities;
mod luns;
mod networks;
mod out;
mod ovf_age;
mod read;
mod storage;
mod storage_formats;
mod versions;
mod workload;

use std::path::Path;
use std::time::Duration;

use crate::engine::Engine;
use crate::inventory::{HostLuns, Index, Inventory};
use crate::mapping::{Mapping, PerSite};
use crate::{Diagnostic, Site};

use out::Out;

pub use ovf_age::DEFAULT_MAX_OVF_AGE;

/// Options of the online validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OnlineOptions {
    /// The site recovered to (`dr_target_host`). Default: the secondary (a failover).
    pub target: Site,
    /// A source site that cannot be read is an error (default `true`, as in the role). `false`
    /// makes it a warning, for checking the target while the source is down (a real disaster).
    pub source_required: bool,
    /// The oldest a source domain's OVF store may be before it is a warning (DR0815). Default
    /// [`DEFAULT_MAX_OVF_AGE`], one hour: the Engine's default update interval.
    pub max_ovf_age: Duration,
}

impl Default for OnlineOptions {
    fn default() -> Self {
        Self {
            target: Site::Secondary,
            source_required: true,
            max_ovf_age: DEFAULT_MAX_OVF_AGE,
        }
    }
}

impl OnlineOptions {
    /// The site whose VMs are recovered (`dr_source_map`): the other one.
    pub fn source(&self) -> Site {
        self.target.other()
    }
}

/// One site as read.
#[derive(Debug)]
pub(crate) struct SiteView<'a> {
    pub(crate) idx: Index<'a>,
    /// The LUNs the site's UP hosts see (read for the target only, when LUNs are mapped).
    pub(crate) host_luns: &'a HostLuns,
}

/// What every rule sees.
pub(crate) struct Ctx<'a> {
    pub(crate) m: &'a Mapping,
    pub(crate) target: Site,
    pub(crate) source: Site,
    pub(crate) views: PerSite<Option<SiteView<'a>>>,
}

impl<'a> Ctx<'a> {
    /// The view of `site`, when it was read.
    pub(crate) fn view(&self, site: Site) -> Option<&SiteView<'a>> {
        self.views.get(site).as_ref()
    }
}

/// Checks `mapping` (read from `file`) against the sites' Engines; a site without an Engine
/// (`None`: the caller could not connect, and says why) is not checked. Returns the findings of
/// the online rules only, sorted by position; run the offline rules too for a full validation.
pub async fn validate_online(
    mapping: &Mapping,
    file: Option<&Path>,
    engines: PerSite<Option<&dyn Engine>>,
    options: &OnlineOptions,
) -> Vec<Diagnostic> {
    let mut out = Out::new(file);
    let reads = read::both(mapping, &engines, options.target).await;
    let mut inventories: PerSite<Option<(Inventory, HostLuns)>> = PerSite::default();
    for site in Site::BOTH {
        let required = site == options.target || options.source_required;
        match reads.get(site) {
            read::Read::NoEngine => out.not_checked(site, "no connection to its Engine"),
            read::Read::Failed(e) => {
                read::report(&mut out, mapping, site, e, required);
                out.not_checked(site, "it could not be read");
            }
            read::Read::Done(..) => {}
        }
    }
    let PerSite { primary, secondary } = reads;
    inventories.primary = primary.done();
    inventories.secondary = secondary.done();
    let views = PerSite::from_fn(|site| {
        inventories.get(site).as_ref().map(|(inv, luns)| SiteView {
            idx: inv.index(),
            host_luns: luns,
        })
    });
    let ctx = Ctx {
        m: mapping,
        target: options.target,
        source: options.source(),
        views,
    };
    versions::check(&ctx, &mut out);
    entities::check(&ctx, &mut out);
    networks::check(&ctx, &mut out);
    luns::check(&ctx, &mut out);
    storage::check(&ctx, &mut out);
    workload::check(&ctx, &mut out);
    capacity::check(&ctx, &mut out);
    drift::check(&ctx, &mut out);
    let ages = ovf_age::read(&ctx, *engines.get(ctx.source)).await;
    ovf_age::check(&ctx, ages.as_ref(), options, &mut out);
    out.into_sorted()
}
