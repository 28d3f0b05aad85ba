//! The storage of both sites: replicated data domains of each type, the hosted engines'
//! domains, the secondary's ISO domain, replicated LUNs for direct-LUN disks, iSCSI targets.

use crate::engine::{Id, StorageDomainType, StorageType};
use crate::{Secret, Site};

use super::super::rng::SplitMix64;
use super::super::setup::{Setup, TargetRef, VolumeRef};
use super::facts::{DomainFacts, IscsiTargetFacts, Location, LunFacts, Named, WorldFacts};
use super::topology::Topology;
use super::{STORAGE_TYPES, WorldBuilder};

/// The iSCSI portal of each site's array.
const PORTALS: [&str; 2] = ["10.10.0.10", "10.20.0.10"];
const ISCSI_PORT: u16 = 3260;
/// The secondary array's targets require CHAP with this user.
const DR_CHAP_USER: &str = "drchap";

/// A replicated data domain.
#[derive(Debug)]
pub(super) struct DomainPlan {
    pub(super) id: Id,
    pub(super) dc_ix: usize,
    pub(super) primary: VolumeRef,
    pub(super) secondary: VolumeRef,
}

/// A replicated LUN for direct-LUN disks.
#[derive(Debug)]
pub(super) struct LunPlan {
    pub(super) primary: VolumeRef,
    pub(super) secondary: VolumeRef,
}

/// What the storage stage made.
#[derive(Debug, Default)]
pub(super) struct Storage {
    pub(super) domains: Vec<DomainPlan>,
    pub(super) luns: Vec<LunPlan>,
    pub(super) hosted_storage: Option<Id>,
}

impl Storage {
    /// The replicated domains of data center `dc_ix`.
    pub(super) fn in_dc(&self, dc_ix: usize) -> Vec<Id> {
        self.domains
            .iter()
            .filter(|d| d.dc_ix == dc_ix)
            .map(|d| d.id)
            .collect()
    }
}

fn site_tag(site: Site) -> &'static str {
    match site {
        Site::Primary => "prod",
        Site::Secondary => "dr",
    }
}

/// A LUN id in the style of the array vendors (`36001405…` for LIO iSCSI, `3600a0980…` for FC).
fn lun_id(rng: &mut SplitMix64, storage_type: StorageType) -> String {
    let prefix = if storage_type == StorageType::Iscsi {
        "36001405"
    } else {
        "3600a0980"
    };
    let hex = format!("{:016x}{:016x}", rng.next_u64(), rng.next_u64());
    format!("{prefix}{}", &hex[..33 - prefix.len()])
}

/// The storage arrays of both sites.
struct Arrays {
    /// The CHAP password of the secondary array's targets.
    chap_password: String,
}

impl Arrays {
    fn target(
        &self,
        setup: &mut Setup<'_>,
        site: Site,
        name: &str,
    ) -> (TargetRef, IscsiTargetFacts) {
        let address = PORTALS[super::super::state::ix(site)];
        let iqn = format!("iqn.2026-01.example.{}:{name}", site_tag(site));
        let chap = (site == Site::Secondary).then_some((DR_CHAP_USER, self.chap_password.as_str()));
        let t = setup.add_iscsi_target(site, address, ISCSI_PORT, &iqn, chap);
        (
            t,
            IscsiTargetFacts {
                address: address.into(),
                port: ISCSI_PORT,
                iqn,
                username: chap.map(|(u, _)| u.to_owned()),
                password: chap.map(|(_, p)| Secret::new(p)),
            },
        )
    }

    /// One volume of `storage_type` on `site` for the domain or LUN called `name`.
    fn volume(
        &self,
        setup: &mut Setup<'_>,
        rng: &mut SplitMix64,
        facts: &mut WorldFacts,
        site: Site,
        storage_type: StorageType,
        name: &str,
    ) -> (VolumeRef, Location) {
        let tag = site_tag(site);
        let export = |setup: &mut Setup<'_>, host: &str, path: String, vfs: Option<&str>| {
            let address = format!("{host}.{tag}.example");
            let v = setup.add_export(site, storage_type, &address, &path, vfs);
            (
                v,
                Location::Export {
                    address,
                    path,
                    vfs_type: vfs.map(str::to_owned),
                },
            )
        };
        match storage_type {
            StorageType::Nfs => export(setup, "nfs", format!("/exports/{name}"), None),
            StorageType::Glusterfs => {
                export(setup, "gluster", format!("/{name}"), Some("glusterfs"))
            }
            StorageType::Posixfs => export(setup, "cephfs", format!("/dr/{name}"), Some("ceph")),
            _ => {
                let id = lun_id(rng, storage_type);
                let size = 100 << 30;
                let (target, target_facts) = if storage_type == StorageType::Iscsi {
                    let (t, f) = self.target(setup, site, name);
                    let sf = match site {
                        Site::Primary => &mut facts.primary,
                        Site::Secondary => &mut facts.secondary,
                    };
                    sf.iscsi_targets.push(f.clone());
                    (Some(t), Some(f))
                } else {
                    (None, None)
                };
                let v = setup.add_lun(site, &id, size, target);
                (
                    v,
                    Location::Lun {
                        lun_id: id,
                        target: target_facts,
                    },
                )
            }
        }
    }
}

