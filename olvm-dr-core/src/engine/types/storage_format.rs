//! Storage domain format versions and the data center compatibility levels that allow them.

use std::fmt;

use super::Version;

/// A storage domain's on-disk format (the API model's `StorageFormat`: `v1` … `v5`).
///
/// The format lives in the domain's metadata on the storage, so it travels with a replicated
/// volume from site to site. Attaching a data domain to a data center upgrades it to the format
/// of the data center's compatibility level, and there is no downgrade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StorageFormat {
    /// `v1`.
    V1,
    /// `v2`.
    V2,
    /// `v3`.
    V3,
    /// `v4`: the format of compatibility level 4.2.
    V4,
    /// `v5`: the format of compatibility levels 4.3 and later.
    V5,
}

impl StorageFormat {
    /// Every format, oldest first.
    pub const ALL: [StorageFormat; 5] = [Self::V1, Self::V2, Self::V3, Self::V4, Self::V5];

    /// The API's name (`v1` … `v5`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::V1 => "v1",
            Self::V2 => "v2",
            Self::V3 => "v3",
            Self::V4 => "v4",
            Self::V5 => "v5",
        }
    }

    /// Parses the API's name (`v5`, any case); `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// The format a data center of compatibility level `level` gives its data domains, and the
    /// newest it can attach (ovirt-engine `VersionStorageFormatUtil`: 4.3 and later → V5, 4.2 →
    /// V4; the levels older Engines supported: 4.1 → V4, 3.1 … 4.0 → V3, 3.0 → V2, 2.2 → V1;
    /// `StorageDomainToPoolRelationValidator.isStorageDomainFormatCorrectForDC`). A level newer
    /// than the Engine's table keeps the newest format.
    pub fn for_level(level: Version) -> Self {
        match (level.major, level.minor) {
            (4, 3..) | (5.., _) => Self::V5,
            (4, 1..) => Self::V4,
            (3, 1..) | (4, 0) => Self::V3,
            (3, 0) => Self::V2,
            _ => Self::V1,
        }
    }

    /// The lowest compatibility level that can attach a domain of this format (4.2 for V1 … V4).
    pub fn earliest_level(self) -> Version {
        match self {
            Self::V5 => Version::new(4, 3),
            _ => Version::new(4, 2),
        }
    }
}

/// The Engine's spelling in its messages (`V5`).
impl fmt::Display for StorageFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str().to_ascii_uppercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_map_to_the_engines_formats() {
        let level = |major, minor| StorageFormat::for_level(Version::new(major, minor));
        assert_eq!(level(4, 8), StorageFormat::V5);
        assert_eq!(level(4, 3), StorageFormat::V5);
        assert_eq!(level(4, 2), StorageFormat::V4);
        assert_eq!(level(3, 6), StorageFormat::V3);
        assert_eq!(level(3, 0), StorageFormat::V2);
        assert_eq!(StorageFormat::parse("V4"), Some(StorageFormat::V4));
        assert_eq!(StorageFormat::parse("v6"), None);
        assert_eq!(StorageFormat::V5.to_string(), "V5");
        assert_eq!(StorageFormat::V4.earliest_level(), Version::new(4, 2));
    }
}
