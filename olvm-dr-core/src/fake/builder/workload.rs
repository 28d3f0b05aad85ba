//! The primary's workload: templates (a base and a second version), VMs with NICs, disks,
//! direct LUNs, HA, affinity and permissions, and the hosted-engine VMs.

use crate::Site;
use crate::engine::{HOSTED_ENGINE_ORIGIN, HighAvailability, Id, Permission};

use super::super::rng::SplitMix64;
use super::super::setup::{DiskSpec, LunDiskSpec, NicSpec, Setup, TemplateSpec, VmSpec};
use super::super::state::guests::{Guest, GuestInterface};
use super::WorldBuilder;
use super::facts::{Named, TemplateFacts, VmFacts, WorldFacts};
use super::settings::{template_settings, vm_settings};
use super::storage::Storage;
use super::topology::{CUSTOM_ROLE, Topology};

const TEMPLATE_NAMES: [&str; 4] = ["rhel9-base", "win2022-base", "ubuntu24-base", "ol9-base"];
const GIB: u64 = 1 << 30;

/// The memory sizes a VM is given, each as likely.
pub(super) const VM_MEMORY: [u64; 4] = [2 * GIB, 4 * GIB, 8 * GIB, 16 * GIB];

/// The memory of a hosted-engine VM.
pub(super) const HOSTED_ENGINE_MEMORY: u64 = 16 * GIB;

/// Profile indexes in a data center's profile list (see `topology::NETWORKS`).
const MGMT: usize = 0;
const PROD: usize = 1;
const DB: usize = 2;
const BACKUP: usize = 3;
const GOLD: usize = 4;

fn permission(role: &str, principal: &str) -> Permission {
    Permission {
        role: role.into(),
        principal: principal.into(),
    }
}

