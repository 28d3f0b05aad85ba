//! `<action>` documents: the bodies of `POST …/<action>` requests and the Engine's answers.
//!
//! Requests: the empty `<action/>` (activate, start, stop, shutdown, updateovfstore),
//! `force` (deactivate), iSCSI discovery and login; registration has its own module
//! ([`registration`]).
//! Answers: [`ActionResult`], with the status, the job, a fault and the output fields the DR
//! flows use.
//!
//! [`registration`]: super::registration

use std::fmt;
use std::str::FromStr;

use super::fault::{fault_of, write_fault_element};
use super::{Node, XmlEntity, XmlError, XmlWriter, expect_root, parse};
use crate::Secret;
use crate::engine::{Fault, Id, IscsiLogin, IscsiPortal, IscsiTarget, StorageDomain};

/// The iSCSI port when none is given.
pub const DEFAULT_ISCSI_PORT: u16 = 3260;

/// How far an action got (`CreationStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionStatus {
    /// Accepted, not started.
    Pending,
    /// Running in the background (HTTP 202).
    InProgress,
    /// Done.
    Complete,
    /// Failed; the answer carries a fault.
    Failed,
}

impl ActionStatus {
    /// The name the API uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::InProgress => "in_progress",
            Self::Complete => "complete",
            Self::Failed => "failed",
        }
    }
}

impl fmt::Display for ActionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ActionStatus {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "pending" => Ok(Self::Pending),
            "in_progress" => Ok(Self::InProgress),
            "complete" => Ok(Self::Complete),
            "failed" => Ok(Self::Failed),
            _ => Err(()),
        }
    }
}

/// The Engine's answer to an action.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionResult {
    /// `status`; an unknown value reads as absent.
    pub status: Option<ActionStatus>,
    /// The job running the command, when the Engine made one.
    pub job: Option<Id>,
    /// The failure, for a failed action.
    pub fault: Option<Fault>,
    /// `isattached`: whether the domain's metadata names a pool.
    pub is_attached: Option<bool>,
    /// `iscsidiscover`: the target names found.
    pub iscsi_targets: Vec<String>,
    /// `iscsidiscover` / `discoveriscsi`: the targets with their portals.
    pub discovered_targets: Vec<IscsiTarget>,
    /// `unregisteredstoragedomainsdiscover`: candidate domains.
    pub storage_domains: Vec<StorageDomain>,
}

impl ActionResult {
    /// A `complete` answer with nothing else.
    pub fn complete() -> Self {
        Self {
            status: Some(ActionStatus::Complete),
            ..Self::default()
        }
    }

    /// `true` when the answer reports a failure (a fault, or status `failed`).
    pub fn failed(&self) -> bool {
        self.fault.is_some() || self.status == Some(ActionStatus::Failed)
    }

    /// Reads an `<action>` answer.
    pub fn read(text: &str) -> Result<Self, XmlError> {
        let root = parse(text)?;
        expect_root(&root, "action")?;
        let n = Node::root(&root);
        Ok(Self {
            status: n.enum_at(&["status"]),
            job: n.ref_id("job")?,
            fault: n.child("fault").map(|f| fault_of(&f)),
            is_attached: n.bool_at(&["is_attached"])?,
            iscsi_targets: n.list("iscsi_targets", "iscsi_target", |t| {
                Ok(t.text().trim().to_owned())
            })?,
            discovered_targets: n.list(
                "discovered_targets",
                "iscsi_details",
                read_iscsi_details,
            )?,
            storage_domains: n.list("storage_domains", "storage_domain", StorageDomain::read)?,
        })
    }

    /// Writes the answer; `storage_domains` get hrefs in the top-level collection.
    pub fn write(&self) -> String {
        let mut w = XmlWriter::document();
        w.open("action", &[]);
        if let Some(f) = &self.fault {
            write_fault_element(&mut w, f);
        }
        if !self.discovered_targets.is_empty() {
            w.open("discovered_targets", &[]);
            for t in &self.discovered_targets {
                write_iscsi_details(&mut w, t);
            }
            w.close("discovered_targets");
        }
        w.opt_bool("is_attached", self.is_attached);
        if !self.iscsi_targets.is_empty() {
            w.open("iscsi_targets", &[]);
            for t in &self.iscsi_targets {
                w.text("iscsi_target", t);
            }
            w.close("iscsi_targets");
        }
        w.opt_reference("job", "jobs", self.job);
        w.opt_value("status", self.status);
        if !self.storage_domains.is_empty() {
            let scope = super::Scope::new("storagedomains");
            w.open("storage_domains", &[]);
            for sd in &self.storage_domains {
                sd.write(&mut w, &scope);
            }
            w.close("storage_domains");
        }
        w.close("action");
        w.finish()
    }
}

