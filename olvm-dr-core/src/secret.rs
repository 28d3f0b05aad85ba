//! [`Secret`]: a string that never shows itself.

use std::fmt;

/// A password, token or other credential.
///
/// `Debug` and `Display` print `<redacted>`; the type implements neither `Serialize` nor
/// `Deserialize`, so a secret cannot slip into a report, a journal or a log by accident. The value
/// is read only through [`Secret::expose`], which makes every use of it easy to find.
///
/// ```
/// use olvm_dr_core::Secret;
/// let s = Secret::new("hunter2");
/// assert_eq!(format!("{s} {s:?}"), "<redacted> <redacted>");
/// assert_eq!(s.expose(), "hunter2");
/// ```
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    /// The text every secret prints as.
    pub const REDACTED: &'static str = "<redacted>";

    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The credential itself. Use it only to hand it to the party that needs it (an HTTP body, a
    /// key derivation); never format it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `true` when the credential is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(Self::REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(Self::REDACTED)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_formats_its_value() {
        let s = Secret::new("p@ss w0rd");
        for text in [
            format!("{s}"),
            format!("{s:?}"),
            format!("{s:#?}"),
            format!("{:?}", Some(&s)),
        ] {
            assert!(!text.contains("p@ss"), "{text}");
            assert!(text.contains(Secret::REDACTED));
        }
    }
}
