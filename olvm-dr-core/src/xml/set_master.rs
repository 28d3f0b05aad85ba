//! The body of `POST /datacenters/{dc}/setmaster`: `<action><storage_domain id="…"/></action>`,
//! or the domain by `<name>` (`AbstractBackendActionableResource.getStorageDomainId`).

use super::{Node, XmlError, XmlWriter, expect_root, parse};
use crate::engine::{EntityRef, Id};

/// Writes the body naming domain `sd` by id.
pub fn write_set_master(sd: Id) -> String {
    let mut w = XmlWriter::document();
    w.open("action", &[]);
    w.empty("storage_domain", &[("id", &sd.to_string())]);
    w.close("action");
    w.finish()
}

/// Reads the body: the domain by id, else by name; `None` when the action names no domain.
pub fn read_set_master(text: &str) -> Result<Option<EntityRef>, XmlError> {
    let root = parse(text)?;
    expect_root(&root, "action")?;
    let action = Node::root(&root);
    let Some(sd) = action.child("storage_domain") else {
        return Ok(None);
    };
    if let Some(id) = sd.opt_id()? {
        return Ok(Some(EntityRef::Id(id)));
    }
    Ok(sd.string_of("name").map(EntityRef::Name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_id_by_name_or_none() {
        let sd = Id::from_u128(0xa2);
        assert_eq!(
            read_set_master(&write_set_master(sd)).unwrap(),
            Some(EntityRef::Id(sd))
        );
        let by_name = "<action><storage_domain><name>data2</name></storage_domain></action>";
        assert_eq!(
            read_set_master(by_name).unwrap(),
            Some(EntityRef::Name("data2".into()))
        );
        assert_eq!(read_set_master("<action/>").unwrap(), None);
        assert!(read_set_master("<storage_domain/>").is_err());
    }
}
