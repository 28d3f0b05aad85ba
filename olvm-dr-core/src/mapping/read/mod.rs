//! Reading a mapping file: YAML → node tree → [`Mapping`], with a diagnostic for everything
//! that is malformed, mistyped or unknown.

mod lists;
pub(crate) mod obj;
mod storage;

use std::path::Path;

use obj::Obj;

use super::field::{Field, PerSite};
use super::model::{Mapping, NameMappingKind, SiteKeys};
use super::yaml::{self, Budget, Node, NodeKind, Pos, YamlError, YamlErrorKind};
use crate::Site;
use crate::validate::codes;
use crate::validate::findings::Findings;

/// The role's defaults (`defaults/main.yml`) and run-time variables: a var file may set them.
/// They are kept as written and not reported as unknown.
pub const ROLE_VARIABLES: &[&str] = &[
    "dr_ignore_error_clean",
    "dr_ignore_error_recover",
    "dr_partial_import",
    "dr_target_host",
    "dr_source_map",
    "dr_reset_mac_pool",
    "dr_cleanup_retries_maintenance",
    "dr_cleanup_delay_maintenance",
    "dr_clean_orphaned_vms",
    "dr_clean_orphaned_disks",
    "dr_report_file",
    "dr_running_vms",
];

/// Reads mapping-file text. `file` names it in diagnostics. The mapping is `None` when the text
/// is not a YAML mapping at all (syntax error, empty, a list...).
pub fn read_str(text: &str, file: Option<&Path>, budget: Budget) -> (Option<Mapping>, Findings) {
    let mut f = Findings::new(file);
    let doc = match yaml::parse(text, budget) {
        Ok(doc) => doc,
        Err(e) => {
            yaml_error(&mut f, text, &e);
            return (None, f);
        }
    };
    for d in &doc.duplicates {
        f.warning(
            codes::YAML_DUPLICATE_KEY,
            Some(d.pos),
            d.key.clone(),
            format!(
                "'{}' is written twice (first at line {}); Ansible uses this last value",
                d.key, d.first.line
            ),
        )
        .hint = Some("remove one of them".into());
    }
    let Some(root) = doc.root else {
        f.error(
            codes::YAML_EMPTY,
            Some(Pos::new(1, 1)),
            None,
            "the file holds no YAML document",
        )
        .hint = Some("start from a generated file (olvm-dr generate) or examples/".into());
        return (None, f);
    };
    let NodeKind::Map(entries) = &root.kind else {
        if let Some((col, key, value)) = root.as_scalar().and_then(|s| missing_space(&s.text)) {
            report_missing_space(&mut f, Pos::new(root.pos.line, col), None, key, value);
            return (None, f);
        }
        f.error(
            codes::YAML_NOT_A_MAPPING,
            Some(root.pos),
            None,
            format!(
                "the file must be a mapping of keys, found {}",
                root.describe()
            ),
        );
        return (None, f);
    };
    let mapping = read_root(entries, &mut f);
    (Some(mapping), f)
}

fn read_root(entries: &[(yaml::Key, Node)], f: &mut Findings) -> Mapping {
    let mut o = Obj::new(entries, String::new(), f);
    let sites = PerSite::from_fn(|site| read_site(&mut o, site));
    let import_storages = storage::read_list(&mut o);
    let cluster_mappings = lists::names(&mut o, NameMappingKind::Cluster);
    let affinity_group_mappings = lists::names(&mut o, NameMappingKind::AffinityGroup);
    let affinity_label_mappings = lists::names(&mut o, NameMappingKind::AffinityLabel);
    let domain_mappings = lists::names(&mut o, NameMappingKind::Domain);
    let role_mappings = lists::names(&mut o, NameMappingKind::Role);
    let network_mappings = lists::networks(&mut o);
    let lun_mappings = lists::luns(&mut o);
    let extra = o.finish(ROLE_VARIABLES, ROLE_VARIABLES);
    Mapping {
        sites,
        import_storages,
        cluster_mappings,
        affinity_group_mappings,
        affinity_label_mappings,
        domain_mappings,
        role_mappings,
        network_mappings,
        lun_mappings,
        extra,
    }
}

fn read_site(o: &mut Obj<'_, '_>, site: Site) -> SiteKeys {
    let k = |name: &str| format!("dr_sites_{site}_{name}");
    let keys = SiteKeys {
        url: o.text(&k("url")),
        username: o.text(&k("username")),
        ca_file: o.text(&k("ca_file")),
        insecure: o.boolean(&k("insecure")),
        password: o.secret(&k("password")),
    };
    if let Field::Set { pos, .. } = &keys.password {
        o.f.warning(
            codes::PASSWORD_IN_MAPPING,
            Some(*pos),
            k("password"),
            format!("the {site} site's password is written in the mapping file"),
        )
        .hint = Some("move it to the passwords file (and encrypt that with ansible-vault)".into());
    }
    keys
}