/// The empty action body, `<action/>`.
pub fn empty_action() -> String {
    let mut w = XmlWriter::document();
    w.empty("action", &[]);
    w.finish()
}

/// `<action><force>…</force></action>` (deactivate).
pub fn write_force(force: bool) -> String {
    let mut w = XmlWriter::document();
    w.open("action", &[]);
    w.bool("force", force);
    w.close("action");
    w.finish()
}

/// The `force` flag of an action body; absent is `false`.
pub fn read_force(text: &str) -> Result<bool, XmlError> {
    let root = parse(text)?;
    expect_root(&root, "action")?;
    Node::root(&root).flag("force")
}

/// `POST /hosts/{id}/iscsidiscover`: `<action><iscsi>address, port, CHAP</iscsi></action>`.
pub fn write_iscsi_discover(portal: &IscsiPortal) -> String {
    let mut w = XmlWriter::document();
    w.open("action", &[]);
    w.open("iscsi", &[]);
    w.text("address", &portal.address);
    w.opt_text("password", portal.password.as_ref().map(Secret::expose));
    w.value("port", portal.port);
    w.opt_text("username", portal.username.as_deref());
    w.close("iscsi");
    w.close("action");
    w.finish()
}

/// Reads an iSCSI discovery body; `address` is required, `port` defaults to 3260.
pub fn read_iscsi_discover(text: &str) -> Result<IscsiPortal, XmlError> {
    let root = parse(text)?;
    expect_root(&root, "action")?;
    let root = Node::root(&root);
    let i = root.req_child("iscsi")?;
    Ok(IscsiPortal {
        address: i.req_text("address")?.trim().to_owned(),
        port: i.parse_at(&["port"])?.unwrap_or(DEFAULT_ISCSI_PORT),
        username: i.string_of("username"),
        password: i.string_of("password").map(Secret::new),
    })
}

/// `POST /hosts/{id}/iscsilogin`: `<action><iscsi>address, port, target, portal, CHAP</iscsi></action>`.
pub fn write_iscsi_login(login: &IscsiLogin) -> String {
    let mut w = XmlWriter::document();
    w.open("action", &[]);
    w.open("iscsi", &[]);
    w.text("address", &login.address);
    w.opt_text("password", login.password.as_ref().map(Secret::expose));
    w.value("port", login.port);
    w.opt_text("portal", login.portal.as_deref());
    w.text("target", &login.target);
    w.opt_text("username", login.username.as_deref());
    w.close("iscsi");
    w.close("action");
    w.finish()
}

/// Reads an iSCSI login body; `address` and `target` are required (the Engine's rule), `port`
/// defaults to 3260.
pub fn read_iscsi_login(text: &str) -> Result<IscsiLogin, XmlError> {
    let root = parse(text)?;
    expect_root(&root, "action")?;
    let root = Node::root(&root);
    let i = root.req_child("iscsi")?;
    Ok(IscsiLogin {
        address: i.req_text("address")?.trim().to_owned(),
        port: i.parse_at(&["port"])?.unwrap_or(DEFAULT_ISCSI_PORT),
        target: i.req_text("target")?.trim().to_owned(),
        portal: i.string_of("portal"),
        username: i.string_of("username"),
        password: i.string_of("password").map(Secret::new),
    })
}

fn read_iscsi_details(n: &Node<'_>) -> Result<IscsiTarget, XmlError> {
    Ok(IscsiTarget {
        address: n.req_text("address")?.trim().to_owned(),
        port: n.parse_at(&["port"])?.unwrap_or(DEFAULT_ISCSI_PORT),
        portal: n.string_of("portal"),
        target: n.req_text("target")?.trim().to_owned(),
    })
}

