//! An INI reader that behaves like Python's `configparser.ConfigParser()` (the defaults
//! `ovirt-dr` uses): sections, `key = value` or `key: value`, keys case-insensitive, full-line
//! `#`/`;` comments, indented continuation lines, `[DEFAULT]`, strict duplicates, and
//! `%(name)s` / `%%` interpolation.

use std::collections::BTreeMap;

/// One option's value and the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IniValue {
    /// The raw (not yet interpolated) value, continuation lines joined with `\n`.
    pub raw: String,
    /// 1-based line of the option.
    pub line: u32,
}

/// A section: options by lower-cased name, and the header's line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IniSection {
    /// 1-based line of the `[section]` header.
    pub line: u32,
    /// Options, by lower-cased name.
    pub options: BTreeMap<String, IniValue>,
}

/// A parsed INI file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ini {
    /// Sections by name (case-sensitive, as configparser keeps them), `DEFAULT` included.
    pub sections: BTreeMap<String, IniSection>,
}

/// A line configparser refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IniError {
    /// 1-based line.
    pub line: u32,
    /// What is wrong.
    pub message: String,
}

impl Ini {
    /// Parses INI text.
    ///
    /// # Errors
    /// The first line that configparser would refuse: an option before any section, a line
    /// that is neither header, option nor continuation, a duplicate section or option.
    pub fn parse(text: &str) -> Result<Ini, IniError> {
        let mut ini = Ini::default();
        let mut current: Option<String> = None;
        // The option that continuation lines extend, with its key line's indent.
        let mut last: Option<(String, usize)> = None;
        for (i, line) in text.lines().enumerate() {
            let no = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let err = |message: String| IniError { line: no, message };
            let trimmed = line.trim();
            let indent = line.len() - line.trim_start().len();
            if trimmed.starts_with('#') || trimmed.starts_with(';') {
                continue;
            }
            if trimmed.is_empty() {
                // configparser keeps empty lines inside values only before more continuation;
                // trailing ones are stripped, so skipping them gives the same values here.
                continue;
            }
            if let (Some((key, key_indent)), Some(section)) = (&last, &current)
                && indent > *key_indent
            {
                if let Some(v) = ini
                    .sections
                    .get_mut(section)
                    .and_then(|s| s.options.get_mut(key))
                {
                    if !v.raw.is_empty() {
                        v.raw.push('\n');
                    }
                    v.raw.push_str(trimmed);
                }
                continue;
            }
            if let Some(name) = trimmed.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
                if ini.sections.contains_key(name) {
                    return Err(err(format!("section '{name}' appears twice")));
                }
                ini.sections.insert(
                    name.to_owned(),
                    IniSection {
                        line: no,
                        options: BTreeMap::new(),
                    },
                );
                current = Some(name.to_owned());
                last = None;
                continue;
            }
            let Some(section) = &current else {
                return Err(err("an option before the first [section] header".into()));
            };
            let Some(split) = trimmed.find(['=', ':']) else {
                return Err(err(format!(
                    "'{trimmed}' is neither a [section], a 'key = value' option nor a comment"
                )));
            };
            let key = trimmed[..split].trim().to_lowercase();
            let value = trimmed[split + 1..].trim().to_owned();
            if key.is_empty() {
                return Err(err("an option with no name".into()));
            }
            let options = &mut ini
                .sections
                .get_mut(section)
                .expect("current section exists")
                .options;
            if options.contains_key(&key) {
                return Err(err(format!("option '{key}' appears twice in [{section}]")));
            }
            options.insert(
                key.clone(),
                IniValue {
                    raw: value,
                    line: no,
                },
            );
            last = Some((key, indent));
        }
        Ok(ini)
    }

    /// The raw value of `key` in `section`, falling back to `[DEFAULT]`.
    pub fn raw(&self, section: &str, key: &str) -> Option<&IniValue> {
        self.sections
            .get(section)
            .and_then(|s| s.options.get(key))
            .or_else(|| {
                self.sections
                    .get("DEFAULT")
                    .and_then(|s| s.options.get(key))
            })
    }

    /// The interpolated value of `key` in `section` (`%(name)s` from the same section or
    /// `[DEFAULT]`, `%%` for a percent sign).
    ///
    /// # Errors
    /// A message for a bad `%` use, a missing reference, or references nested deeper than 10
    /// (configparser's limit).
    pub fn get(&self, section: &str, key: &str) -> Option<Result<String, String>> {
        let value = self.raw(section, key)?;
        Some(self.interpolate(section, &value.raw, 0))
    }

    fn interpolate(&self, section: &str, raw: &str, depth: usize) -> Result<String, String> {
        if depth > 10 {
            return Err("interpolation nested deeper than 10 levels".into());
        }
        let mut out = String::with_capacity(raw.len());
        let mut rest = raw;
        while let Some(i) = rest.find('%') {
            out.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            if let Some(r) = after.strip_prefix('%') {
                out.push('%');
                rest = r;
            } else if let Some(r) = after.strip_prefix('(') {
                let Some(end) = r.find(")s") else {
                    return Err(format!("bad interpolation syntax in '{raw}'"));
                };
                let name = r[..end].to_lowercase();
                let Some(v) = self.raw(section, &name) else {
                    return Err(format!(
                        "'%({name})s' refers to an option that does not exist"
                    ));
                };
                out.push_str(&self.interpolate(section, &v.raw, depth + 1)?);
                rest = &r[end + 2..];
            } else {
                return Err(format!(
                    "'%' must be followed by '%' or '(' in '{raw}' (write %% for a percent sign)"
                ));
            }
        }
        out.push_str(rest);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_like_configparser() {
        let ini = Ini::parse(
            "# comment\n[DEFAULT]\nbase = /srv\n[log]\nLog_File = %(base)s/dr-{}.log\nlog_level: INFO\n\
             ; another\n[x]\nlong = first\n  second\n",
        )
        .unwrap();
        assert_eq!(
            ini.get("log", "log_file").unwrap().unwrap(),
            "/srv/dr-{}.log"
        );
        assert_eq!(ini.get("log", "log_level").unwrap().unwrap(), "INFO");
        assert_eq!(ini.get("x", "long").unwrap().unwrap(), "first\nsecond");
        assert_eq!(ini.raw("log", "log_level").unwrap().line, 6);
    }

    #[test]
    fn refuses_what_configparser_refuses() {
        assert_eq!(Ini::parse("key = 1\n").unwrap_err().line, 1);
        assert_eq!(Ini::parse("[a]\nk=1\nk=2\n").unwrap_err().line, 3);
        assert_eq!(Ini::parse("[a]\n[a]\n").unwrap_err().line, 2);
        assert_eq!(Ini::parse("[a]\njunk\n").unwrap_err().line, 2);
        let ini = Ini::parse("[a]\nk = 100%\n").unwrap();
        assert!(ini.get("a", "k").unwrap().is_err());
    }
}