/// Creates every volume and domain, and attaches the primary's.
pub(super) fn build(
    b: &WorldBuilder,
    setup: &mut Setup<'_>,
    topo: &Topology,
    rng: &mut SplitMix64,
    facts: &mut WorldFacts,
) -> Storage {
    let arrays = Arrays {
        chap_password: format!("chap-{:08x}", rng.next_u64() as u32),
    };
    let mut storage = Storage::default();
    let hosted = |setup: &mut Setup<'_>, site: Site, dc: Id| {
        let address = format!("nfs.{}.example", site_tag(site));
        let v = setup.add_export(
            site,
            StorageType::Nfs,
            &address,
            "/exports/hosted_engine",
            None,
        );
        setup.create_domain(v, "hosted_storage", StorageDomainType::Data, true);
        setup.attach_domain(site, v, dc, true)
    };
    if b.hosted_engine {
        let id = hosted(setup, Site::Primary, topo.primary.dcs[0]);
        storage.hosted_storage = Some(id);
        facts.primary.local_domains.push((
            Named {
                name: "hosted_storage".into(),
                id,
            },
            Some(topo.primary.dcs[0]),
        ));
    }
    if b.secondary_hosted_engine {
        let id = hosted(setup, Site::Secondary, topo.secondary.dcs[0]);
        facts.secondary.local_domains.push((
            Named {
                name: "hosted_storage".into(),
                id,
            },
            Some(topo.secondary.dcs[0]),
        ));
    }
    let iso = setup.add_export(
        Site::Secondary,
        StorageType::Nfs,
        "nfs.dr.example",
        "/exports/iso",
        None,
    );
    setup.create_domain(iso, "iso-dr", StorageDomainType::Iso, false);
    let iso_id = setup.import_domain(Site::Secondary, iso);
    facts.secondary.local_domains.push((
        Named {
            name: "iso-dr".into(),
            id: iso_id,
        },
        None,
    ));

    let mut k = 0;
    for (t_ix, storage_type) in STORAGE_TYPES.iter().enumerate() {
        for i in 0..b.domains_per_type[t_ix] {
            let dc_ix = k % b.data_centers;
            k += 1;
            let name = format!("{}-data{}", storage_type.as_str(), i + 1);
            let (pv, pl) = arrays.volume(setup, rng, facts, Site::Primary, *storage_type, &name);
            let (sv, sl) = arrays.volume(setup, rng, facts, Site::Secondary, *storage_type, &name);
            let id = setup.create_domain(pv, &name, StorageDomainType::Data, false);
            let dc = topo.primary.dcs[dc_ix];
            let master = storage.in_dc(dc_ix).is_empty() && !(dc_ix == 0 && b.hosted_engine);
            setup.attach_domain(Site::Primary, pv, dc, master);
            let names = |f: &super::facts::SiteFacts| f.data_centers[dc_ix].clone();
            facts.domains.push(DomainFacts {
                id,
                name,
                storage_type: *storage_type,
                primary_master: master,
                primary_dc: names(&facts.primary),
                secondary_dc: names(&facts.secondary),
                pair: super::super::fabric::PairId(usize::MAX),
                primary: pl,
                secondary: sl,
            });
            storage.domains.push(DomainPlan {
                id,
                dc_ix,
                primary: pv,
                secondary: sv,
            });
        }
    }
    for j in 0..b.direct_luns {
        let storage_type = if j % 2 == 0 {
            StorageType::Iscsi
        } else {
            StorageType::Fcp
        };
        let alias = format!("asm-lun{}", j + 1);
        let (pv, pl) = arrays.volume(setup, rng, facts, Site::Primary, storage_type, &alias);
        let (sv, sl) = arrays.volume(setup, rng, facts, Site::Secondary, storage_type, &alias);
        facts.luns.push(LunFacts {
            alias,
            storage_type,
            primary: pl,
            secondary: sl,
            pair: super::super::fabric::PairId(usize::MAX),
            vms: Vec::new(),
        });
        storage.luns.push(LunPlan {
            primary: pv,
            secondary: sv,
        });
    }
    storage
}

/// Starts replicating every replicated domain and LUN, primary → secondary.
pub(super) fn replicate(setup: &mut Setup<'_>, storage: &Storage, facts: &mut WorldFacts) {
    for (plan, f) in storage.domains.iter().zip(&mut facts.domains) {
        f.pair = setup.replicate(plan.primary, plan.secondary);
    }
    for (plan, f) in storage.luns.iter().zip(&mut facts.luns) {
        f.pair = setup.replicate(plan.primary, plan.secondary);
    }
}
