//! What each site showed of its VMs when it last answered ([`SourceRecord`]), kept in the state
//! directory (`source-record-<site>.json`) for a failover whose source no longer answers: the
//! run then reports MAC changes and verifies disks, NICs and affinity against it.

use crate::Site;
use crate::plan::source_record::SourceRecord;

use super::FlowError;
use super::runs::RunStore;

impl RunStore {
    /// The record of `site` kept in the state directory, marked
    /// [`remembered`](SourceRecord::remembered); `None` without a state directory or record. An
    /// unreadable record is treated as none (logged).
    pub fn source_record(&self, site: Site) -> Option<SourceRecord> {
        let name = file_name(site);
        let bytes = match self.read_store_blob(&name) {
            Ok(bytes) => bytes?,
            Err(e) => {
                tracing::warn!(%site, error = %e, "cannot read the record of the site's VMs");
                return None;
            }
        };
        match serde_json::from_slice::<SourceRecord>(&bytes) {
            Ok(record) => Some(SourceRecord {
                remembered: true,
                ..record
            }),
            Err(e) => {
                tracing::warn!(%site, error = %e, "ignoring an unreadable record of the site's VMs");
                None
            }
        }
    }

    /// Keeps `record` as the record of `site` (replacing the previous one). A record that was
    /// itself remembered is not written back. Nothing without a state directory.
    ///
    /// # Errors
    /// [`FlowError::State`] when the record cannot be written.
    pub fn remember_source_record(
        &self,
        site: Site,
        record: &SourceRecord,
    ) -> Result<(), FlowError> {
        if record.remembered {
            return Ok(());
        }
        self.write_store_blob(
            &file_name(site),
            &serde_json::to_vec(record).unwrap_or_default(),
        )
    }
}

fn file_name(site: Site) -> String {
    format!("source-record-{site}.json")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Id;
    use crate::plan::source_record::RecordedVm;

    #[test]
    fn a_record_is_kept_per_site_and_comes_back_remembered() {
        let dir = tempfile::tempdir().unwrap();
        let store = RunStore::open(dir.path()).unwrap();
        assert_eq!(store.source_record(Site::Primary), None);
        let mut record = SourceRecord {
            read_at_ms: 42,
            ..SourceRecord::default()
        };
        record.vms.insert(
            Id::from_u128(7),
            RecordedVm {
                name: "web01".into(),
                disks: Vec::new(),
                nics: Vec::new(),
                affinity_groups: Vec::new(),
                affinity_labels: Vec::new(),
                cluster: "prod".into(),
                addresses: Vec::new(),
                tags: Vec::new(),
            },
        );
        store
            .remember_source_record(Site::Primary, &record)
            .unwrap();
        let back = store.source_record(Site::Primary).unwrap();
        assert!(back.remembered);
        assert_eq!(back.vms, record.vms);
        assert_eq!(back.read_at_ms, 42);
        assert_eq!(store.source_record(Site::Secondary), None);

        // A remembered record is never written back over a newer one.
        let newer = SourceRecord {
            read_at_ms: 43,
            ..record.clone()
        };
        store.remember_source_record(Site::Primary, &newer).unwrap();
        store.remember_source_record(Site::Primary, &back).unwrap();
        assert_eq!(store.source_record(Site::Primary).unwrap().read_at_ms, 43);

        assert_eq!(RunStore::in_memory().source_record(Site::Primary), None);
        RunStore::in_memory()
            .remember_source_record(Site::Primary, &record)
            .unwrap();
    }

    #[test]
    fn an_unreadable_record_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let store = RunStore::open(dir.path()).unwrap();
        std::fs::write(dir.path().join("source-record-primary.json"), b"{").unwrap();
        assert_eq!(store.source_record(Site::Primary), None);
    }
}
