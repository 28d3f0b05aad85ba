//! Registering unregistered templates (`POST /storagedomains/{sd}/templates/{id}/register`),
//! in the Engine's validation order (`ImportVmTemplateCommandBase.validate`, then
//! `ImportVmTemplateFromConfigurationCommand`). Templates take the cluster, role, authz-domain
//! and vNIC profile mappings; affinity, LUN mappings and MAC reassignment do not apply.

use tokio::time::Instant;

use crate::Site;
use crate::engine::{DataCenterStatus, EngineResult, Id, Registration, TemplateStatus};

use super::super::clock::Transition;
use super::super::messages::{self as msg, Action, Subject};
use super::super::ops::Operation;
use super::WorldState;
use super::disks::DiskRec;
use super::mappings::{DiskCheck, Maps};
use super::vms::{NicRec, TemplateRec};
use super::vnic_mapping::map_vnic;

impl WorldState {
    /// `POST /storagedomains/{sd}/templates/{template}/register`.
    pub(crate) fn register_template(
        &mut self,
        site: Site,
        sd: Id,
        template: Id,
        reg: &Registration,
        now: Instant,
    ) -> EngineResult<()> {
        let op = Operation::RegisterTemplate;
        let s = self.site(site);
        if !s.domains.contains_key(&sd) {
            return Err(msg::not_found(op, format!("storage domain {sd}")));
        }
        let ovf = s
            .unregistered
            .get(&sd)
            .and_then(|u| u.templates.get(&template))
            .cloned()
            .ok_or_else(|| {
                msg::not_found(
                    op,
                    format!("unregistered template {template} on storage domain {sd}"),
                )
            })?;
        let t = &ovf.template;
        let maps = Maps::new(reg, op)?;
        let cluster = s
            .target_cluster(reg, &maps, ovf.cluster_name.as_deref(), op)?
            .ok_or_else(|| msg::import_cluster_missing(op, Subject::Template))?
            .clone();
        let dc = cluster.dc;
        if s.dc_status(dc, now) != DataCenterStatus::Up {
            return Err(msg::pool_status_illegal(
                op,
                Action::Import,
                Subject::Template,
            ));
        }
        let duplicate = s
            .vms
            .get(&template)
            .map(|v| v.name.clone())
            .or_else(|| s.templates.get(&template).map(|t| t.name.clone()));
        if let Some(name) = duplicate {
            return Err(msg::import_template_id_exists(op, &name));
        }
        let base = t.base_template.unwrap_or(template);
        if base == template && s.template_names.contains_key(&(dc, t.name.clone())) {
            return Err(msg::import_template_name_exists(op));
        }
        if base != template && !s.templates.contains_key(&base) {
            return Err(msg::import_template_base_missing(op));
        }
        let all_present = ovf.disks.iter().all(|d| {
            let sd = d.storage_domains.first().copied().unwrap_or(Id::NIL);
            self.image_on_storage(site, sd, d.id)
        });
        let check = DiskCheck {
            dc: Some(dc),
            allow_partial: reg.allow_partial_import,
            op,
            subject: Subject::Template,
            now,
        };
        let disks = s.usable_disks(&ovf.disks, &check, |sd, disk| {
            self.image_on_storage(site, sd, disk)
        })?;
        if !all_present && !reg.allow_partial_import {
            return Err(msg::import_image_missing(op, Subject::Template));
        }

        let nics: Vec<(String, Option<Id>)> = ovf
            .nics
            .iter()
            .map(|n| {
                (
                    n.name.clone(),
                    map_vnic(&s.inv, &cluster, n, &reg.vnic_profile_mappings),
                )
            })
            .collect();
        let permissions = s.map_permissions(&ovf.permissions, &maps);
        let disks: Vec<_> = disks.into_iter().cloned().collect();
        let latency = self.request_latency(site, op, template);

        let s = self.site_mut(site);
        for d in &disks {
            s.disks.insert(d.id, DiskRec::image_from_ovf(d, template));
        }
        let nics = nics
            .into_iter()
            .map(|(name, profile)| NicRec {
                id: s.ids.id(),
                name,
                mac: None,
                profile,
                plugged: true,
            })
            .collect();
        s.insert_template(TemplateRec {
            id: template,
            name: t.name.clone(),
            cluster: cluster.id,
            dc,
            version_number: ovf.version_number,
            base,
            disks: disks.iter().map(|d| d.id).collect(),
            nics,
            status: Transition::new(
                now,
                &[(TemplateStatus::Locked, latency)],
                TemplateStatus::Ok,
            ),
            permissions,
            memory: ovf.memory,
            ha: ovf.high_availability,
            settings: ovf.settings.clone(),
        });
        // The Engine drops the entity's OVF rows of every domain, not only of `sd`
        // (`unregisteredOVFDataDao.removeEntity(id, null)` in the import-from-configuration
        // commands): an entity with disks on several domains is no longer listed anywhere.
        for rows in s.unregistered.values_mut() {
            rows.templates.remove(&template);
        }
        Ok(())
    }
}