/// Turns a YAML error into a diagnostic. A `key:value` line without the space after the colon
/// is the most common cause of a syntax error in these files; it gets its own code, pointing at
/// the key, which is where PyYAML reports it too ("could not find expected ':'").
pub(crate) fn yaml_error(f: &mut Findings, text: &str, e: &YamlError) {
    let code = match e.kind {
        YamlErrorKind::Syntax | YamlErrorKind::ComplexKey | YamlErrorKind::RecursiveAlias => {
            codes::YAML_SYNTAX
        }
        YamlErrorKind::Budget => codes::YAML_BUDGET,
        YamlErrorKind::MultipleDocuments => codes::YAML_MULTIPLE_DOCUMENTS,
    };
    if code == codes::YAML_SYNTAX {
        let first = e.pos.line.saturating_sub(2).max(1);
        for line_no in (first..=e.pos.line).rev() {
            let Some(line) = text.lines().nth(line_no as usize - 1) else {
                continue;
            };
            if let Some((col, key, value)) = missing_space(line) {
                report_missing_space(f, Pos::new(line_no, col), None, key, value);
                return;
            }
        }
    }
    if e.message.contains("tab") {
        // PyYAML reports the tab itself ("found character '\\t' that cannot start any
        // token"); the parser may stop at the end of the line before it.
        let start = e.pos.line.saturating_sub(1) as usize;
        for (i, line) in text.lines().enumerate().skip(start) {
            let indent: String = line.chars().take_while(|c| c.is_whitespace()).collect();
            if let Some(col) = indent.chars().position(|c| c == '\t') {
                let at = Pos::new(
                    u32::try_from(i + 1).unwrap_or(u32::MAX),
                    u32::try_from(col + 1).unwrap_or(1),
                );
                f.error(
                    code,
                    Some(at),
                    None,
                    "invalid YAML: a tab in the indentation",
                )
                .hint = Some("indent with spaces; YAML does not allow tabs there".into());
                return;
            }
        }
    }
    f.error(
        code,
        Some(e.pos),
        None,
        format!("invalid YAML: {}", e.message),
    );
}

/// Reports `key:value` written without the space (DR0101) at `pos`; `path` is the key path of
/// the node it stands for, the key itself when not given.
fn report_missing_space(f: &mut Findings, pos: Pos, path: Option<String>, key: &str, value: &str) {
    f.error(
        codes::YAML_MISSING_SPACE,
        Some(pos),
        path.unwrap_or_else(|| key.to_owned()),
        format!("missing space after ':' in '{key}:{value}'"),
    )
    .hint = Some(format!("write '{key}: {value}'"));
}

/// `key:value` without a space: the 1-based column of the key, the key and the value.
pub(crate) fn missing_space(line: &str) -> Option<(u32, &str, &str)> {
    let trimmed = line.trim_start();
    let mut col = line.len() - trimmed.len();
    let body = match trimmed.strip_prefix("- ") {
        Some(rest) => {
            let rest_trimmed = rest.trim_start();
            col += 2 + rest.len() - rest_trimmed.len();
            rest_trimmed
        }
        None => trimmed,
    };
    let (key, value) = body.split_once(':')?;
    let key_ok = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    let value = value.trim_end();
    if !key_ok || value.is_empty() || value.starts_with([' ', '\t']) || value.starts_with("//") {
        return None;
    }
    let col = u32::try_from(line[..col].chars().count() + 1).unwrap_or(u32::MAX);
    Some((col, key, value))
}

/// Reads the mapping entries of a list; items that are not mappings are reported.
pub(crate) fn entries<'a>(
    o: &mut Obj<'a, '_>,
    key: &str,
    items: &'a [Node],
    mut read: impl FnMut(&mut Findings, &'a [(yaml::Key, Node)], Pos, String, usize),
) {
    for (i, item) in items.iter().enumerate() {
        let path = format!("{key}[{i}]");
        match &item.kind {
            NodeKind::Map(e) => read(o.f, e, item.pos, path, i),
            _ => {
                if let Some(s) = item.as_scalar()
                    && let Some((_, k, v)) = missing_space(&s.text)
                {
                    report_missing_space(o.f, item.pos, Some(path), k, v);
                    continue;
                }
                o.f.error(
                    codes::WRONG_TYPE,
                    Some(item.pos),
                    path,
                    format!(
                        "each '{key}' entry must be a mapping of keys, found {}",
                        item.describe()
                    ),
                );
            }
        }
    }
}

/// Reads a list key with `read_items`, giving the list's field. With `warn_empty` (the lists
/// the role warns about), a missing, null or empty list is a warning.
pub(crate) fn list_field<'a, T>(
    o: &mut Obj<'a, '_>,
    key: &str,
    warn_empty: bool,
    read_items: impl FnOnce(&mut Obj<'a, '_>, &'a [Node]) -> Vec<T>,
) -> Field<Vec<T>> {
    let field = match o.list(key) {
        Ok((pos, items)) => {
            if items.is_empty() && warn_empty {
                empty_list(o, key, Some(pos));
            }
            return Field::set(read_items(o, items), pos);
        }
        Err(field) => field.retype(),
    };
    if warn_empty && !matches!(field, Field::Invalid { .. }) {
        empty_list(o, key, field.pos());
    }
    field
}

fn empty_list(o: &mut Obj<'_, '_>, key: &str, pos: Option<Pos>) {
    let message = if key == "dr_import_storages" {
        "no storage domains are listed: a failover would import nothing".to_owned()
    } else {
        format!("'{key}' is empty: nothing is mapped")
    };
    o.f.warning(
        codes::EMPTY_LIST,
        pos.or(Some(Pos::new(1, 1))),
        key.to_owned(),
        message,
    );
}
