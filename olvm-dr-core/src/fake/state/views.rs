//! The read-only calls not covered by an entity family's own module.

use std::collections::HashMap;

use tokio::time::Instant;

use crate::Site;
use crate::engine::{
    AffinityGroup, AffinityLabel, Cluster, EngineResult, Host, Id, Network, StorageDomain,
    Template, UnregisteredTemplate, UnregisteredVm, Vm,
};

use super::super::messages as msg;
use super::super::ops::Operation;
use super::WorldState;

impl WorldState {
    pub(crate) fn clusters_view(&self, site: Site) -> Vec<Cluster> {
        let inv = &self.site(site).inv;
        inv.clusters.values().map(|c| inv.cluster_view(c)).collect()
    }

    pub(crate) fn hosts_view(&self, site: Site, now: Instant) -> Vec<Host> {
        let s = self.site(site);
        let committed = s.committed_memory(now);
        s.inv
            .hosts
            .values()
            .map(|h| {
                let spm = s.spm_status(h.id, now);
                s.inv
                    .host_view(h, spm, s.host_scheduling_memory(h, &committed))
            })
            .collect()
    }

    pub(crate) fn cluster_networks_view(
        &self,
        site: Site,
        cluster: Id,
    ) -> EngineResult<Vec<Network>> {
        let s = self.site(site);
        let Some(c) = s.inv.clusters.get(&cluster) else {
            return Err(msg::not_found(
                Operation::ClusterNetworks,
                format!("cluster {cluster}"),
            ));
        };
        Ok(s.inv
            .networks_view()
            .into_iter()
            .filter(|n| c.networks.contains(&n.id))
            .collect())
    }

    pub(crate) fn affinity_groups_view(
        &self,
        site: Site,
        cluster: Id,
    ) -> EngineResult<Vec<AffinityGroup>> {
        let s = self.site(site);
        if !s.inv.clusters.contains_key(&cluster) {
            return Err(msg::not_found(
                Operation::AffinityGroups,
                format!("cluster {cluster}"),
            ));
        }
        let mut members: HashMap<Id, Vec<Id>> = HashMap::new();
        for v in s.vms.values().filter(|v| v.cluster == cluster) {
            for g in &v.affinity_groups {
                members.entry(*g).or_default().push(v.id);
            }
        }
        Ok(s.inv
            .affinity_groups
            .values()
            .filter(|g| g.cluster == cluster)
            .map(|g| AffinityGroup {
                id: g.id,
                name: g.name.clone(),
                cluster,
                vms: members.remove(&g.id).unwrap_or_default(),
                hosts: Vec::new(),
                positive: g.positive,
                enforcing: g.enforcing,
            })
            .collect())
    }

    pub(crate) fn affinity_labels_view(&self, site: Site) -> Vec<AffinityLabel> {
        let s = self.site(site);
        let mut members: HashMap<Id, Vec<Id>> = HashMap::new();
        for v in s.vms.values() {
            for l in &v.labels {
                members.entry(*l).or_default().push(v.id);
            }
        }
        s.inv
            .labels
            .values()
            .map(|l| {
                s.inv
                    .label_view(l, members.remove(&l.id).unwrap_or_default())
            })
            .collect()
    }

    pub(crate) fn domains_view(&self, site: Site, now: Instant) -> Vec<StorageDomain> {
        self.site(site)
            .domains
            .values()
            .map(|d| d.view(now, false))
            .collect()
    }

    pub(crate) fn domain_view(
        &self,
        site: Site,
        sd: Id,
        now: Instant,
    ) -> EngineResult<StorageDomain> {
        self.site(site)
            .domains
            .get(&sd)
            .map(|d| d.view(now, false))
            .ok_or_else(|| msg::not_found(Operation::StorageDomain, format!("storage domain {sd}")))
    }

    pub(crate) fn attached_domain_view(
        &self,
        site: Site,
        dc: Id,
        sd: Id,
        now: Instant,
    ) -> EngineResult<StorageDomain> {
        self.attached_or_404(site, dc, sd, Operation::AttachedStorageDomain)
            .map(|d| d.view(now, true))
    }

    pub(crate) fn vm_get(&self, site: Site, id: Id, now: Instant) -> EngineResult<Vm> {
        let s = self.site(site);
        s.vms
            .get(&id)
            .map(|v| s.vm_view(v, now))
            .ok_or_else(|| msg::not_found(Operation::Vm, format!("vm {id}")))
    }

    pub(crate) fn templates_view(&self, site: Site, now: Instant) -> Vec<Template> {
        let s = self.site(site);
        s.templates
            .values()
            .map(|t| s.template_view(t, now))
            .collect()
    }

    pub(crate) fn template_get(&self, site: Site, id: Id, now: Instant) -> EngineResult<Template> {
        let s = self.site(site);
        s.templates
            .get(&id)
            .map(|t| s.template_view(t, now))
            .ok_or_else(|| msg::not_found(Operation::Template, format!("template {id}")))
    }

    pub(crate) fn unregistered_vms_view(
        &self,
        site: Site,
        sd: Id,
    ) -> EngineResult<Vec<UnregisteredVm>> {
        let s = self.site(site);
        if !s.domains.contains_key(&sd) {
            return Err(msg::not_found(
                Operation::UnregisteredVms,
                format!("storage domain {sd}"),
            ));
        }
        Ok(s.unregistered
            .get(&sd)
            .map(|u| u.vms.values().map(|v| v.vm.clone()).collect())
            .unwrap_or_default())
    }

    pub(crate) fn unregistered_templates_view(
        &self,
        site: Site,
        sd: Id,
    ) -> EngineResult<Vec<UnregisteredTemplate>> {
        let s = self.site(site);
        if !s.domains.contains_key(&sd) {
            return Err(msg::not_found(
                Operation::UnregisteredTemplates,
                format!("storage domain {sd}"),
            ));
        }
        Ok(s.unregistered
            .get(&sd)
            .map(|u| u.templates.values().map(|t| t.template.clone()).collect())
            .unwrap_or_default())
    }
}
