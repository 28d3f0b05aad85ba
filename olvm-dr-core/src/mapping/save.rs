//! Writing a [`Mapping`] back as YAML in the role's layout: the generator's key order and
//! grouping, every value quoted where PyYAML would otherwise misread it, and values that are not
//! filled in written as placeholder lines (`key: # hint`), so a generated file stays one.

use std::fmt::Display;

use super::comments::{SaveComments, comment_line};
use super::field::Field;
use super::model::{LunMapping, Mapping, NameMappingKind, NetworkMapping};
use super::read::obj::PASSWORD_PLACEHOLDER;
use super::storage::{FileStorage, ImportStorage, IscsiStorage, StorageCommon};
use super::yaml::emit;
use super::yaml::{Key, Node};
use crate::Site;
use crate::config::SecretValue;

impl Mapping {
    /// The mapping as YAML text that Ansible's loader reads back to the same values.
    ///
    /// Values that loading reported as invalid are written as not filled in; save a mapping
    /// whose loading found no errors to keep every value.
    pub fn to_yaml(&self) -> String {
        self.to_yaml_with(&SaveComments::default())
    }

    /// [`to_yaml`](Self::to_yaml) with comment lines (see [`SaveComments`]). The comments do not
    /// change what the text loads to.
    pub fn to_yaml_with(&self, comments: &SaveComments) -> String {
        let mut w = Writer::new(comments);
        w.line("---");
        for line in &comments.header {
            comment_line(&mut w.out, 0, line);
        }
        if !comments.header.is_empty() {
            w.blank();
        }
        for site in Site::BOTH {
            if site == Site::Secondary {
                w.line("# The secondary site's Engine:");
            }
            let s = self.site(site);
            let k = |n: &str| format!("dr_sites_{site}_{n}");
            w.text(0, &k("url"), &s.url);
            w.text(0, &k("username"), &s.username);
            w.text(0, &k("ca_file"), &s.ca_file);
            w.value(0, &k("insecure"), &s.insecure);
            w.secret(0, &k("password"), &s.password);
            w.blank();
        }
        w.list(0, "dr_import_storages", &self.import_storages, |w, s| {
            storage(w, s)
        });
        for kind in NameMappingKind::ALL {
            w.list(0, kind.key(), self.name_list(kind), |w, m| {
                for site in Site::BOTH {
                    w.text(2, &format!("{site}_name"), m.name(site));
                }
                w.extra(2, &m.extra);
            });
        }
        w.list(0, "dr_network_mappings", &self.network_mappings, network);
        w.list(0, "dr_lun_mappings", &self.lun_mappings, lun);
        w.extra(0, &self.extra);
        w.finish()
    }
}

fn storage(w: &mut Writer, s: &ImportStorage) {
    let c = s.common();
    w.raw(2, "dr_domain_type", s.storage_type());
    common_head(w, c);
    match s {
        ImportStorage::Nfs(f) | ImportStorage::Glusterfs(f) | ImportStorage::Posixfs(f) => {
            for site in Site::BOTH {
                if site == Site::Secondary {
                    w.line("  # The secondary site:");
                    common_site(w, c, site);
                }
                file_site(w, f, site, matches!(s, ImportStorage::Posixfs(_)));
            }
        }
        ImportStorage::Iscsi(i) => {
            w.value(2, "dr_discard_after_delete", &i.discard_after_delete);
            w.value(2, "dr_domain_id", &i.domain_id);
            for site in Site::BOTH {
                if site == Site::Secondary {
                    w.line("  # The secondary site:");
                    common_site(w, c, site);
                }
                iscsi_site(w, i, site);
            }
        }
        ImportStorage::Fcp(f) => {
            w.value(2, "dr_discard_after_delete", &f.discard_after_delete);
            w.value(2, "dr_domain_id", &f.domain_id);
            w.line("  # The secondary site:");
            common_site(w, c, Site::Secondary);
        }
    }
    w.extra(2, &c.extra);
}

/// The generator's order: type, wipe, backup, critical space, function, warning space, then the
/// primary's name, master flag and data center.
fn common_head(w: &mut Writer, c: &StorageCommon) {
    w.value(2, "dr_wipe_after_delete", &c.wipe_after_delete);
    w.value(2, "dr_backup", &c.backup);
    w.value(
        2,
        "dr_critical_space_action_blocker",
        &c.critical_space_action_blocker,
    );
    w.value(2, "dr_storage_domain_type", &c.storage_domain_type);
    w.value(2, "dr_warning_low_space", &c.warning_low_space);
    common_site(w, c, Site::Primary);
}

