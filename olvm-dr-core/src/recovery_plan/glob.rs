//! VM name patterns: `*` matches any run of characters, `?` one character, everything else
//! itself (case-sensitive, as the Engine's names are).

use serde::{Deserialize, Serialize};

/// A name pattern.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Glob(String);

impl Glob {
    /// A pattern.
    pub fn new(pattern: impl Into<String>) -> Self {
        Self(pattern.into())
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `true` when it has no wildcard (it names one VM).
    pub fn is_literal(&self) -> bool {
        !self.0.contains(['*', '?'])
    }

    /// `true` when `name` matches the whole pattern.
    pub fn matches(&self, name: &str) -> bool {
        let p: Vec<char> = self.0.chars().collect();
        let n: Vec<char> = name.chars().collect();
        // Iterative matching with one backtrack point (the last `*`): linear in practice.
        let (mut i, mut j) = (0usize, 0usize);
        let mut star: Option<(usize, usize)> = None;
        while j < n.len() {
            if i < p.len() && (p[i] == '?' || p[i] == n[j]) {
                i += 1;
                j += 1;
            } else if i < p.len() && p[i] == '*' {
                star = Some((i, j));
                i += 1;
            } else if let Some((si, sj)) = star {
                i = si + 1;
                j = sj + 1;
                star = Some((si, sj + 1));
            } else {
                return false;
            }
        }
        p[i..].iter().all(|c| *c == '*')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_and_question_marks() {
        let cases = [
            ("dns*", "dns01", true),
            ("dns*", "dns", true),
            ("dns*", "xdns01", false),
            ("ad0?", "ad01", true),
            ("ad0?", "ad012", false),
            ("*-db-*", "prod-db-01", true),
            ("*-db-*", "prod-web-01", false),
            ("a*b*c", "aXbYbZc", true),
            ("a*b*c", "aXbYbZ", false),
            ("web01", "web01", true),
            ("web01", "Web01", false),
            ("*", "", true),
            ("?", "", false),
        ];
        for (pattern, name, want) in cases {
            assert_eq!(Glob::new(pattern).matches(name), want, "{pattern} ~ {name}");
        }
        assert!(Glob::new("web01").is_literal());
        assert!(!Glob::new("web*").is_literal());
    }
}
