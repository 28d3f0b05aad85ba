//! [`Id`]: the UUID that names almost every Engine entity.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use uuid::Uuid;

/// The id of an Engine entity (data center, cluster, host, storage domain, VM, ...).
///
/// Serialized as the lower-case hyphenated UUID text the Engine uses. Entities whose ids are not
/// UUIDs (authz domains, LUNs) use plain strings instead.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(Uuid);

impl Id {
    /// The all-zero id, which the Engine uses for "none" (the blank template, "no vNIC profile").
    pub const NIL: Id = Id(Uuid::nil());

    /// Wraps a UUID.
    pub const fn from_uuid(uuid: Uuid) -> Self {
        Self(uuid)
    }

    /// A fresh random (v4) id.
    pub fn random() -> Self {
        Self(Uuid::new_v4())
    }

    /// A deterministic id made from a 128-bit number (for seeded fixtures).
    pub const fn from_u128(value: u128) -> Self {
        Self(Uuid::from_u128(value))
    }

    /// The UUID.
    pub const fn as_uuid(&self) -> &Uuid {
        &self.0
    }

    /// `true` for the all-zero id.
    pub fn is_nil(&self) -> bool {
        self.0.is_nil()
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.hyphenated(), f)
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id({})", self.0.hyphenated())
    }
}

/// The text is not a UUID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a UUID")]
pub struct InvalidId(pub String);

impl FromStr for Id {
    type Err = InvalidId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // The Engine only ever writes the hyphenated form; accept nothing looser so that a typo
        // in a mapping file is reported instead of silently reinterpreted.
        if s.len() != 36 {
            return Err(InvalidId(s.to_owned()));
        }
        Uuid::parse_str(s)
            .map(Id)
            .map_err(|_| InvalidId(s.to_owned()))
    }
}

impl From<Uuid> for Id {
    fn from(value: Uuid) -> Self {
        Self(value)
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_hyphenated_text_only() {
        let text = "6f0c2a3e-1b2c-4d5e-8f90-0123456789ab";
        let id: Id = text.parse().unwrap();
        assert_eq!(id.to_string(), text);
        assert_eq!(serde_json::to_string(&id).unwrap(), format!("\"{text}\""));
        assert!("6f0c2a3e1b2c4d5e8f900123456789ab".parse::<Id>().is_err());
        assert!("not-a-uuid".parse::<Id>().is_err());
        assert!(Id::NIL.is_nil());
    }
}
