//! VMs and templates of a domain's OVF store that are not registered
//! (`GET /storagedomains/{sd}/vms?unregistered=true`, `.../templates?unregistered=true`).
//!
//! A real Engine maps only the OVF's VM onto these elements: id, name, the status recorded in
//! the OVF, high availability, memory, CPU topology, delete protection, the template and the
//! cluster (`GetUnregisteredVmsQuery` + `VmMapper`). It does not inline NICs, disks, affinity or
//! permissions, and an unregistered VM on a data domain has no disk-attachment sub-collection
//! (`BackendStorageDomainVmResource` serves those only for export domains); so neither does the
//! writer, and the reader ignores them.

use super::{
    open_entity, read_cpu_count, read_high_availability, write_cpu_count, write_high_availability,
};
use crate::engine::{UnregisteredTemplate, UnregisteredVm, VmStatus};
use crate::xml::{Node, Scope, XmlEntity, XmlError, XmlWriter};

impl XmlEntity for UnregisteredVm {
    const TAG: &'static str = "vm";
    const PLURAL: &'static str = "vms";

    /// An unknown status reads as `unknown`.
    fn read(n: &Node<'_>) -> Result<Self, XmlError> {
        Ok(Self {
            id: n.id()?,
            name: n.req_text("name")?.to_owned(),
            status: n.req_enum("status", VmStatus::Unknown)?,
            high_availability: read_high_availability(n)?,
            cluster: n.ref_id("cluster")?,
            template: n.ref_id("template")?,
            memory: n.parse_at(&["memory"])?.unwrap_or(0),
            vcpus: read_cpu_count(n)?,
            delete_protected: n.flag("delete_protected")?,
        })
    }

    fn write(&self, w: &mut XmlWriter, scope: &Scope) {
        let href = scope.href(self.id);
        open_entity(w, Self::TAG, &href, &self.id.to_string());
        w.actions(&href, &["import", "register"]);
        w.text("name", &self.name);
        w.open("cpu", &[]);
        write_cpu_count(w, self.vcpus);
        w.close("cpu");
        w.bool("delete_protected", self.delete_protected);
        write_high_availability(w, self.high_availability);
        w.value("memory", self.memory);
        w.value("status", self.status);
        w.opt_reference("cluster", "clusters", self.cluster);
        w.opt_reference("template", "templates", self.template);
        w.close(Self::TAG);
    }
}

impl XmlEntity for UnregisteredTemplate {
    const TAG: &'static str = "template";
    const PLURAL: &'static str = "templates";

    /// `version/base_template` naming the template itself (a base template) reads as `None`.
    fn read(n: &Node<'_>) -> Result<Self, XmlError> {
        let id = n.id()?;
        let base = match n.child("version") {
            Some(v) => v.ref_id("base_template")?,
            None => None,
        };
        Ok(Self {
            id,
            name: n.req_text("name")?.to_owned(),
            cluster: n.ref_id("cluster")?,
            base_template: base.filter(|b| *b != id),
        })
    }

    fn write(&self, w: &mut XmlWriter, scope: &Scope) {
        let href = scope.href(self.id);
        open_entity(w, Self::TAG, &href, &self.id.to_string());
        w.actions(&href, &["import", "register"]);
        w.text("name", &self.name);
        w.open("version", &[]);
        w.reference(
            "base_template",
            "templates",
            self.base_template.unwrap_or(self.id),
        );
        w.close("version");
        w.opt_reference("cluster", "clusters", self.cluster);
        w.close(Self::TAG);
    }
}

#[cfg(test)]
mod tests;
