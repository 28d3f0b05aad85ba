use std::time::{Duration, UNIX_EPOCH};

use super::*;
use crate::engine::{DiskStatus, DiskStorageType};

const SD: &str = "91d59062-f823-40b4-a27c-f58142b6423a";

/// What the Engine writes after a successful upload (keys in `HashMap` order).
fn written(date: &str) -> String {
    format!(
        "{{\"Updated\":true,\"Size\":10240,\"Last Updated\":\"{date}\",\"Storage Domains\":[{{\"uuid\":\"{SD}\"}}],\"Disk Description\":\"OVF_STORE\"}}"
    )
}

/// What it writes before an upload (the previous date, no size).
fn uploading(date: &str) -> String {
    format!(
        "{{\"Updated\":false,\"Last Updated\":\"{date}\",\"Storage Domains\":[{{\"uuid\":\"{SD}\"}}],\"Disk Description\":\"OVF_STORE\"}}"
    )
}

fn disk(n: u128, content: DiskContentType, description: Option<&str>) -> Disk {
    Disk {
        id: Id::from_u128(n),
        alias: "OVF_STORE".into(),
        description: description.map(str::to_owned),
        status: DiskStatus::Ok,
        storage_type: DiskStorageType::Image,
        content_type: content,
        shareable: true,
        wipe_after_delete: false,
        storage_domains: vec![SD.parse().unwrap()],
        lun_storage: None,
        vms: Vec::new(),
    }
}

fn ovf(n: u128, description: &str) -> Disk {
    disk(n, DiskContentType::OvfStore, Some(description))
}

/// 2019-02-26T11:56:01Z.
fn t0() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_551_182_161)
}

fn engine_clock(now: SystemTime) -> Clock {
    Clock {
        now,
        source: ClockSource::Engine,
        engine_offset: Some(0),
    }
}

fn sd() -> Id {
    SD.parse().unwrap()
}

#[test]
fn reads_the_engine_description() {
    let d = parse_description(Some(&written("Tue Feb 26 11:56:01 UTC 2019")), None).unwrap();
    assert_eq!(d.last_update, t0());
    assert!(d.updated);
    let d = parse_description(Some(&uploading("Tue Feb 26 11:56:01 UTC 2019")), None).unwrap();
    assert!(!d.updated);
}

#[test]
fn names_why_a_description_says_nothing() {
    assert_eq!(
        parse_description(Some("OVF_STORE"), None),
        Err(Unknown::LabelOnly)
    );
    assert_eq!(parse_description(None, None), Err(Unknown::NoDescription));
    assert_eq!(
        parse_description(Some("  "), None),
        Err(Unknown::NoDescription)
    );
    let never = "{\"Updated\":false,\"Last Updated\":null,\"Storage Domains\":[],\"Disk Description\":\"OVF_STORE\"}";
    assert_eq!(
        parse_description(Some(never), None),
        Err(Unknown::NeverWritten)
    );
    let e = parse_description(Some("OVF store for domain x"), None).unwrap_err();
    assert!(matches!(e, Unknown::Unparseable(_)), "{e:?}");
    assert!(e.to_string().contains("not the Engine's JSON"), "{e}");
    let e = parse_description(Some("{\"Last Updated\":\"2019-02-26 11:56\"}"), None).unwrap_err();
    assert!(matches!(e, Unknown::Unparseable(_)), "{e:?}");
    let e = parse_description(Some("{\"Last Updated\":5}"), None).unwrap_err();
    assert!(e.to_string().contains("not a date"), "{e}");
    let e = parse_description(Some(&written("Tue Feb 26 17:26:01 IST 2019")), None).unwrap_err();
    assert!(matches!(e, Unknown::Zone(_)), "{e:?}");
    assert!(e.to_string().contains("'IST' is ambiguous"), "{e}");
    // The same text from an Engine whose clock says +05:30.
    let d = parse_description(Some(&written("Tue Feb 26 17:26:01 IST 2019")), Some(19_800));
    assert_eq!(d.unwrap().last_update, t0());
}

