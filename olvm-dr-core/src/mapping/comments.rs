//! [`SaveComments`]: comment lines to write with a mapping, for files meant to be read and
//! completed by people (the generator's notes, entries left out on purpose, what was matched).

use std::collections::HashMap;

/// Comment lines written with a mapping by [`Mapping::to_yaml_with`](super::Mapping::to_yaml_with).
///
/// Lines are written as `# line` at the indentation of the place they belong to; line breaks in
/// them become spaces, so a comment can never turn into YAML. Comments do not change what the
/// file loads to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SaveComments {
    /// Lines after `---`, before the first key.
    pub header: Vec<String>,
    /// Lines written just before a key, by key path: a top-level key (`dr_role_mappings`), a list
    /// entry (`dr_import_storages[2]`: before the entry's first line) or a key of an entry
    /// (`dr_network_mappings[0].secondary_network_dc`). A key of an entry gets its lines where
    /// the saver writes that key, even when the mapping does not have it: that is how a file
    /// shows a commented-out key.
    pub before: HashMap<String, Vec<String>>,
    /// Lines written after the entries of a list, by the list's key (e.g. entries left out on
    /// purpose, written commented out).
    pub list_end: HashMap<String, Vec<String>>,
}

impl SaveComments {
    /// Adds lines before the key path `path`.
    pub fn add_before(&mut self, path: impl Into<String>, lines: impl IntoIterator<Item = String>) {
        self.before.entry(path.into()).or_default().extend(lines);
    }

    /// Adds lines after the entries of the list `key`.
    pub fn add_list_end(
        &mut self,
        key: impl Into<String>,
        lines: impl IntoIterator<Item = String>,
    ) {
        self.list_end.entry(key.into()).or_default().extend(lines);
    }

    /// `true` when there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.header.is_empty() && self.before.is_empty() && self.list_end.is_empty()
    }
}

/// `# line` at `indent` spaces (`#` alone for an empty line), line breaks turned into spaces.
pub(super) fn comment_line(out: &mut String, indent: usize, line: &str) {
    out.push_str(&" ".repeat(indent));
    let text = line.replace(['\n', '\r', '\u{2028}', '\u{2029}', '\u{85}'], " ");
    let text = text.trim_end();
    if text.is_empty() {
        out.push_str("#\n");
    } else {
        out.push_str("# ");
        out.push_str(text);
        out.push('\n');
    }
}
