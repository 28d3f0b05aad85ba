use std::time::{Duration, UNIX_EPOCH};

use serde_json::json;

use super::*;
use crate::engine::Id;
use crate::ovf::Unknown;

const SD: &str = "5f3e0a52-9a4c-4b5e-8a6e-2f0c4b1e7d10";
const JOB: &str = "9c1d7b2a-0e8f-4d3c-b1a5-6e4f2d8c9a07";

/// 2026-01-10T08:00:00Z.
const AT: u64 = 1_768_032_000;

fn report() -> OvfUpdateReport {
    let id = |s: &str| s.parse::<Id>().unwrap();
    OvfUpdateReport {
        site: Site::Primary,
        clock: ClockSource::Engine,
        domains: vec![
            DomainOvfUpdate {
                index: 0,
                name: "sd_nfs_1".into(),
                domain: Some(id(SD)),
                before: Some(Freshness::Known {
                    last_update: UNIX_EPOCH + Duration::from_secs(AT),
                    age: Duration::from_secs(7200),
                }),
                outcome: UpdateOutcome::Updated {
                    job: Some(id(JOB)),
                    took: Duration::from_millis(2400),
                },
                after: Some(Freshness::Known {
                    last_update: UNIX_EPOCH + Duration::from_millis((AT + 7202) * 1000 + 999),
                    age: Duration::from_millis(1500),
                }),
            },
            DomainOvfUpdate {
                index: 1,
                name: "sd_iscsi_1".into(),
                domain: None,
                before: None,
                outcome: UpdateOutcome::Skipped("not on the primary site".into()),
                after: None,
            },
            DomainOvfUpdate {
                index: 2,
                name: "sd_fc_1".into(),
                domain: Some(id(SD)),
                before: Some(Freshness::Unknown(Unknown::LabelOnly)),
                outcome: UpdateOutcome::Failed("the Engine refused the update".into()),
                after: Some(Freshness::Unknown(Unknown::NoOvfStoreDisks)),
            },
        ],
    }
}

#[test]
fn the_update_document_has_the_documented_shape() {
    let doc: serde_json::Value = serde_json::from_str(&report().to_json()).unwrap();
    assert_eq!(
        doc,
        json!({
            "schema": "olvm-dr/ovf-update/v1",
            "site": "primary",
            "clock": "engine",
            "all_updated": false,
            "domains": [
                {
                    "index": 0, "name": "sd_nfs_1", "domain": SD, "outcome": "updated",
                    "reason": null, "job": JOB, "took_seconds": 2.4,
                    "before": { "last_update": "2026-01-10T08:00:00.000Z", "age_seconds": 7200 },
                    "after": { "last_update": "2026-01-10T10:00:02.999Z", "age_seconds": 1 }
                },
                {
                    "index": 1, "name": "sd_iscsi_1", "domain": null, "outcome": "skipped",
                    "reason": "not on the primary site", "job": null, "took_seconds": null,
                    "before": null, "after": null
                },
                {
                    "index": 2, "name": "sd_fc_1", "domain": SD, "outcome": "failed",
                    "reason": "the Engine refused the update", "job": null, "took_seconds": null,
                    "before": { "unknown": Unknown::LabelOnly.to_string() },
                    "after": { "unknown": "the domain has no OVF_STORE disk" }
                }
            ]
        })
    );
}

#[test]
fn the_document_starts_with_its_schema_and_says_all_updated() {
    let mut r = report();
    r.domains.truncate(1);
    r.clock = ClockSource::Local;
    let text = r.to_json();
    assert!(
        text.starts_with("{\n  \"schema\": \"olvm-dr/ovf-update/v1\""),
        "{text}"
    );
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["all_updated"], true);
    assert_eq!(doc["clock"], "local");
}

#[test]
fn times_are_utc_with_milliseconds_even_before_1970() {
    assert_eq!(
        utc_timestamp(UNIX_EPOCH - Duration::from_secs(86_400)),
        "1969-12-31T00:00:00.000Z"
    );
    assert_eq!(
        utc_timestamp(UNIX_EPOCH + Duration::from_secs(AT)),
        "2026-01-10T08:00:00.000Z"
    );
}
