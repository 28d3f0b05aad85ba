//! Tags, as the Engine keeps them: unique names (`AddTagCommand.validate` refuses a name in
//! use with `TAGS_SPECIFY_TAG_IS_IN_USE`), removal by id, and their assignment to VMs. The
//! assignments are Engine rows (`tags_vm_map`), not part of a VM's OVF (`OvfWriter` writes no
//! tag), so a VM registered from a domain's OVF store has none.

use crate::Site;
use crate::engine::{EngineResult, Id, Tag};

use super::super::messages as msg;
use super::super::ops::Operation;
use super::WorldState;

impl WorldState {
    /// Every tag of `site`, by name.
    pub(crate) fn tags(&self, site: Site) -> Vec<Tag> {
        let mut tags: Vec<Tag> = self.site(site).tags.values().cloned().collect();
        tags.sort_by(|a, b| a.name.cmp(&b.name));
        tags
    }

    /// Adds a tag; a name in use is the Engine's 409.
    pub(crate) fn add_tag(
        &mut self,
        site: Site,
        name: &str,
        description: &str,
    ) -> EngineResult<Tag> {
        let op = Operation::AddTag;
        if name.is_empty() {
            return Err(msg::incomplete(op, "Tag", "name"));
        }
        let s = self.site_mut(site);
        if s.tags.values().any(|t| t.name == name) {
            return Err(msg::tag_name_in_use(op));
        }
        let tag = Tag {
            id: s.ids.id(),
            name: name.to_owned(),
            description: description.to_owned(),
        };
        s.tags.insert(tag.id, tag.clone());
        Ok(tag)
    }

    /// Removes a tag and its assignments; an unknown id is a 404.
    pub(crate) fn remove_tag(&mut self, site: Site, id: Id) -> EngineResult<()> {
        let s = self.site_mut(site);
        match s.tags.remove(&id) {
            Some(_) => {
                for assigned in s.vm_tags.values_mut() {
                    assigned.remove(&id);
                }
                Ok(())
            }
            None => Err(msg::not_found(Operation::RemoveTag, format!("tag {id}"))),
        }
    }

    /// The tags assigned to VM `vm`, by name; an unknown VM is a 404.
    pub(crate) fn vm_tags(&self, site: Site, vm: Id) -> EngineResult<Vec<Tag>> {
        let s = self.site(site);
        if !s.vms.contains_key(&vm) {
            return Err(msg::not_found(Operation::VmTags, format!("vm {vm}")));
        }
        let mut tags: Vec<Tag> = s
            .vm_tags
            .get(&vm)
            .into_iter()
            .flatten()
            .filter_map(|t| s.tags.get(t).cloned())
            .collect();
        tags.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(tags)
    }

    /// Assigns tag `tag` to VM `vm`. As the Engine's `AttachVmsToTagCommand.executeCommand`, a
    /// tag the VM has already is no change and no error; an unknown VM or tag is a 404.
    pub(crate) fn assign_tag(&mut self, site: Site, vm: Id, tag: Id) -> EngineResult<()> {
        let op = Operation::AssignTag;
        let s = self.site_mut(site);
        if !s.vms.contains_key(&vm) {
            return Err(msg::not_found(op, format!("vm {vm}")));
        }
        if !s.tags.contains_key(&tag) {
            return Err(msg::not_found(op, format!("tag {tag}")));
        }
        s.vm_tags.entry(vm).or_default().insert(tag);
        Ok(())
    }
}
