//! Errors as the Engine reports them: a `<fault>` document, or an `<action>` holding a `<fault>`
//! (with `<status>failed</status>`) when an action's command failed.

use super::writer::XmlWriter;
use super::{Node, parse};
use crate::engine::Fault;

/// The fault in an error body of either shape, or `None` when the body holds neither (an
/// empty body, HTML from a proxy, another document).
pub fn read_fault(text: &str) -> Option<Fault> {
    let root = parse(text).ok()?;
    let root = Node::root(&root);
    match root.name() {
        "fault" => Some(fault_of(&root)),
        "action" => root.child("fault").map(|f| fault_of(&f)),
        _ => None,
    }
}

pub(crate) fn fault_of(n: &Node<'_>) -> Fault {
    Fault::new(
        n.text_of("reason").unwrap_or_default().trim(),
        n.text_of("detail").unwrap_or_default().trim(),
    )
}

/// Writes the `<fault>` element (inside another document).
pub(crate) fn write_fault_element(w: &mut XmlWriter, fault: &Fault) {
    w.open("fault", &[]);
    if !fault.detail.is_empty() {
        w.text("detail", &fault.detail);
    }
    w.text("reason", &fault.reason);
    w.close("fault");
}

/// A `<fault>` document.
pub fn write_fault(fault: &Fault) -> String {
    let mut w = XmlWriter::document();
    write_fault_element(&mut w, fault);
    w.finish()
}

/// The body of a failed action: `<action>` with the fault and `status` `failed`.
pub fn write_failed_action(fault: &Fault) -> String {
    let mut w = XmlWriter::document();
    w.open("action", &[]);
    write_fault_element(&mut w, fault);
    w.text("status", "failed");
    w.close("action");
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_shapes_from_the_reference() {
        let plain = r#"<fault>
          <detail>[Cannot detach Storage. The relevant Storage Domain's status is Active.]</detail>
          <reason>Operation Failed</reason>
        </fault>"#;
        let f = read_fault(plain).unwrap();
        assert_eq!(f.reason, "Operation Failed");
        assert_eq!(
            f.detail,
            "[Cannot detach Storage. The relevant Storage Domain's status is Active.]"
        );
        let action = r#"<action><async>false</async><fault><reason>Operation Failed</reason>
          <detail>[Import VM failed - VM Name already exists in the Data Center. Please rename the VM in the Data Center first]</detail>
          </fault><status>failed</status></action>"#;
        assert!(
            read_fault(action)
                .unwrap()
                .detail
                .starts_with("[Import VM failed")
        );
        assert_eq!(
            read_fault("<action><status>complete</status></action>"),
            None
        );
        assert_eq!(read_fault(""), None);
        assert_eq!(
            read_fault("<html><body>Service Unavailable</body></html>"),
            None
        );
        let reason_only = Fault::new("host parameter is missing", "");
        assert_eq!(read_fault(&write_fault(&reason_only)), Some(reason_only));
    }

    #[test]
    fn writes_both_shapes() {
        let f = Fault::new("Operation Failed", "[Cannot acquire host id]\n-line two");
        assert_eq!(read_fault(&write_fault(&f)), Some(f.clone()));
        let failed = write_failed_action(&f);
        assert!(failed.contains("<status>failed</status>"));
        assert_eq!(read_fault(&failed), Some(f));
    }
}