fn write_iscsi_details(w: &mut XmlWriter, t: &IscsiTarget) {
    w.open("iscsi_details", &[]);
    w.text("address", &t.address);
    w.value("port", t.port);
    w.opt_text("portal", t.portal.as_deref());
    w.text("target", &t.target);
    w.close("iscsi_details");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::StorageDomainType;

    #[test]
    fn reference_answers() {
        let deactivate = r#"<action><force>false</force>
          <job href="/ovirt-engine/api/jobs/J7" id="00000000-0000-0000-0000-000000000707"/>
          <status>complete</status></action>"#;
        let r = ActionResult::read(deactivate).unwrap();
        assert_eq!(r.status, Some(ActionStatus::Complete));
        assert_eq!(r.job, Some(Id::from_u128(0x707)));
        assert!(!r.failed());
        let discover = r#"<action><iscsi_targets><iscsi_target>iqn.2026-01.example:dr1</iscsi_target></iscsi_targets>
          <discovered_targets><iscsi_details><address>10.0.2.10</address><port>3260</port>
            <portal>10.0.2.10:3260,1</portal><target>iqn.2026-01.example:dr1</target></iscsi_details></discovered_targets>
          <status>complete</status></action>"#;
        let r = ActionResult::read(discover).unwrap();
        assert_eq!(r.iscsi_targets, vec!["iqn.2026-01.example:dr1"]);
        assert_eq!(
            r.discovered_targets[0].portal.as_deref(),
            Some("10.0.2.10:3260,1")
        );
        let attached = "<action><is_attached>true</is_attached><status>complete</status></action>";
        assert_eq!(
            ActionResult::read(attached).unwrap().is_attached,
            Some(true)
        );
        let failed = "<action><fault><reason>Operation Failed</reason><detail>[x]</detail></fault><status>failed</status></action>";
        let r = ActionResult::read(failed).unwrap();
        assert!(r.failed());
        assert_eq!(r.fault.unwrap().detail, "[x]");
    }

    #[test]
    fn answers_round_trip() {
        let sd = crate::xml::read_one::<StorageDomain>(
            r#"<storage_domain id="00000000-0000-0000-0000-0000000000a2"><name>d</name><type>data</type></storage_domain>"#,
        )
        .unwrap();
        assert_eq!(sd.kind, StorageDomainType::Data);
        let r = ActionResult {
            status: Some(ActionStatus::InProgress),
            job: Some(Id::from_u128(1)),
            fault: Some(Fault::new("Operation Failed", "[y]")),
            is_attached: Some(false),
            iscsi_targets: vec!["iqn.a".into(), "iqn.b".into()],
            discovered_targets: vec![IscsiTarget {
                address: "10.0.0.1".into(),
                port: 3260,
                portal: None,
                target: "iqn.a".into(),
            }],
            storage_domains: vec![sd],
        };
        assert_eq!(ActionResult::read(&r.write()).unwrap(), r);
        assert_eq!(
            ActionResult::read(&ActionResult::complete().write()).unwrap(),
            ActionResult::complete()
        );
    }

    #[test]
    fn request_bodies_round_trip() {
        assert!(empty_action().ends_with("<action/>"));
        assert!(read_force(&write_force(true)).unwrap());
        assert!(!read_force(&empty_action()).unwrap());
        let portal = IscsiPortal {
            address: "10.0.2.10".into(),
            port: 3260,
            username: Some("chap".into()),
            password: Some(Secret::new("s3cret")),
        };
        assert_eq!(
            read_iscsi_discover(&write_iscsi_discover(&portal)).unwrap(),
            portal
        );
        let login = IscsiLogin {
            address: "10.0.2.10".into(),
            port: 3261,
            target: "iqn.2026-01.example:dr1".into(),
            portal: Some("10.0.2.10:3261,1".into()),
            username: None,
            password: None,
        };
        assert_eq!(read_iscsi_login(&write_iscsi_login(&login)).unwrap(), login);
        let e =
            read_iscsi_login("<action><iscsi><address>a</address></iscsi></action>").unwrap_err();
        assert_eq!(e.path, "action/iscsi/target");
        let defaults =
            read_iscsi_discover("<action><iscsi><address>a</address></iscsi></action>").unwrap();
        assert_eq!(defaults.port, 3260);
    }
}
