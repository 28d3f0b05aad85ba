//! Setting up data center compatibility levels and storage domain formats.

use crate::Site;
use crate::engine::{Id, StorageFormat, Version};

use super::Setup;

impl Setup<'_> {
    /// Sets the compatibility level of data center `dc` on `site` (which decides the storage
    /// format it attaches and upgrades to: [`StorageFormat::for_level`]). Panics on an unknown
    /// data center: the caller names one of the fixture's.
    pub fn set_data_center_version(&mut self, site: Site, dc: Id, version: Version) {
        self.w
            .site_mut(site)
            .inv
            .dcs
            .get_mut(&dc)
            .expect("set_data_center_version needs a data center of the site")
            .version = version;
    }

    /// Gives storage domain `domain` the format `format`, as if it had been created with it: in
    /// the metadata of every volume holding it (both copies of a replicated one) and in every
    /// Engine record of it.
    pub fn set_storage_format(&mut self, domain: Id, format: StorageFormat) {
        let text = format.as_str();
        for v in &mut self.w.fabric.volumes {
            if let Some(c) = v.content.as_mut().filter(|c| c.meta.id == domain) {
                c.meta.storage_format = text.to_owned();
            }
        }
        for site in Site::BOTH {
            if let Some(rec) = self.w.site_mut(site).domains.get_mut(&domain) {
                rec.storage_format = text.to_owned();
            }
        }
    }
}