fn common_site(w: &mut Writer, c: &StorageCommon, site: Site) {
    let s = c.sites.get(site);
    w.text(2, &format!("dr_{site}_name"), &s.name);
    w.value(2, &format!("dr_{site}_master_domain"), &s.master_domain);
    w.text(2, &format!("dr_{site}_dc_name"), &s.dc_name);
}

fn file_site(w: &mut Writer, f: &FileStorage, site: Site, posix: bool) {
    let s = f.site(site);
    let k = |n: &str| format!("dr_{site}_{n}");
    w.text(2, &k("path"), &s.path);
    w.text(2, &k("address"), &s.address);
    w.text(2, &k("mount_options"), &s.mount_options);
    w.value(2, &k("version"), &s.version);
    if posix {
        w.text(2, &k("vfs_type"), &s.vfs_type);
    }
}

fn iscsi_site(w: &mut Writer, i: &IscsiStorage, site: Site) {
    let s = i.site(site);
    let k = |n: &str| format!("dr_{site}_{n}");
    w.text(2, &k("address"), &s.address);
    w.value(2, &k("port"), &s.port);
    match &s.targets {
        Field::Set { value, .. } => {
            let items: Vec<String> = value.iter().map(|t| emit::string(t)).collect();
            w.key(2, &k("target"));
            w.out.push_str(&format!(" [{}]\n", items.join(", ")));
        }
        other => w.placeholder(2, &k("target"), other),
    }
    w.text(2, &k("username"), &s.username);
    w.secret(2, &k("password"), &s.password);
}

fn network(w: &mut Writer, n: &NetworkMapping) {
    for site in Site::BOTH {
        let s = n.site(site);
        let k = |x: &str| format!("{site}_{x}");
        w.text(2, &k("network_name"), &s.network_name);
        w.text(2, &k("network_dc"), &s.network_dc);
        w.text(2, &k("profile_name"), &s.profile_name);
        w.value(2, &k("profile_id"), &s.profile_id);
    }
    w.extra(2, &n.extra);
}

fn lun(w: &mut Writer, l: &LunMapping) {
    w.text(2, "logical_unit_alias", &l.alias);
    w.text(2, "logical_unit_description", &l.description);
    w.value(2, "wipe_after_delete", &l.wipe_after_delete);
    w.value(2, "shareable", &l.shareable);
    for site in Site::BOTH {
        let s = l.site(site);
        let k = |x: &str| format!("{site}_logical_unit_{x}");
        w.value(2, &format!("{site}_storage_type"), &s.storage_type);
        w.text(2, &k("id"), &s.logical_unit_id);
        w.text(2, &k("address"), &s.address);
        w.value(2, &k("port"), &s.port);
        w.text(2, &k("portal"), &s.portal);
        w.text(2, &k("target"), &s.target);
        w.text(2, &k("username"), &s.username);
        w.secret(2, &k("password"), &s.password);
    }
    w.extra(2, &l.extra);
}

/// Accumulates the text. List entries start with `- ` in place of the first key's indent.
struct Writer<'a> {
    out: String,
    /// The next key line starts a list entry.
    entry_start: bool,
    comments: &'a SaveComments,
    /// The key path of the entry being written (`dr_import_storages[2].`), empty at the top.
    prefix: String,
}

impl<'a> Writer<'a> {
    fn new(comments: &'a SaveComments) -> Self {
        Self {
            out: String::new(),
            entry_start: false,
            comments,
            prefix: String::new(),
        }
    }

    /// The comment lines that go before the key path `path`.
    fn comments_at(&mut self, indent: usize, path: &str) {
        if let Some(lines) = self.comments.before.get(path) {
            for line in lines {
                comment_line(&mut self.out, indent, line);
            }
        }
    }

    /// The comment lines that go before `key` of the current entry (or the top level).
    fn comments_before(&mut self, indent: usize, key: &str) {
        if self.comments.before.is_empty() {
            return;
        }
        let path = format!("{}{key}", self.prefix);
        self.comments_at(indent, &path);
    }

    fn finish(self) -> String {
        let mut out = self.out;
        while out.ends_with("\n\n") {
            out.pop();
        }
        out
    }

