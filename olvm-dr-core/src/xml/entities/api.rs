//! `<api>`: the API root (`GET /ovirt-engine/api`).

use crate::engine::{ApiInfo, Id, ProductVersion};
use crate::xml::datetime::{format_date_time, parse_date_time};
use crate::xml::{API_PREFIX, Node, XmlError, XmlWriter, expect_root, parse};

/// Top-level collections the root links to; the searchable ones also get a `…/search` link, as
/// the Engine advertises them.
const COLLECTIONS: &[(&str, bool)] = &[
    ("affinitylabels", false),
    ("clusters", true),
    ("datacenters", true),
    ("disks", true),
    ("domains", false),
    ("hosts", true),
    ("jobs", true),
    ("networks", true),
    ("roles", false),
    ("storagedomains", true),
    ("templates", true),
    ("vms", true),
    ("vnicprofiles", false),
];

/// Reads an `<api>` document. `product_info/name` and `version/major`, `version/minor` are
/// required; a missing vendor, build, revision or full version reads as empty or 0. `<time>`
/// (the Engine's clock) is optional; a value that is not an `xsd:dateTime` with an offset reads
/// as absent, as an unknown value never fails the root.
pub fn read_api(text: &str) -> Result<ApiInfo, XmlError> {
    let root = parse(text)?;
    expect_root(&root, "api")?;
    let root = Node::root(&root);
    let info = root.req_child("product_info")?;
    let version = info.req_child("version")?;
    let number = |name: &str| -> Result<Option<u32>, XmlError> { version.parse_at(&[name]) };
    let required = |name: &str| -> Result<u32, XmlError> {
        number(name)?.ok_or_else(|| {
            XmlError::new(
                format!("{}/{name}", version.path()),
                "required element is missing",
            )
        })
    };
    Ok(ApiInfo {
        product_name: info.req_text("name")?.to_owned(),
        vendor: info.string_of("vendor").unwrap_or_default(),
        version: ProductVersion {
            major: required("major")?,
            minor: required("minor")?,
            build: number("build")?.unwrap_or(0),
            revision: number("revision")?.unwrap_or(0),
            full_version: version.string_of("full_version").unwrap_or_default(),
        },
        time: root.text_of("time").and_then(parse_date_time),
    })
}

/// Writes an `<api>` document: collection links, `product_info` and the special objects.
pub fn write_api(info: &ApiInfo) -> String {
    let mut w = XmlWriter::document();
    w.open("api", &[]);
    for (rel, searchable) in COLLECTIONS {
        let href = format!("{API_PREFIX}/{rel}");
        w.empty("link", &[("href", &href), ("rel", rel)]);
        if *searchable {
            let href = format!("{API_PREFIX}/{rel}?search={{query}}");
            let rel = format!("{rel}/search");
            w.empty("link", &[("href", &href), ("rel", &rel)]);
        }
    }
    w.open("product_info", &[]);
    w.text("name", &info.product_name);
    w.text("vendor", &info.vendor);
    w.open("version", &[]);
    w.value("build", info.version.build);
    w.text("full_version", &info.version.full_version);
    w.value("major", info.version.major);
    w.value("minor", info.version.minor);
    w.value("revision", info.version.revision);
    w.close("version");
    w.close("product_info");
    w.open("special_objects", &[]);
    w.reference("blank_template", "templates", Id::NIL);
    w.reference("root_tag", "tags", Id::NIL);
    w.close("special_objects");
    if let Some(t) = &info.time {
        w.text("time", &format_date_time(t));
    }
    w.close("api");
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape of reference §2.3 (`GET /ovirt-engine/api`).
    const SAMPLE: &str = r#"<api>
      <link rel="storagedomains" href="/ovirt-engine/api/storagedomains"/>
      <link rel="storagedomains/search" href="/ovirt-engine/api/storagedomains?search={query}"/>
      <product_info>
        <instance_id>0b4f</instance_id>
        <name>oVirt Engine</name>
        <vendor>ovirt.org</vendor>
        <version><build>6</build><full_version>4.5.6-1.el9</full_version><major>4</major><minor>5</minor><revision>0</revision></version>
      </product_info>
      <special_objects>
        <blank_template href="/ovirt-engine/api/templates/00000000-0000-0000-0000-000000000000" id="00000000-0000-0000-0000-000000000000"/>
      </special_objects>
      <summary><hosts><active>2</active><total>2</total></hosts></summary>
      <time>2026-01-10T10:00:00.000+01:00</time>
      <authenticated_user href="/ovirt-engine/api/users/U1" id="U1"/>
    </api>"#;

    #[test]
    fn reads_the_reference_sample_and_round_trips() {
        let info = read_api(SAMPLE).unwrap();
        assert_eq!(info.product_name, "oVirt Engine");
        assert_eq!(info.vendor, "ovirt.org");
        assert_eq!(info.version.level().to_string(), "4.5");
        assert_eq!(info.version.build, 6);
        assert_eq!(info.version.full_version, "4.5.6-1.el9");
        let time = info.time.expect("<time> is read");
        assert_eq!(time.utc_offset, 3600);
        assert_eq!(
            crate::xml::datetime::format_date_time(&time),
            "2026-01-10T10:00:00.000+01:00"
        );
        assert_eq!(read_api(&write_api(&info)).unwrap(), info);
        let without = ApiInfo { time: None, ..info };
        assert!(!write_api(&without).contains("<time>"));
        assert_eq!(read_api(&write_api(&without)).unwrap(), without);
    }

    #[test]
    fn names_a_missing_version() {
        let e = read_api("<api><product_info><name>x</name><version><major>4</major></version></product_info></api>")
            .unwrap_err();
        assert_eq!(e.path, "api/product_info/version/minor");
        let e = read_api("<fault/>").unwrap_err();
        assert!(e.message.contains("expected a <api>"), "{e}");
    }
}
