//! Tags, as the Engine keeps them: unique names (`AddTagCommand.validate` refuses a name in
//! use with `TAGS_SPECIFY_TAG_IS_IN_USE`), removal by id.

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

    /// Removes a tag; an unknown id is a 404.
    pub(crate) fn remove_tag(&mut self, site: Site, id: Id) -> EngineResult<()> {
        match self.site_mut(site).tags.remove(&id) {
            Some(_) => Ok(()),
            None => Err(msg::not_found(Operation::RemoveTag, format!("tag {id}"))),
        }
    }
}
