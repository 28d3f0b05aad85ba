//! Affinity groups and labels, authz domains and roles: what registration mappings name.

use super::open_entity;
use crate::engine::{AffinityGroup, AffinityLabel, AuthzDomain, Role};
use crate::xml::{Node, Scope, XmlEntity, XmlError, XmlWriter};

impl XmlEntity for AffinityGroup {
    const TAG: &'static str = "affinity_group";
    const PLURAL: &'static str = "affinity_groups";

    /// The VM rule comes from `vms_rule` (4.1+); an Engine without it only has the legacy
    /// top-level `positive` and `enforcing`, which mirror the VM rule.
    fn read(n: &Node<'_>) -> Result<Self, XmlError> {
        let (positive, enforcing) = match n.child("vms_rule") {
            Some(rule) => (rule.flag("positive")?, rule.flag("enforcing")?),
            None => (n.flag("positive")?, n.flag("enforcing")?),
        };
        Ok(Self {
            id: n.id()?,
            name: n.req_text("name")?.to_owned(),
            cluster: n.req_child("cluster")?.id()?,
            vms: n.ref_ids("vms", "vm")?,
            hosts: n.ref_ids("hosts", "host")?,
            positive,
            enforcing,
        })
    }

    fn write(&self, w: &mut XmlWriter, scope: &Scope) {
        let href = scope.href(self.id);
        open_entity(w, Self::TAG, &href, &self.id.to_string());
        w.text("name", &self.name);
        w.links(&href, &["hostlabels", "vmlabels"]);
        w.bool("broken", false);
        w.bool("enforcing", self.enforcing);
        w.bool("positive", self.positive);
        w.open("vms_rule", &[]);
        w.bool("enabled", true);
        w.bool("enforcing", self.enforcing);
        w.bool("positive", self.positive);
        w.close("vms_rule");
        w.reference("cluster", "clusters", self.cluster);
        w.references("hosts", "host", "hosts", &self.hosts);
        w.references("vms", "vm", "vms", &self.vms);
        w.close(Self::TAG);
    }
}

impl XmlEntity for AffinityLabel {
    const TAG: &'static str = "affinity_label";
    const PLURAL: &'static str = "affinity_labels";

    /// The Engine lists a label's VMs and hosts only when asked to inline them
    /// (`follow=vms,hosts`); otherwise both read as empty.
    fn read(n: &Node<'_>) -> Result<Self, XmlError> {
        Ok(Self {
            id: n.id()?,
            name: n.req_text("name")?.to_owned(),
            vms: n.ref_ids("vms", "vm")?,
            hosts: n.ref_ids("hosts", "host")?,
        })
    }

    /// Inlines `vms` and `hosts` when the scope follows them, links to them otherwise.
    fn write(&self, w: &mut XmlWriter, scope: &Scope) {
        let href = scope.href(self.id);
        open_entity(w, Self::TAG, &href, &self.id.to_string());
        w.text("name", &self.name);
        w.bool("has_implicit_affinity_group", false);
        w.bool("read_only", false);
        for (rel, tag, ids) in [("hosts", "host", &self.hosts), ("vms", "vm", &self.vms)] {
            if scope.follow().has(rel) {
                w.references(rel, tag, rel, ids);
            } else {
                w.links(&href, &[rel]);
            }
        }
        w.close(Self::TAG);
    }
}

impl XmlEntity for AuthzDomain {
    const TAG: &'static str = "domain";
    const PLURAL: &'static str = "domains";

    fn read(n: &Node<'_>) -> Result<Self, XmlError> {
        Ok(Self {
            id: n.req_attr("id")?.to_owned(),
            name: n.req_text("name")?.to_owned(),
        })
    }

    fn write(&self, w: &mut XmlWriter, scope: &Scope) {
        let href = scope.href(&self.id);
        open_entity(w, Self::TAG, &href, &self.id);
        w.text("name", &self.name);
        w.links(&href, &["groups", "users"]);
        w.close(Self::TAG);
    }
}

impl XmlEntity for Role {
    const TAG: &'static str = "role";
    const PLURAL: &'static str = "roles";

    fn read(n: &Node<'_>) -> Result<Self, XmlError> {
        Ok(Self {
            id: n.id()?,
            name: n.req_text("name")?.to_owned(),
            administrative: n.flag("administrative")?,
            mutable: n.flag("mutable")?,
        })
    }

