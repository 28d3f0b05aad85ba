//! Identical failures grouped, so that the failures of a large run fit a screen: "412 VMs:
//! register_vm failed ... [Cannot import VM. ...]" with the first few names, instead of one line
//! each.

use serde::Serialize;

use super::{StepOutcome, StepResult};

/// Failed steps that did the same thing and failed the same way, but on different entities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailureGroup {
    /// What the steps did, with the entity's names and ids masked (`register VM '…' (…)`).
    pub what: String,
    /// The first step's summary, as it is.
    pub first: String,
    /// The error, with names and ids masked; the full text of a group of one.
    pub error: String,
    /// What the entities are, in the plural (`VMs`, `templates`, `storage domains`, `steps`).
    pub noun: &'static str,
    /// The entities' names (the first quoted name of each step's summary, else its id), in
    /// the order the steps appear in the report.
    pub names: Vec<String>,
    /// The hint of the group's first step.
    pub hint: Option<String>,
}

/// Groups the failed steps of a report: same summary and same error once quoted names and ids
/// are masked. Groups keep the order of their first step.
pub fn group_failures(steps: &[StepResult]) -> Vec<FailureGroup> {
    let mut groups: Vec<FailureGroup> = Vec::new();
    for s in steps.iter().filter(|s| s.outcome == StepOutcome::Failed) {
        let error = s.error.as_deref().unwrap_or("no reason recorded");
        let what = mask_names(&s.summary);
        let masked_error = mask_names(error);
        let name = first_quoted(&s.summary).unwrap_or_else(|| s.id.to_string());
        match groups
            .iter_mut()
            .find(|g| g.what == what && mask_names(&g.error) == masked_error)
        {
            Some(g) => {
                if g.names.len() == 1 {
                    g.error = masked_error;
                }
                g.names.push(name);
            }
            None => groups.push(FailureGroup {
                noun: noun(&what),
                first: s.summary.clone(),
                what,
                error: error.to_owned(),
                names: vec![name],
                hint: s.hint.clone(),
            }),
        }
    }
    groups
}

/// Replaces every `'quoted'` text with `'…'` and every UUID with `…`: what is left says what
/// happened without saying to which entity, so that identical failures (and log lines) can be
/// told apart from different ones.
pub fn mask_names(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('\'') {
        out.push_str(&mask_ids(&rest[..open]));
        match rest[open + 1..].find('\'') {
            Some(close) => {
                out.push_str("'…'");
                rest = &rest[open + 1 + close + 1..];
            }
            None => {
                out.push_str(&mask_ids(&rest[open..]));
                rest = "";
            }
        }
    }
    out.push_str(&mask_ids(rest));
    out
}

/// Replaces every UUID (8-4-4-4-12 hex digits) with `…`.
fn mask_ids(text: &str) -> String {
    const SHAPE: [usize; 5] = [8, 4, 4, 4, 12];
    let bytes = text.as_bytes();
    let is_uuid_at = |i: usize| {
        let mut at = i;
        for (n, len) in SHAPE.iter().enumerate() {
            if bytes.len() < at + len || !bytes[at..at + len].iter().all(u8::is_ascii_hexdigit) {
                return false;
            }
            at += len;
            if n < SHAPE.len() - 1 {
                if bytes.get(at) != Some(&b'-') {
                    return false;
                }
                at += 1;
            }
        }
        true
    };
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        if text.is_char_boundary(i) && is_uuid_at(i) {
            out.push('…');
            i += 36;
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

fn first_quoted(text: &str) -> Option<String> {
    let open = text.find('\'')?;
    let close = text[open + 1..].find('\'')?;
    Some(text[open + 1..open + 1 + close].to_owned())
}

fn noun(masked_summary: &str) -> &'static str {
    if masked_summary.contains("VM '…'") {
        "VMs"
    } else if masked_summary.contains("template '…'") {
        "templates"
    } else if masked_summary.contains("domain '…'") || masked_summary.contains("domain …") {
        "storage domains"
    } else {
        "steps"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Site;
    use crate::plan::Phase;

    fn failed(name: &str, id: &str, detail: &str) -> StepResult {
        StepResult {
            id: format!("register-vm/{id}").as_str().into(),
            phase: Phase::Vms,
            site: Site::Secondary,
            summary: format!("register VM '{name}' ({id})"),
            outcome: StepOutcome::Failed,
            error: Some(format!(
                "register_vm failed for VM '{name}' ({id}) (conflict, HTTP 409): Operation Failed: [{detail}]"
            )),
            error_kind: Some("conflict".into()),
            started_ms: Some(0),
            duration_ms: 1,
            attempts: 1,
            lease_wait_ms: 0,
            hint: Some("h".into()),
        }
    }

    #[test]
    fn identical_failures_on_different_vms_form_one_group_with_their_names() {
        let id = |n: u32| format!("0000{n:04}-0000-4000-8000-00000000abcd");
        let mut steps: Vec<StepResult> = (0..412)
            .map(|n| {
                failed(
                    &format!("web{n}"),
                    &id(n),
                    "Cannot import VM. VM already exists.",
                )
            })
            .collect();
        steps.push(failed("db1", &id(9999), "Cannot import VM. Disk missing."));
        let groups = group_failures(&steps);
        assert_eq!(groups.len(), 2, "{groups:#?}");
        assert_eq!(groups[0].names.len(), 412);
        assert_eq!(groups[0].noun, "VMs");
        assert_eq!(&groups[0].names[..2], ["web0", "web1"]);
        assert_eq!(
            groups[0].error,
            "register_vm failed for VM '…' (…) (conflict, HTTP 409): Operation Failed: [Cannot import VM. VM already exists.]"
        );
        assert_eq!(groups[0].hint.as_deref(), Some("h"));
        // A group of one keeps the whole text.
        assert!(groups[1].error.contains("'db1'"), "{}", groups[1].error);
    }

    #[test]
    fn masking_leaves_text_without_names_or_ids_alone() {
        assert_eq!(
            mask_names("waited 600 s; last seen: down"),
            "waited 600 s; last seen: down"
        );
        assert_eq!(mask_names("it's open"), "it's open");
        assert_eq!(mask_names("née 'x'"), "née '…'");
    }
}