    fn line(&mut self, text: &str) {
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn blank(&mut self) {
        if !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    fn key(&mut self, indent: usize, key: &str) {
        self.comments_before(indent, key);
        if self.entry_start && indent >= 2 {
            self.out.push_str(&" ".repeat(indent - 2));
            self.out.push_str("- ");
            self.entry_start = false;
        } else {
            self.out.push_str(&" ".repeat(indent));
        }
        self.out.push_str(&emit::string(key));
        self.out.push(':');
    }

    /// `key: # hint` (or `key:`) for a field with no value; nothing for a missing one.
    fn placeholder<T>(&mut self, indent: usize, key: &str, field: &Field<T>) {
        if field.is_missing() {
            // A key the mapping does not have may still be shown commented out.
            self.comments_before(indent, key);
            return;
        }
        self.key(indent, key);
        if let Some(hint) = field.hint() {
            let hint = hint.replace(['\n', '\r'], " ");
            self.out.push_str(" # ");
            self.out.push_str(hint.trim());
        }
        self.out.push('\n');
    }

    fn text(&mut self, indent: usize, key: &str, field: &Field<String>) {
        match field {
            Field::Set { value, .. } => {
                self.key(indent, key);
                self.out.push(' ');
                self.out.push_str(&emit::string(value));
                self.out.push('\n');
            }
            other => self.placeholder(indent, key, other),
        }
    }

    /// Values whose text PyYAML reads back unchanged as the same type: booleans, numbers,
    /// enumeration names and UUIDs (text of letters, digits, `_` and `-`), quoted if needed.
    fn value<T: Display>(&mut self, indent: usize, key: &str, field: &Field<T>) {
        match field {
            Field::Set { value, .. } => self.raw(indent, key, value),
            other => self.placeholder(indent, key, other),
        }
    }

    fn raw<T: Display>(&mut self, indent: usize, key: &str, value: T) {
        self.key(indent, key);
        self.out.push(' ');
        let text = value.to_string();
        // Booleans and integers are meant to be typed; everything else is text.
        if matches!(text.as_str(), "true" | "false") || text.bytes().all(|b| b.is_ascii_digit()) {
            self.out.push_str(&text);
        } else {
            self.out.push_str(&emit::string(&text));
        }
        self.out.push('\n');
    }

    fn secret(&mut self, indent: usize, key: &str, field: &Field<SecretValue>) {
        match field {
            Field::Set {
                value: SecretValue::Plain(s),
                ..
            } => {
                self.key(indent, key);
                self.out.push(' ');
                self.out.push_str(&emit::string(s.expose()));
                self.out.push('\n');
            }
            Field::Set {
                value: SecretValue::Vault(envelope),
                ..
            } => {
                self.key(indent, key);
                self.out.push_str(" !vault |\n");
                for l in envelope.lines() {
                    self.out.push_str(&" ".repeat(indent + 2));
                    self.out.push_str(l.trim());
                    self.out.push('\n');
                }
            }
            // The generator's password placeholder is a value, not a comment: keep it one.
            Field::NotFilled { hint: Some(h), .. } if h == PASSWORD_PLACEHOLDER => {
                self.key(indent, key);
                self.out.push(' ');
                self.out.push_str(PASSWORD_PLACEHOLDER);
                self.out.push('\n');
            }
            other => self.placeholder(indent, key, other),
        }
    }

    fn list<T>(
        &mut self,
        indent: usize,
        key: &str,
        field: &Field<Vec<T>>,
        mut item: impl FnMut(&mut Self, &T),
    ) {
        match field {
            Field::Set { value, .. } if value.is_empty() => {
                self.key(indent, key);
                self.out.push_str(" []\n");
            }
            Field::Set { value, .. } => {
                self.key(indent, key);
                self.out.push('\n');
                for (i, v) in value.iter().enumerate() {
                    let entry = format!("{key}[{i}]");
                    self.comments_at(indent, &entry);
                    self.prefix = format!("{entry}.");
                    self.entry_start = true;
                    item(self, v);
                    if self.entry_start {
                        // An entry with no keys at all.
                        self.out.push_str(&" ".repeat(indent));
                        self.out.push_str("- {}\n");
                        self.entry_start = false;
                    }
                }
                self.prefix.clear();
            }
            other => self.placeholder(indent, key, other),
        }
        if let Some(lines) = self.comments.list_end.get(key) {
            for line in lines {
                comment_line(&mut self.out, indent, line);
            }
        }
        self.blank();
    }

    fn extra(&mut self, indent: usize, extra: &[(Key, Node)]) {
        for (k, v) in extra {
            self.key(indent, &k.text);
            emit::node(&mut self.out, v, indent + 2);
        }
    }
}
