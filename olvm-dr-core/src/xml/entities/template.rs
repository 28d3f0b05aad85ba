//! Registered templates. An unknown status reads as `locked` (not usable as far as this crate
//! can tell); a missing version number as 1. The `VmBase` elements (`os`, `bios`, `cpu`,
//! `memory_policy`, ...) are the shared ones of [`super::vm_base`], as `TemplateMapper` maps
//! them through `VmBaseMapper`. Its NICs and disk attachments are inlined when the request
//! follows `nics` / `disk_attachments` (as `/templates/{id}/nics` and `…/diskattachments`
//! write them) and linked otherwise.

use super::disk_attachment::{Owner, write_disk_attachment};
use super::open_entity;
use super::vm::{read_disk_attachments, read_nic, write_nic};
use super::vm_base::{VmBaseFields, read_sizing, read_vm_settings, write_vm_base};
use crate::engine::{Template, TemplateStatus};
use crate::xml::{Node, Scope, XmlEntity, XmlError, XmlWriter};

impl XmlEntity for Template {
    const TAG: &'static str = "template";
    const PLURAL: &'static str = "templates";

    fn read(n: &Node<'_>) -> Result<Self, XmlError> {
        let base_template = match n.child("version") {
            Some(v) => v.ref_id("base_template")?,
            None => None,
        };
        let (memory, vcpus, high_availability) = read_sizing(n)?;
        Ok(Self {
            id: n.id()?,
            name: n.req_text("name")?.to_owned(),
            status: n.req_enum("status", TemplateStatus::Locked)?,
            cluster: n.ref_id("cluster")?,
            version_number: n.parse_at(&["version", "version_number"])?.unwrap_or(1),
            base_template,
            memory,
            high_availability,
            settings: read_vm_settings(n, memory, vcpus)?,
            nics: n.list("nics", "nic", read_nic)?,
            disk_attachments: read_disk_attachments(n)?,
        })
    }

    fn write(&self, w: &mut XmlWriter, scope: &Scope) {
        let href = scope.href(self.id);
        open_entity(w, Self::TAG, &href, &self.id.to_string());
        w.actions(&href, &["export"]);
        w.text("name", &self.name);
        w.links(&href, &["permissions"]);
        write_vm_base(
            w,
            &VmBaseFields {
                memory: self.memory,
                vcpus: self.settings.cpu_topology.count(),
                high_availability: self.high_availability,
                delete_protected: false,
                origin: "ovirt",
                settings: &self.settings,
            },
        );
        w.value("status", self.status);
        w.open("version", &[]);
        w.opt_reference("base_template", "templates", self.base_template);
        w.value("version_number", self.version_number);
        w.close("version");
        w.opt_reference("cluster", "clusters", self.cluster);
        let follow = scope.follow();
        if follow.has("nics") {
            w.open("nics", &[]);
            for nic in &self.nics {
                write_nic(w, nic, &format!("{href}/nics/{}", nic.id));
            }
            w.close("nics");
        } else {
            w.links(&href, &["nics"]);
        }
        if follow.has("disk_attachments") {
            w.open("disk_attachments", &[]);
            for a in &self.disk_attachments {
                let at = format!("{href}/diskattachments/{}", a.disk);
                write_disk_attachment(w, a, &at, Some(Owner::Template(self.id)));
            }
            w.close("disk_attachments");
        } else {
            w.links(&href, &["diskattachments"]);
        }
        w.close(Self::TAG);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Id;
    use crate::xml::{read_list, read_one, write_one};

    /// Reference §2.3 `GET /templates/T1`.
    const SAMPLE: &str = r#"<templates><template href="/ovirt-engine/api/templates/T1" id="00000000-0000-0000-0000-000000000071">
      <name>rhel9-base</name>
      <status>ok</status>
      <version><version_name>v1</version_name><version_number>1</version_number>
               <base_template href="/ovirt-engine/api/templates/T1" id="00000000-0000-0000-0000-000000000071"/></version>
      <cluster href="/ovirt-engine/api/clusters/C1" id="00000000-0000-0000-0000-000000000001"/>
      <memory>2147483648</memory> <os><type>rhel_9x64</type></os> <type>server</type>
    </template></templates>"#;

    #[test]
    fn sample_and_round_trip() {
        let t = read_list::<Template>(SAMPLE).unwrap().remove(0);
        assert_eq!(t.name, "rhel9-base");
        assert_eq!(t.status, TemplateStatus::Ok);
        assert_eq!(t.version_number, 1);
        assert_eq!(t.base_template, Some(Id::from_u128(0x71)));
        assert_eq!(t.cluster, Some(Id::from_u128(1)));
        assert_eq!(
            read_one::<Template>(&write_one(&t, &Scope::new("templates"))).unwrap(),
            t
        );
        let blank = r#"<template id="00000000-0000-0000-0000-000000000000"><name>Blank</name><status>unknown_thing</status></template>"#;
        let b: Template = read_one(blank).unwrap();
        assert_eq!(
            (b.status, b.version_number, b.base_template),
            (TemplateStatus::Locked, 1, None)
        );
    }
}