    fn write(&self, w: &mut XmlWriter, scope: &Scope) {
        let href = scope.href(self.id);
        open_entity(w, Self::TAG, &href, &self.id.to_string());
        w.text("name", &self.name);
        w.links(&href, &["permits"]);
        w.bool("administrative", self.administrative);
        w.bool("mutable", self.mutable);
        w.close(Self::TAG);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Id;
    use crate::xml::{Follow, read_list, read_one, write_list, write_one};

    fn id(n: u128) -> Id {
        Id::from_u128(n)
    }

    #[test]
    fn affinity_group_reference_sample() {
        let xml = r#"<affinity_group href="/ovirt-engine/api/clusters/C1/affinitygroups/G1" id="00000000-0000-0000-0000-000000000011">
          <name>db-spread</name><broken>false</broken>
          <enforcing>false</enforcing><positive>true</positive><priority>1</priority>
          <hosts_rule><enabled>false</enabled><enforcing>false</enforcing><positive>false</positive></hosts_rule>
          <vms_rule><enabled>true</enabled><enforcing>true</enforcing><positive>false</positive></vms_rule>
          <cluster href="/ovirt-engine/api/clusters/C1" id="00000000-0000-0000-0000-000000000001"/>
          <vms><vm href="/ovirt-engine/api/vms/V1" id="00000000-0000-0000-0000-000000000021"/><vm id="00000000-0000-0000-0000-000000000022"/></vms>
          <hosts/>
        </affinity_group>"#;
        let g: AffinityGroup = read_one(xml).unwrap();
        assert_eq!(g.name, "db-spread");
        assert!(
            g.enforcing && !g.positive,
            "vms_rule wins over the legacy mirrors"
        );
        assert_eq!(g.vms, vec![id(0x21), id(0x22)]);
        assert!(g.hosts.is_empty());
        let scope = Scope::new(format!("clusters/{}/affinitygroups", id(1)));
        assert_eq!(
            read_one::<AffinityGroup>(&write_one(&g, &scope)).unwrap(),
            g
        );
        let legacy = r#"<affinity_group id="00000000-0000-0000-0000-000000000011"><name>a</name>
          <enforcing>true</enforcing><positive>true</positive><cluster id="00000000-0000-0000-0000-000000000001"/></affinity_group>"#;
        let g: AffinityGroup = read_one(legacy).unwrap();
        assert!(g.enforcing && g.positive);
    }

    #[test]
    fn affinity_label_inlines_members_only_when_followed() {
        let label = AffinityLabel {
            id: id(1),
            name: "tier-1".into(),
            vms: vec![id(2)],
            hosts: vec![id(3)],
        };
        let plain = Scope::new("affinitylabels");
        let text = write_one(&label, &plain);
        assert!(text.contains(r#"rel="vms""#));
        let read: AffinityLabel = read_one(&text).unwrap();
        assert!(read.vms.is_empty() && read.hosts.is_empty());
        let followed = plain.with_follow(Follow::parse("vms,hosts"));
        assert_eq!(
            read_one::<AffinityLabel>(&write_one(&label, &followed)).unwrap(),
            label
        );
    }

    /// Reference §2.3 samples of `affinity_label` and `role`.
    #[test]
    fn label_and_role_samples() {
        let label: AffinityLabel = read_one(
            r#"<affinity_label href="/ovirt-engine/api/affinitylabels/L1" id="00000000-0000-0000-0000-000000000001">
              <name>tier-1</name><read_only>false</read_only><has_implicit_affinity_group>false</has_implicit_affinity_group>
              <link href="/ovirt-engine/api/affinitylabels/L1/vms" rel="vms"/><link href="/ovirt-engine/api/affinitylabels/L1/hosts" rel="hosts"/>
            </affinity_label>"#,
        )
        .unwrap();
        assert_eq!(label.name, "tier-1");
        assert!(label.vms.is_empty() && label.hosts.is_empty());
        let role: Role = read_one(
            r#"<role href="/ovirt-engine/api/roles/R1" id="00000000-0000-0000-0000-000000000009">
              <name>UserVmManager</name><description>x</description>
              <administrative>false</administrative><mutable>false</mutable>
              <link href="/ovirt-engine/api/roles/R1/permits" rel="permits"/>
            </role>"#,
        )
        .unwrap();
        assert_eq!(
            (role.name.as_str(), role.administrative, role.mutable),
            ("UserVmManager", false, false)
        );
    }

    #[test]
    fn domains_and_roles() {
        let xml = r#"<domains><domain href="/ovirt-engine/api/domains/696E7465726E616C2D617574687A" id="696E7465726E616C2D617574687A">
          <name>internal-authz</name><link href="/x/users" rel="users"/></domain></domains>"#;
        let d: Vec<AuthzDomain> = read_list(xml).unwrap();
        assert_eq!(d[0].id, AuthzDomain::id_for("internal-authz"));
        assert_eq!(
            read_list::<AuthzDomain>(&write_list(&d, &Scope::new("domains"))).unwrap(),
            d
        );
        let role = Role {
            id: id(9),
            name: "UserVmManager".into(),
            administrative: false,
            mutable: true,
        };
        assert_eq!(
            read_one::<Role>(&write_one(&role, &Scope::new("roles"))).unwrap(),
            role
        );
    }
}
