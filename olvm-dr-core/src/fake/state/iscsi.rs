//! iSCSI discovery and login per host, and which LUNs a host sees (`GET /hosts/{id}/storage`).

use std::collections::HashSet;

use tokio::time::Instant;

use crate::Site;
use crate::engine::{
    EngineResult, HostLun, HostStatus, Id, IscsiLogin, IscsiPortal, IscsiTarget, LogicalUnit,
    LunStatus, StorageDomainStatus, StorageType,
};

use super::super::fabric::{Locator, VolumeId};
use super::super::messages as msg;
use super::super::ops::Operation;
use super::WorldState;

impl WorldState {
    /// The LUN volumes `host` of `site` sees at `now`: every FC LUN of the site's SAN, and the
    /// iSCSI LUNs behind targets it is logged in to, by its own login or because its data
    /// center uses them, unless its path to the target is cut (see [`super::iscsi_paths`]).
    pub(crate) fn visible_luns(&self, site: Site, host: Id, now: Instant) -> Vec<VolumeId> {
        let sessions = self.site(site).sessions.get(&host);
        let paths = &self.site(site).iscsi_paths;
        let pool = self.pool_targets(site, host, now);
        self.fabric
            .site_luns(site)
            .filter(|(_, v)| match &v.locator {
                Locator::Lun {
                    storage_type: StorageType::Fcp,
                    ..
                } => true,
                Locator::Lun {
                    target: Some(t), ..
                } => {
                    let rec = &self.fabric.targets[*t];
                    paths.open(host, *t)
                        && (pool.contains(t)
                            || sessions.is_some_and(|s| {
                                s.contains(&(rec.address.clone(), rec.port, rec.iqn.clone()))
                            }))
                }
                _ => false,
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// The iSCSI targets an up host is connected to without a login of its own: those of its
    /// data center's domains that are active, inactive or unknown
    /// (`StorageServerConnectionDao.getConnectableStorageConnectionsByStorageType`, which
    /// `ConnectHostToStoragePoolServers` connects when the host comes up and attach and
    /// activate connect on every up host), and those of the direct LUN disks of the VMs
    /// running on it (`RunVmCommandBase.connectLunDisks`).
    fn pool_targets(&self, site: Site, host: Id, now: Instant) -> HashSet<usize> {
        let mut targets = self.domain_targets(site, host, now);
        let s = self.site(site);
        let lun_ids: HashSet<&str> = s
            .vms
            .values()
            .filter(|vm| vm.host == Some(host))
            .flat_map(|vm| &vm.luns)
            .filter_map(|d| s.disks.get(d)?.lun.as_ref())
            .flat_map(|l| l.logical_units.iter().map(|u| u.id.as_str()))
            .collect();
        if !lun_ids.is_empty() {
            targets.extend(
                self.fabric
                    .site_luns(site)
                    .filter_map(|(_, v)| match &v.locator {
                        Locator::Lun {
                            lun_id,
                            target: Some(t),
                            ..
                        } if lun_ids.contains(lun_id.as_str()) => Some(*t),
                        _ => None,
                    }),
            );
        }
        targets
    }

    fn domain_targets(&self, site: Site, host: Id, now: Instant) -> HashSet<usize> {
        let s = self.site(site);
        let Some(h) = s.inv.hosts.get(&host) else {
            return HashSet::new();
        };
        let Some(dc) = s.dc_of_cluster(h.cluster) else {
            return HashSet::new();
        };
        if h.status != HostStatus::Up {
            return HashSet::new();
        }
        s.domains
            .values()
            .filter(|d| {
                d.attached_to(dc)
                    && matches!(
                        d.status(now),
                        StorageDomainStatus::Active
                            | StorageDomainStatus::Inactive
                            | StorageDomainStatus::Unknown
                    )
            })
            .filter_map(|d| match &self.fabric.volumes[d.volume].locator {
                Locator::Lun { target, .. } => *target,
                Locator::File { .. } => None,
            })
            .collect()
    }

    /// The connection facts of LUN volume `v` as a host reports them.
    pub(crate) fn logical_unit(&self, site: Site, v: VolumeId) -> Option<LogicalUnit> {
        let vol = &self.fabric.volumes[v];
        let Locator::Lun {
            lun_id,
            size,
            target,
            ..
        } = &vol.locator
        else {
            return None;
        };
        let target = target.map(|t| &self.fabric.targets[t]);
        let meta = vol.content.as_ref().map(|c| &c.meta);
        let used_by_disk = self.site(site).lun_disks.contains_key(lun_id);
        Some(LogicalUnit {
            id: lun_id.clone(),
            address: target.map(|t| t.address.clone()),
            port: target.map(|t| t.port),
            portal: target.map(|t| format!("{}:{},1", t.address, t.port)),
            target: target.map(|t| t.iqn.clone()),
            username: None,
            size: Some(*size),
            status: Some(if meta.is_some() || used_by_disk {
                LunStatus::Used
            } else {
                LunStatus::Free
            }),
            // Only domains this Engine knows are linked to their LUNs.
            storage_domain: meta
                .map(|m| m.id)
                .filter(|id| self.site(site).domains.contains_key(id)),
            volume_group: meta.and_then(|m| m.volume_group.clone()),
            ..LogicalUnit::default()
        })
    }

    /// `GET /hosts/{id}/storage`: every LUN the host sees, FC and iSCSI alike. A host that is
    /// not up cannot list its devices (`GetDeviceListQuery.isActiveVds`).
    pub(crate) fn host_luns(
        &self,
        site: Site,
        host: Id,
        now: Instant,
    ) -> EngineResult<Vec<HostLun>> {
        let Some(h) = self.site(site).inv.hosts.get(&host) else {
            return Err(msg::not_found(Operation::HostLuns, format!("host {host}")));
        };
        if h.status != HostStatus::Up {
            return Err(msg::host_devices_unavailable(
                Operation::HostLuns,
                &h.address,
            ));
        }
        Ok(self
            .visible_luns(site, host, now)
            .into_iter()
            .filter_map(|v| self.host_device(site, host, v))
            .collect())
    }

    /// `POST /hosts/{id}/iscsidiscover`: the targets of `site`'s arrays at the portal.
    pub(crate) fn iscsi_discover(
        &self,
        site: Site,
        host: Id,
        portal: &IscsiPortal,
    ) -> EngineResult<Vec<IscsiTarget>> {
        let op = Operation::IscsiDiscover;
        if !self.site(site).inv.hosts.contains_key(&host) {
            return Err(msg::not_found(op, format!("host {host}")));
        }
        let paths = &self.site(site).iscsi_paths;
        let found: Vec<IscsiTarget> = self
            .fabric
            .targets
            .iter()
            .enumerate()
            .filter(|(i, t)| {
                t.site == site
                    && t.address == portal.address
                    && t.port == portal.port
                    && paths.open(host, *i)
            })
            .map(|(_, t)| t)
            .map(|t| IscsiTarget {
                address: t.address.clone(),
                port: t.port,
                portal: Some(format!("{}:{},1", t.address, t.port)),
                target: t.iqn.clone(),
            })
            .collect();
        if found.is_empty() {
            return Err(msg::iscsi_discovery_failed(op));
        }
        Ok(found)
    }

    /// `POST /hosts/{id}/iscsilogin`: one session per target; logging in again succeeds.
    pub(crate) fn iscsi_login(
        &mut self,
        site: Site,
        host: Id,
        login: &IscsiLogin,
        _now: Instant,
    ) -> EngineResult<()> {
        let op = Operation::IscsiLogin;
        if !self.site(site).inv.hosts.contains_key(&host) {
            return Err(msg::not_found(op, format!("host {host}")));
        }
        let paths = &self.site(site).iscsi_paths;
        let target = self
            .fabric
            .targets
            .iter()
            .enumerate()
            .find(|(i, t)| {
                t.site == site
                    && t.address == login.address
                    && t.port == login.port
                    && t.iqn == login.target
                    && paths.open(host, *i)
            })
            .map(|(_, t)| t)
            .ok_or_else(|| msg::iscsi_login_failed(op))?;
        if !chap_matches(target.chap.as_ref(), login) {
            return Err(msg::iscsi_login_auth_failed(op));
        }
        let session = (target.address.clone(), target.port, target.iqn.clone());
        self.site_mut(site)
            .sessions
            .entry(host)
            .or_default()
            .insert(session);
        Ok(())
    }
}

/// `true` when the login's credentials satisfy the target: none needed, or the right ones.
pub(crate) fn chap_matches(required: Option<&(String, crate::Secret)>, login: &IscsiLogin) -> bool {
    match required {
        None => true,
        Some((user, password)) => {
            login.username.as_deref() == Some(user.as_str())
                && login.password.as_ref() == Some(password)
        }
    }
}