/// Builds templates and VMs on the primary (and the secondary's hosted-engine VM).
pub(super) fn build(
    b: &WorldBuilder,
    setup: &mut Setup<'_>,
    topo: &Topology,
    storage: &Storage,
    rng: &mut SplitMix64,
    facts: &mut WorldFacts,
) {
    let p = &topo.primary;
    let dcs_with_domains: Vec<usize> = (0..b.data_centers)
        .filter(|d| !storage.in_dc(*d).is_empty())
        .collect();
    let mut templates: Vec<Vec<Id>> = vec![Vec::new(); b.data_centers];
    for &dc_ix in &dcs_with_domains {
        let domains = storage.in_dc(dc_ix);
        let cluster = p.clusters[dc_ix][0];
        for t in 0..b.templates_per_dc {
            // Template names are unique in an Engine: the first data center gets the plain names,
            // the others (and further rounds) a suffix.
            let plain = TEMPLATE_NAMES[t % TEMPLATE_NAMES.len()];
            let round = t / TEMPLATE_NAMES.len();
            let name: String = if dc_ix == 0 && round == 0 {
                plain.to_owned()
            } else {
                format!("{plain}-dc{}-{}", dc_ix + 1, round + 1)
            };
            let name = name.as_str();
            let spec = |base: Option<Id>, version: u32| TemplateSpec {
                name: name.into(),
                cluster,
                base,
                version,
                disks: vec![DiskSpec {
                    alias: format!("{name}-v{version}-disk1"),
                    domains: domains.clone(),
                }],
                nics: vec![NicSpec {
                    name: "nic1".into(),
                    profile: Some(p.profiles[dc_ix][PROD].id),
                    mac: None,
                }],
                permissions: vec![permission("TemplateOwner", "alice@internal-authz")],
                memory: 2 * GIB,
                high_availability: HighAvailability::default(),
                settings: Some(template_settings(name, 2 * GIB)),
            };
            let id = setup.add_template(Site::Primary, spec(None, 1));
            facts.templates.push(TemplateFacts {
                id,
                name: name.into(),
                base: id,
                version: 1,
            });
            templates[dc_ix].push(id);
            if t == 0 {
                let v2 = setup.add_template(Site::Primary, spec(Some(id), 2));
                facts.templates.push(TemplateFacts {
                    id: v2,
                    name: name.into(),
                    base: id,
                    version: 2,
                });
                templates[dc_ix].push(v2);
            }
        }
    }

    let lun_vm = |j: usize| j * b.data_centers.max(1);
    for i in 0..b.vms {
        if dcs_with_domains.is_empty() {
            break;
        }
        let dc_ix = dcs_with_domains[i % dcs_with_domains.len()];
        let round = i / dcs_with_domains.len();
        let domains = storage.in_dc(dc_ix);
        let clusters = &p.clusters[dc_ix];
        let cluster = clusters[round % clusters.len()];
        let profiles = &p.profiles[dc_ix];
        let home = domains[round % domains.len()];
        let mut disks = vec![DiskSpec {
            alias: format!("vm{:05}-disk1", i + 1),
            domains: vec![home],
        }];
        // The first VM of each data center always spans two domains, so that every world has
        // one to exercise partial imports.
        let spans = rng.chance(b.multi_domain_fraction) || round == 0;
        if domains.len() > 1 && spans {
            let other = domains[(round + 1) % domains.len()];
            disks.push(DiskSpec {
                alias: format!("vm{:05}-disk2", i + 1),
                domains: vec![other],
            });
        } else if rng.chance(0.3) {
            disks.push(DiskSpec {
                alias: format!("vm{:05}-disk2", i + 1),
                domains: vec![home],
            });
        }
        let template = if rng.chance(0.5) && !templates[dc_ix].is_empty() {
            templates[dc_ix][rng.index(templates[dc_ix].len())]
        } else {
            Id::NIL
        };
        let nic_count = 1 + rng.below(3) as usize;
        let nics = (0..nic_count)
            .map(|n| {
                let profile = match n {
                    0 if i % 40 == 39 => None,
                    0 if rng.chance(0.5) => Some(profiles[GOLD].id),
                    0 => Some(profiles[PROD].id),
                    1 => Some(profiles[DB].id),
                    _ => Some(profiles[BACKUP].id),
                };
                NicSpec {
                    name: format!("nic{}", n + 1),
                    profile,
                    mac: None,
                }
            })
            .collect();
        let groups = p.groups[&cluster];
        let mut affinity_groups = Vec::new();
        if rng.chance(0.3) {
            affinity_groups.push(groups[0]);
        }
        if rng.chance(0.1) {
            affinity_groups.push(groups[1]);
        }
        let affinity_labels = [(0, 0.2), (1, 0.1), (2, 0.05)]
            .into_iter()
            .filter(|(_, p)| rng.chance(*p))
            .filter_map(|(l, _)| p.labels[l])
            .collect();
        let mut permissions = Vec::new();
        if rng.chance(0.3) {
            permissions.push(permission("UserVmManager", "alice@internal-authz"));
        }
        if rng.chance(0.1) {
            permissions.push(permission("PowerUserRole", "carol@corp.example"));
        }
        if rng.chance(0.05) {
            permissions.push(permission(CUSTOM_ROLE, "bob@internal-authz"));
        }
        let luns: Vec<LunDiskSpec> = storage
            .luns
            .iter()
            .enumerate()
            .filter(|(j, _)| {
                lun_vm(*j) == i || (*j == 0 && b.direct_luns >= 4 && lun_vm(b.direct_luns) == i)
            })
            .map(|(j, l)| LunDiskSpec {
                alias: facts.luns[j].alias.clone(),
                lun: l.primary,
                shareable: j == 0 && b.direct_luns >= 4,
            })
            .collect();
        let running = rng.chance(b.running_fraction);
        let ha = rng.chance(b.ha_fraction);
        let name = format!("vm{:05}", i + 1);
        let memory = VM_MEMORY[rng.index(VM_MEMORY.len())];
        let vcpus = [1, 2, 4, 8][rng.index(4)];
        let spec = VmSpec {
            name: name.clone(),
            cluster,
            template,
            high_availability: HighAvailability {
                enabled: ha,
                priority: if ha { 50 } else { 0 },
            },
            delete_protected: i < b.delete_protected,
            snapshot_in_preview: (b.delete_protected..b.delete_protected + b.snapshot_in_preview)
                .contains(&i),
            memory,
            vcpus,
            origin: "ovirt".into(),
            nics,
            disks,
            luns,
            affinity_groups,
            affinity_labels,
            permissions,
            running,
            settings: Some(vm_settings(i, memory, vcpus)),
        };
        let domains_of_vm: Vec<Id> = spec.disks.iter().flat_map(|d| d.domains.clone()).collect();
        let has_luns = !spec.luns.is_empty();
        let lun_aliases: Vec<String> = spec.luns.iter().map(|l| l.alias.clone()).collect();
        let guest = builder_guest(i, &spec.nics, profiles);
        let id = setup.add_vm(Site::Primary, spec);
        setup.w.guests.insert(id, guest);
        for l in facts
            .luns
            .iter_mut()
            .filter(|l| lun_aliases.contains(&l.alias))
        {
            l.vms.push(id);
        }
        facts.vms.push(VmFacts {
            id,
            name,
            cluster: facts
                .primary
                .clusters
                .iter()
                .find(|c| c.id == cluster)
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            domains: domains_of_vm,
            template,
            running,
            ha,
            has_luns,
        });
    }

    let hosted_vm = |setup: &mut Setup<'_>, site: Site, sd: Id| {
        let t = topo.site(site);
        let mut spec = VmSpec::new("HostedEngine", t.clusters[0][0]);
        spec.origin = HOSTED_ENGINE_ORIGIN.into();
        spec.memory = HOSTED_ENGINE_MEMORY;
        spec.vcpus = 4;
        spec.running = true;
        spec.nics = vec![NicSpec {
            name: "vnet0".into(),
            profile: Some(t.profiles[0][MGMT].id),
            mac: None,
        }];
        spec.disks = vec![DiskSpec {
            alias: "he_virtio_disk".into(),
            domains: vec![sd],
        }];
        setup.add_vm(site, spec)
    };
    if let Some(sd) = storage.hosted_storage {
        let vm = hosted_vm(setup, Site::Primary, sd);
        facts.hosted_engine = Some((
            Named {
                name: "hosted_storage".into(),
                id: sd,
            },
            Named {
                name: "HostedEngine".into(),
                id: vm,
            },
        ));
    }
    if let Some((sd, _)) = facts
        .secondary
        .local_domains
        .iter()
        .find(|(n, _)| n.name == "hosted_storage")
    {
        let sd = sd.id;
        hosted_vm(setup, Site::Secondary, sd);
    }
}

/// The guest of builder VM `i`: each NIC on a network has the address `10.<network>.x.y` in
/// that network's /16 (`x.y` = `i + 1`), its interfaces named `eth0`, `eth1`, … in NIC order;
/// every tenth VM's guest has no cloud-init.
fn builder_guest(i: usize, nics: &[NicSpec], profiles: &[super::facts::ProfileFacts]) -> Guest {
    let host = u16::try_from(i + 1).unwrap_or(u16::MAX).to_be_bytes();
    let interfaces = nics
        .iter()
        .enumerate()
        .filter_map(|(n, nic)| {
            let network = profiles.iter().position(|p| Some(p.id) == nic.profile)?;
            let network = if network == GOLD { PROD } else { network };
            let octet = u8::try_from(network).ok()?;
            Some(GuestInterface {
                name: format!("eth{n}"),
                address: std::net::IpAddr::from([10, octet, host[0], host[1]]),
                prefix: 16,
                gateway: Some(std::net::IpAddr::from([10, octet, 0, 1])),
            })
        })
        .collect();
    Guest {
        cloud_init: i % 10 != 9,
        interfaces,
        ..Guest::default()
    }
}
