//! [`Field`]: one value of the mapping file, with where it is and whether it is filled in, and
//! [`PerSite`]: a pair of values, one per site.

use super::yaml::Pos;
use crate::Site;

/// One value of the mapping file.
///
/// A key that is absent ([`Field::Missing`]) is different from a key that is present but not
/// filled in yet ([`Field::NotFilled`]: `key:`, `key: ~`, or the generator's placeholder
/// `key: # data1`, whose comment is kept as the hint).
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Field<T> {
    /// The key is not in the file.
    #[default]
    Missing,
    /// The key is there with no value (null), or with a "please set" placeholder.
    NotFilled {
        /// Where the key is.
        pos: Pos,
        /// The placeholder's comment (the generator writes the primary's value there).
        hint: Option<String>,
    },
    /// The value could not be read as the expected type; a diagnostic says why.
    Invalid {
        /// Where the value is.
        pos: Pos,
    },
    /// A value.
    Set {
        /// The value.
        value: T,
        /// Where the value is.
        pos: Pos,
    },
}

impl<T> Field<T> {
    /// A value at `pos`.
    pub fn set(value: T, pos: Pos) -> Self {
        Field::Set { value, pos }
    }

    /// The value, when there is one.
    pub fn get(&self) -> Option<&T> {
        match self {
            Field::Set { value, .. } => Some(value),
            _ => None,
        }
    }

    /// Where the key or value is, unless the key is missing.
    pub fn pos(&self) -> Option<Pos> {
        match self {
            Field::Missing => None,
            Field::NotFilled { pos, .. } | Field::Invalid { pos } | Field::Set { pos, .. } => {
                Some(*pos)
            }
        }
    }

    /// `true` when there is a value.
    pub fn is_set(&self) -> bool {
        matches!(self, Field::Set { .. })
    }

    /// `true` when the key is absent.
    pub fn is_missing(&self) -> bool {
        matches!(self, Field::Missing)
    }

    /// `true` when the key is there but has no value yet.
    pub fn is_not_filled(&self) -> bool {
        matches!(self, Field::NotFilled { .. })
    }

    /// The placeholder hint of a not-filled-in value.
    pub fn hint(&self) -> Option<&str> {
        match self {
            Field::NotFilled { hint, .. } => hint.as_deref(),
            _ => None,
        }
    }

    /// The same state for another value type, for a field that holds no value; a value, if
    /// there is one, is dropped and the field becomes [`Field::Invalid`] at its position.
    pub fn retype<U>(self) -> Field<U> {
        match self {
            Field::Missing => Field::Missing,
            Field::NotFilled { pos, hint } => Field::NotFilled { pos, hint },
            Field::Invalid { pos } | Field::Set { pos, .. } => Field::Invalid { pos },
        }
    }

    /// The same field with its value mapped.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Field<U> {
        match self {
            Field::Missing => Field::Missing,
            Field::NotFilled { pos, hint } => Field::NotFilled { pos, hint },
            Field::Invalid { pos } => Field::Invalid { pos },
            Field::Set { value, pos } => Field::Set {
                value: f(value),
                pos,
            },
        }
    }
}

/// One value per site.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PerSite<T> {
    /// The primary site's.
    pub primary: T,
    /// The secondary site's.
    pub secondary: T,
}

impl<T> PerSite<T> {
    /// The value of `site`.
    pub fn get(&self, site: Site) -> &T {
        match site {
            Site::Primary => &self.primary,
            Site::Secondary => &self.secondary,
        }
    }

    /// The value of `site`, mutably.
    pub fn get_mut(&mut self, site: Site) -> &mut T {
        match site {
            Site::Primary => &mut self.primary,
            Site::Secondary => &mut self.secondary,
        }
    }

    /// Builds both values from a function of the site.
    pub fn from_fn(mut f: impl FnMut(Site) -> T) -> Self {
        Self {
            primary: f(Site::Primary),
            secondary: f(Site::Secondary),
        }
    }
}
