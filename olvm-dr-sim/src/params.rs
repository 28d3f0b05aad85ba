//! Request paths and parameters the way the Engine reads them.
//!
//! - The API path is `/ovirt-engine/api[/v4]/...`; each segment may carry matrix parameters
//!   (`vms;unregistered`, `vms;unregistered=true`).
//! - Query strings are form-decoded (`+` is a space, as the SDK's `urlencode` writes it) and
//!   may come in any order.
//! - A parameter is looked up in the query first, then in the matrix parameters
//!   (`ParametersHelper.getParameter`).
//! - Booleans accept `t/true/y/yes/1` and `f/false/n/no/0` in any case; an empty value
//!   (`;unregistered`) means true; any other value is ignored as if absent (the Engine logs it
//!   and uses the default).

/// The API path below `/ovirt-engine/api`, split into segments without matrix parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiPath {
    /// Percent-decoded segments, e.g. `["storagedomains", "<id>", "vms"]`.
    pub segments: Vec<String>,
    /// Matrix parameters of every segment, in order.
    pub matrix: Vec<(String, String)>,
}

/// Where the API lives.
pub(crate) const API_ROOT: &str = "/ovirt-engine/api";

impl ApiPath {
    /// Splits `path` (which starts with [`API_ROOT`]); `None` for other paths. A leading `v4`
    /// segment (the version in the path) is dropped.
    pub(crate) fn parse(path: &str) -> Option<Self> {
        let rest = path.strip_prefix(API_ROOT)?;
        if !(rest.is_empty() || rest.starts_with('/') || rest.starts_with(';')) {
            return None;
        }
        let mut segments = Vec::new();
        let mut matrix = Vec::new();
        for raw in rest.split('/').filter(|s| !s.is_empty()) {
            let mut parts = raw.split(';');
            let name = decode(parts.next().unwrap_or_default());
            for p in parts.filter(|p| !p.is_empty()) {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                matrix.push((decode(k), decode(v)));
            }
            if !name.is_empty() {
                segments.push(name);
            }
        }
        if segments.first().map(String::as_str) == Some("v4") {
            segments.remove(0);
        }
        Some(Self { segments, matrix })
    }
}

/// Percent-decoding of a path segment (`+` stays a plus sign in paths).
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// The request's parameters: query first, then matrix.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Params {
    query: Vec<(String, String)>,
    matrix: Vec<(String, String)>,
}

impl Params {
    /// From the raw query string and the path's matrix parameters.
    pub(crate) fn new(query: Option<&str>, matrix: Vec<(String, String)>) -> Self {
        let query = query
            .map(|q| {
                form_urlencoded::parse(q.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        Self { query, matrix }
    }

    /// The raw value of `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .chain(self.matrix.iter())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A boolean parameter: `None` when absent or not a boolean.
    pub(crate) fn flag(&self, name: &str) -> Option<bool> {
        let v = self.get(name)?;
        if v.is_empty() {
            return Some(true);
        }
        match v.to_ascii_lowercase().as_str() {
            "t" | "true" | "y" | "yes" | "1" => Some(true),
            "f" | "false" | "n" | "no" | "0" => Some(false),
            _ => None,
        }
    }

    /// `true` only when the flag is present and true.
    pub(crate) fn is(&self, name: &str) -> bool {
        self.flag(name) == Some(true)
    }

    /// `max`: the largest number of results; a negative or invalid value is ignored.
    pub(crate) fn max(&self) -> Option<usize> {
        self.get("max")?
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|n| if n < 0 { None } else { usize::try_from(n).ok() })
    }

    /// `search`, when given and not blank.
    pub(crate) fn search(&self) -> Option<&str> {
        self.get("search").filter(|s| !s.trim().is_empty())
    }

    /// `case_sensitive` (default false: the Engine's search is case-insensitive).
    pub(crate) fn case_sensitive(&self) -> bool {
        self.is("case_sensitive")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_versions_and_matrix_parameters() {
        let p = ApiPath::parse("/ovirt-engine/api/v4/storagedomains/abc/vms;unregistered").unwrap();
        assert_eq!(p.segments, ["storagedomains", "abc", "vms"]);
        assert_eq!(p.matrix, [("unregistered".into(), String::new())]);
        let p = ApiPath::parse("/ovirt-engine/api").unwrap();
        assert!(p.segments.is_empty());
        let p = ApiPath::parse("/ovirt-engine/api/vms;unregistered=true;max=3/").unwrap();
        assert_eq!(p.segments, ["vms"]);
        assert_eq!(p.matrix.len(), 2);
        assert_eq!(ApiPath::parse("/ovirt-engine/apix"), None);
        assert_eq!(ApiPath::parse("/other"), None);
        let p = ApiPath::parse("/ovirt-engine/api/domains/a%20b").unwrap();
        assert_eq!(p.segments, ["domains", "a b"]);
    }

    #[test]
    fn query_before_matrix_plus_is_space_and_lenient_booleans() {
        let p = Params::new(
            Some("search=name%3D%22my+vm%22&unregistered=yes&max=5&case_sensitive=TRUE"),
            vec![
                ("unregistered".into(), "false".into()),
                ("all".into(), String::new()),
            ],
        );
        assert_eq!(p.search(), Some("name=\"my vm\""));
        assert_eq!(p.flag("unregistered"), Some(true));
        assert_eq!(p.flag("all"), Some(true));
        assert_eq!(p.max(), Some(5));
        assert!(p.case_sensitive());
        let p = Params::new(Some("unregistered=maybe&max=-1&search=+"), vec![]);
        assert_eq!(p.flag("unregistered"), None);
        assert_eq!(p.max(), None);
        assert_eq!(p.search(), None);
        assert!(!p.case_sensitive());
    }
}