#[test]
fn a_domain_is_as_fresh_as_its_newest_completed_store() {
    let clock = engine_clock(t0() + Duration::from_secs(3600));
    let disks = vec![
        disk(1, DiskContentType::Data, Some("a VM disk")),
        ovf(2, &written("Tue Feb 26 10:56:01 UTC 2019")),
        ovf(3, &written("Tue Feb 26 11:56:01 UTC 2019")),
    ];
    let f = domain_freshness(sd(), &disks, &clock);
    assert_eq!(f.ovf_disks, 2);
    assert_eq!(
        f.freshness,
        Freshness::Known {
            last_update: t0(),
            age: Duration::from_secs(3600)
        }
    );
    // A store whose upload did not complete does not count while a completed one exists,
    // even with a newer date.
    let disks = vec![
        ovf(2, &uploading("Tue Feb 26 11:56:01 UTC 2019")),
        ovf(3, &written("Tue Feb 26 10:56:01 UTC 2019")),
    ];
    let f = domain_freshness(sd(), &disks, &clock);
    assert_eq!(f.freshness.age(), Some(Duration::from_secs(7200)));
    // With none completed, the newest date stands (as the Engine reads them on import).
    let disks = vec![
        ovf(2, &uploading("Tue Feb 26 11:56:01 UTC 2019")),
        ovf(3, "OVF_STORE"),
    ];
    let f = domain_freshness(sd(), &disks, &clock);
    assert_eq!(f.freshness.last_update(), Some(t0()));
    // A store dated after the clock (a skewed local clock) is zero old.
    let f = domain_freshness(sd(), &disks, &engine_clock(t0() - Duration::from_secs(5)));
    assert_eq!(f.freshness.age(), Some(Duration::ZERO));
}

#[test]
fn an_unknown_age_keeps_the_most_telling_reason() {
    let clock = engine_clock(t0());
    let f = domain_freshness(sd(), &[], &clock);
    assert_eq!(f.freshness, Freshness::Unknown(Unknown::NoOvfStoreDisks));
    assert_eq!(f.ovf_disks, 0);
    let f = domain_freshness(sd(), &[ovf(2, "OVF_STORE"), ovf(3, "OVF_STORE")], &clock);
    assert_eq!(f.freshness, Freshness::Unknown(Unknown::LabelOnly));
    let f = domain_freshness(sd(), &[ovf(2, "OVF_STORE"), ovf(3, "{oops")], &clock);
    assert!(matches!(
        f.freshness,
        Freshness::Unknown(Unknown::Unparseable(_))
    ));
}

#[test]
fn the_clock_prefers_the_engine() {
    let api = ApiInfo {
        product_name: "oVirt Engine".into(),
        vendor: "ovirt.org".into(),
        version: crate::engine::ProductVersion {
            major: 4,
            minor: 5,
            build: 6,
            revision: 0,
            full_version: String::new(),
        },
        time: Some(crate::engine::EngineTime {
            at: t0(),
            utc_offset: 3600,
        }),
    };
    let c = Clock::of(Some(&api));
    assert_eq!(
        (c.now, c.source, c.engine_offset),
        (t0(), ClockSource::Engine, Some(3600))
    );
    let c = Clock::of(Some(&ApiInfo { time: None, ..api }));
    assert_eq!((c.source, c.engine_offset), (ClockSource::Local, None));
    assert_eq!(Clock::of(None).source, ClockSource::Local);
    assert_eq!(ClockSource::Local.to_string(), "this machine's clock");
}

#[test]
fn ages_read_as_people_say_them() {
    assert_eq!(format_age(Duration::ZERO), "0s");
    assert_eq!(format_age(Duration::from_secs(42)), "42s");
    assert_eq!(format_age(Duration::from_secs(125)), "2m 5s");
    assert_eq!(format_age(Duration::from_secs(600)), "10m");
    assert_eq!(format_age(Duration::from_secs(3600 + 5 * 60 + 9)), "1h 5m");
    assert_eq!(format_age(Duration::from_secs(7200)), "2h");
    assert_eq!(format_age(Duration::from_secs(90_061)), "1d 1h 1m");
}
